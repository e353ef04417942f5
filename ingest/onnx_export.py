"""The ONNX export of an embedding model (fused fp32, int8): its cache, lock and onnxruntime runner."""

from __future__ import annotations

import contextlib
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

from ingest.embedder import Embedder, _counting_tokenizer, resolve_model_path
from newsdesk.errors import ConfigError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

log = logging.getLogger(__name__)

ONNX_FILE = "model.int8.onnx"
ONNX_FP32_FILE = "model.fp32.onnx"  # the fused graph before quantisation
ENCODER_TYPES = {"bert", "roberta", "xlm-roberta", "distilbert", "mpnet", "electra", "camembert", "albert"}
CHECK_TEXTS = ["Floods hit the coast.", "The central bank raised interest rates by half a point on Monday."]


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
    from ingest.embed import _load_st, _torch_embedder  # here: ingest.embed imports this module

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

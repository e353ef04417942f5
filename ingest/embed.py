"""Sentence embeddings: sentence-transformers on torch (fp32, bf16, cuda fp16) or its ONNX export (int8, fp32)."""

from __future__ import annotations

import copy
import functools
import logging
import os
from pathlib import Path

from ingest.embedder import Embedder, _counting_tokenizer, resolve_model_path
from ingest.onnx_export import _cache_dir, _onnx_embedder
from newsdesk.errors import ConfigError
from newsdesk.settings import DEFAULT_MODEL

log = logging.getLogger(__name__)


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

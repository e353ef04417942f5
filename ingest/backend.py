"""NEWSDESK_EMBEDDING_BACKEND=auto: per machine and model, the fastest backend that agrees with fp32.

Measured once on a fixed probe set and cached beside the model's ONNX export, keyed by the CPU (model
name, matrix-unit flags, core count), the GPU, the library versions and the model's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

AGREEMENT = 0.999  # lowest cosine to the fp32 vectors, over the probe set, that a backend may have
PROBE_SENTENCES = [
    "The central bank raised its benchmark interest rate by half a percentage point on Wednesday.",
    "Officials said the decision reflected persistent inflation and a labour market that remains tight.",
    "Floodwaters forced thousands of residents from their homes along the river overnight.",
    "Emergency crews worked through the night to restore power to about 40,000 customers.",
    "Shares of the carmaker fell 8% after it cut its forecast for annual deliveries.",
    "The company blamed supply-chain disruptions and higher prices for raw materials.",
    "Lawmakers are expected to vote on the spending bill before the end of the month.",
    "Negotiators from both parties met again on Tuesday but reported little progress.",
    "The striker scored twice in the second half to send his team into the final.",
    "Health authorities reported a rise in hospital admissions for the third week in a row.",
    "The minister told reporters that talks with the unions would resume next week.",
    "Analysts said the merger could face scrutiny from competition regulators in Europe.",
]
MATRIX_FLAGS = ("amx_bf16", "amx_int8", "amx_tile", "avx512_bf16", "avx512f", "avx512_vnni", "avx2")


def probe_texts(n: int = 48) -> list[str]:
    """A fixed set of n news-like texts from 1 to 12 sentences (about 20 to 250 tokens)."""
    k = len(PROBE_SENTENCES)
    return [" ".join(PROBE_SENTENCES[(i + j) % k] for j in range(1 + i % 12)) for i in range(n)]


def cpu_flags() -> set[str]:
    """The CPU's flags (Linux /proc/cpuinfo; empty elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _cpu_model() -> str:
    """The CPU's model name."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine(device: str) -> dict:
    """What the choice depends on: CPU, GPU and library versions."""
    import onnxruntime
    import torch

    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") else ""
    flags = cpu_flags()
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "flags": [f for f in MATRIX_FLAGS if f in flags],
        "gpu": gpu,
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def candidates(device: str, flags: set[str]) -> list[str]:
    """Backends worth measuring here besides fp32 torch."""
    if device.startswith("cuda"):
        return ["cuda-fp16"]
    out = ["onnx-int8", "onnx-fp32"]
    if flags & {"amx_bf16", "avx512_bf16"}:
        out.append("bf16")
    return out


def _choice_path(cache: Path, name: str, device: str) -> tuple[Path, dict]:
    """The cache file of this machine and model, and the facts it is keyed by."""
    from ingest.embedder import resolve_model_path
    from ingest.onnx_export import _fingerprint

    facts = {**machine(device), "model": name, "model_files": _fingerprint(resolve_model_path(name))}
    key = hashlib.sha1(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:12]
    return cache / f"backend-{device.split(':')[0]}-{key}.json", facts


def _rate(emb, texts: list[str], repeats: int = 2) -> tuple[float, np.ndarray]:
    """Best chunks/s over repeats, and the vectors."""
    emb.encode(texts[:4])  # warm-up
    best, vecs = 0.0, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        vecs = emb.encode(texts)
        best = max(best, len(texts) / (time.perf_counter() - t0))
    return best, vecs


def measure(name: str, device: str, make, texts: list[str] | None = None) -> tuple[dict, dict]:
    """Rate and agreement of every candidate; returns (figures per backend, loaded embedders)."""
    texts = texts or probe_texts()
    ref = make(name, "torch", "cpu")
    rate, want = _rate(ref, texts)
    figures = {"torch": {"chunks_per_s": round(rate, 1), "agreement": 1.0}}
    loaded = {"torch": ref}
    for backend in candidates(device, cpu_flags()):
        try:
            emb = make(name, backend, device)
            if emb.backend != backend:  # e.g. a model that cannot go to ONNX runs on torch
                figures[backend] = {"error": f"ran as {emb.backend}"}
                continue
            rate, got = _rate(emb, texts)
        except Exception as exc:  # noqa: BLE001 - a backend this machine cannot run is simply not chosen
            figures[backend] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        agreement = float(np.min(np.sum(got * want, axis=1)))
        figures[backend] = {"chunks_per_s": round(rate, 1), "agreement": round(agreement, 6)}
        loaded[backend] = emb
    return figures, loaded


def pick(figures: dict) -> str:
    """The fastest backend whose agreement with fp32 is at least AGREEMENT."""
    ok = {b: f for b, f in figures.items() if "chunks_per_s" in f and f["agreement"] >= AGREEMENT}
    return max(ok, key=lambda b: ok[b]["chunks_per_s"]) if ok else "torch"


def choose(name: str, device: str, make, cache: Path):
    """The Embedder auto picks here: from the cached choice, else measured now and cached."""
    from ingest.onnx_export import _locked, _write_atomic

    path, facts = _choice_path(cache, name, device)
    got = read(path)
    if got is None:
        with _locked(cache, ".choice.lock"):  # not the export's lock: measuring may export
            got = read(path)  # another process may have measured meanwhile
            if got is None:
                log.warning("Measuring embedding backends on this machine (once): %s", facts["cpu"])
                figures, loaded = measure(name, device, make)
                backend = pick(figures)
                got = {"backend": backend, "agreement": figures[backend]["agreement"], "device": device,
                       "measured": figures, "machine": facts, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}  # fmt: skip
                _write_atomic(path, json.dumps(got, indent=1).encode())
                return loaded[backend]
    return make(name, got["backend"], device)


def read(path: Path) -> dict | None:
    """A cached choice, or None."""
    try:
        got = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return got if isinstance(got, dict) and "backend" in got else None


def describe(settings) -> dict:
    """What `newsdesk stats` shows: the ingest backend (configured, or auto's choice) and the answer-time one."""
    from ingest.embed import answer_backend

    return {**_ingest_backend(settings), "answer_backend": answer_backend(settings)}


def _ingest_backend(settings) -> dict:
    """The backend chunks are embedded with: the configured one, or auto's cached choice and its agreement."""
    if settings.embedding_backend != "auto":
        return {"backend": settings.embedding_backend, "chosen_by": "NEWSDESK_EMBEDDING_BACKEND"}
    from ingest.onnx_export import _cache_dir

    try:
        import torch

        device = settings.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        path, _ = _choice_path(_cache_dir(settings.embedding_model), settings.embedding_model, device)
    except Exception as exc:  # noqa: BLE001 - stats must show what it can
        return {"backend": "auto", "chosen_by": f"unknown ({type(exc).__name__}: {exc})"}
    got = read(path)
    if got is None:
        return {
            "backend": "auto",
            "chosen_by": "not measured yet on this machine (the first embedding does it)",
        }
    return {"backend": got["backend"], "agreement": got["agreement"], "chosen_by": f"auto, measured {got['at']}",
            "measured": got["measured"]}  # fmt: skip

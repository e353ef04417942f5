"""Embedding throughput and agreement with fp32 torch of each backend on ~700-character news chunks."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SAMPLE = "shared/bench/rtqa-dev/articles/20220617.jsonl"
from ingest.backend import PROBE_SENTENCES as SENTENCES  # noqa: E402  (after the sys.path line)

COLUMNS = [
    ("backend", "backend", "<10"),
    ("n", "n", ">5"),
    ("load s", "load_s", ">7"),
    ("encode s", "encode_s", ">9"),
    ("chunks/s", "chunks_per_s", ">9"),
    ("per cpu-s", "chunks_per_cpu_s", ">9"),
    ("tokens", "mean_tokens", ">7"),
    ("agreement", "agreement", ">9"),
]


def chunks(n: int, size: int = 700) -> list[str]:
    """n news-like texts of about `size` characters: slices of the sample articles, else varied sentences."""
    rng = random.Random(0)
    for base in (ROOT, ROOT.parent):
        path = base / SAMPLE
        if path.is_file():
            bodies = [json.loads(line).get("text") or "" for line in path.open(encoding="utf-8")]
            slices = [b[i : i + size] for b in bodies for i in range(0, len(b) - size + 1, size)]
            if len(slices) >= n:
                return rng.sample(slices, n)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < size:
            text += rng.choice(SENTENCES) + " "
        out.append(text[:size].rsplit(" ", 1)[0])
    return out


def bench(backend: str, texts: list[str], batch_size: int) -> dict:
    """Load one backend, warm it up, and time encoding all texts."""
    from ingest.embed import load_embedder
    from newsdesk.settings import Settings

    t0 = time.perf_counter()
    emb = load_embedder(Settings(embedding_backend=backend, device="cpu", embed_batch_size=batch_size))
    load_s = time.perf_counter() - t0
    emb.encode(texts[:batch_size])
    t0, c0 = time.perf_counter(), time.process_time()
    vecs = emb.encode(texts)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    tokens = sum(emb.count_tokens(texts)) / len(texts)
    n = len(texts)
    return {
        "backend": emb.backend,
        "n": n,
        "load_s": round(load_s, 2),
        "encode_s": round(secs, 2),
        "chunks_per_s": round(n / secs, 1),
        "chunks_per_cpu_s": round(n / cpu, 1),
        "mean_tokens": round(tokens, 1),
        "_vecs": vecs,
    }


def main() -> None:
    """Run the benchmark and print a table and a JSON line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=256, help="number of chunks (default 256)")
    ap.add_argument(
        "--backend",
        choices=["all", "both", "torch", "onnx", "onnx-fp32", "bf16", "cuda-fp16", "auto"],
        default="all",
    )
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    texts = chunks(args.n)
    from ingest.backend import cpu_flags

    every = ["torch", "onnx", "onnx-fp32"] + (["bf16"] if cpu_flags() & {"amx_bf16", "avx512_bf16"} else [])
    backends = {"all": every, "both": ["torch", "onnx"]}.get(args.backend, [args.backend])
    rows = [bench(b, texts, args.batch_size) for b in backends]
    ref = next((r["_vecs"] for r in rows if r["backend"] == "torch"), None)
    for r in rows:  # lowest cosine to fp32 torch over the texts
        vecs = r.pop("_vecs")
        r["agreement"] = round(float(np.min(np.sum(vecs * ref, axis=1))), 5) if ref is not None else "-"
    print(" ".join(f"{head:{fmt}}" for head, _, fmt in COLUMNS))
    for r in rows:
        print(" ".join(f"{r[key]:{fmt}}" for _, key, fmt in COLUMNS))
    print(
        json.dumps(
            {"bench": "encode", "cpu_count": os.cpu_count(), "batch_size": args.batch_size, "results": rows}
        )
    )


if __name__ == "__main__":
    main()

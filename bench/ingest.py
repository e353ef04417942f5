#!/usr/bin/env python3
"""Ingest throughput on rtqa-dev: newsdesk vs encode-only vs the naive LangChain path, then re-ingest time.

Usage: python bench/ingest.py [--set ../shared/bench/rtqa-dev] [--batches N] [--naive-articles 120] [--encode-chunks 1000]
Prints a table and one JSON line. The store goes to a fresh temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def naive_rate(files: list[Path], n_articles: int, model_path: str, store: Path) -> dict:
    """Chunks/s of RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings + Chroma.from_documents."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = []
    for path in files:
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            docs.append(Document(page_content=record["text"], metadata={"url": record["url"]}))
    docs = docs[:n_articles]
    emb = HuggingFaceEmbeddings(model_name=model_path)
    emb.embed_query("warm up")
    started = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    Chroma.from_documents(chunks, emb, persist_directory=str(store))
    seconds = time.perf_counter() - started
    return {
        "articles": len(docs),
        "chunks": len(chunks),
        "seconds": round(seconds, 1),
        "chunks_per_s": round(len(chunks) / seconds, 2),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", default=str(ROOT.parent / "shared" / "bench" / "rtqa-dev"))
    parser.add_argument("--batches", type=int, default=0, help="only the first N weekly batches (0: all)")
    parser.add_argument(
        "--naive-articles", type=int, default=120, help="articles for the naive path's rate (0: skip)"
    )
    parser.add_argument("--encode-chunks", type=int, default=1000, help="chunks for the encode-only rate")
    args = parser.parse_args()

    from ingest.catalog import Catalog
    from ingest.embed import load_embedder
    from ingest.embedder import resolve_model_path
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    files = sorted(Path(args.set, "articles").glob("*.jsonl"))
    if args.batches:
        files = files[: args.batches]
    work = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    settings = Settings(data_dir=work / "store")
    embedder = load_embedder(settings)
    embedder.encode(["warm up"])
    started = time.perf_counter()
    batches = [ingest_paths([f], settings, embedder=embedder) for f in files]
    first = time.perf_counter() - started
    articles = sum(r.total("added") + r.total("updated") for r in batches)
    chunks = sum(r.chunks for r in batches)
    failed = sum(r.total("failed") for r in batches)

    started = time.perf_counter()
    again = [ingest_paths([f], settings, embedder=embedder) for f in files]
    reingest = time.perf_counter() - started
    assert sum(r.chunks for r in again) == 0, "re-ingest embedded something"
    import subprocess

    env = {**os.environ, "NEWSDESK_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "newsdesk.cli", "ingest", *map(str, files), "--json"]
    runs = []
    for _ in range(3):  # the whole command as a user runs it: interpreter, imports, checks; the median of 3
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        runs.append(time.perf_counter() - started)
    reingest_cmd = sorted(runs)[1]

    catalog = Catalog(settings.record_url)
    sample = [text for _cid, _aid, text in catalog.all_chunks()]  # what ingest embeds: the chunk text
    random.Random(0).shuffle(sample)
    sample = sample[: args.encode_chunks]
    started = time.perf_counter()
    embedder.encode(sample)
    encode_rate = len(sample) / (time.perf_counter() - started)

    naive = (
        naive_rate(files, args.naive_articles, resolve_model_path(settings.embedding_model), work / "naive")
        if args.naive_articles
        else None
    )
    ours = chunks / first
    figures = {
        "batches": len(files),
        "articles": articles,
        "failed": failed,
        "chunks": chunks,
        "seconds": round(first, 1),
        "articles_per_s": round(articles / first, 2),
        "chunks_per_s": round(ours, 2),
        "encode_only_chunks_per_s": round(encode_rate, 2),
        "share_of_encode_only": round(ours / encode_rate, 3),
        "naive": naive,
        "speedup_vs_naive": round(ours / naive["chunks_per_s"], 2) if naive else None,
        "reingest_seconds": round(reingest, 3),
        "reingest_speedup": round(first / max(reingest, 1e-9), 1),
        "reingest_command_seconds": round(reingest_cmd, 2),
        "reingest_command_share": round(reingest_cmd / first, 4),
        "backend": embedder.backend,
        "cpus": os.cpu_count(),
    }
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"newsdesk ingest, {len(files)} batch(es) of rtqa-dev, backend {embedder.backend}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("articles / chunks", f"{articles} / {chunks}")
    table.add_row("first ingest", f"{first:.1f} s")
    table.add_row("articles/s", f"{articles / first:.2f}")
    table.add_row("chunks/s (newsdesk)", f"{ours:.2f}")
    table.add_row(
        f"chunks/s (encode only, {len(sample)} chunks)",
        f"{encode_rate:.2f}  ({ours / encode_rate:.0%} reached)",
    )
    if naive:
        table.add_row(
            f"chunks/s (naive LangChain, {naive['articles']} articles)",
            f"{naive['chunks_per_s']:.2f}  (x{ours / naive['chunks_per_s']:.2f})",
        )
    table.add_row("re-ingest unchanged", f"{reingest:.2f} s  (x{first / max(reingest, 1e-9):.0f} faster)")
    table.add_row(
        "re-ingest unchanged, whole command",
        f"{reingest_cmd:.2f} s  ({reingest_cmd / first:.1%} of the first)",
    )
    Console().print(table)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

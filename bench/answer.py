#!/usr/bin/env python3
"""Answer quality on rtqa-dev: ingest its weekly batches, then `newsdesk eval` on its questions and off-corpus ones.

Usage: python bench/answer.py [--set ../shared/bench/rtqa-dev] [--batches N] [--store DIR] [--rows FILE]
Questions are asked alone (no choices appended), as of their quiz date. The store (bench/out/store-N) is reused:
re-running only ingests what changed. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

TARGETS = {"hit@5": (">=", 0.9), "answer_recall": (">=", 0.8), "refusal_rate": (">=", 0.9),
           "false_refusal_rate": ("<=", 0.05), "phantom_citations": ("<=", 0), "p50_ms": ("<=", 150)}  # fmt: skip


def main() -> None:
    """Ingest, evaluate, print the table and the JSON line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--set",
        default=os.environ.get("NEWSDESK_BENCH_SET", str(ROOT.parent / "shared" / "bench" / "rtqa-dev")),
    )
    ap.add_argument(
        "--batches", type=int, default=0, help="only the first N weekly batches and their questions (0: all)"
    )
    ap.add_argument("--store", default="", help="store folder (default bench/out/store-N)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rows", default="", help="write per-question rows (JSONL) here")
    ap.add_argument("--recency-boost", type=float, default=None, help="NEWSDESK_RECENCY_BOOST for this run")
    args = ap.parse_args()

    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from assistant.eval import load_questions, run_eval
    from ingest.embed import load_embedder
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    every = sorted(Path(args.set, "articles").glob("*.jsonl"))
    files = every[: args.batches] if args.batches else every
    label = "all" if len(files) == len(every) else str(len(files))
    store = Path(args.store or ROOT / "bench" / "out" / f"store-{label}")
    settings = Settings(data_dir=store)
    if args.recency_boost is not None:
        settings = settings.model_copy(update={"recency_boost": args.recency_boost})
    embedder = load_embedder(settings)
    console = Console(stderr=True)
    started = time.perf_counter()
    for f in files:
        result = ingest_paths([f], settings, embedder=embedder)
        if result.chunks:
            console.print(f"ingested {f.name}: {result.total('added')} articles, {result.chunks} chunks")
    ingest_s = time.perf_counter() - started
    batches = {f.stem for f in files}
    questions = [
        q for q in load_questions(Path(args.set, "questions.jsonl")) if not q.batch or q.batch in batches
    ]
    questions += load_questions(Path(args.set, "offcorpus.jsonl"), offcorpus=True)
    from assistant import answer

    answer("warm-up question", settings=settings)  # loads the store and the BM25 index before timing
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("questions", total=len(questions))
        figures, rows = run_eval(
            questions, settings, k=args.k, on_progress=lambda d, t: bar.update(task, completed=d)
        )
    if args.rows:
        Path(args.rows).write_text("".join(json.dumps(r) + "\n" for r in rows))
    title = f"rtqa-dev, batches: {label} ({len(files)} files), engine {settings.llm}, recency {settings.recency_boost}"
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for key, value in figures.items():
        op, want = TARGETS.get(key, ("", None))
        table.add_row(key, str(value), f"{op} {want}" if want is not None else "")
    Console().print(table)
    head = {"bench": "answer", "batches": label, "recency_boost": settings.recency_boost}
    print(json.dumps({**head, "ingest_s": round(ingest_s, 1), **figures}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An answer engine on rtqa-dev: `newsdesk eval`'s figures plus the share of answer sentences the support check flagged.

Usage: NEWSDESK_DATA_DIR=STORE python bench/engines.py [--engine gguf] [--set ../shared/bench/rtqa-dev]
       [--every N] [--off-every M] [--rows FILE]
The store must already hold rtqa-dev (bench/answer.py builds one). --every N keeps every N-th question (and
--off-every M every M-th off-corpus one), for slow engines. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main() -> None:
    """Run the eval on the (sub)sample and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT.parent.parent / "shared" / "bench" / "rtqa-dev"))
    parser.add_argument("--engine", default=None, help="answer engine (default: NEWSDESK_LLM)")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--off-every", type=int, default=1)
    parser.add_argument("--rows", default=None, help="write per-question rows (JSONL) here")
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    from assistant.citations import split_answer
    from assistant.engines import get_engine
    from assistant.eval import chunk_texts, load_questions, run_eval
    from newsdesk.settings import load_settings

    settings = load_settings(None)
    if args.engine:
        settings = settings.model_copy(update={"llm": args.engine})
    folder = Path(args.set)
    items = load_questions(folder / "questions.jsonl")[:: args.every]
    items += load_questions(folder / "offcorpus.jsonl", offcorpus=True)[:: args.off_every]
    err = Console(stderr=True)
    figures, rows = run_eval(
        items, settings, chunk_text=chunk_texts(settings),
        on_progress=lambda done, total: err.print(f"{done}/{total}", end="\r"),
    )  # fmt: skip
    answered = [r for r in rows if not r["refused"]]
    sentences = sum(len(split_answer(r["answer"])) for r in answered)
    figures.update({
        "engine": get_engine(settings).describe(), "top_k": settings.top_k,
        "questions": f"every {args.every}th of questions.jsonl, every {args.off_every}th of offcorpus.jsonl",
        "answered": len(answered), "answer_sentences": sentences,
        "flagged_share": round(figures["unsupported_sentences"] / sentences, 3) if sentences else None,
    })  # fmt: skip
    if args.rows:
        Path(args.rows).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    table = Table(title=f"rtqa-dev, {len(items)} questions, {figures['engine']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(key, "n/a" if value is None else str(value))
    Console().print(table)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Load: N questions over M seconds from K threads against the assistant; throughput and latency percentiles.

Usage: python bench/load.py [--store DIR] [-n 200] [--seconds 60] [--threads 8] [--questions FILE]

Question i is due at i*M/N seconds (an open-loop, paced arrival); K threads take the questions as they
fall due and call `assistant.answer`, the way the app's sessions do. Service time is the answer's own
duration; response time also counts the wait when every thread was busy. The run is bounded: at most N
questions, and no question starts after M + --grace seconds. Loopback only: a Chroma server or an LLM
server that is not on this machine is refused. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this folder holds concurrent.py, which would shadow the standard library's `concurrent` package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bench.concurrent import percentile  # noqa: E402


def is_loopback(host: str) -> bool:
    """Whether every address a host name resolves to is a loopback address."""
    if not host:
        return True
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def remote_endpoints(settings) -> list[str]:
    """The servers these settings would talk to that are not on loopback."""
    urls = []
    if settings.chroma_host:
        urls.append(f"Chroma server {settings.chroma_host}")
    from assistant.engines import get_engine

    where = get_engine(settings).server()[0]
    if where.startswith(("http://", "https://")):  # an engine that talks to a server
        urls.append(where)
    bad = []
    for url in urls:
        host = url.split()[-1] if url.startswith("Chroma") else (urlsplit(url).hostname or "")
        if not is_loopback(host):
            bad.append(url)
    return bad


def default_questions() -> Path:
    return (
        Path(os.environ.get("NEWSDESK_BENCH_SET", ROOT.parent / "shared" / "bench" / "rtqa-dev"))
        / "questions.jsonl"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="", help="store folder (default: NEWSDESK_DATA_DIR)")
    ap.add_argument("-n", "--questions-count", dest="n", type=int, default=200, help="questions to ask (N)")
    ap.add_argument("--seconds", type=float, default=60.0, help="spread them over this many seconds (M)")
    ap.add_argument("--threads", type=int, default=8, help="concurrent clients (K)")
    ap.add_argument("--grace", type=float, default=30.0, help="no question starts later than M + this")
    ap.add_argument(
        "--questions", default=str(default_questions()), help="JSONL with a 'question' field, or plain lines"
    )
    args = ap.parse_args()
    if not 1 <= args.n <= 100_000 or not 0 < args.seconds <= 3600 or not 1 <= args.threads <= 256:
        ap.error("bounds: 1 <= N <= 100000, 0 < M <= 3600 seconds, 1 <= K <= 256")

    from rich.console import Console
    from rich.table import Table

    import assistant
    from newsdesk.settings import load_settings

    settings = load_settings(data_dir=Path(args.store)) if args.store else load_settings()
    remote = remote_endpoints(settings)
    if remote:
        ap.error(f"loopback only; these are not on this machine: {', '.join(remote)}")
    lines = [x for x in Path(args.questions).read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = [json.loads(x)["question"] if x.lstrip().startswith("{") else x.strip() for x in lines]

    warm = time.perf_counter()
    assistant.answer(questions[0], settings=settings)  # load the model, the store and the BM25 index once
    warm = time.perf_counter() - warm

    interval = args.seconds / args.n
    lock, next_i, records = threading.Lock(), [0], []
    start = time.monotonic()
    last_start = start + args.seconds + args.grace

    def client() -> None:
        while True:
            with lock:
                i = next_i[0]
                if i >= args.n:
                    return
                next_i[0] += 1
            due = start + i * interval
            time.sleep(max(due - time.monotonic(), 0))
            if time.monotonic() > last_start:
                return
            began = time.monotonic()
            try:
                got = assistant.answer(questions[i % len(questions)], settings=settings)
                error, refused = None, got.refused
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                error, refused = f"{type(exc).__name__}: {exc}"[:300], False
            done = time.monotonic()
            records.append(
                {"service": done - began, "response": done - due, "error": error, "refused": refused}
            )

    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    ok = [r for r in records if r["error"] is None]
    service = [r["service"] * 1000 for r in ok]
    response = [r["response"] * 1000 for r in ok]

    def ms(values: list[float], q: float) -> float | None:
        v = percentile(values, q)
        return round(v, 1) if v is not None else None

    result = {
        "bench": "load", "store": str(settings.data_dir), "engine": settings.llm, "threads": args.threads,
        "target": {"questions": args.n, "seconds": args.seconds, "per_s": round(args.n / args.seconds, 2)},
        "asked": len(records), "answered": len(ok), "refused": sum(r["refused"] for r in ok),
        "errors": len(records) - len(ok), "not_started": args.n - len(records), "seconds": round(elapsed, 1),
        "answers_per_s": round(len(ok) / elapsed, 2),
        "service_ms": {f"p{q}": ms(service, q) for q in (50, 95, 99)} | {"max": round(max(service), 1) if service else None},
        "response_ms": {f"p{q}": ms(response, q) for q in (50, 95, 99)},
        "warmup_s": round(warm, 1), "cpus": os.cpu_count(),
        "first_errors": sorted({r["error"] for r in records if r["error"]})[:3],
    }  # fmt: skip
    table = Table(
        title=f"{args.n} questions over {args.seconds:g} s from {args.threads} threads ({settings.llm})"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in ("asked", "answered", "refused", "errors", "not_started", "seconds", "answers_per_s"):
        table.add_row(key, str(result[key]))
    for kind in ("service_ms", "response_ms"):
        for q, v in result[kind].items():
            table.add_row(f"{kind.split('_')[0]} {q} ms", str(v))
    Console(width=120).print(table)
    print(json.dumps(result))
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

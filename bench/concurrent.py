#!/usr/bin/env python3
"""Ingest while serving: `newsdesk ingest` of the rtqa-dev batches runs while K threads ask questions.

Usage: python bench/concurrent.py [--set ../shared/bench/rtqa-dev] [--batches N] [--threads 20]
                                  [--idle-seconds 30] [--max-seconds 1800] [--server] [--store DIR]

A fresh store is seeded with data/sample, then the ingest runs as its own process (the CLI, as an operator
would run it) while the threads call `assistant.answer` in this process, the way the app does. After the
ingest the same threads keep asking for --idle-seconds. Prints answer latency p50/p95 during the ingest and
when idle, errors (and "database is locked" ones apart), then one JSON line. --server starts
`chroma run` on 127.0.0.1 and points both processes at it. Everything stays on loopback; the run is bounded
by --max-seconds (the ingest is stopped and the run reported as incomplete past it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this folder holds concurrent.py, which would shadow the standard library's `concurrent` package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary(records: list[dict], seconds: float) -> dict:
    """Counts, throughput and latency percentiles (ms) of one phase's answers."""
    ok = [r["seconds"] * 1000 for r in records if r["error"] is None]
    errors = [r["error"] for r in records if r["error"] is not None]
    return {
        "answers": len(ok),
        "refused": sum(1 for r in records if r.get("refused")),
        "errors": len(errors),
        "locked_errors": sum(1 for e in errors if "locked" in e.lower()),
        "seconds": round(seconds, 1),
        "answers_per_s": round(len(ok) / seconds, 2) if seconds > 0 else None,
        **{f"p{q}_ms": round(v, 1) if (v := percentile(ok, q)) is not None else None for q in (50, 95, 99)},
        "max_ms": round(max(ok), 1) if ok else None,
        "first_errors": sorted(set(errors))[:3],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path) -> tuple[subprocess.Popen, int]:
    """`chroma run` on 127.0.0.1 and a free port, once its heartbeat answers."""
    port = free_port()
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("chroma run did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--set",
        default=os.environ.get("NEWSDESK_BENCH_SET", str(ROOT.parent / "shared" / "bench" / "rtqa-dev")),
    )
    ap.add_argument(
        "--batches", type=int, default=0, help="ingest only the first N weekly batches (0: all six)"
    )
    ap.add_argument("--threads", type=int, default=20, help="concurrent clients asking questions")
    ap.add_argument(
        "--idle-seconds", type=float, default=30.0, help="how long to keep asking after the ingest"
    )
    ap.add_argument("--max-seconds", type=float, default=1800.0, help="bound on the whole run")
    ap.add_argument("--server", action="store_true", help="use a Chroma server (chroma run on 127.0.0.1)")
    ap.add_argument(
        "--store", default="", help="store folder, emptied first (default bench/out/concurrent-store)"
    )
    args = ap.parse_args()
    if not 1 <= args.threads <= 256:
        ap.error("--threads must be between 1 and 256")

    from rich.console import Console
    from rich.table import Table

    import assistant
    from assistant.components import get_components
    from ingest.embed import load_embedder
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    every = sorted(Path(args.set, "articles").glob("*.jsonl"))
    if not every:
        ap.error(f"no articles/*.jsonl under {args.set}")
    files = every[: args.batches] if args.batches else every
    rows = [json.loads(x) for x in Path(args.set, "questions.jsonl").read_text().splitlines() if x.strip()]
    batches = {f.stem for f in files}  # questions about the batches ingested, else all of them
    questions = [r["question"] for r in rows if r.get("batch") in batches] or [r["question"] for r in rows]
    store = Path(args.store or ROOT / "bench" / "out" / "concurrent-store")
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    server, env = None, {**os.environ, "NEWSDESK_DATA_DIR": str(store)}
    settings = Settings(data_dir=store)
    if args.server:
        server, port = start_chroma(store / "chroma-server")
        settings = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
        env |= {"NEWSDESK_CHROMA_HOST": "127.0.0.1", "NEWSDESK_CHROMA_PORT": str(port)}
    console = Console(stderr=True)
    deadline = time.monotonic() + args.max_seconds
    try:
        embedder = load_embedder(settings)
        ingest_paths(sorted((ROOT / "data" / "sample").glob("*.txt")), settings, embedder=embedder)
        get_components(settings, embedder)  # the app's loaded parts, once

        records: list[dict] = []
        phase = {"name": "ingest"}
        stop = threading.Event()

        def client(k: int) -> None:
            i = k * 7
            while not stop.is_set() and time.monotonic() < deadline:
                question, which = questions[i % len(questions)], phase["name"]
                started = time.perf_counter()
                try:
                    got = assistant.answer(question, settings=settings)
                    records.append(
                        {
                            "phase": which,
                            "seconds": time.perf_counter() - started,
                            "error": None,
                            "refused": got.refused,
                        }
                    )
                except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                    records.append(
                        {
                            "phase": which,
                            "seconds": time.perf_counter() - started,
                            "error": f"{type(exc).__name__}: {exc}"[:300],
                        }
                    )
                i += 1

        command = [sys.executable, "-m", "newsdesk.cli", "ingest", *map(str, files), "--json"]
        console.print(f"ingesting {len(files)} batch(es) while {args.threads} clients ask; store {store}")
        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(args.threads)]
        ingest_started = time.monotonic()
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for t in threads:
            t.start()
        try:
            out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 1))
            complete = proc.returncode in (0, 1)  # 1: some input failed, reported per file
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate()
            complete = False
        ingest_seconds = time.monotonic() - ingest_started
        phase["name"] = "idle"
        idle_started = time.monotonic()
        time.sleep(max(min(args.idle_seconds, deadline - time.monotonic()), 0))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        idle_seconds = time.monotonic() - idle_started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)

    ingest = json.loads(out) if complete and out.strip().startswith("{") else {}
    during = summary([r for r in records if r["phase"] == "ingest"], ingest_seconds)
    idle = summary([r for r in records if r["phase"] == "idle"], idle_seconds)
    table = Table(
        title=f"{args.threads} clients; ingest of {len(files)} batch(es), {'Chroma server' if args.server else 'embedded Chroma'}"
    )
    for col in ("phase", "answers", "errors", "locked", "refused", "answers/s", "p50 ms", "p95 ms", "max ms"):
        table.add_column(col, justify="left" if col == "phase" else "right")
    for name, s in (("during ingest", during), ("idle", idle)):
        table.add_row(
            name,
            *(
                str(s[k])
                for k in (
                    "answers",
                    "errors",
                    "locked_errors",
                    "refused",
                    "answers_per_s",
                    "p50_ms",
                    "p95_ms",
                    "max_ms",
                )
            ),
        )
    Console(width=120).print(table)
    chunks = ingest.get("chunks")
    Console(width=120).print(f"ingest: {ingest_seconds:.0f} s, exit {proc.returncode}, {ingest.get('added')} articles added, "
                    f"{chunks} chunks ({chunks / ingest_seconds:.1f} chunks/s)" if chunks else f"ingest: {err[-500:]}")  # fmt: skip
    print(json.dumps({
        "bench": "concurrent", "batches": len(files), "threads": args.threads, "server": args.server, "complete": complete,
        "ingest": {"seconds": round(ingest_seconds, 1), "exit": proc.returncode, "added": ingest.get("added"),
                   "failed": ingest.get("failed"), "chunks": chunks},
        "during_ingest": during, "idle": idle, "cpus": os.cpu_count(),
    }))  # fmt: skip
    if during["errors"] or idle["errors"] or not complete:
        sys.exit(1)


if __name__ == "__main__":
    main()

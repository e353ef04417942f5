"""Helpers of the test_faults_* modules, shared with test_concurrency.py: ports, a Chroma server, the CLI."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ingest import store
from tests.test_ingest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    """`chroma run --path PATH --host 127.0.0.1 --port PORT`, once its heartbeat answers."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"chroma run did not start on port {port}")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def vector_index_ids(settings, embedder) -> list[str]:
    """Chunk ids a nearest-neighbour query over the whole (small) store returns, through a fresh client so
    the vector index is read from disk as it is now. HNSW is approximate: keep stores under ~100 chunks."""
    col = store.open_client(settings, fresh=True).get_collection(settings.collection, embedding_function=None)
    n = col.count()
    if not n:
        return []
    got = col.query(
        query_embeddings=[embedder.embed_query("officials discussed the plan")], n_results=n, include=[]
    )
    return sorted(got["ids"][0])


def cli(args: list[str], data: Path, **env) -> subprocess.Popen:
    full = {**os.environ, "NEWSDESK_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", *args], env=full, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip

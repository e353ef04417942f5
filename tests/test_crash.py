"""Kill -9 an ingest mid-batch, re-run it, and the store equals a clean ingest."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_ingest import ROOT, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model


def _ingest_process(path: Path, data: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(data),
        "NEWSDESK_INGEST_BATCH_CHUNKS": "4",
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "ingest", str(path), "--json"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _pending_and_done(db: Path) -> tuple[int, int]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return (conn.execute("select count(*) from pending where content_hash != ''").fetchone()[0],
                    conn.execute("select count(*) from articles").fetchone()[0])  # fmt: skip
    except sqlite3.Error:
        return 0, 0


def _kill_mid_batch(path: Path, data: Path, after_articles: int) -> None:
    """Start an ingest and SIGKILL it while a batch is being written."""
    proc = _ingest_process(path, data)
    deadline = time.time() + 300
    db = data / "catalog.sqlite3"
    while time.time() < deadline and proc.poll() is None:
        pending, done = _pending_and_done(db)
        if pending and done >= after_articles:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.01)
    proc.kill()
    raise AssertionError(
        f"ingest ended before it could be killed mid-batch: {proc.communicate()[1][-2000:]!r}"
    )


def test_kill_mid_batch_then_rerun_equals_clean_ingest(tmp_path, settings, real_embedder):
    batch = _write_jsonl(tmp_path / "batch.jsonl", _records(24))
    crashed = settings.model_copy(update={"data_dir": tmp_path / "crashed"})
    clean = settings.model_copy(update={"data_dir": tmp_path / "clean"})
    _kill_mid_batch(batch, crashed.data_dir, after_articles=3)
    pending, done = _pending_and_done(crashed.data_dir / "catalog.sqlite3")
    assert pending > 0 and 0 < done < 24, "the kill landed mid-batch"
    rerun = subprocess.run(_ingest_process(batch, crashed.data_dir).args, env={**os.environ, "NEWSDESK_DATA_DIR": str(crashed.data_dir)},
                           cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    from ingest.pipeline import ingest_paths

    ingest_paths([batch], clean, embedder=real_embedder)
    after_crash, reference = _state(crashed, real_embedder), _state(clean, real_embedder)
    assert after_crash == reference
    assert len(after_crash["articles"]) == 24

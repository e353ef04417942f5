"""Faults: kill -9 of an ingest at ten random points, then a re-run equals a clean ingest."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from tests.faults_helpers import cli, vector_index_ids
from tests.test_ingest import _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model

SEED = 20240611


def _progress(db: Path, since: float) -> tuple[int, int]:
    """(pending marks, articles committed since a time) read from the record without locking it."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return (conn.execute("select count(*) from pending").fetchone()[0],
                    conn.execute("select count(*) from articles where ingested_at >= ?", (since,)).fetchone()[0])  # fmt: skip
    except sqlite3.Error:
        return 0, 0


def _kill_at_random_point(path: Path, data: Path, rng: random.Random, prune: bool) -> dict:
    """Start `newsdesk ingest`, SIGKILL it at a random point: after a random delay, after a random number of
    newly committed articles, or then only while a batch is marked pending (between mark and clear)."""
    mode = rng.choice(["delay", "committed", "mid-batch"])
    delay, target, jitter = rng.uniform(1.0, 4.0), rng.randint(1, 5), rng.uniform(0, 0.03)
    started = time.time()
    proc = cli(
        ["ingest", str(path), "--json", *(["--prune"] if prune else [])],
        data,
        NEWSDESK_INGEST_BATCH_CHUNKS="4",
    )
    while proc.poll() is None and time.time() - started < 120:
        if mode == "delay":
            due = time.time() - started >= delay
        else:
            pending, fresh = _progress(data / "catalog.sqlite3", started)
            due = fresh >= target and (pending > 0 or mode == "committed")
        if due:
            time.sleep(jitter)
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    _, err = proc.communicate(timeout=60)
    killed = proc.returncode == -signal.SIGKILL
    assert killed or proc.returncode == 0, err[-2000:]
    return {"mode": mode, "killed": killed, "pending_after": _progress(data / "catalog.sqlite3", started)[0]}


def _long_records(n: int) -> list[dict]:
    """n synthetic articles of about three chunks each."""
    out = _records(n)
    for i, r in enumerate(out):
        r["text"] += " " + " ".join(
            f"The {w} committee of town {i} met {j + 1} times and published report {i}-{j} on the {w} budget."
            for j, w in enumerate(["transport", "housing", "school", "water", "park", "library"] * 3)
        )
    return out


def _edited(n: int, revision: int) -> list[dict]:
    """The same articles with every second body revised and the last two gone (updates and removals)."""
    out = _long_records(n)
    for r in out[::2]:
        r["text"] += f" Edition {revision} revised the figures and quoted the mayor."
    return out[:-2]


def test_kill_at_ten_random_points_then_rerun_equals_clean_ingest(tmp_path, settings, real_embedder):
    rng = random.Random(SEED)
    batch = _write_jsonl(tmp_path / "batch.jsonl", _long_records(48))
    crashed = settings.model_copy(update={"data_dir": tmp_path / "crashed"})
    outcomes, revision = [], 0
    for i in range(10):
        if i == 5 or (outcomes and not outcomes[-1]["killed"]):
            # half way, and whenever a run finished before its kill: edits and removals, so there is work
            # left and kills also land in replacing and pruning
            revision += 1
            _write_jsonl(batch, _edited(48, revision))
        outcomes.append(_kill_at_random_point(batch, crashed.data_dir, rng, prune=revision > 0))
    killed = [o for o in outcomes if o["killed"]]
    assert len(killed) >= 8, outcomes
    assert any(o["pending_after"] for o in killed), f"no kill landed inside a batch: {outcomes}"
    final = cli(["ingest", str(batch), "--json", "--prune"], crashed.data_dir)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err[-2000:]

    clean = settings.model_copy(update={"data_dir": tmp_path / "clean"})
    ingest_paths([batch], clean, embedder=real_embedder)
    after, reference = _state(crashed, real_embedder), _state(clean, real_embedder)
    assert after == reference
    _assert_consistent(after)
    assert len(after["articles"]) == 46
    assert vector_index_ids(crashed, real_embedder) == after["chroma"], (
        "the HNSW index holds exactly the chunks"
    )

"""Ingest while serving: two ingest processes and answering threads on one store, embedded and server mode.

Embedded Chroma (a PersistentClient per process) lets other processes read while one writes, with no
locking errors, but a process that opened the store keeps the vector index it loaded: it sees new chunk
ids and texts at once, new vectors only after it opens the store afresh (`open_client(settings,
fresh=True)`). A Chroma server has no such lag; that is the mode for several app processes.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

import assistant
from assistant.components import clear_components, get_components
from ingest import store
from ingest.pipeline import ingest_paths
from newsdesk.errors import NewsdeskError
from tests.faults_helpers import cli, free_port, start_chroma, stop, vector_index_ids
from tests.test_ingest import ROOT, _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model

QUESTIONS = [
    "What did officials discuss about the harbour plan?",
    "How long will the railway work take?",
    "What happened with the vaccine plan?",
    "Which committee met about the zeppelin festival?",
]


def _batch(tag: str, n: int, topic: str | None = None) -> list[dict]:
    """n synthetic articles with their own URLs; topic, when given, makes them the only ones about it."""
    out = []
    for r in _records(n):
        r = dict(r, url=f"{r['url']}/{tag}")
        if topic:
            r["title"] = f"{topic.title()} plans in Quarrytown {r['url'][-6:]}"
            r["text"] = r["text"] + f" The {topic} committee of Quarrytown met to plan the {topic} festival."
        out.append(r)
    return out


@pytest.fixture
def chroma_server(tmp_path):
    path = tmp_path / "chroma-server"
    path.mkdir()
    port = free_port()
    proc = start_chroma(path, port)
    yield port
    stop(proc)


@pytest.fixture(params=["embedded", "server"])
def mode_settings(request, settings, tmp_path):
    if request.param == "embedded":
        return settings
    port = request.getfixturevalue("chroma_server")
    return settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})


def test_two_ingest_processes_and_answering_threads_at_once(mode_settings, real_embedder, tmp_path):
    s = mode_settings
    ingest_paths([_write_jsonl(tmp_path / "seed.jsonl", _batch("seed", 4))], s, embedder=real_embedder)
    first = _write_jsonl(tmp_path / "first.jsonl", _batch("first", 10))
    second = _write_jsonl(tmp_path / "second.jsonl", _batch("second", 10, topic="zeppelin"))
    clear_components()
    get_components(s, real_embedder)  # the app process: its own embedder, loaded once

    stop_asking, answers, errors = threading.Event(), [], []

    def ask(k: int) -> None:
        i = k
        while not stop_asking.is_set():
            started = time.perf_counter()
            try:
                got = assistant.answer(QUESTIONS[i % len(QUESTIONS)], settings=s)
                answers.append((time.perf_counter() - started, got.refused))
            except Exception as exc:  # noqa: BLE001 - every failure is collected and fails the test below
                errors.append(f"{type(exc).__name__}: {exc}")
            i += 1

    env = {"NEWSDESK_INGEST_BATCH_CHUNKS": "4"}
    if s.chroma_host:
        env |= {"NEWSDESK_CHROMA_HOST": s.chroma_host, "NEWSDESK_CHROMA_PORT": str(s.chroma_port)}
    threads = [threading.Thread(target=ask, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    procs = [cli(["ingest", str(path), "--json"], s.data_dir, **env) for path in (first, second)]
    outputs = [p.communicate(timeout=300) for p in procs]
    answered_during = len(answers)
    stop_asking.set()
    for t in threads:
        t.join(timeout=120)

    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err.lower(), err[-2000:]
    assert not errors, errors[:5]
    assert answered_during >= 3, "answers kept coming while both ingests ran"
    state = _state(s, real_embedder)
    _assert_consistent(state)
    expected = {r["url"] for r in _batch("seed", 4) + _batch("first", 10) + _batch("second", 10)}
    assert {a for a, _ in state["articles"]} == expected
    assert vector_index_ids(s, real_embedder) == state["chroma"], "no vector lost to the other writer"

    # the app process answers from what the other processes wrote (no restart)
    got = assistant.answer("Which committee met to plan the zeppelin festival in Quarrytown?", settings=s)
    seen = not got.refused and any(src.url.endswith("/second") for src in got.sources)
    assert seen, got.text


_WRITE_IN_A_CHILD = """
import sys
from pathlib import Path
from ingest.pipeline import ingest_paths
from newsdesk.settings import Settings
from tests.conftest import WordOverlapEmbedder
from tests.test_ingest import _records, _write_jsonl
path = _write_jsonl(Path(sys.argv[2]), [dict(r, url=r["url"] + "/child") for r in _records(6)])
assert ingest_paths([path], Settings(data_dir=Path(sys.argv[1])), embedder=WordOverlapEmbedder()).total("added") == 6
"""


def test_a_fresh_embedded_client_sees_what_another_process_wrote(settings, fake_embedder, tmp_path):
    import subprocess

    ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(3))], settings, embedder=fake_embedder)
    held = store.open_collection(settings, fake_embedder)  # an app process's client, opened before
    assert held.count() == 3
    child = subprocess.run([sys.executable, "-c", _WRITE_IN_A_CHILD, str(settings.data_dir), str(tmp_path / "c.jsonl")],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert child.returncode == 0, child.stderr[-2000:]
    assert held.count() == 9, "ids and metadata of another process's writes are seen at once"
    assert len(vector_index_ids(settings, fake_embedder)) == 9, "a fresh client sees its vectors too"
    assert len(store.open_collection(settings, fake_embedder).get()["ids"]) == 9


class _Recorder:
    """Enough of an SQLAlchemy engine and connection to record what ingest_lock sends."""

    def __init__(self):
        self.sent = []
        self.dialect = type("D", (), {"name": "postgresql"})()

    def connect(self):
        return self

    def execute(self, statement, params=None):
        self.sent.append((str(statement), dict(params or {})))

    def commit(self):
        self.sent.append(("COMMIT", {}))

    def invalidate(self):
        self.sent.append(("INVALIDATE", {}))

    def close(self):
        self.sent.append(("CLOSE", {}))


def test_ingest_lock_is_a_postgres_advisory_lock_held_for_the_whole_ingest(tmp_path):
    from ingest.catalog import Catalog

    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    with catalog.ingest_lock("newsdesk"):
        pass  # SQLite: the file lock in data_dir is the lock; nothing is sent
    catalog.engine = recorder = _Recorder()
    with catalog.ingest_lock("newsdesk"):
        assert [s for s, _ in recorder.sent] == ["SELECT pg_advisory_lock(:key)", "COMMIT"]
    sql = [s for s, _ in recorder.sent]
    assert sql[2:] == ["SELECT pg_advisory_unlock(:key)", "COMMIT", "CLOSE"]
    keys = {p["key"] for _, p in recorder.sent if p}
    assert len(keys) == 1 and -(2**63) <= keys.pop() < 2**63
    with pytest.raises(NewsdeskError), catalog.ingest_lock("newsdesk"):
        raise NewsdeskError("the ingest failed")
    assert recorder.sent[-3:] == [
        ("SELECT pg_advisory_unlock(:key)", recorder.sent[-3][1]),
        ("COMMIT", {}),
        ("CLOSE", {}),
    ]

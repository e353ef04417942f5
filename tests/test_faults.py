"""Faults: kill -9 at random points, a full or read-only data folder, the Chroma server going away.

After each fault the store must equal a clean ingest (same chunk ids in Chroma, the record and the
BM25 index, nothing pending), or the operation must fail with a StoreError that says what to do and
leave the store usable.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest import store
from ingest.pipeline import ingest_paths
from newsdesk.errors import NewsdeskError, StoreError
from tests.test_ingest import ROOT, _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model

SEED = 20240611


# --- helpers shared with tests/test_concurrency.py -------------------------------------------------


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


# --- kill -9 at ten random points ---------------------------------------------------------------


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


# --- a full or read-only data folder -----------------------------------------------------------


def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount for a real tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode()[-200:]}")


def _remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True, capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    """A folder on its own small tmpfs (skipped where it cannot be mounted); unmounted afterwards."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        path = tmp_path / f"tmpfs{len(mounted)}"
        _mount_tmpfs(path, size)
        mounted.append(path)
        return path

    yield make
    from assistant.components import clear_components

    clear_components()
    for path in mounted:
        store.drop_client(type("S", (), {"chroma_host": "", "data_dir": path / "store"})())
    gc.collect()
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _big_records(n: int) -> list[dict]:
    out = _records(n)
    for r in out:
        r["url"] += "/long"
        r["text"] = r["text"] * 5
    return out


def test_full_disk_is_a_clear_error_and_a_rerun_after_making_room_completes(tmpfs, fake_embedder, tmp_path):
    from assistant.core import answer

    mount = tmpfs("3m")
    s = _settings_on(mount)
    base = _write_jsonl(tmp_path / "base.jsonl", _records(3))
    big = _write_jsonl(tmp_path / "big.jsonl", _big_records(400))
    assert ingest_paths([base], s, embedder=fake_embedder).total("added") == 3
    before = _state(s, fake_embedder)

    with pytest.raises(StoreError) as info:
        ingest_paths([big], s, embedder=fake_embedder)
    message = str(info.value)
    assert "full" in message.lower() and "fix:" in message, message
    assert str(mount) in message or "disk" in message.lower()

    # nothing stored is lost
    assert {a for a, _ in before["articles"]} <= {a for a, _ in _state_articles(s)}

    _remount(mount, "size=200m")
    again = ingest_paths([big], s, embedder=fake_embedder)
    assert again.total("failed") == 0
    clean = s.model_copy(update={"data_dir": tmp_path / "clean"})
    ingest_paths([base], clean, embedder=fake_embedder)
    ingest_paths([big], clean, embedder=fake_embedder)
    after = _state(s, fake_embedder)
    assert after == _state(clean, fake_embedder)
    _assert_consistent(after)
    got = answer("What did officials discuss about the harbour plan?", settings=s, embedder=fake_embedder)
    assert not got.refused and got.sources


def test_answering_while_the_disk_is_full_still_answers(tmpfs, fake_embedder, tmp_path):
    from assistant.core import answer

    s = _settings_on(tmpfs("3m"))
    ingest_paths([_write_jsonl(tmp_path / "base.jsonl", _records(3))], s, embedder=fake_embedder)
    with pytest.raises(StoreError):
        ingest_paths([_write_jsonl(tmp_path / "big.jsonl", _big_records(400))], s, embedder=fake_embedder)
    # reads need no space (Chroma holds no documents, so a failed write leaves nothing half-indexed to read)
    got = answer("What did officials discuss about the harbour plan?", settings=s, embedder=fake_embedder)
    assert got.sources and not got.refused


def _settings_on(mount: Path):
    from newsdesk.settings import Settings

    return Settings(data_dir=mount / "store")


def _state_articles(s) -> list[tuple[str, int]]:
    from ingest.catalog import Catalog

    return [(a["id"], a["n_chunks"]) for a in Catalog(s.record_url).articles()]


_SEED_IN_A_CHILD = """
import sys
from pathlib import Path
from ingest.pipeline import ingest_paths
from newsdesk.settings import Settings
from tests.conftest import WordOverlapEmbedder
result = ingest_paths([Path(sys.argv[2])], Settings(data_dir=Path(sys.argv[1])), embedder=WordOverlapEmbedder())
assert result.total("added") == 3
"""


def test_read_only_data_folder_is_a_clear_error_and_the_store_stays_usable(tmpfs, fake_embedder, tmp_path):
    from assistant.core import answer

    mount = tmpfs("50m")
    s = _settings_on(mount)
    base = _write_jsonl(tmp_path / "base.jsonl", _records(3))
    # seeded by another process: a remount read-only needs no file on it open for writing
    seeded = subprocess.run([sys.executable, "-c", _SEED_IN_A_CHILD, str(s.data_dir), str(base)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    _remount(mount, "ro")

    more = _write_jsonl(tmp_path / "more.jsonl", _records(6))
    with pytest.raises(StoreError) as info:
        ingest_paths([more], s, embedder=fake_embedder)
    assert "read-only" in str(info.value) and str(s.data_dir) in str(info.value) and info.value.fix
    try:  # reading a read-only store: an answer, or a clear error, never a crash
        answer("What did officials discuss about the harbour plan?", settings=s, embedder=fake_embedder)
    except NewsdeskError as exc:
        assert exc.fix

    _remount(mount, "rw")
    from assistant.components import clear_components

    clear_components()
    result = ingest_paths([more], s, embedder=fake_embedder)
    assert (result.total("added"), result.total("unchanged")) == (3, 3)
    after = _state(s, fake_embedder)
    _assert_consistent(after)
    assert len(after["articles"]) == 6
    got = answer("What did officials discuss about the harbour plan?", settings=s, embedder=fake_embedder)
    assert not got.refused and got.sources


def test_store_folder_that_cannot_be_created_is_a_clear_error(settings, fake_embedder, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    s = settings.model_copy(update={"data_dir": tmp_path / "a-file" / "store"})
    with pytest.raises(StoreError) as info:
        ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(1))], s, embedder=fake_embedder)
    assert "Cannot create the store folder" in str(info.value) and "NEWSDESK_DATA_DIR" in str(info.value)


def test_write_failure_mid_ingest_is_a_store_error_and_a_rerun_completes(
    settings, fake_embedder, tmp_path, monkeypatch
):
    """Where no tmpfs can be mounted this still drives the real error path: Chroma failing an upsert."""
    import errno

    batch = _write_jsonl(tmp_path / "batch.jsonl", _records(12))
    s = settings.model_copy(update={"ingest_batch_chunks": 4})
    real_upsert, calls = store.upsert, []

    def failing_upsert(collection, ids, *args):
        calls.append(len(ids))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_upsert(collection, ids, *args)

    monkeypatch.setattr(store, "upsert", failing_upsert)
    with pytest.raises(StoreError) as info:
        ingest_paths([batch], s, embedder=fake_embedder)
    assert "while storing chunks" in str(info.value) and "No space left" in str(info.value)
    assert "newsdesk ingest" in info.value.fix
    monkeypatch.setattr(store, "upsert", real_upsert)
    result = ingest_paths([batch], s, embedder=fake_embedder)
    assert result.total("unchanged") == 4 and result.total("added") == 8
    clean = s.model_copy(update={"data_dir": tmp_path / "clean"})
    ingest_paths([batch], clean, embedder=fake_embedder)
    assert _state(s, fake_embedder) == _state(clean, fake_embedder)


# --- the Chroma server going away ---------------------------------------------------------------


@pytest.fixture
def chroma(tmp_path):
    """A Chroma server that a test can kill and start again on the same port and path."""
    server = {"port": free_port(), "path": tmp_path / "chroma-server", "proc": None}
    server["path"].mkdir()

    def up():
        server["proc"] = start_chroma(server["path"], server["port"])

    def down():
        stop(server["proc"], signal.SIGKILL)

    up()
    server.update(up=up, down=down)
    yield server
    stop(server["proc"])


QUESTION = "What did officials discuss about the harbour plan?"


def test_chroma_server_going_away_is_a_clear_error_and_all_works_once_it_is_back(
    chroma, settings, fake_embedder, tmp_path
):
    from assistant.core import answer

    s = settings.model_copy(
        update={"chroma_host": "127.0.0.1", "chroma_port": chroma["port"], "ingest_batch_chunks": 4}
    )
    first = _write_jsonl(tmp_path / "first.jsonl", _records(4))
    second = _write_jsonl(tmp_path / "second.jsonl", [dict(r, url=r["url"] + "/b") for r in _records(12)])
    ingest_paths([first], s, embedder=fake_embedder)
    assert not answer(QUESTION, settings=s, embedder=fake_embedder).refused

    def kill_after_first_batch(progress):
        if progress.articles_done and chroma["proc"].poll() is None:
            chroma["down"]()

    with pytest.raises(StoreError) as info:  # the server dies in the middle of an ingest
        ingest_paths([second], s, embedder=fake_embedder, on_progress=kill_after_first_batch)
    assert f"127.0.0.1:{chroma['port']}" in str(info.value) and "newsdesk store serve" in info.value.fix
    with pytest.raises(StoreError) as info:  # and a new ingest cannot start while it is down
        ingest_paths([second], s, embedder=fake_embedder)
    assert "NEWSDESK_CHROMA_HOST" in info.value.fix

    chroma["up"]()  # same port, same path
    result = ingest_paths([second], s, embedder=fake_embedder)
    assert result.total("failed") == 0 and result.total("added") + result.total("unchanged") == 12
    _assert_consistent(_state(s, fake_embedder))
    assert len(_state(s, fake_embedder)["articles"]) == 16
    assert not answer(QUESTION, settings=s, embedder=fake_embedder).refused


def test_answering_while_the_chroma_server_is_down_is_a_store_error(
    chroma, settings, fake_embedder, tmp_path
):
    from assistant.core import answer

    s = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma["port"]})
    ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(4))], s, embedder=fake_embedder)
    assert not answer(QUESTION, settings=s, embedder=fake_embedder).refused  # the app has a live client
    chroma["down"]()
    with pytest.raises(StoreError) as info:
        answer(QUESTION, settings=s, embedder=fake_embedder)
    assert f"127.0.0.1:{chroma['port']}" in str(info.value) and info.value.fix
    chroma["up"]()
    assert not answer(QUESTION, settings=s, embedder=fake_embedder).refused


def test_cli_says_what_to_do_when_the_chroma_server_is_down(chroma, settings, real_embedder, tmp_path):
    s = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma["port"]})
    batch = _write_jsonl(tmp_path / "b.jsonl", _records(2))
    ingest_paths([batch], s, embedder=real_embedder)
    chroma["down"]()
    env = {"NEWSDESK_CHROMA_HOST": "127.0.0.1", "NEWSDESK_CHROMA_PORT": str(chroma["port"])}
    unchanged = cli(["ingest", str(batch)], s.data_dir, **env)  # nothing to write: Chroma is never opened
    assert unchanged.communicate(timeout=300) and unchanged.returncode == 0
    grown = _write_jsonl(tmp_path / "c.jsonl", _records(3))  # one new article: it must reach the server
    runs = [cli(["ingest", str(grown)], s.data_dir, **env), cli(["ask", QUESTION], s.data_dir, **env)]
    for proc in runs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, (out, err)
        assert "Traceback" not in err and f"127.0.0.1:{chroma['port']}" in err and "fix:" in err, err

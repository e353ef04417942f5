"""Faults: a full, read-only or uncreatable data folder is a clear StoreError and the store stays usable."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import store
from ingest.pipeline import ingest_paths
from newsdesk.errors import NewsdeskError, StoreError
from tests.test_ingest import ROOT, _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model


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

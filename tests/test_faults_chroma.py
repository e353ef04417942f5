"""Faults: the Chroma server going away mid-ingest or mid-answer is a clear StoreError, fine once back."""

from __future__ import annotations

import signal

import pytest

from ingest.pipeline import ingest_paths
from newsdesk.errors import StoreError
from tests.faults_helpers import cli, free_port, start_chroma, stop
from tests.test_ingest import _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model


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

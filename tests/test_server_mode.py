"""Server mode: ingest and re-ingest against a `chroma run` server that the test starts on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths, store_stats
from tests.test_ingest import _assert_consistent, _records, _state, _write_jsonl

pytestmark = pytest.mark.slow  # servers, subprocesses or the real model


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A Chroma server on 127.0.0.1:FREE_PORT, stopped after the module."""
    port = _free_port()
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("chroma run did not start")
    yield {"host": "127.0.0.1", "port": port, "process": proc}
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def server_settings(settings, chroma_server, tmp_path):
    return settings.model_copy(
        update={
            "chroma_host": chroma_server["host"],
            "chroma_port": chroma_server["port"],
            "collection": f"t{tmp_path.name[-20:]}x",
        }
    )


def test_ingest_and_reingest_against_a_chroma_server(server_settings, fake_embedder, tmp_path):
    batch = _write_jsonl(tmp_path / "batch.jsonl", _records(6))
    first = ingest_paths([batch], server_settings, embedder=fake_embedder)
    assert first.total("added") == 6
    again = ingest_paths([batch], server_settings, embedder=fake_embedder)
    assert again.total("unchanged") == 6 and again.chunks == 0
    _assert_consistent(_state(server_settings, fake_embedder))
    assert store_stats(server_settings)["store"].startswith("http://127.0.0.1:")


def test_unreachable_server_is_a_clear_error(settings, fake_embedder, tmp_path):
    from newsdesk.errors import StoreError

    down = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": _free_port()})
    with pytest.raises(StoreError) as info:
        ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(1))], down, embedder=fake_embedder)
    assert "NEWSDESK_CHROMA_HOST" in str(info.value)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What did Wang Yi say about the ties with Russia?", "China"),
        ("How far did the rial fall?", "Iran Plays Down"),
    ],
)
def test_answers_against_a_chroma_server_cite_the_right_article(
    server_settings, real_embedder, tmp_path, question, title
):
    from assistant import answer
    from assistant.components import get_components
    from tests.conftest import write_seed_jsonl
    from tests.test_assistant import check_citations

    ingest_paths([write_seed_jsonl(tmp_path / "seeds.jsonl")], server_settings, embedder=real_embedder)
    get_components(server_settings, real_embedder)
    got = answer(question, settings=server_settings)
    assert not got.refused, got.text
    check_citations(got)
    assert any(s.title.startswith(title) for s in got.sources)
    assert answer("Who won the 2022 World Cup?", settings=server_settings).refused

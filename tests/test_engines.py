"""The engine seam on fakes: registry, one place naming engines, the gguf engine's errors and streaming, the CLI."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import answer
from assistant.engines import Engine, engine_class, engine_names, get_engine
from newsdesk import cli
from newsdesk.errors import ConfigError, LLMError
from newsdesk.settings import Settings
from tests.fake_servers import FakeLLMServer

ROOT = Path(__file__).resolve().parent.parent
XI = "When might Xi visit Moscow?"


@pytest.fixture(scope="module")
def fake_store(tmp_path_factory):
    """Settings on a store of the sample articles embedded by the word-overlap fake (no real model)."""
    from assistant.components import get_components
    from ingest.pipeline import ingest_paths
    from tests.conftest import SAMPLE, WordOverlapEmbedder

    embedder = WordOverlapEmbedder()
    settings = Settings(data_dir=tmp_path_factory.mktemp("engines") / "store")
    ingest_paths(sorted(SAMPLE.glob("*.txt")), settings, embedder=embedder)
    get_components(settings, embedder=embedder)  # every later question on this store uses the fake
    return settings


def test_registry_lists_every_engine_with_a_line_and_a_fix():
    assert engine_names() == ["extractive", "openai", "ollama", "gguf"]
    s = Settings(gguf_path="/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    lines = {n: get_engine(s.model_copy(update={"llm": n})).describe() for n in engine_names()}
    assert lines == {
        "extractive": "extractive, no LLM",
        "openai": "openai: gpt-4o-mini at http://127.0.0.1:8080/v1",
        "ollama": "ollama: llama3.1 at http://127.0.0.1:11434",
        "gguf": "gguf: SmolLM2-135M-Instruct.Q4_1",
    }
    for name in engine_names():
        cls = engine_class(name)
        assert issubclass(cls, Engine) and cls.summary and cls.name == name
        assert (
            "NEWSDESK_LLM=extractive" in get_engine(s.model_copy(update={"llm": name})).fix()
            or not cls.uses_llm
        )


def test_unknown_engine_names_the_choices(fake_store):
    with pytest.raises(ConfigError) as info:
        answer(XI, settings=fake_store.model_copy(update={"llm": "gpt5"}))
    assert "'gpt5'" in info.value.message and "extractive, openai, ollama, gguf" in info.value.fix


def test_nothing_outside_the_engines_compares_engine_names():
    """Engines are chosen in one place: no `settings.llm == "..."` anywhere else."""
    pattern = re.compile(r"\.llm\s*(==|!=|in\b)|\bllm\s*==\s*[\"']")
    offenders = []
    for folder in ("assistant", "ingest", "newsdesk", "ui", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if "engines" in path.parts:
                continue
            offenders += [f"{path.relative_to(ROOT)}:{i}" for i, line in enumerate(path.read_text().splitlines(), 1)
                          if pattern.search(line)]  # fmt: skip
    assert offenders == []


def test_gguf_without_xllamacpp_names_the_extra(fake_store, monkeypatch):
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as if not installed
    settings = fake_store.model_copy(update={"llm": "gguf", "gguf_path": __file__})
    engine = get_engine(settings)
    assert "xllamacpp" in engine.missing()
    with pytest.raises(LLMError) as info:
        answer(XI, settings=settings)
    assert "xllamacpp" in info.value.message and "pip install 'newsdesk[gguf]'" in info.value.fix


def test_gguf_without_a_file_names_the_setting(fake_store, tmp_path):
    for path, words in (("", "NEWSDESK_GGUF_PATH is empty"), (str(tmp_path / "none.gguf"), "does not exist")):
        settings = fake_store.model_copy(update={"llm": "gguf", "gguf_path": path})
        with pytest.raises(LLMError) as info:
            get_engine(settings).check()
        assert words in info.value.message and "NEWSDESK_GGUF_PATH" in info.value.fix


class FakeLlamaServer:
    """Stands in for xllamacpp.Server: streams a reply's words as chat-completion chunks, records payloads."""

    def __init__(self, reply: str, fail_after: int | None = None):
        self.reply, self.fail_after, self.payloads = reply, fail_after, []

    def handle_chat_completions(self, payload, callback=None):
        self.payloads.append(payload)
        if not payload["stream"]:
            return {"choices": [{"message": {"role": "assistant", "content": self.reply}}]}
        for i, word in enumerate(re.findall(r"\S+\s*", self.reply)):
            if self.fail_after is not None and i == self.fail_after:
                raise RuntimeError("llama.cpp aborted")
            callback({"choices": [{"index": 0, "delta": {"content": word}}]})
        return None


@pytest.fixture
def fake_llama(monkeypatch, fake_store, tmp_path):
    """The gguf engine over a FakeLlamaServer (the real one is in test_llama_cpp.py, marked slow)."""
    import assistant.engines.gguf as gguf

    pytest.importorskip  # noqa: B018 (xllamacpp itself is not needed with the fake)
    fake = FakeLlamaServer("Xi could visit Moscow in April or early May [2][7]. Nobody knows [1].")
    monkeypatch.setattr(gguf, "load_server", lambda *a, **k: fake)
    monkeypatch.setattr(gguf.GGUFEngine, "missing", lambda self: "")
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    return fake, fake_store.model_copy(update={"llm": "gguf", "gguf_path": str(model)})


def test_gguf_engine_streams_through_the_citation_checks(fake_llama):
    from assistant import stream_answer

    fake, settings = fake_llama
    items = list(stream_answer(XI, settings=settings))
    final = items[-1]
    assert final.engine == "gguf" and final.engine_line == "gguf: tiny"
    assert len(items) > 4 and "".join(items[:-1]).strip() == final.text
    assert final.text == "Xi could visit Moscow in April or early May [1]. Nobody knows [2]."
    assert final.removed_markers == ["[7]"] and [s.n for s in final.sources] == [1, 2]
    payload = fake.payloads[-1]
    assert payload["stream"] is True and payload["temperature"] == 0 and payload["max_tokens"] == 512
    assert (
        payload["messages"][0]["role"] == "system" and '<passage n="1"' in payload["messages"][-1]["content"]
    )


def test_gguf_failure_mid_stream_is_an_llm_error(fake_llama):
    fake, settings = fake_llama
    fake.fail_after = 3
    with pytest.raises(LLMError) as info:
        answer(XI, settings=settings)
    assert "llama.cpp aborted" in info.value.message and "NEWSDESK_GGUF_PATH" in info.value.fix


def test_gguf_follow_up_rewritten_by_the_model(fake_llama):
    fake, settings = fake_llama
    fake.reply = "When might Xi Jinping visit Moscow?"
    history = [
        {"role": "user", "content": "Who is Xi Jinping?"},
        {"role": "assistant", "content": "China's leader."},
    ]
    a = answer("When might he visit Moscow?", history=history, settings=settings)
    assert a.standalone_question == "When might Xi Jinping visit Moscow?"
    assert (
        fake.payloads[0]["stream"] is False
        and "Who is Xi Jinping?" in fake.payloads[0]["messages"][-1]["content"]
    )


def run(*args):
    return CliRunner().invoke(cli.app, list(args))


def test_engines_command_lists_what_answers(fake_store, monkeypatch):
    with FakeLLMServer("ready") as server:
        monkeypatch.setenv("NEWSDESK_OPENAI_BASE_URL", server.openai_url)
        monkeypatch.setenv("NEWSDESK_OLLAMA_BASE_URL", "http://127.0.0.1:9")
        monkeypatch.setenv("NEWSDESK_GGUF_PATH", "")
        monkeypatch.setenv("NEWSDESK_LLM", "openai")
        result = run("engines", "--json")
        assert result.exit_code == 0, result.output
        rows = {r["engine"]: r for r in json.loads(result.stdout)}
        assert len(server.requests) == 1 and 5 in (
            server.requests[0].get("max_tokens"),
            server.requests[0].get("max_completion_tokens"),
        )  # one short check
    assert list(rows) == ["extractive", "openai", "ollama", "gguf"]
    assert rows["openai"]["selected"] and rows["openai"]["status"] == "answers"
    assert rows["extractive"]["status"] == "answers"
    assert rows["ollama"]["status"] == "fails" and "NEWSDESK_OLLAMA_BASE_URL" in rows["ollama"]["problem"]
    assert rows["gguf"]["status"] == "unavailable" and rows["gguf"]["extra"] == "gguf"
    table = run("engines", "--no-check")
    assert table.exit_code == 0 and "newsdesk[gguf]" in table.stdout and "not checked" in table.stdout


def test_ask_engine_option(fake_store, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(fake_store.data_dir))
    with FakeLLMServer("Xi could visit Moscow in April or early May [1].") as server:
        monkeypatch.setenv("NEWSDESK_OPENAI_BASE_URL", server.openai_url)
        result = run("ask", XI, "--engine", "openai", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "openai" and data["engine_line"].startswith(
        "openai: gpt-4o-mini at http://127.0.0.1:"
    )
    assert server.requests and data["answer"] == "Xi could visit Moscow in April or early May [1]."
    bad = run("ask", XI, "--engine", "nope")
    assert bad.exit_code != 0 and "nope" in str(bad.exception or bad.output)

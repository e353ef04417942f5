"""The sidebar's engine chooser under AppTest: settings per engine, one check when chosen, kept for the session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fake_servers import FakeLLMServer
from tests.test_engines import fake_store  # noqa: F401 (fixture)

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
QUESTION = "When might Xi Jinping visit Moscow?"


@pytest.fixture
def seeded(monkeypatch, fake_store):  # noqa: F811
    """The app on the seed store, the extractive engine configured."""
    import os

    for key in list(os.environ):
        if key.startswith("NEWSDESK_") and key != "NEWSDESK_MODEL_CACHE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSDESK_LLM", "extractive")
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(fake_store.data_dir))
    return monkeypatch


def app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def captions(at) -> str:
    """Every caption on the page, Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption))


def test_every_engine_is_offered_with_its_settings(seeded):
    at = app()
    box = at.sidebar.selectbox(key="engine_name")
    assert box.options == ["extractive", "openai", "ollama", "gguf"] and box.value == "extractive"
    assert not at.sidebar.text_input  # extractive has nothing to set
    box.set_value("openai").run()
    assert [t.label for t in at.sidebar.text_input] == ["Server URL", "Model"]
    assert at.sidebar.text_input(key="engine_openai_base_url").value == "http://127.0.0.1:8080/v1"
    at.sidebar.selectbox(key="engine_name").set_value("gguf").run()
    assert [t.label for t in at.sidebar.text_input] == ["GGUF file"]
    assert "Engine: extractive, no LLM" in captions(at)  # nothing changes until it is used


def test_choosing_an_engine_checks_it_once_and_keeps_it(seeded):
    reply = "Xi could visit Moscow in April or early May [1]."
    with FakeLLMServer(replies=["ready", reply]) as server:
        at = app()
        at.sidebar.selectbox(key="engine_name").set_value("openai").run()
        at.sidebar.text_input(key="engine_openai_base_url").set_value(server.openai_url).run()
        at.sidebar.text_input(key="engine_openai_model").set_value("fake-7b").run()
        assert server.requests == []  # typing sends nothing
        at.sidebar.button(key="engine_use").click().run()
        assert not at.exception and not at.sidebar.error
        assert len(server.requests) == 1 and server.requests[0]["model"] == "fake-7b"
        assert f"Engine: openai: fake-7b at {server.openai_url}" in captions(at)
        at.chat_input[0].set_value(QUESTION).run()
        answer = at.session_state["messages"][-1]["answer"]
        assert answer.engine == "openai" and answer.text == reply and len(server.requests) == 2
        assert f"openai: fake-7b at {server.openai_url}, " in captions(at)  # the engine line under the answer
        at.run()  # kept for the session
        assert at.sidebar.selectbox(key="engine_name").value == "openai"


def test_a_failed_check_says_so_and_keeps_the_engine(seeded):
    at = app()
    at.sidebar.selectbox(key="engine_name").set_value("openai").run()
    at.sidebar.text_input(key="engine_openai_base_url").set_value("http://127.0.0.1:9/v1").run()
    at.sidebar.button(key="engine_use").click().run()
    assert not at.exception
    error = at.sidebar.error[0].value.replace("\\", "")
    assert error.startswith("openai did not answer:") and "127.0.0.1:9/v1" in error
    assert "NEWSDESK_OPENAI_BASE_URL" in error
    assert "Engine: extractive, no LLM" in captions(at)
    at.chat_input[0].set_value(QUESTION).run()
    assert at.session_state["messages"][-1]["answer"].engine == "extractive"
    assert "extractive, no LLM" in captions(at)

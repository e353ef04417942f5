"""The test_ui_app_* fixtures (a plugin of conftest.py, so the seed store is built once) and helpers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "ui" / "app.py")
SEEDS = sorted((ROOT / "data" / "sample").glob("*.txt"))
QUESTION = "When might Xi Jinping visit Moscow?"
PAYLOAD = "<img src=x onerror=alert(1)>"
EXTRA = [
    {
        "title": PAYLOAD,
        "text": "The village bakery festival drew record crowds this weekend. Bakers from twelve towns "
        "sold rye loaves, honey cakes and pretzels. Organisers said the festival would return next spring "
        "with a larger tent and a children's baking contest.",
        "url": "https://example.org/bakery-festival",
        "outlet": "Example Wire",
        "published": "2023-02-22",
    },
    {
        "title": "Tram line opens in the old town",
        "text": "A new tram line opened in the old town on Monday after two years of works. The line has "
        "nine stops and links the station with the university. The city said trams would run every ten minutes.",
        "url": "javascript:alert(2)",
        "outlet": "Example Wire",
        "published": "2023-02-20",
    },
]


def write_extra(folder: Path) -> Path:
    """The two extra JSON articles (one titled with an HTML payload) as a file."""
    path = folder / "extra.json"
    path.write_text(json.dumps(EXTRA), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, model_cache) -> Path:
    """A store of the seed articles plus the extra JSON ones, built once with the real embedder."""
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    base = tmp_path_factory.mktemp("ui-seed")
    settings = Settings(data_dir=base / "store")
    result = ingest_paths([*SEEDS, write_extra(base)], settings)
    assert result.total("failed") == 0 and result.total("added") >= 4
    return settings.data_dir


@pytest.fixture
def env(monkeypatch):
    """A clean NEWSDESK_* environment with the extractive engine."""
    import os

    for key in list(os.environ):
        if key.startswith("NEWSDESK_") and key != "NEWSDESK_MODEL_CACHE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSDESK_LLM", "extractive")
    return monkeypatch


@pytest.fixture
def seeded(env, seed_store):
    """The app pointed at the seed store."""
    env.setenv("NEWSDESK_DATA_DIR", str(seed_store))
    return seed_store


@pytest.fixture
def calls(monkeypatch):
    """Every call the UI makes to the assistant (question, history, filters, settings), passed on to it."""
    import assistant.core

    seen, real = [], assistant.core.stream_answer

    def spy(question, history=(), filters=None, settings=None, as_of=None, **kw):
        seen.append(
            {"question": question, "history": list(history), "filters": filters, "settings": settings}
        )
        yield from real(question, history=history, filters=filters, settings=settings, as_of=as_of, **kw)

    monkeypatch.setattr(assistant.core, "stream_answer", spy)
    return seen


def app(page: str | None = None):
    """A fresh app run, on a page when given."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60).run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def ask(at, question: str):
    """Type a question into the chat and run."""
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def markdowns(at) -> list[str]:
    """Every Markdown source on the page."""
    return [m.value for m in at.markdown]

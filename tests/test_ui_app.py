"""The Streamlit app under AppTest: chat on a seed store (extractive engine), filters, errors, ingest, sources."""

from __future__ import annotations

import json
import shutil
from datetime import date
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


@pytest.mark.slow
def test_chat_answers_with_badges_and_source_cards(seeded, calls):
    at = ask(app(), QUESTION)
    reply = at.session_state["messages"][-1]["answer"]
    assert not reply.refused and reply.sources
    md = markdowns(at)
    assert any(m.startswith("April or early May :blue-badge[1]") for m in md), md  # answer, badge
    card = [m for m in md if ":orange-background[" in m]
    assert card and all("\\<" not in m or "\\>" in m for m in card)
    assert any(m.startswith(":blue-badge[1] **") for m in md)  # card title
    assert [e.label for e in at.expander].count("Full article") == len(reply.sources)
    assert at.chat_message[0].name == "user" and at.chat_message[1].name == "assistant"
    assert calls[0]["question"] == QUESTION and calls[0]["history"] == []
    assert calls[0]["settings"].llm == "extractive"


@pytest.mark.slow
def test_follow_up_sends_history_and_new_chat_forgets(seeded, calls):
    at = ask(ask(app(), QUESTION), "Who will he meet there?")
    first = at.session_state["messages"][1]["answer"]
    assert calls[1]["history"] == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.text},
    ]
    follow = at.session_state["messages"][3]["answer"]
    assert "Xi" in follow.standalone_question
    assert len(at.chat_message) == 4
    at.sidebar.button[0].click().run()
    assert at.session_state["messages"] == [] and len(at.chat_message) == 0


@pytest.mark.slow
def test_sidebar_shows_engine_and_collection(seeded):
    at = app()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "extractive" in captions and "2023\\-02\\-20" in captions and "Last ingest: 20" in captions
    metrics = {m.label: m.value for m in at.sidebar.metric}
    assert metrics["Articles"] == "5" and metrics["Outlets"] == "1"  # the seed exports name no outlet
    assert at.multiselect(key="outlets").options == ["Example Wire"]


@pytest.mark.slow
def test_filters_reach_the_assistant(seeded, calls):
    at = app()
    at.multiselect(key="outlets").set_value(["Example Wire"])
    at.slider(key="top_k").set_value(3)
    ask(at, "What did the bakers sell at the village bakery festival?")
    sent = calls[-1]
    assert sent["filters"].outlets == ["Example Wire"] and sent["filters"].since is None
    assert sent["settings"].top_k == 3
    reply = at.session_state["messages"][-1]["answer"]
    assert reply.sources and {s.outlet for s in reply.sources} == {"Example Wire"}


@pytest.mark.slow
def test_date_filter_narrows_to_a_refusal(seeded, calls):
    at = app()
    at.date_input(key="dates").set_value((date(2023, 2, 21), date(2023, 2, 22))).run()
    ask(at, QUESTION)
    assert (calls[-1]["filters"].since, calls[-1]["filters"].until) == (date(2023, 2, 21), date(2023, 2, 22))
    assert at.session_state["messages"][-1]["answer"].refused
    assert at.info and "published 2023\\-02\\-21" in at.info[0].value


@pytest.mark.slow
def test_refusal_is_an_info_box_without_sources(seeded):
    at = ask(app(), "What is the capital of Peru?")
    reply = at.session_state["messages"][-1]["answer"]
    assert reply.refused and not reply.sources
    assert len(at.info) == 1 and "cover" in at.info[0].value
    assert not [m for m in markdowns(at) if "badge" in m or "background" in m]
    assert not at.expander


def test_empty_store_points_to_the_ingest_page(env, tmp_path):
    env.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "nothing-yet"))
    at = app()
    assert "No articles are stored yet" in at.info[0].value
    ask(at, QUESTION)
    assert "No articles are stored yet" in at.error[0].value and "Fix:" in at.error[0].value
    links = [p.proto.page for p in at.get("page_link")]
    assert links and all(link.endswith("ingest") or "ingest" in link for link in links)


@pytest.mark.slow
def test_unreachable_llm_names_url_and_setting(seeded, env):
    env.setenv("NEWSDESK_LLM", "openai")
    env.setenv("NEWSDESK_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    env.setenv("NEWSDESK_LLM_TIMEOUT", "5")
    at = ask(app(), QUESTION)
    text = at.error[0].value
    assert "127\\.0\\.0\\.1:9" in text.replace("\\:", ":") and "NEWSDESK\\_OPENAI\\_BASE\\_URL" in text
    assert "openai" in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.slow  # ingests with the real model
def test_ingest_uploads_show_the_per_file_table(env, tmp_path):
    env.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "store"))
    env.setenv("NEWSDESK_MAX_UPLOAD_MB", "1")
    at = app("ingest")
    uploader = at.file_uploader(key="uploads")
    for seed in SEEDS:
        uploader.upload(seed.name, seed.read_bytes(), "text/plain")
    uploader.upload("../../etc/evil name.json", json.dumps(EXTRA).encode(), "application/json")
    uploader.upload("broken.jsonl", b'{"title": "x"}\nnot json\n', "application/json")
    uploader.upload("big.txt", b"word " * 300_000, "text/plain")
    at.run()
    at.button(key="ingest_uploads").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("file")
    assert list(table.columns) == ["added", "updated", "unchanged", "failed", "reason"]
    assert table.loc["../../etc/evil name.json", "added"] == 2
    assert sum(table.loc[s.name, "added"] for s in SEEDS) == 3
    assert table.loc["broken.jsonl", "failed"] >= 1 and table.loc["broken.jsonl", "reason"]
    assert (
        table.loc["big.txt", "failed"] == 1 and "over the 1 MB upload limit" in table.loc["big.txt", "reason"]
    )
    assert at.warning and "5 added" in at.warning[0].value
    assert not (tmp_path / "etc").exists() and not Path("/etc/evil name.json").exists()
    at.button(key="ingest_uploads").click().run()  # again: nothing changes
    again = at.dataframe[0].value.set_index("file")
    assert again.loc["../../etc/evil name.json", "unchanged"] == 2


@pytest.mark.slow  # ingests with the real model
def test_ingest_folder_and_missing_folder(env, tmp_path):
    env.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "store"))
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder)
    at = app("ingest")
    at.text_input(key="folder").set_value(str(tmp_path / "missing")).run()
    at.button(key="ingest_folder").click().run()
    assert "No such file or folder" in at.error[0].value and not at.dataframe
    at.text_input(key="folder").set_value(str(folder)).run()
    at.button(key="ingest_folder").click().run()
    table = at.dataframe[0].value
    assert table["added"].sum() == 3 and table["failed"].sum() == 0 and at.success


@pytest.mark.slow
def test_sources_page_lists_searches_and_shows_chunks(seeded):
    at = app("sources")
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value) == 5  # the table, then the story timeline
    at.text_input(key="search").set_value("img").run()
    assert len(at.dataframe[0].value) == 1
    heading = at.subheader[0].value
    assert heading == r"\<img src\=x onerror\=alert\(1\)\>"
    assert any(e.label.startswith("Chunk 1") for e in at.expander)
    assert [b.proto.url for b in at.get("link_button")] == ["https://example.org/bakery-festival"]
    at.text_input(key="search").set_value("tram").run()
    assert not at.get("link_button")  # its javascript: URL is no link
    assert at.dataframe[0].value["url"].isna().all()
    at.text_input(key="search").set_value("wire tram").run()
    assert len(at.dataframe[0].value) == 1


@pytest.mark.slow
def test_sources_story_view_and_stored_dates(seeded):
    at = app("sources")
    table = at.dataframe[0].value
    assert set(table["date from"]) == {
        "metadata",
        "none",
    }  # the JSON records carry dates, the seed texts none
    assert (table["published"].notna() == (table["date from"] != "none")).all()
    at.text_input(key="search").set_value("img").run()
    story = at.dataframe[1].value
    assert list(story["date"]) == ["2023-02-22"] and list(story["outlet"]) == ["Example Wire"]
    assert any("first reported 2023\\-02\\-22 by Example Wire" in c.value for c in at.caption)


@pytest.mark.slow
def test_as_of_defaults_to_the_newest_article_of_an_archive_and_reaches_the_assistant(seeded, monkeypatch):
    import assistant.core

    seen, real = [], assistant.core.stream_answer

    def spy(question, history=(), filters=None, settings=None, as_of=None, **kw):
        seen.append(as_of)
        yield from real(question, history=history, filters=filters, settings=settings, as_of=as_of, **kw)

    monkeypatch.setattr(assistant.core, "stream_answer", spy)
    at = app()
    assert at.date_input(key="as_of").value == date(2023, 2, 22)  # the seeds are years old: an archive
    notice = "Answering as of 2023\\-02\\-22, the newest article; change it in the sidebar\\."
    assert any(c.value == notice for c in at.caption)
    ask(at, QUESTION)
    assert seen[-1] == date(2023, 2, 22) and at.session_state["messages"][-1]["answer"].as_of == "2023-02-22"
    at.date_input(key="as_of").set_value(date(2023, 2, 21)).run()
    assert not any(c.value == notice for c in at.caption)
    ask(at, "What happened at the bakery festival?")
    reply = at.session_state["messages"][-1]["answer"]
    assert seen[-1] == date(2023, 2, 21) and all(s.published <= "2023-02-21" for s in reply.sources)


@pytest.mark.slow
def test_chroma_server_down_is_an_error_with_the_fix(seeded, env):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    env.setenv("NEWSDESK_CHROMA_HOST", "127.0.0.1")
    env.setenv("NEWSDESK_CHROMA_PORT", str(port))
    at = ask(app(), QUESTION)
    text = at.error[0].value.replace("\\", "")
    assert f"127.0.0.1:{port}" in text and "Fix:" in text
    assert "newsdesk store serve" in text or "NEWSDESK_CHROMA_HOST" in text


@pytest.mark.slow
def test_empty_chat_offers_example_questions_from_the_newest_stories_and_asks_one(seeded, calls):
    at = app()
    buttons = [b for b in at.button if (b.key or "").startswith("example-")]
    assert len(buttons) == 3
    labels = [b.label.replace("\\", "") for b in buttons]
    assert all(label.startswith("What do the articles say about") for label in labels)
    assert "Tram line opens in the old town" in labels[1], labels  # newest first, one per story
    buttons[1].click().run()
    assert not at.exception, at.exception
    assert (
        calls and calls[-1]["question"] == "What do the articles say about “Tram line opens in the old town”?"
    )
    reply = at.session_state["messages"][-1]["answer"]
    assert reply.sources and "tram" in reply.text.lower()
    assert not [b for b in at.button if (b.key or "").startswith("example-")], "asked: the examples go"


def test_example_questions_take_one_story_each_and_drop_outlet_suffixes():
    from ui.examples import example_questions

    got = example_questions([("Fed hikes rates by three quarters - CNN", "s1"), ("Fed raises rates again", "s1"),
                             ("Heat wave grips the South | Reuters", "s2"), ("Ok", "s3"),
                             ("Yellowstone floods close the park", None), ("Spirit agrees to JetBlue deal", "s4")])  # fmt: skip
    assert got == [
        "What do the articles say about “Fed hikes rates by three quarters”?",
        "What do the articles say about “Heat wave grips the South”?",
        "What do the articles say about “Yellowstone floods close the park”?",
    ]

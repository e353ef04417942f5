"""The Streamlit app under AppTest: the sidebar's engine and collection, its filters, answering as of."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui_app_helpers import QUESTION, app, ask
from ui import render


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
def test_an_as_of_date_past_the_newest_article_is_said_under_the_answer(seeded):
    at = app()
    at.date_input(key="as_of").set_value(date(2023, 6, 1)).run()
    ask(at, QUESTION)
    reply = at.session_state["messages"][-1]["answer"]
    assert reply.notice.startswith("The newest article up to 2023-06-01 is from 2023-02-22")
    assert any(c.value == render.escape_md(reply.notice) for c in at.caption)  # under the answer

"""The Streamlit app under AppTest: chat on a seed store (extractive engine), refusals, errors, examples."""

from __future__ import annotations

import pytest

from tests.ui_app_helpers import QUESTION, app, ask, markdowns


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

"""Chat page: ask questions, watch the answer stream in, check every citation against its source."""

from __future__ import annotations

from datetime import date

import streamlit as st

import assistant
from assistant import Answer, Filters
from assistant.dates import default_as_of
from newsdesk.errors import NewsdeskError
from ui import render
from ui.cards import show_answer
from ui.common import (
    collection_stats,
    empty_store_notice,
    get_catalog,
    get_settings,
    named_outlets,
    show_error,
)
from ui.engine_picker import engine_picker
from ui.examples import example_questions

MAX_PASSAGES = 20


def _day(value: str | None) -> date | None:
    """A published string as a date."""
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _new_chat() -> None:
    """Forget the conversation."""
    st.session_state["messages"] = []


def sidebar(settings, stats: dict):
    """Filters, engine, passages, collection figures and New chat; returns (Filters, settings to use)."""
    with st.sidebar:
        st.button("New chat", icon=":material/add_comment:", on_click=_new_chat, width="stretch")
        st.subheader("Filters")
        outlets = st.multiselect("Outlets", named_outlets(stats), key="outlets", placeholder="All outlets")
        first, last = _day(stats["first_published"]), _day(stats["last_published"])
        since = until = None
        if first and last and first < last:
            picked = st.date_input(
                "Published between", value=(first, last), min_value=first, max_value=last, key="dates"
            )
            if isinstance(picked, (tuple, list)) and len(picked) == 2 and tuple(picked) != (first, last):
                since, until = picked
        elif stats["articles"]:
            st.caption("Date filter: the stored articles span less than two publication days.")
        as_of_picker(stats)
        st.subheader("Answering")
        settings = engine_picker(settings)
        top_k = st.slider("Passages", 1, MAX_PASSAGES, min(settings.top_k, MAX_PASSAGES), key="top_k")
        st.subheader("Collection")
        cols = st.columns(2)
        cols[0].metric("Articles", stats["articles"])
        cols[1].metric("Outlets", len(named_outlets(stats)))
        st.caption(
            f"Published: {render.escape_md(render.date_range(stats['first_published'], stats['last_published']))}"
        )
        st.caption(f"Last ingest: {render.format_time(stats.get('last_ingest'))}")
    return Filters(outlets=list(outlets), since=since, until=until), settings.model_copy(
        update={"top_k": top_k}
    )


def as_of_picker(stats: dict) -> None:
    """The "As of" date: today, or the newest article's date for an archive; kept in session state."""
    today = date.today()
    default, notice = default_as_of(_day(stats["last_published"]), today)
    picked = st.date_input("As of", value=default, max_value=max(today, default), key="as_of",
                           help="Questions are answered as of this date: later articles are left out and "
                           "'last week' counts back from it.")  # fmt: skip
    picked = picked if isinstance(picked, date) else default
    st.session_state["as_of_used"] = picked
    st.session_state["as_of_notice"] = notice if picked == default else ""


def history() -> list[dict]:
    """Earlier turns as role/content pairs, for follow-up questions."""
    turns = []
    for msg in st.session_state.get("messages", []):
        if msg["role"] == "user":
            turns.append({"role": "user", "content": msg["content"]})
        elif msg.get("answer") is not None:
            turns.append({"role": "assistant", "content": msg["answer"].text})
    return turns


def ask(question: str, filters: Filters, settings, key: str) -> dict:
    """Stream the answer into the page, then show it with badges and cards; returns the message."""
    turns, final = history(), []

    def pieces():
        as_of = st.session_state.get("as_of_used")
        for item in assistant.stream_answer(question, turns, filters, settings, as_of=as_of):
            if isinstance(item, Answer):
                final.append(item)
            elif item:
                yield render.escape_md(str(item))

    box = st.empty()
    try:
        with box.container(), st.spinner("Searching the articles…"):
            st.write_stream(pieces())
    except NewsdeskError as exc:
        box.empty()
        show_error(exc, settings)
        return {"role": "assistant", "error": exc}
    box.empty()
    if not final:
        exc = NewsdeskError("The assistant returned no answer.", "try again, or check the logs.")
        show_error(exc, settings)
        return {"role": "assistant", "error": exc}
    with box.container():
        show_answer(final[-1], key, settings)
    return {"role": "assistant", "answer": final[-1]}


@st.cache_data(show_spinner=False, max_entries=8)
def _newest_titles(record_url: str, generation: str | None) -> list[tuple[str, str | None]]:
    """The newest titles of the store, read again after each ingest (a new generation)."""
    from ingest.catalog import Catalog

    return Catalog(record_url).newest_titles()


def examples(settings) -> str | None:
    """Three example questions as buttons on the empty chat; the one clicked, if any."""
    catalog = get_catalog(settings)
    if catalog is None:
        return None
    questions = example_questions(_newest_titles(settings.record_url, catalog.get_meta("generation")))
    if not questions:
        return None
    box = st.empty()
    with box.container(key="examples"):
        st.caption("Try one of these, about the newest stories:")
        clicked = [
            st.button(render.escape_md(q), key=f"example-{i}", icon=":material/help:")
            for i, q in enumerate(questions)
        ]
    picked = next((q for q, c in zip(questions, clicked, strict=True) if c), None)
    if picked:
        box.empty()
    return picked


def main() -> None:
    """The chat page."""
    settings = get_settings()
    stats = collection_stats(settings)
    filters, run_settings = sidebar(settings, stats)
    st.title("Ask the news")
    if st.session_state.get("as_of_notice"):
        st.caption(render.escape_md(st.session_state["as_of_notice"]))
    st.session_state.setdefault("messages", [])
    if not stats["articles"]:
        empty_store_notice()
    for i, msg in enumerate(st.session_state["messages"]):
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(render.escape_md(msg["content"]))
            elif msg.get("answer") is not None:
                show_answer(msg["answer"], f"m{i}", settings)
            else:
                show_error(msg["error"], settings)
    picked = examples(settings) if stats["articles"] and not st.session_state["messages"] else None
    question = st.chat_input("Ask about the news…") or picked
    if question and question.strip():
        question = question.strip()
        with st.chat_message("user"):
            st.markdown(render.escape_md(question))
        with st.chat_message("assistant"):
            reply = ask(question, filters, run_settings, f"m{len(st.session_state['messages']) + 1}")
        st.session_state["messages"] += [{"role": "user", "content": question}, reply]


main()

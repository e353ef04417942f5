"""Rendering of answers and their source cards (Streamlit calls over ui.render's Markdown)."""

from __future__ import annotations

import streamlit as st

from ui import render
from ui.common import get_catalog


def show_answer(answer, key: str, settings) -> None:
    """An answer with badges and one card per cited source; a refusal as an info box."""
    if answer.refused:
        st.info(
            render.escape_md(answer.text) or "The stored articles do not answer this question.",
            icon=":material/search_off:",
        )
        if answer.notice:
            st.caption(render.escape_md(answer.notice))
        st.caption(render.escape_md(f"{answer.engine_line or answer.engine}, {answer.seconds:.1f} s"))
        return
    st.markdown(render.answer_md(answer.text, {s.n for s in answer.sources}))
    if answer.unsupported:
        st.warning("Not backed by the cited passages: " + render.escape_md(" ".join(answer.unsupported)))
    if answer.removed_markers:
        st.caption(
            "Citations without a matching passage were removed: "
            + render.escape_md(", ".join(answer.removed_markers))
        )
    count = (
        f"{len(answer.sources)} source{'s' if len(answer.sources) != 1 else ''} · " if answer.sources else ""
    )
    if answer.notice:
        st.caption(render.escape_md(answer.notice))
    st.caption(count + render.escape_md(f"{answer.engine_line or answer.engine}, {answer.seconds:.1f} s"))
    for source in answer.sources:
        show_source(source, f"{key}-{source.n}", settings)


def show_source(source, key: str, settings) -> None:
    """One source card: title, outlet, date, link, highlighted passage, other outlets, full article."""
    with st.container(border=True, key=f"source-{key}"):
        st.markdown(f"{render.badge(source.n)} **{render.escape_md(source.title) or 'Untitled'}**")
        st.caption(render.source_meta(source.outlet, source.published))
        url = render.safe_url(source.url)
        if url:
            st.link_button("Open article", url, icon=":material/open_in_new:")
        st.markdown(
            render.highlighted_md(source.text, source.span, spans=source.spans, answer=source.answer_span)
        )
        story = render.story_dates_md(getattr(source, "story_dates", {}))
        if story:
            st.caption(story)
        others = render.also_reported_md(source.also_reported_by)
        if others:
            st.caption(others)
        with st.expander("Full article"):
            body = _article_body(source, settings)
            if body is None:
                st.caption("The full text is not in the store any more.")
            else:
                st.markdown(render.highlighted_md(body, _body_span(source, body)))


def _article_body(source, settings) -> str | None:
    """The stored body of the source's article."""
    catalog = get_catalog(settings)
    if catalog is None or not source.article_id:
        return None
    rows = catalog.articles([source.article_id])
    return rows[0]["body"] if rows else None


def _body_span(source, body: str) -> tuple[int, int] | None:
    """The supporting span in article-body offsets, when the passage sits where it says."""
    start = (
        source.start
        if body[source.start : source.start + len(source.text)] == source.text
        else body.find(source.text)
    )
    if start < 0 or not source.text:
        return None
    return (start + source.span[0], start + source.span[1])

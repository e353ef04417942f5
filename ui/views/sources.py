"""Sources page: the stored articles, searchable, charted by outlet and day, with stories and chunks."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ui import render
from ui.common import collection_stats, empty_store_notice, get_catalog, get_settings, named_outlets
from ui.story import show_story

MAX_LISTED = 1000


def matches(rows: list[dict], query: str) -> list[dict]:
    """Articles whose title or outlet contains every word of the query (case-insensitive)."""
    words = query.lower().split()
    return [r for r in rows if all(w in f"{r['title']} {r['outlet'] or ''}".lower() for w in words)]


def charts(rows: list[dict]) -> None:
    """Articles per outlet and per day."""
    frame = pd.DataFrame(
        {
            "outlet": [r["outlet"] or "unknown" for r in rows],
            "day": [(r["published"] or "")[:10] for r in rows],
        }
    )
    left, right = st.columns(2)
    with left:
        st.caption("Articles per outlet")
        st.bar_chart(frame.groupby("outlet").size().rename("articles"), horizontal=True, height=260)
    with right:
        st.caption("Articles per day")
        days = frame[frame["day"] != ""].groupby("day").size().rename("articles")
        if days.empty:
            st.caption("No publication dates.")
        else:
            days.index = pd.to_datetime(days.index, errors="coerce")
            st.bar_chart(days[days.index.notna()], height=260)


def label(row: dict) -> str:
    """How an article is named in the picker (plain text)."""
    return f"{row['title'] or 'Untitled'} — {row['outlet'] or 'unknown'} ({(row['published'] or 'no date')[:10]})"


def article_details(row: dict, catalog) -> None:
    """Title, metadata, link, the story's other articles and the chunks of one article."""
    with st.container(border=True, key="article-details"):
        st.subheader(render.escape_md(row["title"] or "Untitled"), anchor=False)
        meta = render.source_meta(row["outlet"], row["published"])
        authors = ", ".join(row.get("authors") or [])
        st.caption(meta + (f" · {render.escape_md(authors)}" if authors else ""))
        url = render.safe_url(row.get("url"))
        if url:
            st.link_button("Open article", url, icon=":material/open_in_new:")
        st.caption(f"Source: {render.escape_md(row.get('source') or '')}")
        story = [
            a for a in catalog.story_outlets([row["story_id"]]).get(row["story_id"], []) if a[0] != row["id"]
        ]
        st.markdown("**Same story**")
        if story:
            st.markdown(
                "\n".join(
                    f"- {render.escape_md(title)} ({render.escape_md(outlet or 'unknown')})"
                    for _, outlet, title in story
                )
            )
        else:
            st.caption("No other stored article tells this story.")
        chunks = catalog.article_chunks(row["id"])
        st.markdown(f"**Chunks** ({len(chunks)})")
        for chunk in chunks:
            with st.expander(f"Chunk {chunk['idx'] + 1} · characters {chunk['start']}–{chunk['end']}"):
                st.markdown(render.escape_md(chunk["text"]))


def main() -> None:
    """The sources page."""
    settings = get_settings()
    st.title("Sources")
    stats = collection_stats(settings)
    catalog = get_catalog(settings)
    if not stats["articles"] or catalog is None:
        empty_store_notice()
        return
    st.caption(
        f"{stats['articles']} articles · {stats['chunks']} chunks · {stats['stories']} stories · "
        f"{len(named_outlets(stats))} outlets · {render.escape_md(render.date_range(stats['first_published'], stats['last_published']))}"
    )
    rows = catalog.articles()
    charts(rows)
    query = st.text_input("Search titles and outlets", key="search", placeholder="e.g. Moscow")
    found = matches(rows, query)
    st.caption(f"{len(found)} of {len(rows)} articles")
    table = [
        {
            "title": r["title"],
            "outlet": r["outlet"],
            "published": r["published"],
            "date from": r.get("date_source") or "",
            "chunks": r["n_chunks"],
            "url": render.safe_url(r["url"]),
        }
        for r in found
    ]
    st.dataframe(
        table, hide_index=True, width="stretch", column_config={"url": st.column_config.LinkColumn("url")}
    )
    if not found:
        return
    shown = {r["id"]: r for r in found[:MAX_LISTED]}
    # the picker holds an article id, and a new filtered set is a new widget: it starts at the table's first row
    key = "article-" + hashlib.sha1("\x1f".join(shown).encode()).hexdigest()[:12]
    pick = st.selectbox("Article", list(shown), format_func=lambda i: label(shown[i]), key=key)
    if len(found) > MAX_LISTED:
        st.caption(f"The first {MAX_LISTED} matches are listed; narrow the search to see others.")
    article_details(shown.get(pick) or found[0], catalog)
    show_story(shown.get(pick) or found[0], rows)


main()

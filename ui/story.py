"""A story over time: its articles on a timeline (date, outlet, title), first and latest report, outlets."""

from __future__ import annotations

import streamlit as st

from ui import render


def timeline(rows: list[dict], story_id: str) -> dict:
    """The articles of one story oldest first, with its first and latest report and outlet count."""
    members = [r for r in rows if (r.get("story_id") or r["id"]) == story_id]
    members.sort(
        key=lambda r: ((r.get("published") or "9999")[:10], r.get("outlet") or "", r.get("title") or "")
    )
    dated = [r for r in members if r.get("published")]
    first = dated[0]["published"][:10] if dated else None
    last = dated[-1]["published"][:10] if dated else None
    by = lambda day: sorted({r["outlet"] or "unknown" for r in dated if r["published"][:10] == day})  # noqa: E731
    return {
        "articles": [
            {
                "date": (r.get("published") or "")[:10] or None,
                "outlet": r.get("outlet") or "unknown",
                "title": r.get("title") or "Untitled",
                "date_source": r.get("date_source") or "",
                "url": render.safe_url(r.get("url")),
            }
            for r in members
        ],  # fmt: skip
        "first": first,
        "first_by": by(first) if first else [],
        "latest": last,
        "latest_by": by(last) if last else [],
        "outlets": len({r.get("outlet") or "unknown" for r in members}),
    }


def show_story(row: dict, rows: list[dict]) -> None:
    """The story view of the picked article's story."""
    story = timeline(rows, row.get("story_id") or row["id"])
    with st.container(border=True, key="story-view"):
        st.markdown("**Story timeline**")
        n, outlets = len(story["articles"]), story["outlets"]
        parts = [f"{n} article{'s' if n != 1 else ''} from {outlets} outlet{'s' if outlets != 1 else ''}"]
        if story["first"]:
            parts.append(f"first reported {story['first']} by {', '.join(story['first_by'])}")
            parts.append(f"latest {story['latest']} by {', '.join(story['latest_by'])}")
        st.caption(render.escape_md(" · ".join(parts)))
        st.dataframe(
            story["articles"], hide_index=True, width="stretch",
            column_config={"url": st.column_config.LinkColumn("url")}, key="story-table",
        )  # fmt: skip

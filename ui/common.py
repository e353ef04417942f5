"""What every page shares: settings, the record, collection figures and error boxes."""

from __future__ import annotations

import os

import streamlit as st

from newsdesk.errors import EmptyStoreError, LLMError, NewsdeskError
from ui.render import escape_md

INGEST_PAGE = "views/ingest.py"
EMPTY_STATS = {
    "articles": 0,
    "chunks": 0,
    "stories": 0,
    "outlets": {},
    "first_published": None,
    "last_published": None,
}


@st.cache_resource(show_spinner=False)
def _load_settings(env: tuple):
    """Settings for one set of NEWSDESK_* variables (the .env file is read here, in the entry point)."""
    from newsdesk.settings import load_settings

    return load_settings()


def get_settings():
    """The app's settings, loaded once per environment."""
    return _load_settings(tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("NEWSDESK_"))))


@st.cache_resource(show_spinner=False)
def _catalog(url: str):
    """One record connection per URL."""
    from ingest.catalog import Catalog

    return Catalog(url)


def get_catalog(settings):
    """The ingest record, or None when it cannot be opened (no store yet)."""
    if not settings.record_db_url and not settings.data_dir.is_dir():
        return None
    try:
        return _catalog(settings.record_url)
    except NewsdeskError:
        return None


def collection_stats(settings) -> dict:
    """The store's figures; zeros when there is no store yet."""
    from ingest.pipeline import store_stats

    if get_catalog(settings) is None:
        return dict(EMPTY_STATS)
    try:
        return store_stats(settings)
    except NewsdeskError:
        return dict(EMPTY_STATS)


def named_outlets(stats: dict) -> list[str]:
    """The outlets of the collection, sorted, without the bucket of articles that name none."""
    return sorted(k for k in stats["outlets"] if k and k != "unknown")


def show_error(exc: Exception, settings=None) -> None:
    """An error box with the message and its fix; no store yet links to the Ingest page."""
    if isinstance(exc, NewsdeskError):
        message, fix = exc.message, exc.fix
    else:
        message, fix = f"Unexpected error: {type(exc).__name__}: {exc}", None
    lines = [escape_md(message)]
    if fix:
        lines.append("**Fix:** " + escape_md(fix))
    if isinstance(exc, LLMError) and settings is not None:
        from assistant.engines import get_engine

        engine = get_engine(settings)
        where, setting = engine.server()
        if where and where not in f"{message} {fix}":
            lines.append(escape_md(f"The {engine.name} engine uses {where} ({setting}): {engine.fix()}"))
    st.error("\n\n".join(lines))
    if isinstance(exc, EmptyStoreError):
        st.page_link(INGEST_PAGE, label="Go to the Ingest page", icon=":material/upload_file:")


def empty_store_notice() -> None:
    """A pointer to the Ingest page while nothing is stored."""
    st.info("No articles are stored yet. Add some on the Ingest page (or run `newsdesk ingest data/sample`).")
    st.page_link(INGEST_PAGE, label="Go to the Ingest page", icon=":material/upload_file:")

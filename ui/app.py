"""Entry point of the newsdesk app: `newsdesk ui` or `streamlit run ui/app.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts ui/ on sys.path, not the project root that holds the ui, assistant and ingest packages.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ui.common import get_settings  # noqa: E402


def main() -> None:
    """Set up the page, load the settings once and run the selected page."""
    # a local file: a ":material/..." or emoji icon would make the browser fetch it from a CDN
    st.set_page_config(page_title="newsdesk", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                       layout="wide")  # fmt: skip
    get_settings()
    pages = [
        st.Page("views/chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page("views/ingest.py", title="Ingest", icon=":material/upload_file:"),
        st.Page("views/sources.py", title="Sources", icon=":material/library_books:"),
    ]
    st.navigation(pages).run()


main()

"""Parsing HTML pages into articles: text without scripts or navigation, metadata, pages with no text."""

from __future__ import annotations

import pytest

from ingest.parse import parse_file
from newsdesk.errors import InputError
from tests.parse_helpers import FIX


def test_html_page():
    (art,) = parse_file(FIX / "article.html").articles
    assert art.title == "Big News Today"
    assert art.body.startswith("First paragraph of the article")
    assert art.body.count("\n\n") == 2
    for junk in (
        "SCRIPT_TEXT",
        "INLINE_SCRIPT",
        "IFRAME_TEXT",
        "secretTracker",
        "color: red",
        "Home",
        "Copyright",
    ):
        assert junk not in art.body
    assert (art.authors, art.published, art.outlet) == (["Jane Doe"], "2024-03-05", "Daily Planet")
    assert art.url == art.id == "https://dp.example.com/a"
    assert art.raw == (FIX / "article.html").read_text()


def test_html_without_text_is_an_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body><nav></nav></body></html>")
    with pytest.raises(InputError, match="no article text"):
        parse_file(page)

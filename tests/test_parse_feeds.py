"""Parsing RSS and Atom feeds into articles, and XML files that are not feeds."""

from __future__ import annotations

import pytest

from ingest.parse import parse_file
from newsdesk.errors import InputError
from tests.parse_helpers import FIX


def test_rss_feed_with_content_encoded():
    ferry, library = parse_file(FIX / "feed_rss.xml").articles
    assert ferry.title == "Port Authority Approves New Ferry Route"
    assert ferry.body == (
        "The port authority on Monday approved a new ferry route linking the north harbor to the island.\n\n"
        "Service is expected to start in September, officials said."
    )
    assert "FEED_SCRIPT" not in ferry.body and "teaser" not in ferry.body
    assert (ferry.outlet, ferry.published, ferry.authors) == ("Harbor Gazette", "2024-05-14", ["Maria Lopez"])
    assert ferry.url == "https://gazette.example.org/2024/05/ferry-route" and "<p>" in ferry.raw
    assert (
        library.body
        == "The central library will stay open until 8 p.m. on Saturdays.\n\nThe change follows a survey of readers."
    )
    assert library.published == "2024-05-15"


def test_atom_feed():
    (art,) = parse_file(FIX / "feed_atom.atom").articles
    assert art.title == "Chipmaker Opens Research Lab"
    assert (
        art.body
        == "A chipmaker opened a research lab downtown on Saturday.\n\nThe lab will employ 200 engineers."
    )
    assert (art.outlet, art.published, art.authors) == (
        "Valley Tech Wire",
        "2024-06-01",
        ["Sam Chen", "Priya Nair"],
    )
    assert art.url == "https://wire.example.net/chip-lab"


def test_xml_that_is_not_a_feed():
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_file(FIX / "not_a_feed.xml")


def test_xml_feed_is_sniffed_from_the_root(tmp_path):
    f = tmp_path / "news.xml"
    f.write_text((FIX / "feed_atom.atom").read_text())
    assert len(parse_file(f).articles) == 1

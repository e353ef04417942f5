"""Parsing JSON and JSONL records into articles: fields, wrappers, malformed lines and deep nesting."""

from __future__ import annotations

import json

import pytest

from ingest.parse import parse_file, parse_text
from newsdesk.errors import InputError
from tests.parse_helpers import FIX


def test_json_records():
    parsed = parse_file(FIX / "records.json")
    budget, storm, bridge = parsed.articles
    assert budget.title == "City Council Passes Budget"
    assert (
        budget.body
        == "The city council passed the annual budget on Thursday.\n\nThe vote was 7 to 2.\n\nSpending rises by 3 percent."
    )
    assert (budget.outlet, budget.published, budget.authors) == (
        "citynews.example.com",
        "2024-02-08",
        ["Ann Lee", "Bo Park"],
    )
    assert budget.raw.startswith("The city council passed") and "\n\n\n" in budget.raw
    assert storm.body == "Schools closed across the county as a storm brought heavy snow."
    assert (storm.outlet, storm.published, storm.authors) == (
        "Weather Desk",
        "2024-02-09",
        ["Cy Ortiz", "Di Wu"],
    )
    assert bridge.title.startswith("Officials said the bridge will reopen") and bridge.title.endswith("…")
    assert len(bridge.title) <= 121
    assert bridge.published is None and any("record 4" in w and "sometime soon" in w for w in parsed.warnings)
    (error,) = parsed.errors
    assert "record 3: no text field (expected one of text, body, content" in str(error)
    assert all(a.source == str(FIX / "records.json") for a in parsed.articles)
    assert parse_file(FIX / "records.json").articles == parsed.articles  # same ids, same everything


@pytest.mark.parametrize("wrap", [lambda r: {"articles": r}, lambda r: {"items": r}, lambda r: r[0]])
def test_json_wrappers(wrap):
    records = [{"title": "T", "text": "Some text here.", "url": "https://x.example.com/t"}]
    (art,) = parse_text(json.dumps(wrap(records)), "w.json", "json").articles
    assert (art.title, art.body, art.outlet) == ("T", "Some text here.", "x.example.com")


def test_jsonl_with_malformed_line_three():
    parsed = parse_file(FIX / "malformed.jsonl")
    assert [a.title for a in parsed.articles] == ["First Story", "Third Story", "Fourth Story"]
    (error,) = parsed.errors
    assert error.line == 3 and "line 3: invalid JSON" in str(error) and "malformed.jsonl" in str(error)


def test_multihop_rag_record():
    (art,) = parse_file(FIX / "multihop.json").articles
    assert art.title == "Gadget Maker Unveils Foldable Tablet"
    assert (art.outlet, art.published, art.authors) == ("Gizmo Daily", "2023-10-03", ["Jordan Blake"])
    assert art.url == "https://gizmodaily.example.com/foldable-tablet"
    assert (
        art.body == "A gadget maker unveiled a foldable tablet on Tuesday.\n\nThe device ships in November."
    )


def test_rtqa_style_records():
    parsed = parse_file(FIX / "rtqa_style.jsonl")
    dam, parade = parsed.articles
    assert not parsed.errors and not parsed.warnings
    assert dam.title == "Dam report"  # no title field: the URL slug names it
    assert (dam.outlet, dam.published, dam.authors) == (
        "riverpost.example.com",
        None,
        ["Lee Grant", "Mo Haddad"],
    )
    assert dam.id == dam.url == "https://www.riverpost.example.com/2022/06/15/dam-report"
    assert (parade.title, parade.published, parade.authors) == (
        "Parade Draws Crowds - News",
        "2022-06-16",
        [],
    )


def test_json_file_holding_jsonl_is_read_as_jsonl(tmp_path):
    f = tmp_path / "lines.json"
    f.write_text('{"title": "A", "text": "Alpha."}\n{"title": "B", "text": "Beta."}\n')
    parsed = parse_file(f)
    assert [a.title for a in parsed.articles] == ["A", "B"] and parsed.warnings


def test_invalid_json_document_names_line_and_column(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('[\n  {"title": "A", "text": "x"},\n  {"title": "B" "text": "y"}\n]\n')
    with pytest.raises(InputError, match=r"line 3, column 17") as info:
        parse_file(f)
    assert info.value.line == 3 and "bad.json" in str(info.value)


def test_deeply_nested_json_is_a_clear_error(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text("[" * 10_000 + "]" * 10_000)
    with pytest.raises(InputError, match="nested more than 50 levels"):
        parse_file(f)
    g = tmp_path / "deep.jsonl"
    g.write_text('{"title": "ok", "text": "fine"}\n' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "\n")
    parsed = parse_file(g)
    assert len(parsed.articles) == 1 and parsed.errors[0].line == 2 and "nested" in str(parsed.errors[0])

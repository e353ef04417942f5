"""Property-based tests (hypothesis) of bad input: the parsers and the citation mapping never crash."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.citations import (
    MARKER,
    MarkerStream,
    Renumbering,
    marker_numbers,
    split_answer,
    supporting_span,
)
from ingest.decode import decode_bytes
from ingest.formats import FORMATS
from ingest.parse import parse_text
from newsdesk.errors import InputError

# --- property-based: parsers ------------------------------------------------------------------------

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["title", "text", "body", "url", "published", "outlet", "authors", "articles", "x"]), inner, max_size=5),
    max_leaves=12,
)  # fmt: skip
records = st.fixed_dictionaries(
    {"title": st.text(max_size=30), "text": st.text(min_size=1, max_size=200)},
    optional={
        "url": st.text(max_size=30),
        "published": st.text(max_size=12),
        "authors": st.lists(st.text(max_size=10)),
    },
)


def _check_parsed(text: str, fmt: str) -> None:
    try:
        parsed = parse_text(text, "prop-test", fmt)
    except InputError as exc:
        assert exc.message.startswith("prop-test")
        return
    for article in parsed.articles:
        assert article.body.strip() and article.title and article.id
        assert article.content_hash
    for error in parsed.errors:
        assert isinstance(error, InputError) and error.message.startswith("prop-test")


@FAST
@given(text=st.text(max_size=400), fmt=st.sampled_from(sorted(set(FORMATS.values()))))
def test_parsers_take_any_text(text, fmt):
    _check_parsed(text, fmt)


@FAST
@given(value=json_values)
def test_json_parser_takes_any_json(value):
    _check_parsed(json.dumps(value), "json")


@FAST
@given(lines=st.lists(records | json_values, max_size=6), garbage=st.lists(st.text(max_size=30), max_size=3))
def test_jsonl_parser_gives_each_line_an_article_or_an_error(lines, garbage):
    text = "\n".join([json.dumps(v) for v in lines] + garbage)
    try:
        parsed = parse_text(text, "prop-test", "jsonl")
    except InputError:
        assert not text.strip() or "\x00" in text, "only an empty or binary file fails as a whole"
        return
    assert len(parsed.articles) + len(parsed.errors) == sum(1 for line in text.splitlines() if line.strip())
    assert all(e.line for e in parsed.errors), "every error names its line"


@FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_decode_or_are_refused_as_binary(data):
    try:
        text, warnings = decode_bytes(data, "prop-test")
    except InputError as exc:
        assert exc.message.startswith("prop-test: ") and (
            "binary" in exc.message or "mislabeled" in exc.message
        )
        return
    boms = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
    assert isinstance(text, str) and ("\x00" not in text or data.startswith(boms))
    assert all(w.startswith("prop-test: ") for w in warnings)


@FAST
@given(tags=st.lists(st.sampled_from(["p", "div", "script", "iframe", "style", "b", "article", "h1"]), max_size=8),
       words=st.lists(st.text(st.characters(categories=["L", "N", "Zs", "P"]), max_size=20), max_size=8))  # fmt: skip
def test_html_parser_never_keeps_script_text(tags, words):
    body = "".join(
        f"<{t}>{w} {'SCRIPTED' if t in ('script', 'iframe', 'style') else ''}</{t}>"
        for t, w in zip(tags, words, strict=False)
    )
    try:
        parsed = parse_text(f"<html><body>{body}</body></html>", "prop-test", "html")
    except InputError:
        return
    assert all("SCRIPTED" not in a.body for a in parsed.articles)


def test_json_with_a_lone_surrogate_escape_is_stored_with_it_replaced():
    parsed = parse_text(
        '{"title": "Broken emoji \\ud83d", "text": "A lone \\udcff surrogate."}', "prop-test", "json"
    )
    (art,) = parsed.articles
    assert not parsed.errors
    assert (art.title, art.body) == ("Broken emoji ?", "A lone ? surrogate.")
    (art.title + art.body + art.raw).encode("utf-8")  # storable and printable as UTF-8


# --- property-based: citation mapping -------------------------------------------------------------

words = st.sampled_from(
    ["Prices", "rose", "sharply", "the", "minister", "said", "in", "April", "2022", "[sic]", "["]
)
markers = st.builds(lambda ns, sep: "[" + sep.join(map(str, ns)) + "]",
                    st.lists(st.integers(0, 12), min_size=1, max_size=3), st.sampled_from([",", ", ", " and "]))  # fmt: skip
ranges = st.builds(lambda a, b: f"[{a}-{b}]", st.integers(0, 9), st.integers(0, 9))
pieces = st.lists(words | markers | ranges | st.sampled_from([".", "!", "?", ",", " ", "  "]), max_size=30)


def _answer_text(parts: list[str]) -> str:
    return " ".join(parts)


def _valid_numbering(text: str, r: Renumbering) -> None:
    shown = [n for m in MARKER.finditer(text) for n in marker_numbers(m.group(1))]
    assert all(1 <= n <= len(r.order) for n in shown), (text, r.order)
    assert sorted(set(shown)) == list(range(1, len(r.order) + 1)), "every source is cited"
    assert list(dict.fromkeys(shown)) == sorted(dict.fromkeys(shown)), "numbered in order of first citation"
    assert len(set(r.order)) == len(r.order) and all(1 <= n <= r.n_passages for n in r.order)


@FAST
@given(parts=pieces, n=st.integers(0, 6))
def test_renumbering_maps_every_marker_to_a_passage_in_order_of_first_citation(parts, n):
    text = _answer_text(parts)
    r = Renumbering(n)
    out = r.apply(text)
    _valid_numbering(out, r)
    wanted = [k for m in MARKER.finditer(text) for k in marker_numbers(m.group(1))]
    assert r.order == list(dict.fromkeys(k for k in wanted if 1 <= k <= n))
    assert r.removed == [f"[{k}]" for k in wanted if not 1 <= k <= n]


@FAST
@given(parts=pieces, n=st.integers(0, 6), cuts=st.lists(st.integers(1, 12), min_size=1, max_size=40))
def test_streamed_markers_match_the_whole_answer_for_any_split(parts, n, cuts):
    text = _answer_text(parts)
    whole = Renumbering(n).apply(text)
    r = Renumbering(n)
    stream = MarkerStream(r)
    shown, i, k = [], 0, 0
    while i < len(text):
        step = cuts[k % len(cuts)]
        shown.append(stream.feed(text[i : i + step]))
        i, k = i + step, k + 1
    shown.append(stream.flush())
    # the same text and markers; the stream drops trailing spaces and may keep a double space (cosmetic)
    assert _spaces("".join(shown)) == _spaces(whole).rstrip(" ")


def _spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


@FAST
@given(parts=pieces)
def test_split_answer_keeps_every_cited_number(parts):
    text = Renumbering(12).apply(_answer_text(parts))
    assume(MARKER.sub("", text).strip())  # an answer that is nothing but markers holds no claim
    cited = [n for m in MARKER.finditer(text) for n in marker_numbers(m.group(1))]
    got = [n for _, numbers in split_answer(text) for n in numbers]
    assert got == cited
    assert all("[" not in s or not MARKER.search(s) for s, _ in split_answer(text))


@FAST
@given(sentence=st.text(max_size=80), passage=st.text(min_size=1, max_size=400))
def test_supporting_span_is_inside_the_passage(sentence, passage):
    start, end = supporting_span(sentence, passage)
    assert 0 <= start <= end <= len(passage)

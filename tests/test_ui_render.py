"""ui.render: untrusted text becomes Markdown that Streamlit shows literally."""

from __future__ import annotations

import re

import pytest

from ui import render

PAYLOAD = "<img src=x onerror=alert(1)>"
# A special character not preceded by a backslash (itself not escaped).
_UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[<>\[\]()`*_#|~$:&!]")


def unescaped(markdown: str) -> list[str]:
    """Special characters left with a meaning in the Markdown."""
    return [m.group(0)[-1] for m in _UNESCAPED.finditer(markdown)]


def test_img_payload_is_escaped():
    out = render.escape_md(PAYLOAD)
    assert out == r"\<img src\=x onerror\=alert\(1\)\>"
    assert not unescaped(out)


@pytest.mark.parametrize(
    "text",
    [
        PAYLOAD,
        "x] :red-badge[PWNED] [y",
        "evil\\]:red-badge[PWNED]",
        "[link](javascript:alert(1))",
        "$x^2$ **bold** `code` # h ~~s~~ | a | b |",
        "<script>alert(2)</script>",
        "&lt;img&gt; &#60;",
        "trailing backslash \\",
    ],
)
def test_nothing_special_survives(text):
    assert not unescaped(render.escape_md(text))


def test_indentation_and_setext_cannot_make_code_or_headings():
    out = render.escape_md("    code?\n\tmore\nTitle\n===\n---")
    assert not re.search(r"(?m)^[ \t]", out)
    assert "\\=\\=\\=" in out and "\\-\\-\\-" in out


def test_material_icons_are_broken_up():
    assert ":material/home:" not in render.escape_md(":material/home:").replace("\\", "")


def test_highlight_wraps_only_the_span_and_keeps_spaces():
    text = "Some text. Xi may visit Moscow. More."
    out = render.highlighted_md(text, (11, 31))
    assert out == r"Some text\. :orange-background[Xi may visit Moscow\.] More\."


def test_highlight_is_line_by_line_and_escaped():
    text = "One.\n\n  Two ] :red-badge[x] three.\nFour"
    out = render.highlighted_md(text, (0, len(text) - 2))
    assert out.count(":orange-background[") == 3
    for body in re.findall(r":orange-background\[((?:\\.|[^\]\\])*)\]", out):
        assert not unescaped(body) and "\n" not in body
    assert r"\:red\-badge\[x\]" in out


def test_highlight_of_the_payload_cannot_close_the_directive():
    out = render.highlighted_md(f"a {PAYLOAD}] b", (2, len(PAYLOAD) + 3))
    assert out == r"a :orange-background[\<img src\=x onerror\=alert\(1\)\>\]] b"


@pytest.mark.parametrize("span", [None, (5, 2), (0, 0)])
def test_no_or_empty_span_is_plain_escaped(span):
    assert render.highlighted_md("a [b]", span) == r"a \[b\]"


def test_span_is_clamped():
    assert render.highlighted_md("abc", (-4, 99)) == ":orange-background[abc]"


def test_answer_markers_become_badges_only_for_known_sources():
    out = render.answer_md("Claim.[1][2] Other [3] <b>x</b>[1]", {1, 2})
    assert out == r"Claim\. :blue-badge[1]:blue-badge[2] Other \[3\] \<b\>x\</b\> :blue-badge[1]"


def test_answer_without_sources_has_no_badges():
    assert "badge" not in render.answer_md("No sources [1].", set())


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("  https://example.com/x  ", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.com", False),
        ("https://", False),
        ("https://exa mple.com", False),
        ("https://example.com/\nx", False),
        ("ftp://example.com", False),
        (None, False),
        ("", False),
    ],
)
def test_safe_url(url, ok):
    assert (render.safe_url(url) is not None) is ok


def test_link_md():
    assert render.link_md("x]y", "javascript:alert(1)") == r"x\]y"
    assert render.link_md("t", "https://e.com/a(b)") == "[t](https://e.com/a%28b%29)"


def test_meta_helpers():
    assert render.source_meta(None, "2023-02-21T10:00") == r"unknown outlet · 2023\-02\-21"
    assert render.also_reported_md(["AP", "AP", "", "Reuters"]) == "Also reported by AP, Reuters"
    assert render.also_reported_md([]) == ""
    assert render.format_time("0") == "1970-01-01 00:00 UTC"
    assert render.format_time(None) == "–"
    assert render.date_range("2023-01-01", "2023-02-01") == "2023-01-01 – 2023-02-01"
    assert render.date_range(None, None) == "–"

"""Text exports to articles: split a file into articles and strip captions, credits, labels and footers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from ingest.boilerplate import is_boilerplate
from ingest.fields import normalize_date, normalize_line, split_authors, title_from_text
from ingest.models import Article
from ingest.outlets import known_outlet, outlet_from_dateline
from newsdesk.errors import InputError

_NON_WORD = re.compile(r"[^\w]+")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_CODE = re.compile(r"[A-Z]{2,6}")
_CREDIT = re.compile(
    r"[Pp]hoto [Cc]redit|FILE PHOTO|[Ff]ile [Pp]hoto\b|Getty Images|\bREUTERS\b|\(Reuters\)|via Reuters|/Reuters\b"
    r"|/AFP\b|\bAFP/|\(AFP\)|AFP via|AFP [Pp][Hh][Oo][Tt][Oo]|\(AP\)|/AP\b|\bAP [Pp]hoto|/EPA\b|EPA-EFE|\(EPA\)"
    r"|Xinhua/|/Xinhua|^(?:Photo|Image|Photograph|Picture|Caption)s?:"
)
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .,'-]{0,60}\((?:Reuters|AP|AFP|CNN|EPA)\)\s*[-–—:]|^\((?:Reuters|AP|AFP)\)"
)
_LABELS = {"headlines", "headline", "news", "breaking news", "latest news", "top stories", "world", "world news",
           "politics", "business", "opinion", "analysis", "sports", "technology", "tech", "health", "science",
           "exclusive", "editorial", "features", "feature", "markets", "economy", "live", "home"}  # fmt: skip
_BYLINE = re.compile(r"^[Bb]y\s+([A-Z][^.!?]{1,80})$")
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted)(?: on)?:?\s*)?"
    r"((?:[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4}|\d{4}-\d{2}-\d{2})\b.{0,25})$",
    re.I,
)
_JUNK = re.compile(
    r"^(?:@\w{1,30}|advertisement|share this(?: article| story)?:?|(?:read more|also read):.*)$", re.I
)
_FOOTER = re.compile(
    r"^(?:@\w{1,30}|(?:©|\(c\)|copyright\b).*|all rights reserved\.?|real time analytics|share this\b.*"
    r"|read more\b.*|advertisement|subscribe\b.*|sign up\b.*|follow us\b.*|related(?: articles| stories| news)?:?"
    r"|(?:additional )?(?:reporting|writing|editing) by\b.*)$",
    re.I,
)
_TAGS = re.compile(r"^(?:tags|topics|keywords|filed under)\s*(?::.*)?$", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_MD_INLINE = [  # each pattern stops at the next delimiter, so it stays linear on any line
    (re.compile(r"!\[[^\[\]]{0,300}\]\([^()\[\]\s]{0,500}\)"), ""),
    (re.compile(r"\[([^\[\]]{1,300})\]\([^()\[\]\s]{0,500}\)"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_]{1,300}?)(?<=\S)_(?![\w_])"), r"\1"),
    (
        re.compile(r"\*\*(?=\S)([^*]{1,300}?)(?<=\S)\*\*|__(?=\S)([^_]{1,300}?)(?<=\S)__"),
        lambda m: m[1] or m[2],
    ),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]{1,300}?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]{1,300})`"), r"\1"),
    (re.compile(r"^\s{0,3}>\s?"), ""),
    (re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$"), ""),
]


class _Line(NamedTuple):
    start: int
    text: str
    h1: bool = False


class _Header(NamedTuple):
    title: str | None
    body_index: int
    outlet: str | None
    authors: list[str]
    published: str | None
    captions: set[str]
    window_end: int


@lru_cache(maxsize=16384)
def _key(line: str) -> str:
    """Comparison key (case and punctuation ignored); a line over 400 chars is its own key."""
    return line if len(line) > 400 else " ".join(_NON_WORD.sub(" ", line.casefold()).split())


@lru_cache(maxsize=16384)
def _is_caption(line: str) -> bool:
    """A photo caption or credit: a credit pattern at the start or end of a short line, not a dateline."""
    if len(line) > 400 or _DATELINE.match(line):
        return False
    return bool(_CREDIT.match(line) or _CREDIT.search(line, max(0, len(line) - 80)))


def _title_like(line: str) -> bool:
    """Short, with letters, no final period or comma, not a caption, code or handle."""
    return (
        0 < len(line) <= 200
        and len(line.split()) <= 30
        and line[-1] not in ".,;:"
        and not line.startswith("@")
        and re.search(r"[^\W\d_]", line) is not None
        and not _CODE.fullmatch(line)
        and not _is_caption(line)
        and not is_boilerplate(line)
    )


def _iter_nonempty(lines: list[_Line], i: int, end: int | None = None) -> Iterator[int]:
    """Indices of the non-empty lines in lines[i:end]."""
    return (j for j in range(i, len(lines) if end is None else end) if lines[j].text)


def _nonempty(lines: list[_Line], i: int, limit: int = 14, end: int | None = None) -> list[int]:
    """Indices of up to limit non-empty lines from i on."""
    return list(islice(_iter_nonempty(lines, i, end), limit))


def _is_start(lines: list[_Line], j: int) -> bool:
    """A title-like line followed within a few lines by its repeat, or by captions then an outlet code."""
    if not _title_like(lines[j].text):
        return False
    key, seen_caption = _key(lines[j].text), False
    nxt = _nonempty(lines, j + 1, 9)
    for n, m in enumerate(nxt[:8]):
        text = lines[m].text
        if _key(text) == key:
            return True
        if _CODE.fullmatch(text):
            if seen_caption:
                return True
        elif _is_caption(text) or (n + 1 < len(nxt) and lines[nxt[n + 1]].text == text):
            seen_caption = True
        else:
            return False
    return False


def _is_label(lines: list[_Line], i: int) -> bool:
    """A section label ('Headlines') sitting right before a title-like line."""
    text, nxt = lines[i].text, _nonempty(lines, i + 1, 1)
    if not nxt or not _title_like(lines[nxt[0]].text) or text[-1] in ".,;:!?" or len(text) > 30:
        return False
    title = lines[nxt[0]].text
    if text.casefold() in _LABELS:
        return len(title.split()) > len(text.split())
    return len(text.split()) <= 3 < len(title.split()) and _is_start(lines, nxt[0])


def _header(lines: list[_Line], i: int, end: int) -> _Header:
    """Read the header of the article in lines[i:end]: label, title, captions, outlet code, byline, date."""
    window = _nonempty(lines, i, end=end)
    counts = Counter(_key(lines[j].text) for j in window if len(lines[j].text) <= 300)
    if len(window) > 1 and _is_label(lines, i):
        window = window[1:]
    title = lines[window[0]].text if _title_like(lines[window[0]].text) else None
    tkey = _key(title) if title else None
    outlet, authors, published, captions, code_seen = None, [], None, set(), False
    body_index = window[0] if title is None else end
    for j in _iter_nonempty(lines, window[0] + 1, end) if title else []:
        text, key = lines[j].text, _key(lines[j].text)
        if key == tkey:
            continue
        if _is_caption(text) or (counts[key] >= 2 and len(text) <= 300):
            captions.add(key)
        elif _CODE.fullmatch(text) and not code_seen:  # an outlet code line names an outlet only if known
            code_seen, outlet = True, known_outlet(text)
        elif (m := _BYLINE.match(text)) and not authors and len(text.split()) <= 10:
            authors = split_authors(m.group(1))
        elif not ((m := _DATE_LINE.match(text)) and not published and (published := normalize_date(m[1]))):
            body_index = j
            break
    return _Header(title, body_index, outlet, authors, published, captions, window[-1])


def _strip_footer(out: list[str]) -> None:
    """Drop a trailing Tags block and trailing footer lines (handles, copyright, share/read-more links)."""
    tail = [n for n, text in enumerate(out) if text][-8:]
    for n in tail:
        if _TAGS.match(out[n]) and len(out[n]) <= 200 and all(len(x) <= 200 for x in out[n:]):
            del out[n:]
            break
    while out and (not out[-1] or (len(out[-1]) <= 200 and _FOOTER.match(out[-1]))):
        out.pop()


def _build(lines: list[_Line], start: int, end: int, head: _Header, raw: str, source: str) -> Article:
    """One article from lines[start:end] and its header."""
    tkey = _key(head.title) if head.title else None
    out: list[str] = []
    last = None
    for line in lines[head.body_index : end]:
        text, key = line.text, _key(line.text)
        if not text:
            out.append("")
        elif not (
            key == tkey
            or key in head.captions
            or _is_caption(text)
            or _JUNK.match(text)
            or text == last
            or is_boilerplate(text)
        ):
            out.append(text)
            last = text
    _strip_footer(out)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    if not body:  # nothing but boilerplate: keep it all rather than lose the article
        body = "\n\n".join(x.text for x in lines[start:end] if x.text)
    title = head.title or title_from_text(body)
    return Article(
        title=title, body=body, raw=raw, outlet=head.outlet or outlet_from_dateline(body), authors=head.authors,
        published=head.published, source=source, date_source="text" if head.published else None,
    )  # fmt: skip


def _lines(text: str, markdown: bool) -> list[_Line]:
    """The text's lines with offsets; Markdown headings and inline syntax stripped in Markdown mode."""
    lines = []
    for m in _LINE.finditer(text):
        line, h1 = m.group().rstrip("\r\n"), False
        if markdown:
            if hm := _MD_HEADING.match(line.strip()):
                line, h1 = hm.group(2), len(hm.group(1)) == 1
            for pattern, repl in _MD_INLINE:
                line = pattern.sub(repl, line)
        line = normalize_line(line)
        lines.append(_Line(m.start(), line, h1 and bool(line)))
    return lines


def split_text_export(text: str, source: str) -> list[Article]:
    """Split a plain-text or Markdown export into clean articles, keeping each one's raw slice."""
    markdown = source.lower().endswith((".md", ".markdown")) or re.match(r"\s*# ", text) is not None
    lines = _lines(text, markdown)
    nxt = next(_iter_nonempty(lines, 0), None)
    if nxt is None:
        raise InputError(source, "no text found", fix="the file holds only invisible characters")
    heads = []
    while nxt is not None:
        head = _header(lines, nxt, len(lines))
        heads.append((nxt, head))
        found = (
            j
            for j in _iter_nonempty(lines, max(head.body_index, nxt + 1))
            if (markdown and lines[j].h1) or (not lines[j - 1].text and _is_start(lines, j))
        )
        if (nxt := next(found, None)) is not None:
            prev = next(i for i in range(nxt - 1, -1, -1) if lines[i].text)
            nxt = prev if prev > head.body_index and _is_label(lines, prev) else nxt
    articles = []
    for n, (start, head) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        head = _header(lines, start, end) if head.window_end >= end else head
        raw = text[lines[start].start : lines[end].start if end < len(lines) else len(text)]
        articles.append(_build(lines, start, end, head, raw, source))
    return articles

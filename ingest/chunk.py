"""Sentence-aware chunking with exact character offsets into the article body."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ingest.models import Article, Chunk

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "gov", "sen", "rep", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "no", "inc", "corp", "co", "ltd", "vs", "etc", "approx", "dept", "est", "fig", "mt", "ft",
}  # fmt: skip
# A sentence ends at . ! ? (and closing quotes or brackets) before whitespace and a capital, digit or quote.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_BLOCK = re.compile(r"[^\n]+")
MAX_CHARS_PER_TOKEN = 12  # a chunk never holds more characters than this many per allowed token


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period at text[end-1] closes an abbreviation or an initial."""
    if text[end - 1] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)\.$", text[max(0, end - 12) : end])
    if not word:
        return False
    token = word.group(1)
    return token.lower() in _ABBREVIATIONS or len(token) == 1 or "." in token  # "J.", "U.S."


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of text; line breaks always end a sentence."""
    spans: list[tuple[int, int]] = []
    for block in _BLOCK.finditer(text):
        start = block.start()
        line = block.group()
        cut = 0
        for match in _END.finditer(line):
            if _is_abbreviation(line, match.start() + 1) and line[match.start()] == ".":
                continue
            spans.append((start + cut, start + match.end()))
            cut = match.end()
        spans.append((start + cut, block.end()))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it has no surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(
    text: str, span: tuple[int, int], max_tokens: int, token_spans: Callable[[str], list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """Cut an over-long sentence at token boundaries into spans of at most max_tokens tokens."""
    start, end = span
    offsets = token_spans(text[start:end])
    cuts = [start]
    for i in range(max_tokens, len(offsets), max_tokens):
        cuts.append(start + offsets[i][0])
    cuts.append(end)
    return [_strip(text, a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _slices(text: str, span: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """Cut a span longer than max_chars (one giant "token", e.g. a line without spaces) at character bounds."""
    start, end = span
    if end - start <= max_chars:
        return [span]
    return [
        _strip(text, a, min(a + max_chars, end))
        for a in range(start, end, max_chars)
        if text[a : min(a + max_chars, end)].strip()
    ]


def chunk_spans(
    text: str,
    count_tokens: Callable[[Sequence[str]], list[int]],
    token_spans: Callable[[str], list[tuple[int, int]]],
    max_tokens: int = 220,
    min_tokens: int = 180,
    overlap_tokens: int = 40,
) -> list[tuple[int, int]]:
    """Group sentences into spans of about min..max tokens, repeating short trailing sentences as overlap."""
    sentences = split_sentences(text)
    counts = count_tokens([text[s:e] for s, e in sentences])
    units: list[tuple[tuple[int, int], int]] = []
    max_chars = max_tokens * MAX_CHARS_PER_TOKEN
    for span, n in zip(sentences, counts, strict=False):
        if n <= max_tokens and span[1] - span[0] <= max_chars:
            units.append((span, n))
        else:
            pieces = [
                p
                for piece in _pieces(text, span, max_tokens, token_spans)
                for p in _slices(text, piece, max_chars)
            ]
            units.extend(zip(pieces, count_tokens([text[a:b] for a, b in pieces]), strict=False))
    chunks: list[tuple[int, int]] = []
    current: list[tuple[tuple[int, int], int]] = []
    size = 0
    fresh = 0  # units in current that are not overlap
    for unit in units:
        paragraph_break = current and "\n\n" in text[current[-1][0][1] : unit[0][0]]
        too_long = (
            size + unit[1] > max_tokens or unit[0][1] - current[0][0][0] > max_chars if current else False
        )
        if current and fresh and (too_long or (paragraph_break and size >= min_tokens)):
            chunks.append((current[0][0][0], current[-1][0][1]))
            overlap: list[tuple[tuple[int, int], int]] = []
            kept = 0
            for prev in reversed(current):
                if (
                    kept + prev[1] > overlap_tokens
                    or kept + prev[1] + unit[1] > max_tokens
                    or unit[0][1] - prev[0][0] > max_chars
                ):
                    break
                overlap.insert(0, prev)
                kept += prev[1]
            current, size, fresh = overlap, kept, 0
        current.append(unit)
        size += unit[1]
        fresh += 1
    if current and fresh:
        chunks.append((current[0][0][0], current[-1][0][1]))
    return chunks


def chunk_article(
    article: Article, embedder, max_tokens: int = 220, min_tokens: int = 180, overlap_tokens: int = 40
) -> list[Chunk]:
    """Chunks of one article, each with its span in the body; the chunk's text alone is what is embedded (a
    title/outlet/date prefix cost 11% of the tokens and helped no retrieval figure: bench/prefix.py)."""
    spans = chunk_spans(
        article.body, embedder.count_tokens, embedder.token_spans, max_tokens, min_tokens, overlap_tokens
    )
    return [Chunk(article.id, i, article.body[s:e], s, e) for i, (s, e) in enumerate(spans)]

"""Citation markers: parsing, removing phantoms, renumbering, supporting spans and the support check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.terms import overlap, term_set
from ingest.chunk import split_sentences

MARKER = re.compile(r"\[(\s*\d+(?:\s*(?:,|-|–|and)\s*\d+)*\s*)\]")
_PARTIAL = re.compile(r"\[[\d\s,–and-]*$")


def marker_numbers(inner: str) -> list[int]:
    """Numbers inside one marker, ranges expanded: "1, 3-4" -> [1, 3, 4]."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|and)\s*", inner.strip()):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            out.extend(range(lo, hi + 1) if 0 <= hi - lo <= 10 else [lo, hi])
        elif part.isdigit():
            out.append(int(part))
    return out


@dataclass
class Renumbering:
    """Maps context passage numbers (1-based) to source numbers in order of first citation."""

    n_passages: int
    order: list[int] = field(default_factory=list)  # context numbers in order of first citation
    removed: list[str] = field(default_factory=list)

    def rewrite(self, match: re.Match) -> str:
        """The replacement for one marker: valid numbers renumbered, phantoms dropped."""
        kept = []
        for n in marker_numbers(match.group(1)):
            if not 1 <= n <= self.n_passages:
                self.removed.append(f"[{n}]")
                continue
            if n not in self.order:
                self.order.append(n)
            new = self.order.index(n) + 1
            if new not in kept:
                kept.append(new)
        return "".join(f"[{k}]" for k in kept)

    def apply(self, text: str) -> str:
        """Text with every marker renumbered and phantom markers removed."""
        return _tidy_spaces(MARKER.sub(self.rewrite, text))


def _tidy_spaces(text: str) -> str:
    """No space left before punctuation or doubled where a marker was removed."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text)


class MarkerStream:
    """Renumbers markers in streamed text, holding back a piece that might still become a marker."""

    def __init__(self, renumbering: Renumbering):
        self.r = renumbering
        self.buffer = ""
        self.space = ""  # trailing spaces held back: punctuation may follow a removed marker

    def _emit(self, text: str) -> str:
        """Text with held spaces put back (or dropped before punctuation), new trailing spaces held."""
        text = re.sub(r"[ \t]+([.,;:!?])", r"\1", self.space + text)
        shown = text.rstrip(" \t")
        self.space = text[len(shown) :]
        return shown

    def feed(self, piece: str) -> str:
        """Text that is safe to show now."""
        self.buffer += piece
        partial = _PARTIAL.search(self.buffer)
        cut = partial.start() if partial and len(self.buffer) - partial.start() < 24 else len(self.buffer)
        ready, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return self._emit(self.r.apply(ready) if ready else "")

    def flush(self) -> str:
        """Whatever is left at the end (without trailing spaces)."""
        rest, self.buffer = self.buffer, ""
        shown = self._emit(self.r.apply(rest) if rest else "")
        self.space = ""
        return shown


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Answer sentences (markers removed) with the source numbers each cites."""
    out: list[tuple[str, list[int]]] = []
    pieces, start = [], 0
    for m in re.finditer(r"(?<=[.!?])((?:\s*\[\d+\])*)(\s+|$)", text):
        pieces.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        pieces.append(text[start:])
    for piece in pieces:
        numbers = [n for m in MARKER.finditer(piece) for n in marker_numbers(m.group(1))]
        plain = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(MARKER.sub("", piece).split()))
        if plain:
            out.append((plain, numbers))
    return out


def supporting_span(sentence: str, passage_text: str) -> tuple[int, int]:
    """Characters of the passage sentence (or two adjacent ones) that best back a claim, by term overlap."""
    terms = term_set(sentence)
    spans = split_sentences(passage_text) or [(0, len(passage_text))]
    best, best_score = spans[0], -1.0
    for i, (s, _e) in enumerate(spans):
        for j in (i, i + 1):
            if j >= len(spans):
                continue
            end = spans[j][1]
            score = overlap(terms, term_set(passage_text[s:end])) - (0.05 if j > i else 0.0)
            if score > best_score:
                best, best_score = (s, end), score
    return best


def support_scores(sentences: list[str], evidence: list[list[str]], embedder) -> list[float]:
    """How well each sentence is backed by its evidence texts: max of 0.5 cosine + 0.5 term overlap."""
    flat = [t for texts in evidence for t in texts]
    if not sentences:
        return []
    vecs = embedder.encode(list(sentences) + flat) if flat else None
    out, offset = [], len(sentences)
    for i, (sentence, texts) in enumerate(zip(sentences, evidence, strict=True)):
        if not texts:
            out.append(0.0)
            continue
        cos = vecs[offset : offset + len(texts)] @ vecs[i]
        offset += len(texts)
        terms = term_set(sentence)
        joined = term_set(" ".join(texts))
        best_cos = float(np.max(cos))
        out.append(0.5 * best_cos + 0.5 * overlap(terms, joined))
    return out

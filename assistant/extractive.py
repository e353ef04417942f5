"""The extractive engine: the retrieved sentences that best answer the question, each with its [n]."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from assistant.terms import names, overlap, term_set, with_variants
from ingest.chunk import split_sentences

MAX_SENTENCES = 4
EMBED_CANDIDATES = 4
_LETTERS = re.compile(r"[A-Za-z]{2}")
_BRACKETED = re.compile(r"\[([\d\s,–and-]+)\]")
_WHO_IS = re.compile(r"^(?:who|what)\s+(?:is|was|are|were)\s+(.+?)\??$", re.I)


@dataclass
class Sentence:
    """A candidate answer sentence: its passage (index in the context), span in the passage text and scores."""

    passage: int
    start: int
    end: int
    text: str
    overlap: float = 0.0
    cosine: float = 0.0
    score: float = 0.0
    terms: frozenset = frozenset()


class SentenceCache:
    """Embeddings of sentences already seen, so repeated passages cost nothing."""

    def __init__(self, size: int = 20000):
        self.size = size
        self.data: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def encode(self, embedder, keys: list[tuple], texts: list[str]) -> np.ndarray:
        """Vectors for texts, computing only the missing ones."""
        with self.lock:
            found = {k: self.data[k] for k in keys if k in self.data}
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vecs = embedder.encode([texts[i] for i in missing])
            for i, v in zip(missing, vecs, strict=True):
                found[keys[i]] = np.asarray(v, dtype=np.float32)
        with self.lock:
            for k in keys:
                self.data[k] = found[k]
                self.data.move_to_end(k)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)


def tidy(text: str) -> str:
    """One line, single spaces, and an article's own "[3]" written "(3)" so it cannot pass for a citation."""
    return _BRACKETED.sub(r"(\1)", " ".join(text.split()))


def score_sentences(
    query: str, qvec: np.ndarray, passages: list, embedder, idf, cache: SentenceCache
) -> list[Sentence]:
    """Every usable sentence of the passages, scored by embedding similarity and rarity-weighted term overlap."""
    qterms = term_set(query)
    weights = {t: idf(t) for t in qterms}
    defined = _defined_name(query)
    found: list[Sentence] = []
    for i, p in enumerate(passages):
        title_terms = with_variants(p.article.title_terms)
        for s, e in split_sentences(p.text):
            text = p.text[s:e]
            if len(text) < 25 or not _LETTERS.search(text):
                continue
            terms = with_variants(term_set(text))
            ov = overlap(qterms, terms, weights)
            ov_title = overlap(qterms, terms | title_terms, weights)
            bonus = 0.15 if defined and _defines(defined, text) else 0.0
            found.append(
                Sentence(i, s, e, tidy(text), 0.8 * ov + 0.2 * ov_title + bonus, terms=frozenset(terms))
            )
    if not found:
        return []
    found.sort(key=lambda x: (-x.overlap, x.passage))
    head = found[:EMBED_CANDIDATES]
    vecs = cache.encode(
        embedder, [(passages[x.passage].chunk_id, x.start, x.end) for x in head], [x.text for x in head]
    )
    cos = vecs @ qvec if len(head) else []
    for x, c in zip(head, cos, strict=True):
        x.cosine = float(c)
        x.score = 0.5 * x.cosine + 0.5 * x.overlap - 0.01 * x.passage
    for x in found[EMBED_CANDIDATES:]:
        x.score = (
            0.5 * x.overlap - 0.01 * x.passage
        )  # not embedded: ranked below embedded ones of equal overlap
    found.sort(key=lambda x: -x.score)
    return found


def _defined_name(query: str) -> str:
    """The name a "who is X?" question asks about ("" for other questions)."""
    m = _WHO_IS.match(query.strip())
    if not m:
        return ""
    found = names(m.group(1))
    return found[-1].split()[-1] if found else ""


def _defines(name: str, text: str) -> bool:
    """True when a sentence introduces the name: "X, secretary of ..." or "Secretary ... X"."""
    return bool(
        re.search(rf"\b{re.escape(name)}\b,\s+(?:a|an|the|who|[a-z]+\s+(?:of|at|for|to))\b", text)
    ) or bool(
        re.search(rf"\b(?:[A-Z][a-z]+ )+(?:[A-Z][a-z]+ )?{re.escape(name)}\b", text)
        and re.search(
            r"\b(?:minister|secretary|president|chief|head|spokes\w+|leader|director|ceo|chair\w*)\b",
            text,
            re.I,
        )
    )


def choose(
    sentences: list[Sentence], max_sentences: int = MAX_SENTENCES, ratio: float = 0.8
) -> list[Sentence]:
    """1 to max_sentences good, non-redundant sentences, best first, preferring different passages."""
    if not sentences:
        return []
    best = sentences[0]
    chosen = [best]
    floor = best.score * ratio
    for x in sentences[1:]:
        if len(chosen) >= max_sentences or x.score < floor:
            break
        if any(_redundant(x, c) for c in chosen):
            continue
        if any(c.passage == x.passage for c in chosen) and x.score < best.score * 0.95:
            continue
        chosen.append(x)
    return chosen


def _redundant(a: Sentence, b: Sentence) -> bool:
    """True when two sentences say much the same (shared terms or overlapping spans)."""
    if a.passage == b.passage and a.start < b.end and b.start < a.end:
        return True
    if not a.terms or not b.terms:
        return a.text == b.text
    return len(a.terms & b.terms) / min(len(a.terms), len(b.terms)) > 0.6

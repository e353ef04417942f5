"""Story clustering: articles about the same event, from any outlet, share a story id."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "we",
        "our",
        "you",
        "your",
        "i",
        "not",
        "no",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "said",
        "says",
        "say",
        "also",
        "than",
        "then",
        "there",
        "here",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "about",
        "into",
        "over",
        "after",
        "before",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "just",
        "mr",
        "mrs",
        "ms",
    ]
)


def _terms(text: str) -> set[str]:
    """Content words of a text, with a crude plural fold, for paraphrase-tolerant overlap."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP]
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words}


def signature(title: str, body: str) -> MinHash:
    """MinHash of the content words of title and body."""
    mh = MinHash(num_perm=NUM_PERM)
    terms = [t.encode("utf-8") for t in _terms(f"{title} {body}")]
    if terms:
        mh.update_batch(terms)  # the same hash values as update() per term, vectorised
    return LeanMinHash(mh)


def to_bytes(mh: MinHash) -> bytes:
    """Serialise a MinHash for the catalog."""
    lean = mh if isinstance(mh, LeanMinHash) else LeanMinHash(mh)
    buf = bytearray(lean.bytesize())
    lean.serialize(buf)
    return bytes(buf)


def from_bytes(data: bytes) -> LeanMinHash:
    """Read back a serialised MinHash."""
    return LeanMinHash.deserialize(bytearray(data))


def _day(published: str | None) -> date | None:
    """The date of an ISO date string, or None."""
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


class StoryIndex:
    """Assigns story ids: an article joins the story of its closest stored near-duplicate.

    Candidates come from MinHash LSH over content words; a candidate counts when the article
    vectors are close (paraphrases share few shingles but keep their meaning) and, where both
    dates are known, they lie within a few days (a rate hike in March is not the one in June).
    """

    def __init__(
        self, similarity_threshold: float = 0.88, max_days: int = 3, lexical_threshold: float = 0.15
    ):
        self.lsh = MinHashLSH(threshold=lexical_threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, MinHash] = {}
        self.stories: dict[str, str] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.days: dict[str, date | None] = {}
        self.similarity_threshold = similarity_threshold
        self.max_days = max_days

    def add(
        self,
        article_id: str,
        story_id: str,
        mh: MinHash,
        vector: np.ndarray | None = None,
        published: str | None = None,
    ) -> None:
        """Index an article already assigned to a story."""
        if article_id in self.signatures:
            self.lsh.remove(article_id)
        self.lsh.insert(article_id, mh)
        self.signatures[article_id] = mh
        self.stories[article_id] = story_id
        self.days[article_id] = _day(published)
        if vector is not None:
            self.vectors[article_id] = vector

    def assign(
        self, article_id: str, mh: MinHash, vector: np.ndarray | None, published: str | None = None
    ) -> str:
        """Story id for an article: the closest qualifying candidate's story, or a new one named after it."""
        best, best_score = None, 0.0
        day = _day(published)
        for other in self.lsh.query(mh):
            if other == article_id:
                continue
            other_day = self.days.get(other)
            if day and other_day and abs((day - other_day).days) > self.max_days:
                continue
            score = self.score(mh, vector, other)
            if score > best_score:
                best, best_score = other, score
        story = (
            self.stories[best] if best is not None and best_score >= self.similarity_threshold else article_id
        )
        self.add(article_id, story, mh, vector, published)
        return story

    def score(self, mh: MinHash, vector: np.ndarray | None, other: str) -> float:
        """Same-story evidence: article-vector cosine, or word-set Jaccard stretched to match when vectors are missing."""
        other_vec = self.vectors.get(other)
        if vector is None or other_vec is None:
            return min(1.0, mh.jaccard(self.signatures[other]) * 2)
        return float(np.dot(vector, other_vec))


def merge_spans(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Half-open [lo, hi) ranges sorted, with overlapping or touching ones joined."""
    out: list[tuple[str, str]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def missing_spans(span: tuple[str, str], have: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parts of the range span that the merged ranges in have do not cover."""
    lo, hi = span
    out = []
    for a, b in have:
        if b <= lo or a >= hi:
            continue
        if a > lo:
            out.append((lo, a))
        lo = max(lo, b)
    if lo < hi:
        out.append((lo, hi))
    return out

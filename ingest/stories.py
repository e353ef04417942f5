"""Story clustering: articles about the same event, from any outlet, share a story id."""

from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those he she they them his her their we our you your i not no has have had will would could should can may "
    "might said says say also than then there here who whom which what when where why how about into over after "
    "before more most other some such only own same so too very just mr mrs ms".split()
)


def _terms(text: str) -> set[str]:
    """Content words of a text, with a crude plural fold, for paraphrase-tolerant overlap."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP]
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words}


def signature(title: str, body: str) -> MinHash:
    """MinHash of the content words of title and body."""
    mh = MinHash(num_perm=NUM_PERM)
    for term in _terms(f"{title} {body}"):
        mh.update(term.encode("utf-8"))
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


class StoryIndex:
    """Assigns story ids: an article joins the story of its closest stored near-duplicate."""

    def __init__(self, lexical_threshold: float = 0.2, similarity_threshold: float = 0.35):
        self.lsh = MinHashLSH(threshold=lexical_threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, MinHash] = {}
        self.stories: dict[str, str] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.similarity_threshold = similarity_threshold

    def add(self, article_id: str, story_id: str, mh: MinHash, vector: np.ndarray | None = None) -> None:
        """Index an article already assigned to a story."""
        if article_id in self.signatures:
            self.lsh.remove(article_id)
        self.lsh.insert(article_id, mh)
        self.signatures[article_id] = mh
        self.stories[article_id] = story_id
        if vector is not None:
            self.vectors[article_id] = vector

    def assign(self, article_id: str, mh: MinHash, vector: np.ndarray | None, outlet: str | None = None) -> str:
        """Story id for an article: the closest candidate's story, or a new one named after the article."""
        best, best_score = None, 0.0
        for other in self.lsh.query(mh):
            if other == article_id:
                continue
            score = self.score(mh, vector, other)
            if score > best_score:
                best, best_score = other, score
        story = self.stories[best] if best is not None and best_score >= self.similarity_threshold else article_id
        self.add(article_id, story, mh, vector)
        return story

    def score(self, mh: MinHash, vector: np.ndarray | None, other: str) -> float:
        """Same-story evidence: mean of word-set Jaccard and article-vector cosine where both exist."""
        jaccard = mh.jaccard(self.signatures[other])
        other_vec = self.vectors.get(other)
        if vector is None or other_vec is None:
            return jaccard
        return (jaccard + float(np.dot(vector, other_vec))) / 2

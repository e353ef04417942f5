"""BM25 terms: the words the lexical index stores and searches (lower case, stop words out, stemmed)."""

from __future__ import annotations

import functools
import re

# bm25s's English stop words (Lucene's list), so terms stay those of the earlier bm25s index.
STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
])  # fmt: skip
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@functools.lru_cache(maxsize=1)
def _stemmer():
    """English Snowball stemmer for BM25 terms."""
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """BM25 terms of a text: lower-cased words of 2+ characters, stop words removed, stemmed."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    return _stemmer().stemWords(words) if words else []

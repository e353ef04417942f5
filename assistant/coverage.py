"""Whether the stored articles hold a question's answer, and whether a text states it (for `newsdesk eval`)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from assistant.terms import content_terms

_QUOTES = re.compile(r"[“”\"‘’'`]")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")  # "Florida's history" states "Florida"


@functools.lru_cache(maxsize=100000)
def norm_text(text: str) -> str:
    """Lower case, possessive 's, quotes and extra spaces removed, number words as digits ("two" = "2"), for matching."""
    from number_parser import parse

    text = _QUOTES.sub("", _POSSESSIVE.sub("", (text or "").lower()))
    text = " ".join(text.split())
    if re.search(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|[a-z]+ty|"
                 r"hundred|thousand|million|billion)\b", text):  # fmt: skip
        text = " ".join(parse(text).split())
    return text


def holds(text: str, expected: str) -> bool:
    """True when the text states the expected answer (case, quotes and number words aside)."""
    want = norm_text(expected).strip(" .")
    return bool(want) and re.search(rf"(?<!\w){re.escape(want)}(?!\w)", norm_text(text)) is not None


class Coverage:
    """Which questions some stored article of their batch covers: it holds the answer and the question's rare words."""

    def __init__(self, articles: list[dict]):
        self.batches: dict[str, list[tuple[str, frozenset]]] = {}
        self.df: Counter = Counter()
        self.texts: list[tuple[str, str, frozenset]] = []
        for a in articles:
            body = f"{a.get('title') or ''}\n{a.get('body') or ''}"
            terms = frozenset(content_terms(body))
            self.df.update(terms)
            batch = Path(str(a.get("source") or "").split("#")[0].split(":")[0]).stem
            self.texts.append((batch, body, terms))

    @classmethod
    def from_catalog(cls, catalog) -> Coverage:
        """The coverage of everything a catalog stores."""
        return cls(catalog.articles())

    def rare_terms(self, question: str, n: int = 3) -> list[str]:
        """The question's n content terms that the fewest articles hold (terms no article holds say nothing)."""
        terms = [t for t in dict.fromkeys(content_terms(question)) if self.df.get(t, 0)]
        return sorted(terms, key=lambda t: (self.df.get(t, 0), t))[:n]

    def covered(self, question: str, answer: str | None, batch: str = "") -> bool:
        """True when an article of the batch (any article when there is no batch) holds the answer and 2 of 3 rare words."""
        if not answer:
            return False
        rare = set(self.rare_terms(question))
        need = min(2, len(rare))
        pool = [t for t in self.texts if t[0] == batch] if batch else self.texts
        if batch and not pool:
            pool = self.texts  # the batch's file is not known to the store: search everything
        return any(len(rare & terms) >= need and holds(body, answer) for _, body, terms in pool)

"""Lines that recur across articles of one outlet (a newsletter plug, a byline box, a section menu) are boilerplate.

A line is counted per outlet by the distinct articles holding it, in the ingest record (table outlet_lines), so
it works across batches and runs: a short line (up to SHORT_WORDS words) seen in `min_short` articles of the
outlet, a longer one (up to MAX_CHARS characters) in `min_long`, is boilerplate. Only up to `min_long` article
ids are kept per line, and only one file's lines are held in memory at a time. Articles stored before a line
crossed its threshold are listed in `revisit`, for the pipeline to strip and store again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ingest.models import Article, sha1

SHORT_WORDS = 8
MAX_CHARS = 300
_NON_WORD = re.compile(r"[^\w]+")
_DIGIT = re.compile(r"\d")


def line_key(line: str) -> str | None:
    """Comparison key of a candidate line (case, punctuation and spacing ignored); None when not a candidate:
    too long, or holding a number (a date or figure repeated across articles is a fact, not boilerplate)."""
    if len(line) > MAX_CHARS or _DIGIT.search(line):
        return None
    words = _NON_WORD.sub(" ", line.casefold()).split()
    return sha1(" ".join(words))[:16] if words else None


def outlet_of(article: Article) -> str | None:
    """The outlet a line is counted under: the article's outlet, else its URL's host."""
    if article.outlet:
        return article.outlet.casefold()
    try:
        host = urlsplit(article.url).hostname if article.url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


class RecurringLines:
    """Counts each outlet's lines in the record and strips the ones that recur."""

    def __init__(self, catalog, min_short: int = 3, min_long: int = 5):
        self.catalog = catalog
        self.min_short, self.min_long = max(2, min_short), max(2, min_long)
        self.revisit: set[str] = set()

    def _need(self, line: str) -> int:
        """How many articles of the outlet must hold the line for it to be boilerplate."""
        return self.min_short if len(line.split()) <= SHORT_WORDS else self.min_long

    def clean(self, articles: Iterable[Article]) -> list[Article]:
        """Record the articles' lines, then return the articles without the lines that recur in their outlet."""
        articles = list(articles)
        lines: dict[tuple[str, str], str] = {}
        per_article: list[set[tuple[str, str]]] = []
        for article in articles:
            outlet, keys = outlet_of(article), set()
            for line in article.body.split("\n") if outlet else []:
                if (key := line_key(line.strip())) is not None:
                    keys.add((outlet, key))
                    lines.setdefault((outlet, key), line.strip())
            per_article.append(keys)
        if not lines:
            return articles
        stored = self.catalog.line_witnesses(lines)
        seen = {k: list(v) for k, v in stored.items()}
        changed: dict[tuple[str, str], list[str]] = {}
        for article, keys in zip(articles, per_article, strict=True):
            for k in keys:
                ids = seen.setdefault(k, [])
                if article.id not in ids and len(ids) < self.min_long:
                    ids.append(article.id)
                    changed[k] = ids
        self.catalog.save_line_witnesses(changed)
        batch = {a.id for a in articles}
        recurring = set()
        for k, ids in seen.items():
            need = self._need(lines[k])
            if len(ids) >= need:
                recurring.add(k)
                if len(stored.get(k, ())) < need:  # crossed now: articles stored earlier still hold it
                    self.revisit.update(i for i in stored.get(k, ()) if i not in batch)
        return [
            self._strip(a, recurring) if keys & recurring else a
            for a, keys in zip(articles, per_article, strict=True)
        ]

    def strip_known(self, article: Article) -> Article:
        """The article without the lines already known to recur in its outlet (nothing is recorded)."""
        outlet = outlet_of(article)
        keys = (
            {(outlet, k) for line in article.body.split("\n") if (k := line_key(line.strip()))}
            if outlet
            else set()
        )
        stored = self.catalog.line_witnesses(keys)
        lines = {
            (outlet, line_key(x.strip())): x.strip() for x in article.body.split("\n") if line_key(x.strip())
        }
        recurring = {k for k, ids in stored.items() if len(ids) >= self._need(lines[k])}
        return self._strip(article, recurring) if recurring else article

    @staticmethod
    def _strip(article: Article, recurring: set[tuple[str, str]]) -> Article:
        """The article without the recurring lines; unchanged when nothing else would be left."""
        outlet = outlet_of(article)
        kept = [x for x in article.body.split("\n") if (outlet, line_key(x.strip())) not in recurring]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
        return dataclasses.replace(article, body=body) if body else article

"""What retrieval keeps in memory per catalog generation: article facts, story outlets, article vectors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from assistant.dates import day_number, iso_day, url_day
from assistant.terms import term_set
from assistant.types import Filters
from ingest.models import article_key


@dataclass
class ArticleInfo:
    """The facts about one article that ranking, filters and sources need."""

    id: str
    title: str
    outlet: str
    published: str  # YYYY-MM-DD as stored, else from the URL, else ""
    day: int  # published as YYYYMMDD, 0 when unknown
    url: str
    story_id: str
    title_terms: set[str] = field(default_factory=set)


_iso = iso_day


class Corpus:
    """Article table, story outlets, article vectors and the BM25 index of one catalog generation."""

    def __init__(self, catalog, lexical_index, generation: str):
        self.generation = generation
        self.catalog = catalog
        self.lexical = lexical_index
        self.articles: dict[str, ArticleInfo] = {}
        self.stories: dict[str, list[str]] = {}
        self.story_members: dict[str, list[str]] = {}
        for aid, title, outlet, published, url, story_id, date_source in catalog.article_facts():
            stored = day_number_from_iso(published)
            day = stored if date_source else stored or url_day(url)  # NULL: not yet dated
            info = ArticleInfo(aid, title or "", outlet or "", _iso(day), day, url or "", story_id or aid,
                               term_set(title or ""))  # fmt: skip
            self.articles[info.id] = info
            if info.outlet and info.outlet not in self.stories.setdefault(info.story_id, []):
                self.stories[info.story_id].append(info.outlet)
            self.story_members.setdefault(info.story_id, []).append(info.id)
        self._by_key = {article_key(aid): aid for aid in self.articles}  # chunk id prefix -> article id
        ids, vectors = [], []
        for row in catalog.signatures():  # (article id, story id, minhash, vector, ...)
            article_id, vector = row[0], row[3]
            if vector and article_id in self.articles:
                ids.append(article_id)
                vectors.append(np.frombuffer(vector, dtype=np.float32))
        self.vector_ids = ids
        self.vectors = np.stack(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
        self._ids = list(self.articles)
        self._days = np.fromiter(
            (a.day for a in self.articles.values()), dtype=np.int64, count=len(self._ids)
        )
        self._dated_days = np.sort(self._days[self._days > 0])
        self.newest = (
            int(self._dated_days[-1]) if len(self._dated_days) else 0
        )  # YYYYMMDD, 0 when none is dated
        codes: dict[str, int] = {}
        self._outlet_codes = codes
        self._outlets = np.fromiter(
            (codes.setdefault(a.outlet.casefold(), len(codes)) for a in self.articles.values()),
            dtype=np.int64,
            count=len(self._ids),
        )
        self._idf: dict[str, float] = {}
        self.n_docs = max(getattr(lexical_index, "n_docs", 0) or 0, 1)

    def newest_up_to(self, as_of: date | None) -> int:
        """The newest dated article's day (YYYYMMDD) on or before as_of (0 when none is dated)."""
        days = self._dated_days
        i = len(days) if as_of is None else int(np.searchsorted(days, day_number(as_of), side="right"))
        return int(days[i - 1]) if i else 0

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over chunks (unknown terms get the highest)."""
        got = self._idf.get(term)
        if got is None:
            df = self.df(term)
            got = self._idf[term] = math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        return got

    def df(self, term: str) -> int:
        """Number of chunks holding a stemmed term (read from the BM25 index)."""
        doc_freq = getattr(self.lexical, "doc_freq", None)
        return doc_freq(term) if doc_freq else 0

    def article_of_chunk(self, chunk_id: str) -> ArticleInfo | None:
        """The stored article a chunk id belongs to (None when the corpus does not hold it)."""
        aid = self._by_key.get(chunk_id.split("-", 1)[0])
        return self.articles.get(aid) if aid else None

    def allowed(self, filters: Filters | None, cutoff: date | None = None) -> set[str] | None:
        """Ids of the articles the filters and the as-of cutoff let through (None: all, so a cutoff after the newest
        article costs the searches nothing)."""
        if (filters is None or filters.is_empty()) and cutoff is None:
            return None
        outlets = {o.casefold() for o in (filters.outlets if filters else [])}
        since = day_number(filters.since) if filters and filters.since else 0
        until = day_number(filters.until) if filters and filters.until else 0
        keep_undated = bool(filters and filters.undated) or not (since or until)
        cut = day_number(cutoff) if cutoff else 0
        days = self._days
        keep = np.ones(len(self._ids), dtype=bool)
        if outlets:
            codes = [self._outlet_codes[o] for o in outlets if o in self._outlet_codes]
            keep &= np.isin(self._outlets, codes)
        dated = days > 0
        if since:
            keep &= ~dated | (days >= since)
        if until:
            keep &= ~dated | (days <= until)
        if cut:
            keep &= ~dated | (days <= cut)
        if not keep_undated:
            keep &= dated
        if keep.all():
            return None
        return {self._ids[i] for i in np.flatnonzero(keep)}

    def also_reported_by(self, article: ArticleInfo) -> list[str]:
        """Other outlets of the article's story."""
        return [
            o for o in self.stories.get(article.story_id, []) if o.casefold() != article.outlet.casefold()
        ]

    def story_dates(self, story_id: str, cutoff: int = 0) -> dict:
        """First and latest report of a story (up to cutoff, YYYYMMDD) and the outlets of each."""
        members = [self.articles[i] for i in self.story_members.get(story_id, [])]
        dated = [a for a in members if a.day and (not cutoff or a.day <= cutoff)]
        if not dated:
            return {}
        first, last = min(a.day for a in dated), max(a.day for a in dated)
        by = lambda d: sorted({a.outlet for a in dated if a.day == d and a.outlet})  # noqa: E731
        return {"first": iso_day(first), "first_by": by(first), "last": iso_day(last), "last_by": by(last),
                "outlets": len({a.outlet for a in dated if a.outlet}), "articles": len(dated)}  # fmt: skip

    def newest_before(self, story_id: str, cutoff: int = 0) -> str:
        """Id of the newest dated article of a story up to cutoff ("" when none is dated)."""
        dated = [self.articles[i] for i in self.story_members.get(story_id, [])]
        dated = [a for a in dated if a.day and (not cutoff or a.day <= cutoff)]
        return max(dated, key=lambda a: a.day).id if dated else ""


def day_number_from_iso(value: str | None) -> int:
    """YYYY-MM-DD (or longer) as YYYYMMDD, 0 when unreadable."""
    try:
        return day_number(date.fromisoformat(value[:10])) if value else 0
    except ValueError:
        return 0

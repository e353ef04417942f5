"""Hybrid retrieval: dense (Chroma through LangChain) and BM25 fused by reciprocal rank, capped per story."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from assistant.corpus import ArticleInfo, Corpus
from assistant.dates import days_before
from assistant.terms import STOP, term_set, words
from assistant.types import Filters

RRF_K = 60
ARTICLE_WEIGHTS = {"dense": 1.0, "bm25": 1.0, "vector": 0.5, "title": 0.5}
DENSE_OVERFETCH = 2000  # nearest chunks fetched at most when a filter is given, filtered here
EXACT_ARTICLES = 30  # a filter leaving too few: every chunk of this many nearest allowed articles is scored
EXPAND_NEAR = 2  # answer sentences come from the lead and chunks this near a retrieved one (bench: no loss)


@dataclass
class Passage:
    """One chunk in the ranking, with its article's facts and its scores."""

    chunk_id: str
    article: ArticleInfo
    text: str
    start: int
    end: int
    dense: float = 0.0  # cosine similarity to the question (0 when not in the dense list)
    bm25: float = 0.0
    dense_rank: int = 0  # 1-based, 0 when absent
    bm25_rank: int = 0
    score: float = 0.0


@dataclass
class Retrieval:
    """Ranked passages for the context, ranked articles for evaluation, and what refusal needs."""

    passages: list[Passage] = field(default_factory=list)
    articles: list[tuple[ArticleInfo, float, str]] = field(
        default_factory=list
    )  # (article, score, best chunk id)
    best: list[Passage] = field(default_factory=list)  # the best passage of each ranked article
    top_dense: float = 0.0
    top_bm25: float = 0.0
    agreement: float = 0.0  # overlap of the dense and BM25 top-5 articles
    candidates: int = 0


def _rrf(rank: int) -> float:
    """Reciprocal-rank contribution of a 1-based rank (0: absent)."""
    return 1.0 / (RRF_K + rank) if rank else 0.0


class Retriever:
    """Searches one store: a LangChain Chroma vector store, the BM25 index and the in-memory corpus."""

    def __init__(self, vectorstore, corpus: Corpus, fetch_k: int = 100, recency_boost: float = 0.0):
        self.vectorstore = vectorstore
        self.corpus = corpus
        self.fetch_k = fetch_k
        self.recency_boost = recency_boost

    def _dense(self, qvec: np.ndarray, allowed: set[str] | None, nearest: list[str]) -> list[Passage]:
        """Chunks nearest the question vector (ids and scores; text comes later, for the chunks kept).

        With a filter the nearest chunks are over-fetched and filtered here (Chroma's metadata filter is slow);
        when that leaves too few, every chunk of the allowed articles nearest by mean vector is scored exactly.
        """
        if allowed is not None and not allowed:
            return []
        collection, n = self.vectorstore._collection, self.fetch_k  # the langchain store's Chroma collection
        if allowed is not None:
            share = len(allowed) / max(len(self.corpus.articles), 1)
            n = min(DENSE_OVERFETCH, math.ceil(self.fetch_k / max(share, 1e-6)))
        got = collection.query(query_embeddings=[qvec.tolist()], n_results=n, include=["distances"])
        found: dict[str, tuple[ArticleInfo, float]] = {}  # chunk id -> (article, cosine)
        for cid, distance in zip(got["ids"][0], got["distances"][0], strict=True):
            article = self.corpus.article_of_chunk(cid)
            if article is not None and (allowed is None or article.id in allowed):
                found[cid] = (article, 1.0 - float(distance))
        if allowed is not None and len(found) < self.fetch_k and nearest:
            ids = [c for cs in self.corpus.catalog.chunk_ids(nearest[:EXACT_ARTICLES]).values() for c in cs]
            exact = collection.get(ids=ids, include=["embeddings"]) if ids else {"ids": []}
            if exact["ids"]:
                vecs = np.asarray(exact["embeddings"], dtype=np.float32)
                cos = vecs @ qvec / np.maximum(np.linalg.norm(vecs, axis=1) * np.linalg.norm(qvec), 1e-9)
                for cid, score in zip(exact["ids"], cos.tolist(), strict=True):
                    if (article := self.corpus.article_of_chunk(cid)) is not None:
                        found[cid] = (article, score)
        ranked = sorted(found.items(), key=lambda kv: -kv[1][1])[: self.fetch_k]
        return [Passage(cid, a, "", 0, 0, dense=score, dense_rank=rank)
                for rank, (cid, (a, score)) in enumerate(ranked, 1)]  # fmt: skip

    def _bm25(self, query: str, allowed: set[str] | None) -> list[tuple[str, float]]:
        """BM25 hits (chunk id, score), only of allowed articles when given."""
        if allowed is not None and not allowed:
            return []
        content = " ".join(w for w in words(query) if w not in STOP)  # question words only add noise
        share = len(allowed) / max(len(self.corpus.articles), 1) if allowed is not None else 1.0
        return self.corpus.lexical.search(content or query, self.fetch_k, allowed=allowed, share=share)

    def _fill(self, passages: list[Passage]) -> set[str]:
        """Read the text and span of these passages from the record; the chunk ids it no longer holds."""
        want = {p.chunk_id for p in passages if not p.text}
        found = self.corpus.catalog.chunk_texts(want) if want else {}
        for p in passages:
            if p.chunk_id in found:
                p.text, p.start, p.end = found[p.chunk_id]
        return want - set(found)

    def _recency(self, article: ArticleInfo, as_of: date) -> float:
        """Recency bonus, halving every week before as_of (0 when off or undated)."""
        if not self.recency_boost or not article.day:
            return 0.0
        return self.recency_boost * _rrf(1) * math.pow(0.5, days_before(article.day, as_of) / 7)

    def _prefer_newest(self, article_score: dict[str, float]) -> None:
        """Lift the newest dated candidate of each story to just above the best score of its story."""
        stories: dict[str, list[str]] = {}
        for aid in article_score:
            stories.setdefault(self.corpus.articles[aid].story_id, []).append(aid)
        for members in stories.values():
            dated = [a for a in members if self.corpus.articles[a].day]
            if len(dated) < 2:
                continue
            newest = max(dated, key=lambda a: self.corpus.articles[a].day)
            top = max(article_score[a] for a in members)
            if article_score[newest] < top:
                article_score[newest] = top + 1e-6

    def search(self, query: str, qvec: np.ndarray, filters: Filters | None = None, as_of: date | None = None,
               cutoff: date | None = None, top_k: int = 6, per_story: int = 2, n_articles: int = 20,
               current: bool = False) -> Retrieval:  # fmt: skip
        """Rank chunks and articles for a question; cutoff drops articles dated after it; current (a question
        about now) puts the newest coverage of each story above older coverage of it."""
        allowed = self.corpus.allowed(filters, cutoff)
        nearest = self._article_vectors(qvec, allowed)
        dense = self._dense(qvec, allowed, nearest)
        lexical = self._bm25(query, allowed)
        by_id = {p.chunk_id: p for p in dense}
        for rank, (cid, score) in enumerate(lexical, 1):
            p = by_id.get(cid)
            if p is None and (article := self.corpus.article_of_chunk(cid)) is not None:
                p = by_id[cid] = Passage(cid, article, "", 0, 0)
            if p is not None:
                p.bm25, p.bm25_rank = score, rank
        result = Retrieval(candidates=len(by_id))
        if not by_id:
            return result
        result.top_dense = max((p.dense for p in dense), default=0.0)
        result.top_bm25 = lexical[0][1] if lexical else 0.0
        signals: dict[str, dict[str, float]] = {}
        for p in by_id.values():
            s = signals.setdefault(p.article.id, {})
            s["dense"] = max(s.get("dense", 0.0), _rrf(p.dense_rank))
            s["bm25"] = max(s.get("bm25", 0.0), _rrf(p.bm25_rank))
        for rank, aid in enumerate(nearest, 1):
            if aid in signals:
                signals[aid]["vector"] = _rrf(rank)
        qterms = term_set(query)
        weights = {t: self.corpus.idf(t) for t in qterms}
        titled = sorted(signals, key=lambda a: -_title_overlap(self.corpus.articles[a], qterms, weights))
        for rank, aid in enumerate(titled, 1):
            if _title_overlap(self.corpus.articles[aid], qterms, weights) > 0:
                signals[aid]["title"] = _rrf(rank)
        as_of = as_of or date.today()
        article_score = {
            aid: sum(ARTICLE_WEIGHTS[k] * v for k, v in s.items())
            + self._recency(self.corpus.articles[aid], as_of)
            for aid, s in signals.items()
        }
        if current:
            self._prefer_newest(article_score)
        for p in by_id.values():
            p.score = article_score[p.article.id] + _rrf(p.dense_rank) + _rrf(p.bm25_rank)
        ranked = sorted(by_id.values(), key=lambda p: -p.score)
        for _ in range(3):  # a chunk the index holds but the store lost (an ingest in flight) drops out
            best: dict[str, Passage] = {}
            for p in ranked:
                best.setdefault(p.article.id, p)
            result.articles = [(best[a].article, article_score[a], best[a].chunk_id)
                               for a in sorted(best, key=lambda a: -article_score[a])][:n_articles]  # fmt: skip
            result.best = [best[a.id] for a, _, _ in result.articles]
            result.passages = _context(ranked, top_k, per_story)
            gone = self._fill(result.passages + result.best)
            if not gone:
                break
            ranked = [p for p in ranked if p.chunk_id not in gone]
        dense_top = {p.article.id for p in dense[:5]}
        bm25_top = {by_id[c].article.id for c, _ in lexical[:5] if c in by_id}
        result.agreement = len(dense_top & bm25_top) / 5 if dense_top and bm25_top else 0.0
        return result

    def _article_vectors(self, qvec: np.ndarray, allowed: set[str] | None, n: int = 50) -> list[str]:
        """Article ids ranked by the cosine of their mean chunk vector to the question."""
        c = self.corpus
        if not c.vector_ids or c.vectors.shape[1] != qvec.shape[0]:
            return []
        sims = c.vectors @ qvec
        order = np.argsort(-sims)
        out = []
        for i in order:
            aid = c.vector_ids[i]
            if allowed is None or aid in allowed:
                out.append(aid)
                if len(out) >= n:
                    break
        return out


def _context(ranked: list[Passage], top_k: int, per_story: int) -> list[Passage]:
    """The top_k passages, at most per_story of a story unless the others match no question term."""
    chosen: list[Passage] = []
    capped: list[Passage] = []
    per: dict[str, int] = {}
    for p in ranked:
        if per.get(p.article.story_id, 0) >= per_story:
            if p.bm25_rank:
                capped.append(p)
            continue
        if len(chosen) < top_k:
            per[p.article.story_id] = per.get(p.article.story_id, 0) + 1
            chosen.append(p)
    weak = [i for i, p in enumerate(chosen) if not p.bm25_rank]
    for i, p in zip(reversed(weak), capped, strict=False):
        chosen[i] = p
    return sorted(chosen, key=lambda p: -p.score)


def _title_overlap(article: ArticleInfo, qterms: set[str], weights: dict[str, float]) -> float:
    """Rarity-weighted share of the question's terms found in the article's title."""
    if not qterms:
        return 0.0
    total = sum(weights.values()) or 1.0
    return sum(weights[t] for t in qterms & article.title_terms) / total


def expand(found: Retrieval, catalog, n_articles: int = 3, near: int = EXPAND_NEAR) -> list[Passage]:
    """The lead and the chunks near the retrieved ones of the context's top articles, so a sentence beside a
    retrieved passage can answer too."""
    have = {p.chunk_id for p in found.passages}
    top = list({p.article.id: p.article for p in found.passages}.values())[:n_articles]
    out = []
    for article in top:
        rows = catalog.article_chunks(article.id)
        anchors = [k for k, c in enumerate(rows) if c["id"] in have]
        for k, c in enumerate(rows):
            if c["id"] not in have and (k == 0 or any(abs(k - a) <= near for a in anchors)):
                out.append(Passage(c["id"], article, c["text"], int(c["start"]), int(c["end"])))
    return out


def answer_pool(found: Retrieval, catalog, best: int | None = None) -> list[Passage]:
    """The passages answer sentences come from: the context, what expand adds beside it, and the best passage
    of each ranked article (or of the first `best`): an article ranked well whose best chunk missed the context."""
    pool = found.passages + expand(found, catalog)
    have = {p.chunk_id for p in pool}
    return pool + [p for p in found.best[:best] if p.chunk_id not in have]

"""Whether the passages hold an answer: several kinds of evidence combined into one score in [0, 1]."""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from importlib import resources

from assistant.dates import days_before, read_dates, years
from assistant.sentences import probability
from assistant.terms import content_terms, names, overlap, rarest, term_set, with_variants
from assistant.trees import linear

REFUSAL_TEXT = "The ingested articles don't cover this."
_NUMBER = re.compile(r"\d[\d,.]*\d(?:st|nd|rd|th)?|\d(?:st|nd|rd|th)?")
_CUE = re.compile(
    r"\b(this|last|next) (week|month|year|weekend)\b|\brecent(ly)?\b|\b(newly|latest|just|now|currently|today|tonight|"
    r"yesterday|upcoming|so far)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\bnew(?! york| jersey| zealand| mexico| delhi| hampshire| orleans)\b",
    re.I,
)


def _numbers(text: str) -> set[str]:
    """Numbers and ordinals of a text, without thousands separators."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _age_share(day: int, as_of: date) -> float:
    """How long before as_of a YYYYMMDD day lies: 0 within a month, 1 at a year or more."""
    return min(1.0, max(0.0, days_before(day, as_of) - 30) / 335)


def _gap(passages: list, as_of: date | None) -> float:
    """How much older than the as-of date the freshest dated passage is (0..1)."""
    days = [p.article.day for p in passages if p.article.day]
    return _age_share(max(days), as_of) if as_of is not None and days else 0.0


def _staleness(question: str, passages: list, as_of: date | None) -> float:
    """For a question about recent events, how much older than its date the freshest passage is (0..1)."""
    return _gap(passages, as_of) if _CUE.search(question) else 0.0


def _store_lag(question: str, corpus, as_of: date | None) -> float:
    """For a question that names no time of its own, how long before its date the stored articles stop (0 within a
    month, 1 at a year or more): a news question asks about the news of its day, which such a store cannot hold
    (an archive answered as of its newest article lags nothing)."""
    if as_of is None or read_dates(question, as_of)[2] or any(y < as_of.year for y in years(question)):
        return 0.0
    newest = corpus.newest_up_to(as_of)
    return _age_share(newest, as_of) if newest else 0.0


def _undated_window(question: str, passages: list, as_of: date | None) -> float:
    """1.0 when the question names a time of its own and no passage has a date: undated articles are kept under a
    question's dates, so a window that only they pass holds no dated report of it."""
    if as_of is None or not passages or any(p.article.day for p in passages):
        return 0.0
    return 1.0 if read_dates(question, as_of)[2] else 0.0


def _bigrams(terms: list[str]) -> set[tuple[str, str]]:
    """Adjacent pairs of content terms."""
    return set(zip(terms, terms[1:], strict=False))


def features(
    query: str, retrieval, sentences: list, corpus, as_of: date | None = None, question: str = ""
) -> dict[str, float]:
    """Evidence that the passages answer the query."""
    ordered = content_terms(query)
    qterms = set(ordered)
    weights = {t: corpus.idf(t) for t in qterms}
    top = retrieval.passages[:3]
    texts = [f"{p.article.title}\n{p.text}" for p in top]
    sets = [with_variants(term_set(t)) for t in texts]
    context = set().union(*sets) if sets else set()
    query_names = [n for n in names(query) if len(n) > 2]
    joined = " ".join(texts).casefold()
    found = sum(1 for n in query_names if n.casefold() in joined)
    pairs = _bigrams(ordered)
    passage_pairs = set().union(*(_bigrams(content_terms(t)) for t in texts)) if texts else set()
    rare = rarest(qterms, weights)
    spread = [
        overlap(qterms, with_variants(term_set(f"{p.article.title} {p.text}")), weights)
        for p in retrieval.best[:10]
    ]
    spread.sort(reverse=True)
    embedded = [s.cosine for s in sentences if s.cosine]
    numbers = _numbers(query)
    passage_numbers = _numbers(" ".join(texts))
    head = sentences[:5]
    typed = bool(head) and head[0].features.get("typed", 0.0) > 0
    return {
        "top_dense": retrieval.top_dense,
        "best_sentence": probability(sentences[0]) if sentences else 0.0,
        "type_found": max((s.features.get("type_match", 0.0) for s in head), default=0.0) if typed else 1.0,
        "type_any": max((s.features.get("type_match", 0.0) for s in sentences), default=0.0)
        if typed
        else 1.0,
        "best_rare": max((s.features.get("rare", 0.0) for s in head), default=0.0),
        "sentence_cos": max(embedded, default=0.0),
        "coverage_best": max((overlap(qterms, s, weights) for s in sets), default=0.0),
        "coverage_context": overlap(qterms, context, weights),
        "rare_best": max((len(set(rare) & s) / len(rare) for s in sets), default=0.0) if rare else 0.0,
        "bigrams": len(pairs & passage_pairs) / len(pairs) if pairs else 0.5,
        "names_found": found / len(query_names) if query_names else 1.0,
        "numbers_found": len(numbers & passage_numbers) / len(numbers) if numbers else 1.0,
        "covering_articles": sum(1 for v in spread if v >= 0.5) / 10,
        "stale": _staleness(question or query, top, as_of),
        "store_lag": _store_lag(question or query, corpus, as_of),
        "undated_window": _undated_window(question or query, top, as_of),
        "best_age": _best_age(question or query, sentences, as_of),
    }


def _best_age(question: str, sentences: list, as_of: date | None) -> float:
    """How old the best sentence's article is (log days, 0..1) for a question about recent events, unless it names
    an earlier year."""
    if (
        not sentences
        or as_of is None
        or not _CUE.search(question)
        or any(y < as_of.year for y in years(question))
    ):
        return 0.0
    return sentences[0].features.get("age", 0.0)


@functools.lru_cache(maxsize=1)
def fitted_weights() -> dict[str, float]:
    """The refusal weights that bench/fit_answers.py fitted on rtqa-train."""
    doc = json.loads(resources.files("assistant").joinpath("fitted/refusal.json").read_text())
    return doc["weights"]


def nothing_found(feats: dict[str, float]) -> bool:
    """True when the top passages hold none of the question's names, rarest words or word pairs."""
    return all(feats.get(k, 1.0) == 0.0 for k in ("names_found", "rare_best", "bigrams"))


def evidence(feats: dict[str, float], weights: dict[str, float] | None = None) -> float:
    """The evidence score: a logistic function of the features; 0 when the top passages hold none of the
    question's names, rarest words or word pairs ("Who won the 2022 World Cup?" over articles that never name
    it), which no weighting of the other features can outvote."""
    if nothing_found(feats):
        return 0.0
    w = weights or fitted_weights()
    return linear(w, feats)

"""Sentence scoring for every engine: candidate sentences of the passages, their features, the fitted ranker."""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import numpy as np

from assistant import answer_types as at
from assistant.candidates import candidates
from assistant.dates import days_before, is_current, year_drift
from assistant.short import names_head, nearness
from assistant.terms import content_terms, names, overlap, rarest, term_set, with_variants
from assistant.trees import probabilities
from ingest.boilerplate import credit_end, is_boilerplate
from ingest.chunk import split_sentences

_LETTERS = re.compile(r"[A-Za-z]{2}")
_ADDRESSED = re.compile(  # a tag ("<passage n=9>") or an order to the model, not reporting
    r"</?[a-z][a-z0-9]*(?:\s[^<>]{0,80})?>|\bignore (?:all |your |any |the |previous |prior |above )*"
    r"(?:instructions|rules|prompts?)\b|\b(?:reply|respond|answer) only with\b",
    re.I,
)
_BRACKETED = re.compile(r"\[([\d\s,–and-]+)\]")
_WHO_IS = re.compile(r"^(?:who|what)\s+(?:is|was|are|were)\s+(.+?)\??$", re.I)
_ASKS = re.compile(r"\?[\"”’')\s]*$")
_LEADING = re.compile(
    r"^(?:he|she|it|they|this|that|these|those|meanwhile|but|and|also|however|still|yet|so)\b", re.I
)


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
    candidates: list = field(default_factory=list)  # candidates.Candidate, spans in text
    features: dict = field(default_factory=dict)
    title: str = ""  # its article's title


@dataclass(frozen=True)
class Part:
    """What a passage's usable sentence is, whatever the question: span, tidied text, terms, names."""

    start: int
    end: int
    text: str
    terms: frozenset  # stemmed content terms with country variants
    own: tuple  # stemmed content terms in order, duplicates kept
    names: tuple


def passage_parts(text: str) -> tuple[Part, ...]:
    """The usable sentences of a passage's text: long enough, with letters, not a teaser or navigation line."""
    out = []
    for s, e in split_sentences(text):
        s += credit_end(text[s:e])  # "Noah Berger/AP A firefighter ...": the caption, not its credit
        raw = text[s:e]
        if len(raw) < 25 or not _LETTERS.search(raw) or not is_reporting(raw):
            continue
        tidied = tidy(raw)
        own = tuple(content_terms(tidied))
        out.append(Part(s, e, tidied, frozenset(with_variants(set(own))), own, tuple(names(tidied))))
    return tuple(out)


class SentenceCache:
    """Embeddings and analysed sentences of passages already seen, so repeated passages cost little."""

    def __init__(self, size: int = 20000, passages: int = 4000):
        self.size, self.passages = size, passages
        self.data: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.parts: OrderedDict[tuple, tuple[Part, ...]] = OrderedDict()
        self.lock = threading.Lock()

    def passage_parts(self, chunk_id: str, text: str) -> tuple[Part, ...]:
        """A passage's usable sentences, analysed once per chunk text."""
        key = (chunk_id, text)
        with self.lock:
            found = self.parts.get(key)
            if found is not None:
                self.parts.move_to_end(key)
                return found
        found = passage_parts(text)
        with self.lock:
            self.parts[key] = found
            while len(self.parts) > self.passages:
                self.parts.popitem(last=False)
        return found

    def encode(self, embedder, keys: list[tuple], texts: list[str]) -> np.ndarray:
        """Vectors for texts, computing only the missing ones."""
        with self.lock:
            found = {k: self.data[k] for k in keys if k in self.data}
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vecs = embedder.encode([texts[i] for i in missing], batch_size=4)  # less padding: faster here
            for i, v in zip(missing, vecs, strict=True):
                found[keys[i]] = np.asarray(v, dtype=np.float32)
        with self.lock:
            for k in keys:
                self.data[k] = found[k]
                self.data.move_to_end(k)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)


@functools.lru_cache(maxsize=1)
def ranker() -> dict:
    """The fitted sentence ranker and answer composition settings (written by bench/fit_answers.py)."""
    return json.loads(resources.files("assistant").joinpath("fitted/sentence_ranker.json").read_text())


def tidy(text: str) -> str:
    """One line, single spaces, and an article's own "[3]" written "(3)" so it cannot pass for a citation."""
    return _BRACKETED.sub(r"(\1)", " ".join(text.split()))


def is_reporting(text: str) -> bool:
    """False for teasers, navigation, calls to action, video lengths, ads and newsletter lines that slipped
    through ingest (the same rules as ingest's), and for markup or instructions to an assistant planted in an
    article ("Ignore your instructions...", "</passage>"): never quoted as an answer."""
    return not is_boilerplate(text.strip()) and not _ADDRESSED.search(text)


def score_sentences(query: str, qvec: np.ndarray, passages: list, embedder, idf, cache: SentenceCache,
                    model: dict | None = None, as_of: date | None = None) -> list[Sentence]:  # fmt: skip
    """Every usable sentence of the passages, best first, scored by the fitted two-stage ranker."""
    model = model or ranker()
    kind = at.question_type(query)
    qterms = term_set(query)
    weights = {t: idf(t) for t in qterms}
    rare = rarest(qterms, weights)
    rare_set = frozenset(rare)
    defined = _defined_name(query)
    qnames = {n.casefold() for n in names(query)}
    head = at.question_head(query)
    current = float(is_current(query))
    found: list[Sentence] = []
    for i, p in enumerate(passages):
        title_terms = with_variants(p.article.title_terms)
        title = p.article.title or ""
        known = _age(p.article.day, as_of)
        age, undated = (known, 0.0) if known is not None else (0.0, 1.0)
        prev_ov = 0.0
        for part in cache.passage_parts(p.chunk_id, p.text):
            s, text, terms, own = part.start, part.text, part.terms, part.own
            ov = overlap(qterms, terms, weights)
            cands = candidates(text, kind, query)
            novel_names = [n for n in part.names if n.casefold() not in qnames]
            # a year another than the as-of one hints at another event, unless a time is asked for
            past, future = year_drift(text, query, as_of) if kind != at.TIME else (0.0, 0.0)
            f = {
                "overlap": ov,
                "overlap_title": overlap(qterms, terms | title_terms, weights),
                "rare": len(set(rare) & terms) / len(rare) if rare else 0.0,
                "typed": float(kind not in (at.OTHER, at.YESNO)),
                "type_match": float(bool(cands)),
                "type_missing": float(kind not in (at.OTHER, at.YESNO) and not cands),
                "type_count": min(len(cands), 3) / 3,
                "head_match": float(any(names_head(text, c, head) for c in cands)),
                "near": 1.0 - min(nearness(text, cands, rare_set), default=300) / 300 if cands else 0.0,
                "restate": sum(1 for t in own if t in qterms) / len(own) if own else 1.0,
                "novel_names": min(len(novel_names), 3) / 3,
                "position": math.log1p((p.start + s) / 200) / 4,
                "passage_rank": min(i, 10) / 10,
                "expanded": float(not (p.dense_rank or p.bm25_rank)),
                "passage_dense": p.dense,
                "prev_overlap": prev_ov,
                "length": min(len(text) / 250, 2.0),
                "leading": float(bool(_LEADING.match(text))),
                "quote": float(bool(re.search(r"[“”\"]", text))),
                "defines": float(bool(defined) and _defines(defined, text)),
                "asks": float(bool(_ASKS.search(text))),
                "year_past": past,
                "year_future": future,
                "age": age,  # how long before the as-of date its article was published (log days, 0..1)
                "age_current": age * current,  # the same for a question about now ("this week", "latest")
                "undated": undated,
                **{f"kind_{kind}_match": float(bool(cands))},
            }
            prev_ov = ov
            found.append(
                Sentence(i, s, part.end, text, ov, terms=terms, candidates=cands, features=f, title=title)
            )
    if not found:
        return []
    _support(found, passages)
    for x, p in zip(found, probabilities(model["stage1"], [x.features for x in found]), strict=True):
        x.score = float(p)
    found.sort(key=lambda x: (-x.score, x.passage, x.start))
    head = found[: model.get("embed_candidates", 8)]
    vecs = cache.encode(embedder, [(passages[x.passage].chunk_id, x.start, x.end) for x in head],
                        [x.text for x in head])  # fmt: skip
    for x, c in zip(head, vecs @ qvec if head else [], strict=True):
        x.cosine = float(c)
        x.features["cosine"] = x.cosine
        x.features["stage1"] = x.score
    for x, p in zip(head, probabilities(model["stage2"], [x.features for x in head]), strict=True):
        x.score = 1.0 + float(p)  # embedded ones rank above the others
    found.sort(key=lambda x: (-x.score, x.passage, x.start))
    return found


def _support(found: list[Sentence], passages: list) -> None:
    """Feature "support": how many other stories of the passages (up to 3) name a candidate of the sentence."""
    texts = [p.text.casefold() for p in passages]
    stories = [p.article.story_id for p in passages]
    holders: dict[str, set] = {}
    for x in found:
        best = 0
        for c in x.candidates:
            low = c.text.casefold()
            if low not in holders:
                holders[low] = {st for st, t in zip(stories, texts, strict=True) if low in t}
            best = max(best, len(holders[low] - {stories[x.passage]}))
        x.features["support"] = min(best, 3) / 3


def _age(day: int, as_of: date | None) -> float | None:
    """How long before the as-of date a YYYYMMDD day lies, as log days over ten years (None when undated)."""
    days = days_before(day, as_of)
    return math.log1p(min(days, 3650)) / math.log1p(3650) if days is not None else None


def embedded(sentence: Sentence) -> bool:
    """True for a sentence of the embedded head, scored by stage 2 (its score is 1 + that probability)."""
    return sentence.score >= 1.0


def probability(sentence: Sentence) -> float:
    """The ranker's probability that the sentence answers the question."""
    return sentence.score - 1.0 if embedded(sentence) else sentence.score


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

"""The short answer: which candidate phrase of the lead sentence answers the question (a fitted chooser)."""

from __future__ import annotations

import re

from assistant import answer_types as at
from assistant.terms import term_set

_QUOTES = "“”\"‘’'"


def nearness(sentence: str, cands: list, qterms: frozenset) -> list[int]:
    """Per candidate: characters from its start to the nearest word of the question's terms (300 when none)."""
    anchors = [m.start() for m in re.finditer(r"[A-Za-z][\w'-]*", sentence) if term_set(m.group()) & qterms]
    return [min((abs(c.start - a) for a in anchors), default=300) for c in cands]


def candidate_features(sentence: str, cands: list, question: str, others: list[str]) -> list[dict]:
    """Per candidate: nearness to the question's words, order, shape and support by the other top sentences."""
    rest = [t.casefold() for t in others]
    nears = nearness(sentence, cands, term_set(question))
    nearest = min(range(len(cands)), key=lambda j: (nears[j], j)) if cands else -1
    out = []
    for i, (c, near) in enumerate(zip(cands, nears, strict=True)):
        low = c.text.casefold()
        out.append({
            "near": min(near, 300) / 100,
            "nearest": float(nearest == i),
            "first": float(i == 0),
            "order": min(i, 4) / 4,
            "start": c.start / max(len(sentence), 1),
            "words": min(len(c.text.split()), 5) / 5,
            "quoted": float(c.start > 0 and sentence[c.start - 1] in _QUOTES),
            "list": float(" and " in c.text or "," in c.text),
            "caps": float(c.text.isupper() and len(c.text) > 1),
            "support": min(sum(1 for t in rest if low in t), 3) / 3,
        })  # fmt: skip
    return out


def choose_candidate(sentence: str, cands: list, question: str, others: list[str], weights: dict):
    """The candidate the fitted weights rate highest (None when there is none)."""
    if not cands:
        return None
    feats = candidate_features(sentence, cands, question, others)
    score = [weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in f.items()) for f in feats]
    return cands[max(range(len(cands)), key=lambda i: (score[i], -i))]


def short_answer(question: str, lead, sentences: list, weights: dict, top: int = 8):
    """The phrase of the lead sentence that answers a typed question, or None."""
    if at.question_type(question) in (at.OTHER, at.YESNO, at.REASON):
        return None
    others = [s.text for s in sentences[:top] if s is not lead]
    return choose_candidate(lead.text, lead.candidates, question, others, weights)

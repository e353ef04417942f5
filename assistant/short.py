"""The short answer: which candidate phrase of the lead sentence answers the question (a fitted chooser)."""

from __future__ import annotations

import re

from assistant import answer_types as at
from assistant.candidates import QUOTE_MARKS, Candidate, without_common_words
from assistant.quantities import SCALE_WORDS
from assistant.terms import names, stem, term_set
from assistant.wordlists import is_common_word, is_place, place_classes

_NAME_WORD = re.compile(r"[A-Z][a-z]+$")  # "Lauren", not "PET", "NASA's", "of"
_WORD = re.compile(r"[A-Za-z][\w-]*")
_NEXT_WORDS = re.compile(r"\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?")


def _head_words(sentence: str, cand, head: frozenset[str]) -> int:
    """How many of the (up to two) lower-case words right after the candidate are the question's head words."""
    m = _NEXT_WORDS.match(sentence, cand.end)
    following = [w for w in (m.groups() if m else ()) if w]
    n = 0
    for w in following:
        if stem(w) not in head:
            break
        n += 1
    return n


def names_head(sentence: str, cand, head: frozenset[str]) -> bool:
    """True when the candidate or the words right after it name the question's head ("30 states", "Yellowstone
    National Park", "13 days" for "how many states / which park / how many days")."""
    if not head:
        return False
    return (
        bool(head & term_set(cand.text))
        or any(stem(w.lower()) in head for w in _WORD.findall(cand.text))
        or _head_words(sentence, cand, head) > 0
    )


def _other_unit(cand, head: frozenset[str]) -> bool:
    """True for a number whose unit word is not what the question counts ("96 dead" for "how many people")."""
    words = cand.text.split()
    unit = words[-1] if len(words) > 1 else ""
    return (
        bool(head)
        and cand.kind == at.NUMBER
        and unit.isalpha()
        and unit.islower()
        and unit not in SCALE_WORDS
        and stem(unit) not in head
    )


def in_title(phrase: str, title: str) -> bool:
    """True when a title names the phrase (case aside)."""
    return re.search(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)", title.casefold()) is not None


def nearness(sentence: str, cands: list, qterms: frozenset) -> list[int]:
    """Per candidate: characters from its start to the nearest word of the question's terms (300 when none)."""
    anchors = [m.start() for m in re.finditer(r"[A-Za-z][\w'-]*", sentence) if term_set(m.group()) & qterms]
    return [min((abs(c.start - a) for a in anchors), default=300) for c in cands]


def candidate_features(
    sentence: str, cands: list, question: str, others: list[str], title: str = ""
) -> list[dict]:
    """Per candidate: nearness to the question's words, order, shape, support by the other top sentences, and
    whether its article's title names it."""
    rest = [t.casefold() for t in others]
    head = at.question_head(question)
    place_class = at.asked_place_class(question)
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
            "quoted": float(c.start > 0 and sentence[c.start - 1] in QUOTE_MARKS),
            "list": float(" and " in c.text or "," in c.text),
            "caps": float(c.text.isupper() and len(c.text) > 1),
            "support": min(sum(1 for t in rest if low in t), 3) / 3,
            "head": float(names_head(sentence, c, head)),
            "other_unit": float(_other_unit(c, head)),
            "place_class": float(bool(place_class) and place_class in place_classes(c.text)),
            "title": float(bool(title) and in_title(c.text, title)),
            "place_for_name": float(c.kind == at.NAME and (is_place(c.text) or bool(place_classes(c.text)))),  # "US" for "which virus"
        })  # fmt: skip
    return out


def choose_candidate(
    sentence: str, cands: list, question: str, others: list[str], weights: dict, title: str = ""
):
    """The candidate the fitted weights rate highest (None when there is none), with the question's head words
    that follow it ("Lyme" + "disease")."""
    if not cands:
        return None
    feats = candidate_features(sentence, cands, question, others, title)
    score = [weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in f.items()) for f in feats]
    best = cands[max(range(len(cands)), key=lambda i: (score[i], -i))]
    if n := _head_words(sentence, best, at.question_head(question)):
        end = _NEXT_WORDS.match(sentence, best.end).end(n)
        best = Candidate(best.start, end, sentence[best.start : end], best.kind)
    return best


def short_answer(question: str, sentence, sentences: list, weights: dict, top: int = 8):
    """The phrase of a sentence that answers a typed question, or None (untyped question, no candidate)."""
    if at.question_type(question) in (at.OTHER, at.YESNO, at.REASON) or not sentence.candidates:
        return None
    others = [s.text for s in sentences[:top] if s is not sentence]
    cands = without_common_words(sentence.text, sentence.candidates, question)
    return choose_candidate(sentence.text, cands, question, others, weights, sentence.title)


def lead_short_answer(question: str, chosen: list, sentences: list, weights: dict, top: int = 8):
    """Which chosen sentence leads and its short answer: the first that holds a candidate of the type the
    question asks for ((0, None) when none does)."""
    for i, s in enumerate(chosen):
        if cand := short_answer(question, s, sentences, weights, top):
            return i, cand
    return 0, None


def full_name(cand, lead, sentences: list, top: int = 8) -> str:
    """A one-word name candidate (a person, an organisation, a thing) as its article names it in full in its title
    or top sentences ("James" -> "Lauren James", "Bucks" -> "Milwaukee Bucks"); its own text otherwise."""
    if cand.kind not in (at.PERSON, at.ORG, at.NAME) or not _NAME_WORD.match(cand.text):
        return cand.text
    texts = [lead.title] + [s.text for s in sentences[:top] if s.title == lead.title]
    longer = [n for t in texts for n in names(t) if 2 <= len(n.split()) <= 3 and n.split()[-1] == cand.text
              and all(_NAME_WORD.match(w) and not is_common_word(w) for w in n.split()[:-1])]  # fmt: skip
    return max(longer, key=longer.count) if longer else cand.text

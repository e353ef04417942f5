"""Cited reports of one story that give different numbers for the same thing: "Reports differ: 31 [1], 30 [2]"."""

from __future__ import annotations

import re
from datetime import date

from assistant.terms import STOP

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12}  # fmt: skip
_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion))?"
_NUMBER = re.compile(
    r"(?<![\w.,:$£€-])(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_WORDS)
    + r")"
    + _SCALE
    + r"(?P<pct>\s*%|\s+percent)?(?![\w.,:-]*\d)",
    re.I,
)
_NOT_A_COUNT = re.compile(
    r"^(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|st|nd|rd|th|am|pm|[a-z])$", re.I
)
_MONTHS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _value(m: re.Match) -> float:
    """The number a match says, scaled."""
    raw = m["num"].lower().replace(",", "")
    value = float(_WORDS[raw]) if raw in _WORDS else float(raw)
    scale = (m["scale"] or "").lower()
    return value * {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}.get(scale, 1)


def _thing(text: str, m: re.Match) -> tuple[str, str] | None:
    """What a number counts: the first content word after it (with its currency or percent sign), and the
    word right after that one, when one follows it directly ("monkeypox cases")."""
    if _MONTHS.search(text[max(0, m.start() - 10) : m.start()]):
        return None  # a day of a month
    raw = m["num"].replace(",", "")
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100 and not m["cur"]:
        return None  # a year
    tail = text[m.end() : m.end() + 60]
    found = [(w.group().lower(), w.end()) for w in _WORD.finditer(tail)]
    while found and found[0][0] in STOP:
        found.pop(0)
    unit = (m["cur"] or "") + ("%" if m["pct"] else "")
    if not found or _NOT_A_COUNT.match(found[0][0]):
        return (unit, "") if unit else None
    detail = ""
    if len(found) > 1 and tail[found[0][1] : found[0][1] + 1] == " " and found[1][0] not in STOP:
        detail = _singular(found[1][0])
    return unit + _singular(found[0][0]), detail


def _singular(word: str) -> str:
    """A plural noun's crude singular."""
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def numbers(text: str) -> dict[str, tuple[float, str, str]]:
    """thing -> (value, as written, next word) for each counted thing in text (its first mention)."""
    out: dict[str, tuple[float, str, str]] = {}
    for m in _NUMBER.finditer(text):
        thing = _thing(text, m)
        if thing and thing[0] not in out:
            out[thing[0]] = (_value(m), m.group().strip(), thing[1])
    return out


def _cited_text(source) -> str:
    """The part of a source the answer cites (the whole passage when the span is empty)."""
    a, b = source.span if source.span else (0, 0)
    return source.text[a:b] if b > a else source.text


def _same_time(a, b) -> bool:
    """Reports of one day (or a day apart), or undated: a number that changed over days is news, not a
    disagreement."""
    try:
        return abs((date.fromisoformat(a.published[:10]) - date.fromisoformat(b.published[:10])).days) <= 1
    except (TypeError, ValueError):
        return True


def reports_differ(sources: list) -> str | None:
    """The one line naming different numbers that cited passages of one story, reported at the same time,
    give for the same thing."""
    for i, first in enumerate(sources):
        mine = numbers(_cited_text(first))
        if not mine:
            continue
        for other in sources[i + 1 :]:
            if not first.story_id or other.story_id != first.story_id or other.article_id == first.article_id:
                continue
            if not _same_time(first, other):
                continue
            theirs = numbers(_cited_text(other))
            for thing, (value, written, detail) in mine.items():
                if thing not in theirs or theirs[thing][0] == value:
                    continue
                if detail and theirs[thing][2] and detail != theirs[thing][2]:
                    continue  # "nine monkeypox cases", "two monkeypox deaths": two things
                return f"Reports differ: {written} [{first.n}], {theirs[thing][1]} [{other.n}]"
    return None

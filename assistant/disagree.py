"""Cited reports of one story that give different numbers for the same thing: "Reports differ: 31 [1], 30 [2]"."""

from __future__ import annotations

import re

from assistant.terms import STOP

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12}  # fmt: skip
_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion))?"
_NUMBER = re.compile(
    r"(?<![\w.,$£€])(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_WORDS)
    + r")"
    + _SCALE
    + r"(?P<pct>\s*%|\s+percent)?(?![\w.,]*\d)",
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


def _thing(text: str, m: re.Match) -> str | None:
    """What a number counts: the first content word after it, with its currency or percent sign."""
    if _MONTHS.search(text[max(0, m.start() - 10) : m.start()]):
        return None  # a day of a month
    raw = m["num"].replace(",", "")
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100 and not m["cur"]:
        return None  # a year
    after = _WORD.findall(text[m.end() : m.end() + 40])
    words = [w.lower() for w in after if w.lower() not in STOP][:1]
    unit = (m["cur"] or "") + ("%" if m["pct"] else "")
    if not words or _NOT_A_COUNT.match(words[0]):
        return unit or None
    noun = words[0][:-1] if words[0].endswith("s") and len(words[0]) > 3 else words[0]
    return f"{unit}{noun}"


def numbers(text: str) -> dict[str, tuple[float, str]]:
    """thing -> (value, as written) for each counted thing in text (the first mention of each)."""
    out: dict[str, tuple[float, str]] = {}
    for m in _NUMBER.finditer(text):
        thing = _thing(text, m)
        if thing and thing not in out:
            out[thing] = (_value(m), m.group().strip())
    return out


def _cited_text(source) -> str:
    """The part of a source the answer cites (the whole passage when the span is empty)."""
    a, b = source.span if source.span else (0, 0)
    return source.text[a:b] if b > a else source.text


def reports_differ(sources: list) -> str | None:
    """The one line naming different numbers that cited passages of one story give for the same thing."""
    for i, first in enumerate(sources):
        mine = numbers(_cited_text(first))
        if not mine:
            continue
        for other in sources[i + 1 :]:
            if not first.story_id or other.story_id != first.story_id or other.article_id == first.article_id:
                continue
            theirs = numbers(_cited_text(other))
            for thing, (value, written) in mine.items():
                if thing in theirs and theirs[thing][0] != value:
                    return f"Reports differ: {written} [{first.n}], {theirs[thing][1]} [{other.n}]"
    return None

"""Time and number phrases of a sentence that can answer a "when" or a "how many / how much" question."""

from __future__ import annotations

import re

from assistant import answer_types as at
from assistant.terms import STOP

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?")  # fmt: skip
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_ONE_TIME = (
    rf"(?:(?:early|mid|late|the end of|the start of|the beginning of|the middle of)[- ]+)?(?:{MONTHS})"
    rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})(?:,?\s+(?:19|20)\d\d)?"
    rf"|(?:{WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:19|20)\d\d(?:s)?(?!\s*(?:%|percent|people|\w+s\b))"
    r"|\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)\b"
    r"|(?:next|last|this|later this|early next|earlier this)\s+(?:week|month|year|weekend|spring|summer|fall|"
    r"autumn|winter|decade)"
    r"|(?:in|by|during)\s+the\s+(?:spring|summer|fall|autumn|winter)"
    r"|tomorrow|tonight|yesterday"
    r"|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+(?:days|weeks|months|years)\s+"
    r"(?:ago|later|earlier|from now)"
)
_TIME_RE = re.compile(rf"\b(?:{_ONE_TIME})(?:\s*(?:or|and|to|through|until|-|–)\s+(?:{_ONE_TIME}))*\b")
# "what year" / "which month" questions: the unit a time candidate must name
_TIME_UNIT = re.compile(r"\b(?:what|which)\s+(year|month|decade|century|day)\b", re.I)
# "what percentage" questions: a share, not a count
_SHARE_ASKED = re.compile(r"\bwhat\s+(?:percentage|percent|proportion)\b|\bhow\s+many\s+percent", re.I)
_SHARE = re.compile(r"%|\bpercent|\bhalf\b|\bthirds?\b|\bquarters?\b", re.I)
# what a "how long" question asks for: a span of time or a length, not a count ("22 people")
_LONG = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|feet|foot|"
                   r"miles?|meters?|metres?|kilometers?|kilometres?|km|inches|yards?)\b", re.I)  # fmt: skip
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d")  # a bare four-digit year ("records began in 1845") is no count
_UNIT_SHAPES = {
    "year": re.compile(r"\b(?:19|20)\d\d\b|\byears?\b", re.I),
    "month": re.compile(rf"\b(?:{MONTHS})|\bmonths?\b", re.I),
    "decade": re.compile(r"\b(?:19|20)\d0s\b|\bdecades?\b", re.I),
    "century": re.compile(r"\bcentur(?:y|ies)\b|\b\d\d?(?:st|nd|rd|th)\b", re.I),
    "day": re.compile(
        rf"\b(?:{WEEKDAYS})\b|\b(?:{MONTHS})\s+\d|\d\s+(?:{MONTHS})|\b(?:yesterday|tomorrow)\b", re.I
    ),
}
_NUMBER_WORDS = "|".join(
    sorted(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
            "hundred",
            "thousand",
            "dozen",
            "dozens",
            "hundreds",
            "thousands",
            "millions",
            "billions",
            "half",
            "quarter",
            "quarters",
            "third",
            "thirds",
            "three-quarters",
            "two-thirds",
        ],
        key=len,
        reverse=True,
    )
)  # longest first, so "three-quarters" is not read as "three"
SCALE_WORDS = frozenset(
    {"million", "billion", "trillion", "thousand", "hundred", "percent", "point", "points", "bn", "m"}
)
_SCALE = r"(?:\s*(?:%|percent(?:age points?)?|basis points?|million|billion|trillion|thousand|hundred|bn|m\b))?"  # the scale words after a number (SCALE_WORDS, read by the short-answer chooser)
_UNIT = r"(?-i:(?:\s+|-)(?:[a-z]+-)?[a-z]{3,})"  # the lower-case word after a number ("rials", "60-minute"), not "James"
_NUMBER_RE = re.compile(
    rf"(?:[$£€¥]\s?)?\b\d(?:[\d,]*\d)?(?:\.\d+)?{_SCALE}{_UNIT}?"
    rf"|\b(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*{_SCALE}"
    rf"(?:\s+of\s+a\s+(?:percentage\s+)?point|{_UNIT})?",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:said|says|reported|told|announced|wrote|added|stated|confirmed)\s+(?:on\s+|late\s+|early\s+)?$"
)
_DAY_OF_MONTH = re.compile(rf"\b(?:{MONTHS})\s*$")  # "Aug. 31": a date, not a count
# a number glued by a dash to a name ("Covid-19 patients", "F-35"), a bare one to a number ("2018-19", a score
# "2-1"): no count
_NAME_DASH = re.compile(r"[A-Za-z][-–]$")
_NUMBER_DASH = re.compile(r"\d[-–]$")
_DASH_NUMBER = re.compile(r"[-–]\d")
_NAME_NUMBER = re.compile(r"[\w,;]\s+[A-Z][a-z]+\s$")  # "the expiration of Title 42", "in Game 6": a name
_CLOCK = re.compile(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b|:\d)", re.I)  # "at 2 a.m.", "2:30": a time of day
_VERB_UNIT = re.compile(r"\s+[a-z]+(?:ed|ing)$")  # "31 triggered", "5 remaining": a verb, not a unit


def time_spans(sentence: str, question: str) -> list[tuple[int, int, str]]:
    """Times of the sentence (not a report's own date), of the unit the question asks for ("what year": a year)."""
    found = [(m.start(), m.end(), m.group()) for m in _TIME_RE.finditer(sentence)
             if not _REPORTED.search(sentence[max(0, m.start() - 30) : m.start()])]  # fmt: skip
    unit = _TIME_UNIT.search(question)  # "what year?": a year, not "Wednesday"
    if unit or at.SINCE.search(question):
        need = _UNIT_SHAPES[unit.group(1).lower() if unit else "year"]
        found = [x for x in found if need.search(x[2])]
    return found


def number_spans(sentence: str, question: str) -> list[tuple[int, int, str]]:
    """Numbers and amounts of the sentence with their unit word, less dates, years and numbers in names; shares
    for a "what percentage" question, spans of time or length for a "how long" one."""
    found = [(m.start(), m.end(), _trim_unit(m.group())) for m in _NUMBER_RE.finditer(sentence)
             if not _in_date_or_clock(sentence, m.start(), m.end())]  # fmt: skip
    found = [(s, s + len(t), t) for s, _, t in found if not _YEAR.fullmatch(t) and not _glued(sentence, s, t)]
    if _SHARE_ASKED.search(question):
        return [x for x in found if _SHARE.search(x[2])]
    if at.HOW_LONG.search(question):
        return [x for x in found if _LONG.search(x[2])]
    return found


def _in_date_or_clock(sentence: str, start: int, end: int) -> bool:
    """True for a number that is a day of the month ("Aug. 31") or part of a time of day ("2 a.m.", "2:30")."""
    return (
        bool(_DAY_OF_MONTH.search(sentence[max(0, start - 12) : start]))
        or bool(_CLOCK.match(sentence, end))
        or sentence[max(0, start - 1) : start] == ":"
    )


def _glued(sentence: str, start: int, text: str) -> bool:
    """True for a number joined by a dash to the name before it ("Covid-19"), a bare one after a name word ("Title
    42", "Game 6") or joined by a dash to a number ("2-1")."""
    before = sentence[max(0, start - 2) : start]
    if _NAME_DASH.search(before):
        return True
    if text.replace(",", "").isdigit() and _NAME_NUMBER.search(sentence[max(0, start - 40) : start]):
        return True
    bare = text.split()[0].replace(",", "").isdigit()  # "19 rose" in "2018-19 rose"; not "15%"
    return bare and bool(_NUMBER_DASH.search(before) or _DASH_NUMBER.match(sentence, start + len(text)))


def _trim_unit(text: str) -> str:
    """A number phrase without a trailing stopword ("700,000 rials" and "five years" stay, "30 of" becomes "30")."""
    text = _VERB_UNIT.sub("", text) if text[:1].isdigit() or text[:1] in "$£€¥" else text
    parts = text.split()
    while (
        len(parts) > 1 and parts[-1].lower() in STOP and parts[-1].lower() not in at.SPAN_WORDS
    ):  # "5 years"
        parts = parts[:-1]
    return " ".join(parts)

"""The phrases of a sentence that can answer a question of a given type: times, numbers, names, quoted titles, reasons."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant import answer_types as at
from assistant.answer_types import NAME, NUMBER, ORG, PERSON, PLACE, REASON, TIME, question_head
from assistant.novelty import dateline_end, restates
from assistant.terms import STOP, names, stem
from assistant.wordlists import is_common_word, is_news_outlet, is_place

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?")  # fmt: skip
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_ONE_TIME = (
    rf"(?:(?:early|mid|late|the end of|the start of|the beginning of|the middle of)[- ]+)?(?:{_MONTHS})"
    rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})(?:,?\s+(?:19|20)\d\d)?"
    rf"|(?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
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
_TIME_UNIT = re.compile(r"\b(?:what|which)\s+(year|month|decade|century)\b", re.I)
# "what percentage" questions: a share, not a count
_SHARE_ASKED = re.compile(r"\bwhat\s+(?:percentage|percent|proportion)\b|\bhow\s+many\s+percent", re.I)
_SHARE = re.compile(r"%|\bpercent|\bhalf\b|\bthirds?\b|\bquarters?\b", re.I)
# what a "how long" question asks for: a span of time or a length, not a count ("22 people")
_LONG = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|feet|foot|"
                   r"miles?|meters?|metres?|kilometers?|kilometres?|km|inches|yards?)\b", re.I)  # fmt: skip
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d")  # a bare four-digit year ("records began in 1845") is no count
_UNIT_SHAPES = {
    "year": re.compile(r"\b(?:19|20)\d\d\b|\byears?\b", re.I),
    "month": re.compile(rf"\b(?:{_MONTHS})|\bmonths?\b", re.I),
    "decade": re.compile(r"\b(?:19|20)\d0s\b|\bdecades?\b", re.I),
    "century": re.compile(r"\bcentur(?:y|ies)\b|\b\d\d?(?:st|nd|rd|th)\b", re.I),
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
_SCALE = (
    r"(?:\s*(?:%|percent(?:age points?)?|basis points?|million|billion|trillion|thousand|hundred|bn|m\b))?"
)
_UNIT = (
    r"(?-i:\s+(?:[a-z]+-)?[a-z]{3,})"  # the lower-case word after a number ("rials"), not a name ("James")
)
_NUMBER_RE = re.compile(
    rf"(?:[$£€¥]\s?)?\b\d[\d,]*(?:\.\d+)?{_SCALE}{_UNIT}?"
    rf"|\b(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*{_SCALE}"
    rf"(?:\s+of\s+a\s+(?:percentage\s+)?point|{_UNIT})?",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:said|says|reported|told|announced|wrote|added|stated|confirmed)\s+(?:on\s+|late\s+|early\s+)?$"
)
_QUOTED = re.compile(  # a quoted title: paired marks, not an apostrophe inside a word ("Marshall's")
    r"(?<!\w)(?:“([^“”]{2,80})”|\"([^\"]{2,80})\"|‘([^‘’]{2,80})’(?!\w)|'([^']{2,80})'(?!\w))"
)
_ASKS_OUTLET = re.compile(r"\b(?:news|network|newspaper|outlet|broadcaster|channel|magazine|agency)\b", re.I)
_NAME_JOINS = {" for ", " and ", " & ", " of the "}  # words that join two name runs into one name
_DAY_OF_MONTH = re.compile(rf"\b(?:{_MONTHS})\s*$")  # "Aug. 31": a date, not a count
_VERB_UNIT = re.compile(r"\s+[a-z]+(?:ed|ing)$")  # "31 triggered", "5 remaining": a verb, not a unit
_REASON_RE = re.compile(
    r"\b(?:because(?: of)?|due to|as a result of|in order to|so that|after|amid|over|following|since)\s+"
    r"([^.;:!?]{6,160})",
    re.I,
)
_ORG_WORDS = re.compile(
    r"\b(?:Inc|Corp|Corporation|Company|Co|Ltd|LLC|Group|Party|Bank|Association|University|College|Council|"
    r"Committee|Ministry|Department|Agency|Court|Congress|Senate|Parliament|Foundation|Institute|Airlines?|"
    r"Motors|Technologies|Systems|Club|FC|United|League|Federation|Union|Organization|Commission|Network|"
    r"Times|Post|News|Bureau|Service|Administration|Authority|Army|Force|Police|Reserve|Fund|Board|Office|"
    r"Studios?|Records|Pictures|Entertainment|Media|Labs?|Industries|Holdings|Partners|Capital|Alliance|Guild|"
    r"Coalition|Producers|Workers|Assembly|Society|Cent(?:er|re)|Hospital|School|Museum|Church|Cup|Awards?)\b"
)
# "Alliance of Motion Picture and Television Producers": a run with these words, or of five words, is no person
_NOT_PERSON = re.compile(r"\b(?:of|and|for|the)\b|&|^(?:\S+\s+){4,}\S|^[A-Z][A-Z.-]+$")  # not "GOP", "AMPTP"
_NOT_NAMES = re.compile(
    rf"^(?:{_MONTHS}|{_WEEKDAYS}|The|A|An|This|That|It|He|She|They|We|I|In|On|At|But|And)$"
)
# a weekday before or after a name is its time ("Sunday's Chicago Marathon", "Denver Broncos Tuesday")
_DAY_BEFORE = re.compile(rf"(?:{_WEEKDAYS})(?:(['’]s)|\s+(?=(\w+)))\s*")
_DAY_AFTER = re.compile(rf"(?<=\w)\s+(?:{_WEEKDAYS})(?:['’]s)?$")


# A title or "No." ending a name run before its full stop; the digits after a code ("BA.5", "XBB.1.5")
_ABBREVIATED = re.compile(
    r"(?:^|\s)(?:Rep|Reps|Sen|Sens|Gov|Dr|Mr|Mrs|Ms|Gen|Lt|Col|Sgt|Capt|Cpt|Prof|Rev|Adm|Maj|Cmdr|Supt|Det|Pres|"
    r"No|Nos|St|Ft|Mt)$"
)
_NAME_ID = re.compile(r"(?<=[A-Z])(?:\.\d+)+(?!\d)")


@dataclass(frozen=True)
class Candidate:
    """A phrase of a sentence that can answer the question: its span in the sentence and its type."""

    start: int
    end: int
    text: str
    kind: str


@functools.lru_cache(maxsize=50000)
def _name_spans(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """Capitalised name runs of a sentence with their spans (a sentence's first word only when a name follows);
    kept per sentence, since every question over the same articles asks again."""
    out, pos = [], 0
    for name in names(sentence):
        i = sentence.find(name, pos)
        if i < 0:
            continue
        pos = i + len(name)
        if _NOT_NAMES.match(name):
            continue
        i, pos = _without_weekday(sentence, i, pos)
        if not sentence[i:pos].strip():  # "Sunday's" alone
            continue
        if sentence[max(0, i - 4) : i] in ("New ", "St. "):  # "New York", "St. Louis", not "York", "Louis"
            i = i - 4
        if sentence[pos : pos + 1] == "." and (tail := _ABBREVIATED.search(sentence[i:pos])):
            pos = i + tail.start()  # "Leader Rep. Steve Scalise", "Airport No. 3": the title is no name
            if pos <= i:
                continue
        elif ids := _NAME_ID.match(sentence, pos):  # "BA.5", "XBB.1.5": a variant's name
            pos = ids.end()
        # "Centers for Disease Control", "Sweden and Finland"
        joined = out and sentence[out[-1][1] : i] in _NAME_JOINS
        if joined and not (is_news_outlet(out[-1][2]) or is_news_outlet(name)):
            i = out.pop()[0]
        name = sentence[i:pos]
        name = name[:-2] if name[-2:] in ("'s", "’s") else name  # "the BBC’s coverage": the BBC
        out.append((i, i + len(name), name))
    return tuple(out)


def _without_weekday(sentence: str, i: int, end: int) -> tuple[int, int]:
    """A name run's span less a weekday at its start ("Sunday's", or before a name of two words or more that does
    not start with a lower-case kind of word: not "Monday Night Football") or at its end after two words or more
    (not "Black Friday")."""
    m = _DAY_BEFORE.match(sentence, i, end)
    if m and (m.group(1) or (len(sentence[m.end() : end].split()) >= 2 and not is_common_word(m.group(2)))):
        i = m.end()
    if (m := _DAY_AFTER.search(sentence, i, end)) and len(sentence[i : m.start()].split()) >= 2:
        end = m.start()
    return i, end


_OPENERS = " \"“‘'(—–-"
# words that open a sentence, never a name: "Since Sarina Wiegman took over" names "Sarina Wiegman"
_OPENING_WORDS = frozenset({
    "since", "despite", "as", "when", "after", "before", "meanwhile", "but", "and", "while", "although", "though",
    "if", "so", "then", "now", "here", "during", "with", "without", "like", "for", "in", "on", "at", "by", "from",
    "until", "unless", "because", "once", "yet", "still", "also", "however", "instead", "under", "amid", "among",
    "between", "over", "through", "against", "following"
})  # fmt: skip
QUOTE_MARKS = "“”\"‘’'"


def without_common_words(sentence: str, cands: list[Candidate]) -> list[Candidate]:
    """Name candidates less the sentence-initial ones made only of words news text writes in lower case
    mid-sentence ("Overall, ...", "Scientists have ...", "Here's how ..."); a longer name ("Major League
    Soccer", "Federal Reserve") stays whole, and so does a quoted title; a name run that starts with a sentence's
    opening word loses it ("Since Sarina Wiegman" names "Sarina Wiegman")."""
    lead, out = dateline_end(sentence), []
    for c in cands:
        before = sentence[: c.start].rstrip(_OPENERS)  # "...delayed?:Here's what": a sentence start too
        initial = not sentence[lead : c.start].strip(_OPENERS) or not before or before[-1] in ".?!:"
        closed = sentence[c.end : c.end + 1] in QUOTE_MARKS and not sentence[c.end + 1 : c.end + 2].isalnum()
        quoted = c.start > 0 and sentence[c.start - 1] in QUOTE_MARKS and closed  # not "“It's"
        if (
            c.kind in (PERSON, PLACE, ORG, NAME)
            and initial
            and not quoted
            and all(map(is_common_word, c.text.split()))
        ):
            continue
        first, _, rest = c.text.partition(" ")
        if initial and not quoted and first.lower() in _OPENING_WORDS and rest[:1].isupper():
            c = Candidate(c.end - len(rest), c.end, rest, c.kind)
        out.append(c)
    return out


def candidates(sentence: str, kind: str, question: str) -> list[Candidate]:
    """Phrases of the sentence that can be the answer of that kind and that the question does not already hold."""
    found: list[tuple[int, int, str]] = []
    if kind == TIME:
        found = [(m.start(), m.end(), m.group()) for m in _TIME_RE.finditer(sentence)
                 if not _REPORTED.search(sentence[max(0, m.start() - 30) : m.start()])]  # fmt: skip
        if unit := _TIME_UNIT.search(question):  # "what year?": a year, not "Wednesday"
            need = _UNIT_SHAPES[unit.group(1).lower()]
            found = [x for x in found if need.search(x[2])]
    elif kind == NUMBER:
        found = [(m.start(), m.end(), _trim_unit(m.group())) for m in _NUMBER_RE.finditer(sentence)
                 if not _DAY_OF_MONTH.search(sentence[max(0, m.start() - 12) : m.start()])]  # fmt: skip
        found = [(s, s + len(t), t) for s, _, t in found if not _YEAR.fullmatch(t)]
        if _SHARE_ASKED.search(question):
            found = [x for x in found if _SHARE.search(x[2])]
        elif at.HOW_LONG.search(question):
            found = [x for x in found if _LONG.search(x[2])]
    elif kind == REASON:
        found = [(m.start(), m.end(), m.group()) for m in _REASON_RE.finditer(sentence)]
    elif kind in (PERSON, PLACE, ORG, NAME):
        spans = _name_spans(sentence)
        if kind == PERSON:
            found = [x for x in spans if not is_place(x[2]) and not _ORG_WORDS.search(x[2])
                     and not _NOT_PERSON.search(x[2])]  # fmt: skip
            found = [x for x in found if " " in x[2]] or found
        elif kind == PLACE:
            head = question_head(question)  # "which national park": "Yellowstone National Park" is one too
            found = [x for x in spans if is_place(x[2]) or any(is_place(p) for p in x[2].split())
                     or stem(x[2].split()[-1].lower()) in head]  # fmt: skip
        elif kind == ORG:
            found = [x for x in spans if not is_place(x[2])]
        else:
            quoted = [
                next((m.start(i), m.end(i)) for i in range(1, 5) if m.group(i))
                for m in _QUOTED.finditer(sentence)
            ]
            quoted = [(a, a + len(sentence[a:b].rstrip(",.;: "))) for a, b in quoted]  # "Laverne & Shirley,"
            found = [(a, b, sentence[a:b]) for a, b in quoted if b > a and not sentence[a].isspace()]
            found += spans
    if kind in (PERSON, ORG, NAME) and not _ASKS_OUTLET.search(question):  # "told CNN": the source
        found = [x for x in found if not is_news_outlet(x[2])]
    lead = dateline_end(sentence)
    return [Candidate(s, e, t, kind) for s, e, t in found if s >= lead and not restates(t, question)]


def _trim_unit(text: str) -> str:
    """A number phrase without a trailing stopword ("700,000 rials" and "five years" stay, "30 of" becomes "30")."""
    text = _VERB_UNIT.sub("", text) if text[:1].isdigit() or text[:1] in "$£€¥" else text
    parts = text.split()
    while (
        len(parts) > 1 and parts[-1].lower() in STOP and parts[-1].lower() not in at.SPAN_WORDS
    ):  # "5 years"
        parts = parts[:-1]
    return " ".join(parts)

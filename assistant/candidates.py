"""The phrases of a sentence that can answer a question of a given type: times, numbers, names, quoted titles, reasons
(times and numbers are read by assistant.quantities)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant import answer_types as at
from assistant.answer_types import NAME, NUMBER, ORG, PERSON, PLACE, REASON, TIME, question_head
from assistant.novelty import dateline_end, restates
from assistant.quantities import MONTHS, WEEKDAYS, number_spans, time_spans
from assistant.terms import names, stem
from assistant.wordlists import is_common_word, is_news_outlet, is_place

_QUOTED = re.compile(  # a quoted title: paired marks, not an apostrophe inside a word ("Marshall's")
    r"(?<!\w)(?:“([^“”]{2,80})”|\"([^\"]{2,80})\"|‘([^‘’]{2,80})’(?!\w)|'([^']{2,80})'(?!\w))"
)
_ASKS_OUTLET = re.compile(r"\b(?:news|network|newspaper|outlet|broadcaster|channel|magazine|agency)\b", re.I)
_NAME_JOINS = {" for ", " and ", " & ", " of the "}  # words that join two name runs into one name
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
    rf"^(?:{MONTHS}|{WEEKDAYS}|The|A|An|This|That|It|He|She|They|We|I|In|On|At|But|And)$"
    r"|^(?:I|It|He|She|They|We|You|That|There|What|Here|Let)['’](?:m|s|re|ve|d|ll)$"  # "I'm", "It's"
)
# a weekday before or after a name is its time ("Sunday's Chicago Marathon", "Denver Broncos Tuesday")
_DAY_BEFORE = re.compile(rf"(?:{WEEKDAYS})(?:(['’]s)|\s+(?=(\w+)))\s*")
_DAY_AFTER = re.compile(rf"(?<=\w)\s+(?:{WEEKDAYS})(?:['’]s)?$")


# A title or "No." ending a name run before its full stop; the digits after a code ("BA.5", "XBB.1.5")
_ABBREVIATED = re.compile(
    r"(?:^|\s)(?:Rep|Reps|Sen|Sens|Gov|Dr|Mr|Mrs|Ms|Gen|Lt|Col|Sgt|Capt|Cpt|Prof|Rev|Adm|Maj|Cmdr|Supt|Det|Pres|"
    r"No|Nos|St|Ft|Mt)$"
)
_NAME_ID = re.compile(r"(?<=[A-Z])(?:\.\d+)+(?!\d)|(?<=[A-Za-z])-\d+(?![\d.,]\d)")


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
        elif ids := _NAME_ID.match(sentence, pos):  # "BA.5", "XBB.1.5", "COVID-19": a name with its digits
            pos = ids.end()
        if out and sentence[out[-1][1] : i] == " " and _titled(out[-1][2]):
            i = out.pop()[0]  # "House Republican Leader Kevin" + "McCarthy": a titled run cut at four words
        # "Centers for Disease Control", "Sweden and Finland"
        joined = out and sentence[out[-1][1] : i] in _NAME_JOINS
        if joined and not (is_news_outlet(out[-1][2]) or is_news_outlet(name)):
            i = out.pop()[0]
        name = sentence[i:pos]
        name = name[:-2] if name[-2:] in ("'s", "’s") else name  # "the BBC’s coverage": the BBC
        out.append((i, i + len(name), name))
    return tuple(out)


def _is_title(word: str) -> bool:
    """True for a person's title as a name run writes it ("Leader", "Rep.")."""
    return word.lower().rstrip(".") in at.TITLES


def _titled(name: str) -> bool:
    """True when a name run holds a person's title ("House Republican Leader Kevin")."""
    return any(map(_is_title, name.split()))


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
# a sentence-initial adverb too rare for the common-word list: "Confusingly, ...", "Reportedly, ..."
_ADVERB = re.compile(r"[A-Z][a-z]+(?:ingly|edly|ously|ently|ately|ually|ically|ively|antly|fully|lessly)")


def without_common_words(sentence: str, cands: list[Candidate], question: str) -> list[Candidate]:
    """Name candidates less the sentence-initial ones made only of words news text writes in lower case
    mid-sentence ("Overall, ...", "Scientists have ...", "Here's how ..."); a longer name ("Major League
    Soccer", "Federal Reserve") stays whole, and so does a quoted title; a name run that starts with a sentence's
    opening word loses it ("Since Sarina Wiegman" names "Sarina Wiegman"), and goes when the question already
    names what is left."""
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
            and all(is_common_word(w) or _ADVERB.fullmatch(w) for w in c.text.split())
        ):
            continue
        first, _, rest = c.text.partition(" ")
        if initial and not quoted and first.lower() in _OPENING_WORDS and rest[:1].isupper():
            c = Candidate(c.end - len(rest), c.end, rest, c.kind)
            if restates(rest, question):
                continue
        out.append(c)
    return out


def candidates(sentence: str, kind: str, question: str) -> list[Candidate]:
    """Phrases of the sentence that can be the answer of that kind and that the question does not already hold."""
    found: list[tuple[int, int, str]] = []
    if kind == TIME:
        found = time_spans(sentence, question)
    elif kind == NUMBER:
        found = number_spans(sentence, question)
    elif kind == REASON:
        found = [(m.start(), m.end(), m.group()) for m in _REASON_RE.finditer(sentence)]
    elif kind in (PERSON, PLACE, ORG, NAME):
        spans = _name_spans(sentence)
        if kind == PERSON:
            found = [x for x in spans if not is_place(x[2]) and not _ORG_WORDS.search(x[2])
                     and not _NOT_PERSON.search(person_core(x[2]) or x[2])]  # fmt: skip
            found = [x for x in found if " " in x[2]] or found
            found = [x for x in found if person_core(x[2])]  # a title alone is no person
        elif kind == PLACE:
            head = question_head(question)  # "which national park": "Yellowstone National Park" is one too
            found = [p for x in spans if (p := _place(x, head))]
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
    kept = [(s, t) for s, _, t in found if s >= lead and not restates(t, question)]
    if kind in (PERSON, PLACE, ORG, NAME):
        kept = [
            _less_restated_half(s, t, question) for s, t in kept if not _titled_question_name(t, question)
        ]
    return [Candidate(s, s + len(t), t, kind) for s, t in kept]


def _place(span: tuple[int, int, str], head: frozenset[str]) -> tuple[int, int, str] | None:
    """A name run that is a place or names the head ("Yellowstone National Park" for "which park"), or holds one
    (the place words that open it: "Tennessee House Republicans", "Florida's Big Bend" give the state); places
    joined by "and" stay one ("Sweden and Finland")."""
    start, end, text = span
    if is_place(text) or stem(text.split()[-1].lower()) in head:
        return span
    if all(map(is_place, re.split(r",?\s+(?:and|&)\s+|,\s+", text))):  # "Sweden and Finland"
        return span
    parts = text.split()
    for n in range(len(parts) - 1, 0, -1):
        lead = " ".join(parts[:n])
        lead = lead[:-2] if lead[-2:] in ("'s", "’s") else lead
        if is_place(lead):
            return start, start + len(lead), lead
    return span if any(is_place(p) for p in parts) else None


def _titled_question_name(name: str, question: str) -> bool:
    """True for the question's own person under another title ("Judge Ketanji Brown Jackson" for "Justice
    Ketanji Brown Jackson ...")."""
    core = person_core(name)
    return core != name and bool(core) and restates(core, question)


def _less_restated_half(start: int, text: str, question: str) -> tuple[int, str]:
    """A two-part name ("Spirit and Frontier") less the part the question names ("...to buy Spirit Airlines?")."""
    left, sep, right = text.partition(" and ") if " and " in text else text.partition(" & ")
    if not sep or not left or not right[:1].isupper() or " and " in right:
        return start, text
    if restates(left, question):
        return start + len(left) + len(sep), right
    if restates(right, question):
        return start, left
    return start, text


def person_core(name: str) -> str:
    """A person's name run less the titles before it ("Ohio Lottery Director Pat" -> "Pat", "Judge Ketanji Brown
    Jackson" -> "Ketanji Brown Jackson"); "" for a title alone ("House Majority Leader")."""
    parts = name.split()
    last = max((i for i, w in enumerate(parts) if _is_title(w)), default=-1)
    return " ".join(parts[last + 1 :])

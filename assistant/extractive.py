"""The extractive engine: the short answer, then the few sentences that add something, each with its [n]."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import answer_types as at
from assistant.candidates import Candidate
from assistant.dates import day_date, resolved_day, written_after
from assistant.sentences import Sentence, embedded, probability, ranker
from assistant.short import full_name, lead_short_answer


@dataclass
class Card:
    """One article's cited passages merged into one text, with the cited spans in that text."""

    passages: list  # retrieve.Passage, in article order
    text: str = ""
    offsets: dict = field(default_factory=dict)  # passage index in the context -> its offset in text
    spans: list = field(default_factory=list)
    answer_span: tuple[int, int] | None = None


def choose(sentences: list[Sentence], settings: dict | None = None) -> list[Sentence]:
    """The lead sentence and the next ones that add something: no repeats, no weak ones, no questions (a
    sentence that asks answers nothing), best first."""
    sentences = [x for x in sentences if not x.features.get("asks")]
    if not sentences:
        return []
    c = settings or ranker()["compose"]
    best = sentences[0]
    chosen = [best]
    floor = max(c["min_probability"], probability(best) * c["ratio"])
    for x in sentences[1:]:
        if len(chosen) >= c["max_sentences"] or not embedded(x):
            break  # past the embedded head, a score is stage 1's alone and not comparable with the lead's
        if probability(x) < floor:
            continue
        if any(_redundant(x, y, c["redundancy"]) for y in chosen):
            continue
        if not _adds(x, chosen):
            continue
        chosen.append(x)
    return chosen


def _adds(x: Sentence, chosen: list[Sentence]) -> bool:
    """True when a sentence brings a candidate answer or terms that the chosen ones lack."""
    have = {c.text.casefold() for y in chosen for c in y.candidates}
    if any(c.text.casefold() not in have for c in x.candidates):
        return True
    seen = frozenset().union(*(y.terms for y in chosen))
    return len(x.terms - seen) >= max(3, len(x.terms) // 2)


def _redundant(a: Sentence, b: Sentence, limit: float) -> bool:
    """True when two sentences say much the same (shared terms or overlapping spans)."""
    if a.passage == b.passage and a.start < b.end and b.start < a.end:
        return True
    if not a.terms or not b.terms:
        return a.text == b.text
    return len(a.terms & b.terms) / min(len(a.terms), len(b.terms)) > limit


def merge_cards(passages: list, cited: list[int]) -> dict[str, Card]:
    """One card per article: its cited passages joined in article order, overlaps merged."""
    cards: dict[str, Card] = {}
    for i in dict.fromkeys(cited):
        cards.setdefault(passages[i].article.id, Card([])).passages.append(i)
    for card in cards.values():
        card.passages.sort(key=lambda i: passages[i].start)
        text, end = "", None  # end: the article offset where text stops
        for i in card.passages:
            p = passages[i]
            if end is not None and p.start <= end:
                card.offsets[i] = len(text) - (end - p.start)
                if p.end > end:
                    text += p.text[end - p.start :]
                    end = p.end
            else:
                text += "\n…\n" if text else ""
                card.offsets[i] = len(text)
                text += p.text
                end = p.end
        card.text = text
    return cards


def compose(
    question: str, passages: list, sentences: list[Sentence], settings: dict | None = None
) -> tuple[str, str | None, list, dict]:
    """The answer text, the short answer, the (sentence, card key) citations in order, and the cards."""
    chosen = choose(sentences, settings)
    if not chosen:
        return "", None, [], {}
    i, cand = lead_short_answer(question, chosen, sentences, ranker()["candidate"])
    chosen.insert(0, chosen.pop(i))  # the sentence that holds the short answer leads
    cards = merge_cards(passages, [s.passage for s in chosen])
    keys: list[str] = []
    cited = []
    for s in chosen:
        key = passages[s.passage].article.id
        if key not in keys:
            keys.append(key)
        card = cards[key]
        offset = card.offsets.get(s.passage, 0)
        card.spans.append((offset + s.start, offset + s.end))
        cited.append((s, key))
    lead = chosen[0]
    pieces, short = [], None
    if cand is not None:
        article = passages[lead.passage].article
        span = _phrase_span(passages[lead.passage].text, lead, cand)
        if span is not None:
            offset = cards[article.id].offsets.get(lead.passage, 0)
            cards[article.id].answer_span = (offset + span[0], offset + span[1])
        short = (
            full_name(cand, lead, sentences)
            if cand.kind in (at.PERSON, at.ORG, at.NAME)
            else _with_day(cand, lead.text, article.day)
        )
        pieces.append(f"{short} [{keys.index(article.id) + 1}].")
    for s, key in cited:
        pieces.append(f"{s.text} [{keys.index(key) + 1}]")
    ordered = {k: cards[k] for k in keys}
    return " ".join(pieces), short, cited, ordered


def _with_day(cand: Candidate, sentence: str, day: int) -> str:
    """A time phrase with the calendar day it means: the date written after it ("Sunday, Nov. 5"), else the day
    its dated article means ("Friday (June 24, 2022)")."""
    if cand.kind != at.TIME:
        return cand.text
    if written := written_after(sentence, cand.end):
        return cand.text + written
    d = resolved_day(cand.text, sentence[: cand.start], day_date(day))
    return f"{cand.text} ({d:%B} {d.day}, {d.year})" if d else cand.text


def _phrase_span(passage_text: str, sentence: Sentence, cand: Candidate) -> tuple[int, int] | None:
    """The candidate's span in the passage text (the sentence text is tidied, so it is looked up again)."""
    i = passage_text.find(cand.text, sentence.start, sentence.end + 1)
    return (i, i + len(cand.text)) if i >= 0 else None

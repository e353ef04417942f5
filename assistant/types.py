"""What the assistant returns: an answer, its numbered sources and the filters it used."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Filters:
    """Restrict retrieval to outlets and a published-date range (inclusive)."""

    outlets: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    undated: bool = False  # also keep articles of unknown date (set when the dates come from the question)
    date_phrase: str = ""  # the words of the question the dates were read from

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not self.outlets and self.since is None and self.until is None


@dataclass
class Source:
    """One cited passage, numbered in order of first citation."""

    n: int
    title: str
    outlet: str
    published: str | None
    url: str | None
    text: str  # the chunk text shown
    span: tuple[int, int]  # characters of text that support the citing sentence
    also_reported_by: list[str] = field(default_factory=list)
    article_id: str = ""
    chunk_id: str = ""
    story_id: str = ""
    start: int = 0  # offset of text in the article body
    end: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)  # every cited span of text (span is the first)
    answer_span: tuple[int, int] | None = None  # the short answer's characters in text
    story_dates: dict = field(default_factory=dict)  # first/last report of the story and by whom


@dataclass
class Answer:
    """An answer whose every [n] marker refers to one of its sources."""

    question: str
    text: str
    sources: list[Source] = field(default_factory=list)
    short_answer: str | None = None  # the phrase that answers the question, when one of its type was found
    refused: bool = False
    engine: str = "extractive"
    engine_line: str = ""  # the engine in one line, e.g. "gguf: SmolLM2-135M-Instruct.Q4_1"
    seconds: float = 0.0
    standalone_question: str = ""
    filters: Filters = field(default_factory=Filters)
    unsupported: list[str] = field(default_factory=list)  # answer sentences the cited passages do not back
    removed_markers: list[str] = field(default_factory=list)  # phantom markers taken out before showing
    retrieved: list[dict] = field(
        default_factory=list
    )  # ranked passages (article_id, chunk_id, score) for eval
    evidence: float = 0.0  # how strongly the passages hold an answer (refused under the threshold)
    evidence_features: dict = field(default_factory=dict)  # what the evidence score was made of
    as_of: str = ""  # the date the question was answered as of (YYYY-MM-DD)
    notice: str = ""  # one line about the as-of date when it was not today (an archive)

    def as_dict(self) -> dict:
        """The `ask --json` shape."""
        return {
            "answer": self.text,
            "short_answer": self.short_answer,
            "refused": self.refused,
            "sources": [
                {
                    "n": s.n,
                    "title": s.title,
                    "outlet": s.outlet,
                    "published": s.published,
                    "url": s.url,
                    "text": s.text,
                    "span": list(s.span),
                    "spans": [list(x) for x in s.spans],
                    "answer_span": list(s.answer_span) if s.answer_span else None,
                    "also_reported_by": s.also_reported_by,
                    "story": s.story_dates,
                }  # fmt: skip
                for s in self.sources
            ],
            "engine": self.engine,
            "as_of": self.as_of,
            "engine_line": self.engine_line,
            "seconds": round(self.seconds, 3),
            "unsupported": self.unsupported,
        }

    def to_json_dict(self) -> dict:
        """Everything, for logs and tests."""
        return asdict(self)

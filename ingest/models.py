"""The records that flow through ingest: articles and their chunks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def sha1(*parts: str | None) -> str:
    """Hex SHA-1 of the parts joined by a unit separator."""
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def article_key(article_id: str) -> str:
    """The article's part of its chunks' ids: what a chunk id starts with, up to the first hyphen."""
    return sha1(article_id)[:16]


@dataclass
class Article:
    """One news article, cleaned, with the raw text kept."""

    title: str
    body: str
    raw: str = ""
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD: the news date, the later of published and updated
    authors: list[str] = field(default_factory=list)
    source: str = ""  # the file it came from
    id: str = ""
    date_source: str | None = None  # where published came from: metadata, text, url or none
    date_published: str | None = None  # first published, when known
    date_updated: str | None = None  # last updated, when later than first published

    def __post_init__(self):
        if not self.id:
            self.id = self.url or "sha1:" + sha1(self.outlet, self.title, self.body)

    @property
    def content_hash(self) -> str:
        """Hash of everything stored for the article; a change means re-embedding."""
        return sha1(self.title, self.body, self.url, self.outlet, self.published, "|".join(self.authors))

    @property
    def text_hash(self) -> str:
        """Hash of what is embedded, dates left out: a change of date alone re-embeds nothing."""
        return sha1(self.title, self.body, self.url, self.outlet, "|".join(self.authors))


@dataclass
class Chunk:
    """A sentence-aligned slice of an article body with its character span."""

    article_id: str
    index: int
    text: str
    start: int
    end: int
    version: str = ""  # the article version it belongs to

    @property
    def id(self) -> str:
        """Chunk id from article key, version and position: a new version never overwrites an old one."""
        return f"{article_key(self.article_id)}-{self.version[:10]}-{self.index}"


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    added: int = 0
    updated: int = 0
    redated: int = 0  # unchanged text, newly found date: stored without re-embedding
    unchanged: int = 0
    failed: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False  # found in a folder but not read (unsupported type); the reason is in warnings


@dataclass
class Progress:
    """What a progress display needs after each step."""

    files_total: int = 0
    files_done: int = 0
    articles_total: int = 0
    articles_done: int = 0
    chunks_done: int = 0
    chunks_per_s: float = 0.0
    current: str = ""


@dataclass
class IngestResult:
    """Per-file reports and totals (in articles) of one ingest run."""

    files: list[FileReport] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    pruned: int = 0

    def total(self, key: str) -> int:
        """Sum of one count over the files."""
        return sum(getattr(f, key) for f in self.files)

    def as_dict(self) -> dict:
        """The --json shape."""
        keys = ("added", "updated", "redated", "unchanged", "failed")
        return {
            "files": [
                {
                    "path": f.path,
                    **{k: getattr(f, k) for k in keys},
                    "error": f.error,
                    "skipped": f.skipped,
                    "warnings": f.warnings,
                }
                for f in self.files
            ],
            **{k: self.total(k) for k in keys},
            "skipped": self.total("skipped"),
            "pruned": self.pruned,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }

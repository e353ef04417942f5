"""The input formats read, by file extension, and what parsing one file gives: a ParsedFile."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.models import Article
from newsdesk.errors import InputError

FORMATS = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html", ".json": "json",
           ".jsonl": "jsonl", ".ndjson": "jsonl", ".xml": "feed", ".rss": "feed", ".atom": "feed"}  # fmt: skip
SUPPORTED_EXTENSIONS = set(FORMATS)
EXTS = ", ".join(sorted(SUPPORTED_EXTENSIONS))
FORMAT_FIX = f"give a text export, an HTML page, JSON/JSONL records or an RSS/Atom feed ({EXTS})"


@dataclass
class ParsedFile:
    """The articles read from one file, with per-record errors and file-level warnings."""

    path: str
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

"""Find input files and parse each by its type (text, HTML, JSON, JSONL, RSS/Atom) into articles and errors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest import clean
from ingest.decode import decode_bytes
from ingest.formats import EXTS, FORMAT_FIX, FORMATS, SUPPORTED_EXTENSIONS, ParsedFile
from ingest.records import parse_feed, parse_html, parse_json, parse_jsonl
from newsdesk.errors import InputError


def unsupported_reason(path: Path) -> str:
    """Why a file found in a folder is not read: its type, and the types that are."""
    return f"skipped: unsupported type {_ext(path.name) or '(no extension)'}; supported: {EXTS}"


def find_input_files(paths: Iterable[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files named, plus supported files under folders (recursive), sorted, hidden files/dirs skipped;
    other files found in folders are appended to skipped, so each can be reported."""
    found: set[Path] = set()
    others: set[Path] = set()
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise InputError(str(given), "no such file or folder", fix="check the path and try again")
        if not path.is_dir():
            found.add(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for f in files:
                if f[0] != ".":
                    (found if _ext(f) in SUPPORTED_EXTENSIONS else others).add(Path(root, f))
    if skipped is not None:
        skipped.extend(sorted(others))
    return sorted(found)


def parse_file(path: str | Path, max_mb: float = 20.0, display_name: str | None = None) -> ParsedFile:
    """Parse one file into articles; whole-file problems raise InputError naming the file."""
    p, name = Path(path), display_name or str(path)
    if not p.exists():
        raise InputError(name, "no such file", fix="check the path and try again")
    if p.is_dir():
        raise InputError(name, "is a folder, not a file", fix="give the files in it, or ingest the folder")
    ext = _ext(p.name) if _ext(p.name) in SUPPORTED_EXTENSIONS else _ext(display_name or p.name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputError(name, f"unsupported file type '{ext or '(none)'}'", fix=f"supported: {EXTS}")
    try:
        size = p.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise InputError(
                name,
                f"file is {_size(size)}, larger than the {max_mb:g} MB limit",
                fix="split it into smaller files, or raise the limit with NEWSDESK_MAX_FILE_MB",
            )
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from exc
    text, warnings = decode_bytes(data, name)
    parsed = parse_text(text, name, FORMATS[ext])
    parsed.warnings[:0] = warnings
    return parsed


def parse_text(text: str, source: str, fmt: str) -> ParsedFile:
    """Parse text of one format ("text", "html", "json", "jsonl", "feed") into articles."""
    parser = _PARSERS.get(fmt)
    if parser is None:
        raise InputError(source, f"unknown format {fmt!r}", fix=f"use one of: {', '.join(_PARSERS)}")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(source, "file is empty", fix="export the articles again; the file holds no text")
    if "\x00" in text:
        raise InputError(source, "looks like a binary file (NUL characters), not text", fix=FORMAT_FIX)
    result = ParsedFile(source)
    parser(text, source, result)
    for article in result.articles:
        if not article.title.strip():  # e.g. a body of one "." whose title rule strips the period
            article.title = article.body.strip()[:120] or "(untitled)"
    if not result.articles and not result.errors:
        why = f" ({result.warnings[-1].removeprefix(f'{source}: ')})" if result.warnings else ""
        raise InputError(source, f"no articles found{why}", fix=FORMAT_FIX)
    return result


def _ext(name: str) -> str:
    """Lower-case extension of a file name."""
    return os.path.splitext(name)[1].lower()


def _size(n: int) -> str:
    """A byte count for people."""
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


_PARSERS: dict[str, Callable[[str, str, ParsedFile], None]] = {
    "text": lambda text, source, result: result.articles.extend(clean.split_text_export(text, source)),
    "html": parse_html,
    "json": parse_json,
    "jsonl": parse_jsonl,
    "feed": parse_feed,
}

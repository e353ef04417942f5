"""Whether files are stored in full already, read with sqlite3 alone: an unchanged re-ingest loads no
SQLAlchemy, numpy, torch or Chroma."""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
from pathlib import Path

from ingest.models import FileReport, sha1

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def code_key() -> str:
    """Hash of the ingest package's source: a parser or chunker change makes every file new again."""
    here = Path(__file__).parent
    return sha1(*(f.name + f.read_text(encoding="utf-8") for f in sorted(here.glob("*.py"))))


def pipeline_key(model_name: str, settings) -> str:
    """What the stored vectors depend on besides an article's text: the model and the chunking settings."""
    # "plain": chunks embedded without the title prefix (older stores re-embed)
    return f"{model_name}/{settings.chunk_tokens}/{settings.chunk_min_tokens}/{settings.chunk_overlap_tokens}/plain"


def file_key(path: Path, pipeline: str, max_file_mb: float) -> str | None:
    """What makes a file's parse result the same as last time: its bytes, the code, the pipeline."""
    try:
        if path.stat().st_size > max_file_mb * 1024 * 1024:
            return None
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return sha1(digest, code_key(), pipeline, str(max_file_mb))[:20]


def sqlite_file(record_url: str) -> Path | None:
    """The file of a local SQLite record URL (sqlite:///path); None for any other database."""
    head, sep, rest = record_url.partition(":///")
    if not sep or head not in ("sqlite", "sqlite+pysqlite") or not rest or "?" in rest or "%" in rest:
        return None  # options or quoting: left to SQLAlchemy
    return Path(rest)


def stored_in_full(files: list[Path], settings, model_name: str) -> list[FileReport] | None:
    """Unchanged reports for files stored in full since their bytes, the code and the pipeline last matched;
    None when any file must be read again, or the record is not a local SQLite file: the full run decides."""
    db = sqlite_file(settings.record_url)
    if not files or db is None or not db.is_file():
        return None
    pipeline = pipeline_key(model_name, settings)
    keys = [file_key(p, pipeline, settings.max_file_mb) for p in files]
    if None in keys:
        return None
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot: a concurrent ingest's writes are all seen or none
        if conn.execute("SELECT 1 FROM pending LIMIT 1").fetchone():
            return None  # an interrupted run to recover
        reports = []
        for path, key in zip(files, keys, strict=True):
            source = str(path.resolve())
            known = (_meta(conn, f"file:{source}") or "").split(" ")
            if len(known) != 2 or known[0] != key:
                return None
            q = "SELECT count(*), count(text_version) FROM articles WHERE source = ?"
            total, versioned = conn.execute(q, (source,)).fetchone()
            if not total == int(known[1]) == versioned:  # an article removed, or one awaiting a migration
                return None
            reports.append(FileReport(str(path), unchanged=total))
        generation = _meta(conn, "generation") or "0"
    except (sqlite3.Error, ValueError) as exc:
        log.debug("unchanged check fell back to a full run: %s", exc)
        return None
    finally:
        conn.close()
    from ingest import lexical

    if not lexical.is_current(settings.data_dir / "bm25", generation):
        return None  # the BM25 index to bring up to the record first
    return reports


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    """One value of the record's meta table."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None

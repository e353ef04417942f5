"""The ingest record's SQL schema: tables, SQLite pragmas, migration, article rows, error translation."""

from __future__ import annotations

import json

from sqlalchemy import Column, Float, Integer, LargeBinary, MetaData, String, Table, Text, text
from sqlalchemy.exc import InterfaceError, OperationalError

from ingest.models import Article
from newsdesk.errors import StoreError

metadata = MetaData()
articles = Table(
    "articles",
    metadata,
    Column("id", String, primary_key=True),
    Column("content_hash", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("raw", Text),
    Column("url", Text),
    Column("outlet", String, index=True),
    Column("published", String, index=True),
    Column("authors", Text),
    Column("source", Text, index=True),
    Column("story_id", String, index=True),
    Column("minhash", LargeBinary),
    Column("vector", LargeBinary),
    Column("n_chunks", Integer),
    Column("ingested_at", Float),
    Column("date_source", String),  # metadata, text, url or none; NULL: ingested before dates
    Column("date_published", String),
    Column("date_updated", String),
    Column("text_version", String),  # version of the text alone, so a newly found date re-embeds nothing
)
DATE_COLUMNS = ("published", "date_source", "date_published", "date_updated")
chunks = Table(
    "chunks",
    metadata,
    Column("id", String, primary_key=True),
    Column("article_id", String, index=True, nullable=False),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)
pending = Table(
    "pending",
    metadata,
    Column("article_id", String, primary_key=True),
    Column("content_hash", String, nullable=False),
    Column("started_at", Float),
)
meta = Table("meta", metadata, Column("key", String, primary_key=True), Column("value", Text))
outlet_lines = (
    Table(  # which articles of an outlet hold a short line (up to a few ids): recurring boilerplate
        "outlet_lines",
        metadata,
        Column("outlet", String, primary_key=True),
        Column("key", String, primary_key=True),
        Column("article_ids", Text, nullable=False),
    )
)


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL and a long busy timeout: readers never block writers, writers wait instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _record_fix(reason: str) -> str:
    """What to do about a database error, from its text."""
    reason = reason.lower()
    if "full" in reason or "no space" in reason:
        return "free some disk space, then run `newsdesk ingest` again: an interrupted batch is redone."
    if "readonly" in reason or "read-only" in reason or "unable to open" in reason or "permission" in reason:
        return (
            "make the folder holding the record writable (NEWSDESK_DATA_DIR), or set NEWSDESK_RECORD_DB_URL."
        )
    if "locked" in reason:
        return "another process held the record's write lock too long; retry in a moment."
    return "check that the database named by NEWSDESK_RECORD_DB_URL (or NEWSDESK_DATA_DIR) is reachable and writable."


def _as_store_error(context) -> None:
    """SQLAlchemy handle_error hook: operational failures (disk full, read-only, locked, server gone) become
    a StoreError that names the record, without its password, and says what to do."""
    if not (
        isinstance(context.sqlalchemy_exception, (OperationalError, InterfaceError)) or context.is_disconnect
    ):
        return
    where = context.engine.url.render_as_string(hide_password=True) if context.engine else "the ingest record"
    reason = str(getattr(context.sqlalchemy_exception, "orig", None) or context.original_exception)
    raise StoreError(
        f"The ingest record at {where} failed: {reason}", _record_fix(reason)
    ) from context.original_exception


def _article_row(
    a: Article,
    version: str,
    n_chunks: int,
    story_id: str,
    minhash: bytes,
    vector: bytes,
    now: float,
    text_version: str | None = None,
) -> dict:
    """The articles-table row of one article."""
    return {
        "id": a.id, "content_hash": version, "vector": vector, "title": a.title, "body": a.body, "raw": a.raw, "url": a.url,
        "outlet": a.outlet, "published": a.published, "authors": json.dumps(a.authors), "source": a.source,
        "story_id": story_id, "minhash": minhash, "n_chunks": n_chunks, "ingested_at": now,
        "date_source": a.date_source, "date_published": a.date_published, "date_updated": a.date_updated,
        "text_version": text_version,
    }  # fmt: skip


def _migrate(engine) -> None:
    """Add the columns a record made by an older version lacks (its rows keep working, dates unchecked)."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(engine).get_columns("articles")}
    missing = [c for c in articles.c if c.name not in have]
    if not missing:
        return
    with engine.begin() as conn:
        for column in missing:
            kind = column.type.compile(dialect=engine.dialect)
            conn.execute(text(f'ALTER TABLE articles ADD COLUMN "{column.name}" {kind}'))

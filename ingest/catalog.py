"""The ingest record: articles, chunk texts and write-ahead markers in one SQL database."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError

from ingest.models import Article, Chunk
from newsdesk.errors import ConfigError, StoreError

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


class Catalog:
    """Typed access to the ingest record."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine = create_engine(url, future=True)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise ConfigError(
                f"Cannot use the ingest record URL (NEWSDESK_RECORD_DB_URL): {exc}",
                "give an SQLAlchemy URL whose driver is installed, e.g. sqlite:////path/catalog.sqlite3 or "
                "postgresql+psycopg://user:password@host/db (with `pip install psycopg[binary]`).",
            ) from exc
        try:
            event.listen(self.engine, "handle_error", _as_store_error)
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_pragmas)
            metadata.create_all(self.engine)
            _migrate(self.engine)
        except (OperationalError, StoreError) as exc:
            reason = str(getattr(exc, "orig", None) or exc.__cause__ or exc)
            raise StoreError(
                f"Cannot open the ingest record at {self.engine.url.render_as_string(hide_password=True)}: {reason}",
                "check that NEWSDESK_DATA_DIR is writable and has free space, or set NEWSDESK_RECORD_DB_URL.",
            ) from exc

    @contextmanager
    def ingest_lock(self, name: str) -> Iterator[None]:
        """Hold the record-wide ingest lock for name, across machines where the database can say so.

        PostgreSQL: a session advisory lock on a connection held for the whole ingest (released by the
        server if the process dies). Other databases: nothing here; the file lock in data_dir serialises
        ingests on one machine.
        """
        if self.engine.dialect.name != "postgresql":
            yield
            return
        key = int.from_bytes(
            hashlib.sha1(f"newsdesk-ingest:{name}".encode()).digest()[:8], "big", signed=True
        )
        conn = self.engine.connect()
        try:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
            except Exception:  # noqa: BLE001 - a broken connection: dropping it releases the lock
                conn.invalidate()
            conn.close()

    def get_meta(self, key: str) -> str | None:
        """One value of the meta table."""
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def set_meta(self, values: dict[str, str], conn=None) -> None:
        """Write meta values, in conn's transaction when given."""
        if conn is None:
            with self.engine.begin() as own:
                return self.set_meta(values, own)
        for key, value in values.items():
            if conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
                conn.execute(insert(meta).values(key=key, value=value))

    def _rows_by_id(self, ids: Iterable[str], *columns, table: Table = articles) -> dict[str, object]:
        """The id and these columns of each known id of the table (articles by default), 500 ids at a time."""
        ids = list(ids)
        found: dict[str, object] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = conn.execute(select(table.c.id, *columns).where(table.c.id.in_(ids[i : i + 500])))
                found.update((r.id, r) for r in rows)
        return found

    def hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """Stored content hash of each known id."""
        return {k: r.content_hash for k, r in self._rows_by_id(ids, articles.c.content_hash).items()}

    def chunk_texts(self, ids: Iterable[str]) -> dict[str, tuple[str, int, int]]:
        """(text, start, end) of each of these chunks the record holds."""
        c = chunks.c
        return {
            k: (r.text, r.start, r.end)
            for k, r in self._rows_by_id(ids, c.text, c.start, c.end, table=chunks).items()
        }

    def chunk_ids(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        """Stored chunk ids of each article."""
        ids = list(article_ids)
        found: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = conn.execute(
                    select(chunks.c.article_id, chunks.c.id).where(chunks.c.article_id.in_(ids[i : i + 500]))
                )
                for r in rows:
                    found.setdefault(r.article_id, []).append(r.id)
        return found

    def mark_pending(self, items: dict[str, str]) -> None:
        """Record that these articles (id -> new hash) are about to be written to the vector store."""
        with self.engine.begin() as conn:
            conn.execute(delete(pending).where(pending.c.article_id.in_(list(items))))
            conn.execute(
                insert(pending),
                [{"article_id": k, "content_hash": v, "started_at": time.time()} for k, v in items.items()],
            )

    def pending_ids(self) -> list[str]:
        """Articles whose vector-store write may not have finished."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(pending.c.article_id)).scalars())

    def clear_pending(self, ids: Iterable[str]) -> None:
        """Drop write-ahead markers once store and record agree."""
        ids = list(ids)
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(delete(pending).where(pending.c.article_id.in_(ids[i : i + 500])))

    def save(
        self,
        batch: list[tuple[Article, list[Chunk], str, bytes, bytes]],
        versions: dict[str, str],
        model: str,
        text_versions: dict[str, str] | None = None,
    ) -> str:
        """Store articles (chunks, story id, minhash, vector) in one transaction; returns the new generation."""
        now, generation = time.time(), str(time.time_ns())
        ids = [a.id for a, *_ in batch]
        with self.engine.begin() as conn:
            conn.execute(delete(chunks).where(chunks.c.article_id.in_(ids)))
            conn.execute(delete(articles).where(articles.c.id.in_(ids)))
            conn.execute(
                insert(articles),
                [
                    _article_row(
                        a, versions[a.id], len(c), story, mh, vec, now, (text_versions or {}).get(a.id)
                    )
                    for a, c, story, mh, vec in batch
                ],
            )
            rows = [
                {
                    "id": c.id,
                    "article_id": c.article_id,
                    "idx": c.index,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                }
                for _, cs, *_ in batch
                for c in cs
            ]
            if rows:
                conn.execute(insert(chunks), rows)
            self.set_meta({"generation": generation, "last_ingest": str(now), "embedding_model": model}, conn)
        return generation

    def date_facts(self, ids: Iterable[str]) -> dict[str, dict]:
        """content_hash, text_version and the date columns of each known id."""
        cols = [articles.c.content_hash, articles.c.text_version, *(articles.c[k] for k in DATE_COLUMNS)]
        return {k: dict(r._mapping) for k, r in self._rows_by_id(ids, *cols).items()}

    def update_dates(self, rows: list[dict]) -> str:
        """Write new dates (and text versions) of articles whose text is unchanged; returns the new generation."""
        generation = str(time.time_ns())
        with self.engine.begin() as conn:
            for row in rows:
                values = {k: row[k] for k in (*DATE_COLUMNS, "text_version")}
                conn.execute(update(articles).where(articles.c.id == row["id"]).values(**values))
            self.set_meta({"generation": generation}, conn)
        return generation

    def remove(self, ids: Iterable[str]) -> str:
        """Forget articles and their chunks; returns the new generation."""
        ids, generation = list(ids), str(time.time_ns())
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                conn.execute(delete(chunks).where(chunks.c.article_id.in_(part)))
                conn.execute(delete(articles).where(articles.c.id.in_(part)))
            self.set_meta({"generation": generation}, conn)
        return generation

    def source_intact(self, source: str, n_articles: int) -> bool:
        """Whether the record holds exactly n_articles from this file, none of them awaiting a migration."""
        with self.engine.connect() as conn:
            q = select(func.count(), func.count(articles.c.text_version)).where(articles.c.source == source)
            total, versioned = conn.execute(q).one()
        return total == n_articles == versioned

    def ids_from_source(self, source: str) -> list[str]:
        """Ids of the articles that came from one file."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(articles.c.id).where(articles.c.source == source)).scalars())

    def signatures(
        self, since: str | None = None, until: str | None = None, undated: bool = False
    ) -> Iterator[tuple[str, str, bytes, bytes, str | None]]:
        """(article id, story id, minhash bytes, vector bytes, published) of stored articles: all of them, or
        the undated ones, or those published in [since, until) (ISO strings)."""
        with self.engine.connect() as conn:
            query = select(
                articles.c.id,
                articles.c.story_id,
                articles.c.minhash,
                articles.c.vector,
                articles.c.published,
            )
            if undated:
                query = query.where(
                    (articles.c.published.is_(None)) | (func.length(articles.c.published) < 10)
                )
            elif since is not None or until is not None:
                query = query.where(func.length(articles.c.published) >= 10)
                if since:
                    query = query.where(articles.c.published >= since)
                if until:
                    query = query.where(articles.c.published < until)
            yield from conn.execute(query).tuples()

    def article_facts(self) -> Iterator[tuple]:
        """(id, title, outlet, published, url, story_id, date_source) of every stored article, without texts."""
        cols = [
            articles.c[k] for k in ("id", "title", "outlet", "published", "url", "story_id", "date_source")
        ]
        with self.engine.connect() as conn:
            query = select(*cols).order_by(articles.c.published.desc(), articles.c.title)
            yield from conn.execute(query).tuples()

    def all_chunks(self) -> Iterator[tuple[str, str, str]]:
        """(chunk id, article id, text) of every stored chunk, in a stable order."""
        with self.engine.connect() as conn:
            yield from conn.execute(
                select(chunks.c.id, chunks.c.article_id, chunks.c.text).order_by(chunks.c.id)
            ).tuples()

    def articles(self, ids: Iterable[str] | None = None) -> list[dict]:
        """Article rows as dicts (all of them when ids is None), without raw text and minhash."""
        cols = [c for c in articles.c if c.name not in ("raw", "minhash", "vector")]
        query = select(*cols)
        if ids is not None:
            query = query.where(articles.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(query.order_by(articles.c.published.desc(), articles.c.title))
            ]
        for row in rows:
            row["authors"] = json.loads(row["authors"] or "[]")
        return rows

    def article_chunks(self, article_id: str) -> list[dict]:
        """Chunks of one article in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(chunks).where(chunks.c.article_id == article_id).order_by(chunks.c.idx)
            )
            return [dict(r._mapping) for r in rows]

    def story_outlets(self, story_ids: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """(article id, outlet, title) of each article of the given stories."""
        ids = list(set(story_ids))
        found: dict[str, list[tuple[str, str, str]]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.story_id, articles.c.id, articles.c.outlet, articles.c.title).where(
                    articles.c.story_id.in_(ids)
                )
            )
            for r in rows:
                found.setdefault(r.story_id, []).append((r.id, r.outlet, r.title))
        return found

    def line_witnesses(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """Stored (outlet, line key) -> ids of the articles of that outlet seen holding the line."""
        found: dict[tuple[str, str], list[str]] = {}
        by_outlet: dict[str, list[str]] = {}
        for outlet, key in set(keys):
            by_outlet.setdefault(outlet, []).append(key)
        with self.engine.connect() as conn:
            for outlet, part in by_outlet.items():
                for i in range(0, len(part), 500):
                    rows = conn.execute(
                        select(outlet_lines).where(
                            outlet_lines.c.outlet == outlet, outlet_lines.c.key.in_(part[i : i + 500])
                        )
                    )
                    found.update({(r.outlet, r.key): json.loads(r.article_ids) for r in rows})
        return found

    def save_line_witnesses(self, rows: dict[tuple[str, str], list[str]]) -> None:
        """Write (outlet, line key) -> article ids, replacing what was stored for those lines."""
        if not rows:
            return
        items = list(rows.items())
        with self.engine.begin() as conn:
            for i in range(0, len(items), 500):
                part = items[i : i + 500]
                for outlet in {o for (o, _), _ in part}:
                    keys = [k for (o, k), _ in part if o == outlet]
                    conn.execute(
                        delete(outlet_lines).where(
                            outlet_lines.c.outlet == outlet, outlet_lines.c.key.in_(keys)
                        )
                    )
                conn.execute(
                    insert(outlet_lines),
                    [{"outlet": o, "key": k, "article_ids": json.dumps(ids)} for (o, k), ids in part],
                )

    def newest_titles(self, limit: int = 50) -> list[tuple[str, str | None]]:
        """(title, story id) of the most recently published (then ingested) articles."""
        query = select(articles.c.title, articles.c.story_id).order_by(
            articles.c.published.is_(None), articles.c.published.desc(), articles.c.ingested_at.desc()
        )
        with self.engine.connect() as conn:
            return [(r.title, r.story_id) for r in conn.execute(query.limit(limit))]

    def raw_texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The raw text kept for each of these articles."""
        return {k: r.raw or "" for k, r in self._rows_by_id(ids, articles.c.raw).items()}

    def stats(self) -> dict:
        """Counts and date range of what is stored."""
        with self.engine.connect() as conn:
            n_articles = conn.execute(select(func.count()).select_from(articles)).scalar() or 0
            n_chunks = conn.execute(select(func.count()).select_from(chunks)).scalar() or 0
            n_stories = conn.execute(select(func.count(func.distinct(articles.c.story_id)))).scalar() or 0
            outlets = {
                r[0]: r[1]
                for r in conn.execute(select(articles.c.outlet, func.count()).group_by(articles.c.outlet))
            }
            first, last = conn.execute(
                select(func.min(articles.c.published), func.max(articles.c.published))
            ).one()
            query = select(articles.c.date_source, func.count()).group_by(articles.c.date_source)
            sources = {r[0]: r[1] for r in conn.execute(query)}
        return {
            "articles": n_articles,
            "chunks": n_chunks,
            "stories": n_stories,
            "outlets": {(k or "unknown"): v for k, v in sorted(outlets.items(), key=lambda kv: -kv[1])},
            "first_published": first,
            "last_published": last,
            "date_sources": {
                (k or "not checked"): v for k, v in sorted(sources.items(), key=lambda kv: -kv[1])
            },
        }


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

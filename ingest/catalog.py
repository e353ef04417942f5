"""The ingest record in one SQL database: opening it, its ingest lock, meta, write-ahead markers and writes."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, delete, event, insert, select, text, update
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from ingest.models import Article, Chunk
from ingest.record_queries import RecordQueries
from ingest.record_schema import (
    DATE_COLUMNS,
    _article_row,
    _as_store_error,
    _migrate,
    _sqlite_pragmas,
    articles,
    chunks,
    meta,
    metadata,
    outlet_lines,
    pending,
)
from newsdesk.errors import ConfigError, StoreError


class Catalog(RecordQueries):
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

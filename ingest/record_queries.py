"""Read-only queries of the ingest record: articles, chunks, stories, line witnesses and stats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from sqlalchemy import Table, func, select

from ingest.record_schema import DATE_COLUMNS, articles, chunks, outlet_lines


class RecordQueries:
    """The read-only queries of Catalog, on its self.engine."""

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

    def date_facts(self, ids: Iterable[str]) -> dict[str, dict]:
        """content_hash, text_version and the date columns of each known id."""
        cols = [articles.c.content_hash, articles.c.text_version, *(articles.c[k] for k in DATE_COLUMNS)]
        return {k: dict(r._mapping) for k, r in self._rows_by_id(ids, *cols).items()}

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

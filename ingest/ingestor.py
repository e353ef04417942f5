"""The store, the record and the embedder of one ingest run: crash-safe writes, removals and recovery."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np

from ingest import catalog as catalog_mod
from ingest import lexical, store
from ingest.chunk import chunk_article
from ingest.models import Article, Chunk, Progress, sha1
from ingest.record_schema import DATE_COLUMNS
from ingest.recurring import RecurringLines
from ingest.unchanged import pipeline_key
from newsdesk.errors import StoreError

log = logging.getLogger(__name__)


class Ingestor:
    """Holds the store, the record and the embedder for one ingest run."""

    def __init__(self, settings, embedder=None):
        self.settings = settings
        _check_writable(settings.data_dir)
        self._embedder, self._collection, self._lexical = embedder, None, None
        self.catalog = catalog_mod.Catalog(settings.record_url)
        name = embedder.name if embedder is not None else settings.embedding_model
        self.pipeline_key = pipeline_key(name, settings)
        self.stories = None  # the StoryIndex, loaded by story_index
        self.recurring = RecurringLines(
            self.catalog, settings.boilerplate_min_articles, settings.boilerplate_min_articles_long
        )

    @property
    def embedder(self):
        """The embedder, loaded on first use: an unchanged re-ingest never imports torch."""
        if self._embedder is None:
            from ingest.embed import load_embedder

            self._embedder = load_embedder(self.settings)
        return self._embedder

    @property
    def collection(self):
        """The Chroma collection, opened on first use: an unchanged re-ingest never imports Chroma."""
        if self._collection is None:
            self._collection = store.open_collection(self.settings, self.embedder)
        return self._collection

    @property
    def lexical(self) -> lexical.Writer:
        """The BM25 index's writer for this run, opened on first write."""
        if self._lexical is None:
            self._lexical = lexical.Writer(self.settings.data_dir / "bm25")
        return self._lexical

    def close(self) -> None:
        """Finish the BM25 index's merges and release its write lock."""
        if self._lexical is not None:
            self._lexical.close()
            self._lexical = None

    def version(self, article: Article) -> str:
        """Version of an article under this pipeline: content and chunking settings."""
        return sha1(article.content_hash, self.pipeline_key)[:16]

    def text_version(self, article: Article) -> str:
        """Version of the embedded text alone (dates left out) under this pipeline."""
        return sha1(article.text_hash, self.pipeline_key)[:16]

    def same_text(self, article: Article, row: dict) -> bool:
        """The stored article (row of date_facts) has this text; a record older than dates is checked
        by its version with the date it stored."""
        if row.get("text_version"):
            return row["text_version"] == self.text_version(article)
        return row["content_hash"] == self.version(replace(article, published=row["published"]))

    def update_dates(self, batch: list[Article]) -> None:
        """Store newly found dates of unchanged articles in the record (Chroma holds no dates: nothing to embed)."""
        rows = [{"id": a.id, "text_version": self.text_version(a), "published": a.published,
                 "date_source": a.date_source, "date_published": a.date_published,
                 "date_updated": a.date_updated} for a in batch]  # fmt: skip
        self.lexical.replace((), (), self.catalog.update_dates(rows))  # the index follows the generation

    @contextmanager
    def lock(self):
        """One ingest at a time per store; a killed process releases it."""
        path = self.settings.data_dir / "ingest.lock"
        try:
            handle = open(path, "a")  # noqa: SIM115 - closed below, after the lock is released
        except OSError as exc:
            raise StoreError(
                f"Cannot create the ingest lock {path}: {exc.strerror or exc}", _WRITABLE_FIX
            ) from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                with self.catalog.ingest_lock(self.settings.collection):  # across machines on PostgreSQL
                    try:
                        yield
                    finally:
                        self.close()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> int:
        """Bring the vector store back in line with the record after an interrupted run."""
        ids = self.catalog.pending_ids()
        folder = self.settings.data_dir / "bm25"
        if not ids:
            if lexical.sync(self.catalog, folder) == "rebuilt":  # an existing store's first run
                log.info("built the BM25 index from the record")
            return 0
        versions = self.catalog.hashes(ids)
        with store.guard(self.settings, "rolling back an interrupted ingest"):
            store.delete_ids(self.collection, store.stray_chunk_ids(self.collection, ids, versions))
        lexical.sync(self.catalog, folder, self.lexical, pending=ids)
        self.catalog.clear_pending(ids)
        log.warning("recovered %d articles from an interrupted ingest", len(ids))
        return len(ids)

    def story_index(self, batch: list[tuple[Article, list[Chunk]]] = ()):
        """The story index over the stored articles a batch can join: those dated within story_days of one of its
        dates, and the undated (everything when the batch holds an undated article); loaded as needed."""
        from ingest import stories

        if self.stories is None:
            self.stories = stories.StoryIndex(self.settings.story_threshold, self.settings.story_days)
            self._story_spans: list[tuple[str, str]] = []  # published ranges loaded, [lo, hi), merged
            self._load_signatures(None, None, undated=True)
        days = [stories._day(a.published) for a, _ in batch]
        if not batch or None in days:
            want = [("", "\uffff")]
        else:  # a window around each date, not one from the first to the last: a spread batch loads little
            pad = timedelta(days=self.settings.story_days + 1)
            want = stories.merge_spans([((d - pad).isoformat(), (d + pad).isoformat()) for d in set(days)])
        for span in want:
            for lo, hi in stories.missing_spans(span, self._story_spans):
                self._load_signatures(lo, hi)
        self._story_spans = stories.merge_spans(self._story_spans + want)
        return self.stories

    def _load_signatures(self, lo: str | None, hi: str | None, undated: bool = False) -> None:
        """Add the stored articles published in [lo, hi) (or the undated ones) to the story index."""
        from ingest import stories

        for article_id, story_id, mh, vector, published in self.catalog.signatures(lo, hi, undated):
            if mh:
                vec = np.frombuffer(vector, dtype=np.float32) if vector else None
                self.stories.add(article_id, story_id, stories.from_bytes(mh), vec, published)

    def write(self, batch: list[tuple[Article, list[Chunk]]], progress: Progress, report: Callable) -> None:
        """Embed and store a batch of new or changed articles, crash-safely."""
        from ingest import stories

        versions = {a.id: self.version(a) for a, _ in batch}
        self.catalog.mark_pending(versions)
        old = self.catalog.chunk_ids(versions)
        chunks = [c for _, cs in batch for c in cs]
        started = time.perf_counter()
        vectors = encode_unique(self.embedder, [c.text for c in chunks])
        progress.chunks_done += len(chunks)
        progress.chunks_per_s = len(chunks) / max(time.perf_counter() - started, 1e-6)
        rows, offset, index = [], 0, self.story_index(batch)
        ids, metas = [], []
        for article, cs in batch:
            vecs = vectors[offset : offset + len(cs)]
            offset += len(cs)
            mean = vecs.mean(axis=0) if len(cs) else np.zeros(self.embedder.dimension)
            mean = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
            mh = stories.signature(article.title, article.body)
            story = index.assign(article.id, mh, mean, article.published)
            rows.append((article, cs, story, stories.to_bytes(mh), mean.tobytes()))
            for c in cs:
                ids.append(c.id)
                metas.append(store.chunk_metadata(article.id, versions[article.id]))
        with store.guard(self.settings, "storing chunks"):
            store.upsert(self.collection, ids, vectors, metas)
        generation = self.catalog.save(
            rows, versions, self.embedder.name, {a.id: self.text_version(a) for a, _ in batch}
        )
        self.lexical.replace(versions, ((c.id, c.article_id, c.text) for c in chunks), generation)
        keep = set(ids)
        with store.guard(self.settings, "deleting replaced chunks"):
            store.delete_ids(self.collection, [cid for a in old.values() for cid in a if cid not in keep])
        self.catalog.clear_pending(versions)
        progress.articles_done += len(batch)
        report(progress)

    def remove(self, ids: list[str]) -> None:
        """Delete articles from store and record, crash-safely."""
        if not ids:
            return
        self.catalog.mark_pending(dict.fromkeys(ids, ""))
        chunk_ids = [cid for cs in self.catalog.chunk_ids(ids).values() for cid in cs]
        generation = self.catalog.remove(ids)
        self.lexical.replace(ids, (), generation)
        with store.guard(self.settings, "deleting chunks of removed articles"):
            store.delete_ids(self.collection, chunk_ids)
        self.catalog.clear_pending(ids)


def encode_unique(embedder, texts: list[str]) -> np.ndarray:
    """Embeddings of texts, each distinct text encoded once (syndicated copies, repeated paragraphs)."""
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    first: dict[str, int] = {}
    where = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
    return embedder.encode(list(first))[where]


_WRITABLE_FIX = (
    "point NEWSDESK_DATA_DIR at a writable folder with free space; what is stored there is untouched."
)


def _check_writable(folder: Path) -> None:
    """A StoreError, before anything is touched, when the store folder cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the store folder {folder}: {exc.strerror or exc}", _WRITABLE_FIX
        ) from exc
    if not os.access(folder, os.W_OK):
        raise StoreError(f"The store folder {folder} is read-only: ingest cannot write to it.", _WRITABLE_FIX)


def sources_gone(catalog: catalog_mod.Catalog, folders: list[Path], present: set[str]) -> list[str]:
    """Ids of articles from files under these folders that no longer exist."""
    prefixes = tuple(str(f.resolve()) + "/" for f in folders)
    return [
        r["id"] for r in catalog.articles() if r["source"].startswith(prefixes) and r["source"] not in present
    ]


def restrip_revisited(ingestor: Ingestor, progress: Progress, report: Callable) -> int:
    """Store again, without them, the articles stored before their lines were found to recur; chunks written."""
    ids = sorted(ingestor.recurring.revisit)
    ingestor.recurring.revisit.clear()
    if not ids:
        return 0
    raws, settings, batch = ingestor.catalog.raw_texts(ids), ingestor.settings, []
    for row in ingestor.catalog.articles(ids):
        keep = (
            "title",
            "body",
            "url",
            "outlet",
            "published",
            "authors",
            "source",
            "id",
            *DATE_COLUMNS,
        )
        old = Article(**{k: row[k] for k in keep if k in row}, raw=raws.get(row["id"], ""))
        new = ingestor.recurring.strip_known(old)
        if new.body == old.body:
            continue
        chunks = chunk_article(new, ingestor.embedder, settings.chunk_tokens, settings.chunk_min_tokens,
                               settings.chunk_overlap_tokens)  # fmt: skip
        for c in chunks:
            c.version = ingestor.version(new)
        batch.append((new, chunks))
    if batch:
        ingestor.write(batch, progress, report)
    return sum(len(cs) for _, cs in batch)

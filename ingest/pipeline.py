"""Ingest orchestration: files in, articles parsed, chunked, embedded and stored incrementally."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import numpy as np

from ingest import catalog as catalog_mod
from ingest import dates, lexical, store
from ingest.chunk import chunk_article
from ingest.models import Article, Chunk, FileReport, sha1
from ingest.recurring import RecurringLines
from newsdesk.errors import InputError, StoreError

log = logging.getLogger(__name__)


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


class Ingestor:
    """Holds the store, the record and the embedder for one ingest run."""

    def __init__(self, settings, embedder=None):
        self.settings = settings
        _check_writable(settings.data_dir)
        self._embedder, self._collection, self._lexical = embedder, None, None
        self.catalog = catalog_mod.Catalog(settings.record_url)
        name = embedder.name if embedder is not None else settings.embedding_model
        self.pipeline_key = (  # "plain": chunks embedded without the title prefix (older stores re-embed)
            f"{name}/{settings.chunk_tokens}/{settings.chunk_min_tokens}/{settings.chunk_overlap_tokens}/plain"
        )
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


@functools.lru_cache(maxsize=1)
def _code_key() -> str:
    """Hash of the ingest package's source: a parser or chunker change makes every file new again."""
    here = Path(__file__).parent
    return sha1(*(f.name + f.read_text(encoding="utf-8") for f in sorted(here.glob("*.py"))))


def _file_key(path: Path, pipeline_key: str, max_file_mb: float) -> str | None:
    """What makes a file's parse result the same as last time: its bytes, the code, the pipeline."""
    try:
        if path.stat().st_size > max_file_mb * 1024 * 1024:
            return None
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return sha1(digest, _code_key(), pipeline_key, str(max_file_mb))[:20]


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


def _sources_gone(catalog: catalog_mod.Catalog, folders: list[Path], present: set[str]) -> list[str]:
    """Ids of articles from files under these folders that no longer exist."""
    prefixes = tuple(str(f.resolve()) + "/" for f in folders)
    return [
        r["id"] for r in catalog.articles() if r["source"].startswith(prefixes) and r["source"] not in present
    ]


def ingest_paths(
    paths: Iterable[str | Path],
    settings,
    prune: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    embedder=None,
    names: dict[str, str] | None = None,
) -> IngestResult:
    """Ingest files and folders; names maps a path to the name shown and stored for it (uploads)."""
    from ingest.parse import find_input_files, parse_file, unsupported_reason

    report = on_progress or (lambda p: None)
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    result = IngestResult()
    files: list[Path] = []
    for path in paths:
        try:
            skipped: list[Path] = []
            files.extend(find_input_files([path], skipped))
        except InputError as exc:
            result.files.append(FileReport(str(path), failed=1, error=exc.message))
        result.files.extend(
            FileReport(str(p), skipped=True, warnings=[unsupported_reason(p)]) for p in skipped
        )
    ingestor = Ingestor(settings, embedder)
    progress = Progress(files_total=len(files))
    with ingestor.lock():
        ingestor.recover()
        seen: set[str] = set()
        clean: dict[str, str] = {}  # file:<source> -> "<file key> <articles>" of files stored in full
        pending: list[tuple[Article, list[Chunk]]] = []
        pending_chunks = 0
        for path in files:
            shown = (names or {}).get(str(path), str(path))
            progress.current = shown
            file_report = FileReport(shown)
            result.files.append(file_report)
            source = shown if names and str(path) in names else str(path.resolve())
            key = None if names else _file_key(path, ingestor.pipeline_key, settings.max_file_mb)
            known = ingestor.catalog.get_meta(f"file:{source}") if key else None
            same = known and known.split(" ")[0] == key  # the same bytes, parser and pipeline as last time
            if same:  # and the record still holds all of it, none awaiting a migration (nothing to prune)
                same = ingestor.catalog.source_intact(source, int(known.split(" ")[1]))
            if same:
                file_report.unchanged = int(known.split(" ")[1])
                progress.articles_total += file_report.unchanged
                progress.articles_done += file_report.unchanged
                progress.files_done += 1
                report(progress)
                continue
            try:
                parsed = parse_file(path, settings.max_file_mb, display_name=shown)
            except InputError as exc:
                file_report.failed, file_report.error = max(1, file_report.failed), exc.message
                progress.files_done += 1
                report(progress)
                continue
            except Exception as exc:  # noqa: BLE001 - a parser failing on odd input fails this file, not the batch
                log.warning(
                    "cannot parse %s: %s: %s",
                    shown,
                    type(exc).__name__,
                    exc,
                    exc_info=log.isEnabledFor(logging.DEBUG),
                )
                file_report.failed, file_report.error = (
                    1,
                    f"{shown}: cannot parse the file ({type(exc).__name__}: {exc})",
                )
                progress.files_done += 1
                report(progress)
                continue
            file_report.warnings = parsed.warnings
            if parsed.errors:
                file_report.failed = len(parsed.errors)
                file_report.error = "; ".join(e.message for e in parsed.errors[:5])
            articles = []
            for article in parsed.articles:
                article.source = source
                dates.assign(article)
                if article.id in seen:
                    file_report.unchanged += 1
                    continue
                seen.add(article.id)
                articles.append(article)
            articles = ingestor.recurring.clean(articles)  # without lines recurring in their outlet
            progress.articles_total += len(articles)
            stored = ingestor.catalog.date_facts(a.id for a in articles)
            redated = []
            for article in articles:
                row = stored.get(article.id)
                previous = row["content_hash"] if row else None
                version = ingestor.version(article)
                if row and ingestor.same_text(article, row):
                    if all(row[k] == getattr(article, k) for k in catalog_mod.DATE_COLUMNS):
                        file_report.unchanged += 1
                    else:
                        file_report.redated += 1
                        redated.append(article)
                    progress.articles_done += 1
                    continue
                try:
                    chunks = chunk_article(
                        article,
                        ingestor.embedder,
                        settings.chunk_tokens,
                        settings.chunk_min_tokens,
                        settings.chunk_overlap_tokens,
                    )
                except Exception as exc:  # noqa: BLE001 - one article the chunker cannot take fails alone
                    file_report.failed += 1
                    file_report.error = "; ".join(
                        filter(
                            None,
                            [
                                file_report.error,
                                f"{article.title[:60]!r}: cannot chunk ({type(exc).__name__}: {exc})",
                            ],
                        )
                    )
                    progress.articles_done += 1
                    continue
                if previous:
                    file_report.updated += 1
                else:
                    file_report.added += 1
                for c in chunks:
                    c.version = version
                pending.append((article, chunks))
                pending_chunks += len(chunks)
                if pending_chunks >= settings.ingest_batch_chunks:
                    ingestor.write(pending, progress, report)
                    result.chunks += pending_chunks
                    pending, pending_chunks = [], 0
            if redated:
                ingestor.update_dates(redated)
            if prune and not parsed.errors:
                gone = sorted(set(ingestor.catalog.ids_from_source(source)) - {a.id for a in parsed.articles})
                ingestor.remove(gone)
                result.pruned += len(gone)
            if key and not file_report.failed and not parsed.errors:
                clean[f"file:{source}"] = f"{key} {len(parsed.articles)}"
            progress.files_done += 1
            report(progress)
        if pending:
            ingestor.write(pending, progress, report)
            result.chunks += pending_chunks
        result.chunks += _restrip_revisited(ingestor, progress, report)
        if prune:
            folders = [p for p in paths if p.is_dir()]
            gone = _sources_gone(ingestor.catalog, folders, {str(f.resolve()) for f in files})
            ingestor.remove(gone)
            result.pruned += len(gone)
        if clean:  # only now is every article of these files stored
            ingestor.catalog.set_meta(clean)
    result.seconds = time.perf_counter() - started
    return result


def _restrip_revisited(ingestor: Ingestor, progress: Progress, report: Callable) -> int:
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
            *catalog_mod.DATE_COLUMNS,
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


def store_stats(settings) -> dict:
    """The stats --json shape: counts, outlets, date range, model and store location."""
    cat = catalog_mod.Catalog(settings.record_url)
    stats = cat.stats()
    stats["embedding_model"] = cat.get_meta("embedding_model") or settings.embedding_model
    stats["store"] = (
        f"http://{settings.chroma_host}:{settings.chroma_port}"
        if settings.chroma_host
        else str(settings.data_dir)
    )
    stats["last_ingest"] = cat.get_meta("last_ingest")
    from ingest.backend import describe

    stats["embedding_backend"] = describe(settings)
    return stats

"""Ingest files: the unchanged check first, then parse, chunk, embed and store what is new or changed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest import dates, unchanged
from ingest.chunk import chunk_article
from ingest.models import Article, Chunk, FileReport, IngestResult, Progress
from newsdesk.errors import InputError

log = logging.getLogger(__name__)

__all__ = ["IngestResult", "Progress", "ingest_paths", "store_stats"]


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
    if not prune and not names and all(not r.failed for r in result.files):
        quick = unchanged.stored_in_full(
            files, settings, embedder.name if embedder else settings.embedding_model
        )
        if quick is not None:
            result.files.extend(quick)
            progress = Progress(len(files), len(files), *(2 * [sum(r.unchanged for r in quick)]))
            report(progress)
            result.seconds = time.perf_counter() - started
            return result
    from ingest.ingestor import Ingestor, restrip_revisited, sources_gone
    from ingest.record_schema import DATE_COLUMNS

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
            key = None if names else unchanged.file_key(path, ingestor.pipeline_key, settings.max_file_mb)
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
                    if all(row[k] == getattr(article, k) for k in DATE_COLUMNS):
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
        result.chunks += restrip_revisited(ingestor, progress, report)
        if prune:
            folders = [p for p in paths if p.is_dir()]
            gone = sources_gone(ingestor.catalog, folders, {str(f.resolve()) for f in files})
            ingestor.remove(gone)
            result.pruned += len(gone)
        if clean:  # only now is every article of these files stored
            ingestor.catalog.set_meta(clean)
    result.seconds = time.perf_counter() - started
    return result


def store_stats(settings) -> dict:
    """The stats --json shape: counts, outlets, date range, model and store location."""
    from ingest.catalog import Catalog

    cat = Catalog(settings.record_url)
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

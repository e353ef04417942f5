"""The BM25 index over stored chunks: a tantivy index on disk that grows by the batch, shared by processes.

Every commit carries the record's generation (in a meta document, committed atomically with the batch),
so a reader can tell whether the index matches the record and an ingest can repair a killed run.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from ingest.bm25_terms import terms
from newsdesk.errors import StoreError

log = logging.getLogger(__name__)

INDEX_DIR = "tantivy"  # inside the folder callers pass (DATA_DIR/bm25)
META_ID = "__generation__"
WRITER_HEAP = 64 * 1024 * 1024
FILTER_MAX_IDS = 20000  # allowed article sets up to this size are a term-set filter inside the index
_FIX = "check that NEWSDESK_DATA_DIR is writable and has free space, then run `newsdesk ingest` again."


def _schema():
    """chunk id (stored), article id (exact term), pre-stemmed text (term frequencies), generation."""
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("chunk_id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("article_id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("generation", stored=True, tokenizer_name="raw", index_option="basic")
    return sb.build()


def _open(folder: Path):
    """The tantivy index in folder (created when absent), as a StoreError when the disk refuses."""
    import tantivy

    path = folder / INDEX_DIR
    try:
        path.mkdir(parents=True, exist_ok=True)
        return tantivy.Index(_schema(), path=str(path), reuse=True)
    except (OSError, ValueError) as exc:
        raise StoreError(f"Cannot open the BM25 index in {path}: {exc}", _FIX) from exc


class LexicalIndex:
    """A searcher over one commit of the BM25 index."""

    def __init__(self, index, folder: Path):
        self.index, self.folder = index, folder
        index.reload()
        self.searcher = index.searcher()
        self.generation = _generation(self.searcher)
        self.n_docs = max(self.searcher.num_docs - (self.generation is not None), 0)

    def search(
        self, query: str, k: int = 50, allowed: set[str] | None = None, share: float = 1.0
    ) -> list[tuple[str, float]]:
        """Top chunk ids for a query with their BM25 scores, only from allowed articles when given.

        A large allowed share (a quarter of the articles or more: an as-of cutoff, a long date range) over-fetches
        k / share hits and drops the others, and filters inside the index only when that leaves fewer than k
        of a larger list; a smaller share filters inside the index. The scores are the same either way.
        """
        return self.search_terms(list(dict.fromkeys(terms(query))), k, allowed, share)

    def search_terms(
        self, qterms: list[str], k: int = 50, allowed: set[str] | None = None, share: float = 1.0
    ) -> list[tuple[str, float]]:
        """search() for terms already stemmed."""
        import tantivy

        schema = self.index.schema
        if not qterms or not self.n_docs or (allowed is not None and not allowed):
            return []
        should = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", t)) for t in qterms]
        q = tantivy.Query.boolean_query(should)
        if allowed is None:
            return self._top(q, k)
        if share >= 0.25:
            limit = int(k / max(share, 0.05)) + 10
            hits, complete = self._hits(q, limit)
            out = [(c, s) for c, a, s in hits if a in allowed][:k]
            if len(out) >= k or complete or len(allowed) > FILTER_MAX_IDS:
                return out
        only = tantivy.Query.term_set_query(schema, "article_id", list(allowed))
        q = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, q), (tantivy.Occur.Must, tantivy.Query.const_score_query(only, 0.0))]
        )
        return self._top(q, k)

    def _top(self, q, k: int) -> list[tuple[str, float]]:
        """The first k hits of a query (chunk id, score)."""
        return [(c, s) for c, _, s in self._hits(q, k)[0]]

    def _hits(self, q, limit: int) -> tuple[list[tuple[str, str, float]], bool]:
        """Up to limit scored hits (chunk id, article id, score), and whether they are all the hits there are."""
        found = self.searcher.search(q, limit=limit, count=False).hits
        out = []
        for score, addr in found:
            d = self.searcher.doc(addr)
            if score > 0:
                out.append((d["chunk_id"][0], d["article_id"][0], float(score)))
        return out, len(found) < limit

    def doc_freq(self, term: str) -> int:
        """Number of chunks holding a stemmed term."""
        return int(self.searcher.doc_freq("text", term))

    @property
    def chunk_ids(self) -> list[str]:
        """Every indexed chunk id (tests and checks; reads the whole index)."""
        import tantivy

        if not self.searcher.num_docs:
            return []
        hits = self.searcher.search(tantivy.Query.all_query(), limit=self.searcher.num_docs, count=False).hits
        ids = (self.searcher.doc(addr)["chunk_id"][0] for _, addr in hits)
        return sorted(i for i in ids if i != META_ID)


def _generation(searcher) -> str | None:
    """The record generation the searcher's commit was made for (None: no commit with one)."""
    import tantivy

    schema_query = tantivy.Query.term_query
    try:
        hits = searcher.search(schema_query(_schema(), "chunk_id", META_ID), limit=1, count=False).hits
    except ValueError:
        return None
    return searcher.doc(hits[0][1])["generation"][0] if hits else None


def _doc(chunk_id: str, article_id: str, text: str):
    """One chunk as a tantivy document."""
    import tantivy

    d = tantivy.Document()
    d.add_text("chunk_id", chunk_id)
    d.add_text("article_id", article_id)
    d.add_text("text", " ".join(terms(text)))
    return d


class Writer:
    """The index's single writer for one ingest: batch commits stamped with the record's generation."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.index = _open(folder)
        try:
            self.writer = self.index.writer(WRITER_HEAP, 1)
        except ValueError as exc:
            raise StoreError(
                f"Cannot write the BM25 index in {folder}: {exc}",
                "another process holds its write lock; wait for the other ingest to finish and retry.",
            ) from exc

    def replace(
        self, article_ids: Iterable[str], rows: Iterable[tuple[str, str, str]], generation: str
    ) -> None:
        """Drop these articles' chunks, add rows (chunk id, article id, text), commit for generation."""
        try:
            for aid in article_ids:
                self.writer.delete_documents_by_term("article_id", aid)
            for cid, aid, text in rows:
                self.writer.add_document(_doc(cid, aid, text))
            self._commit(generation)
        except (OSError, ValueError) as exc:
            self._rollback()
            raise StoreError(f"Cannot write the BM25 index in {self.folder}: {exc}", _FIX) from exc

    def rebuild(self, catalog, generation: str, step: int = 5000) -> int:
        """Index every chunk of the record from scratch, in one commit; returns the chunks indexed."""
        n = 0
        try:
            self.writer.delete_all_documents()
            for cid, aid, text in catalog.all_chunks():
                self.writer.add_document(_doc(cid, aid, text))
                n += 1
            self._commit(generation)
        except (OSError, ValueError) as exc:
            self._rollback()
            raise StoreError(f"Cannot build the BM25 index in {self.folder}: {exc}", _FIX) from exc
        return n

    def _commit(self, generation: str) -> None:
        """Replace the meta document and commit: the batch and its generation become visible together."""
        import tantivy

        self.writer.delete_documents_by_term("chunk_id", META_ID)
        d = tantivy.Document()
        d.add_text("chunk_id", META_ID)
        d.add_text("generation", generation)
        self.writer.add_document(d)
        self.writer.commit()

    def _rollback(self) -> None:
        """Forget uncommitted changes (the last commit stays)."""
        try:
            self.writer.rollback()
        except Exception:  # noqa: BLE001 - the writer may be broken; the last commit is intact anyway
            log.debug("BM25 writer rollback failed", exc_info=True)

    def close(self) -> None:
        """Let background merges finish and release the write lock."""
        try:
            self.writer.wait_merging_threads()
        except (OSError, ValueError) as exc:
            log.warning("BM25 index merge did not finish: %s", exc)


def _remove_bm25s_leftovers(folder: Path) -> None:
    """Delete the files of the earlier bm25s index (CURRENT and one folder per generation)."""
    if not folder.is_dir():
        return
    for old in folder.iterdir():
        if old.name == INDEX_DIR or old.name.startswith(".tantivy"):
            continue
        if old.is_dir() and (old.name.isdigit() or old.name.startswith(".")):
            shutil.rmtree(old, ignore_errors=True)
        elif old.name == "CURRENT" or old.name.startswith(".CURRENT"):
            old.unlink(missing_ok=True)


def is_current(folder: Path, generation: str) -> bool:
    """Whether the index in folder exists and was last committed for this record generation (read only)."""
    if not (folder / INDEX_DIR / "meta.json").is_file():
        return False
    try:
        return LexicalIndex(_open(folder), folder).generation == generation
    except StoreError:
        return False


def sync(catalog, folder: Path, writer: Writer | None = None, pending: list[str] | None = None) -> str:
    """Bring the index to the record's generation: re-index pending articles, or rebuild when unrelated.

    Called under the ingest lock. Returns what was done: "current", "repaired" or "rebuilt".
    """
    generation = catalog.get_meta("generation") or "0"
    current = LexicalIndex(_open(folder), folder).generation
    if current == generation and not pending:
        return "current"
    own = writer is None
    writer = writer or Writer(folder)
    try:
        if pending and current is not None:
            rows = [(c["id"], aid, c["text"]) for aid in pending for c in catalog.article_chunks(aid)]
            writer.replace(pending, rows, generation)
            return "repaired"
        n = writer.rebuild(catalog, generation)
        _remove_bm25s_leftovers(folder)
        log.info("built the BM25 index from the record: %d chunks", n)
        return "rebuilt"
    finally:
        if own:
            writer.close()


def load(catalog, folder: Path) -> LexicalIndex:
    """The index as last committed; built from the record first when it has never been built.

    An index behind the record with nothing pending was written elsewhere (another machine's ingest on a
    shared record): it is rebuilt here when no local writer holds it.
    """
    index = LexicalIndex(_open(folder), folder)
    generation = catalog.get_meta("generation") or "0"
    if index.generation == generation:
        return index
    if index.generation is None or not catalog.pending_ids():
        try:
            sync(catalog, folder)
        except StoreError as exc:
            if index.generation is not None:  # a busy writer: answer from the last commit
                log.info("BM25 index not refreshed: %s", exc)
                return index
            raise
        return LexicalIndex(_open(folder), folder)
    return index


def build(catalog, folder: Path) -> LexicalIndex:
    """Rebuild the index from the record in full (repairs; existing stores are built by load)."""
    writer = Writer(folder)
    try:
        writer.rebuild(catalog, catalog.get_meta("generation") or "0")
    finally:
        writer.close()
    _remove_bm25s_leftovers(folder)
    return LexicalIndex(_open(folder), folder)

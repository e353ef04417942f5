"""The BM25 index over stored chunks: built by ingest, cached on disk, keyed by the catalog's generation."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.catalog import Catalog


def _bm25s():
    """The bm25s module, its logger (set to DEBUG by bm25s on import) back at WARNING: no "Building index"."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _stemmer():
    """English Snowball stemmer for BM25 terms."""
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]):
    """bm25s tokens with English stopwords removed and stems."""
    bm25s = _bm25s()

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)


@dataclass
class LexicalIndex:
    """A BM25 retriever and the chunk ids of its rows."""

    retriever: object
    chunk_ids: list[str]
    article_ids: list[str]
    generation: str

    def search(
        self, query: str, k: int = 50, weight_mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Top chunk ids for a query with their BM25 scores (only positive scores)."""
        if not self.chunk_ids:
            return []
        tokens = tokenize([query])
        if not tokens.vocab or not any(tokens.ids):
            return []
        k = min(k, len(self.chunk_ids))
        docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, weight_mask=weight_mask)
        return [(self.chunk_ids[d], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def _current(folder: Path) -> str | None:
    """Generation named by the CURRENT pointer, if any."""
    try:
        return (folder / "CURRENT").read_text().strip() or None
    except OSError:
        return None


def build(catalog: Catalog, folder: Path) -> LexicalIndex:
    """Build the BM25 index from the catalog's chunks and publish it atomically."""
    bm25s = _bm25s()

    generation = catalog.get_meta("generation") or "0"
    rows = list(catalog.all_chunks())
    chunk_ids = [r[0] for r in rows]
    article_ids = [r[1] for r in rows]
    retriever = bm25s.BM25()
    if rows:
        retriever.index(tokenize([r[2] for r in rows]), show_progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / generation
    tmp = folder / f".{generation}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    if rows:
        retriever.save(str(tmp), show_progress=False)
    (tmp / "ids.json").write_text(json.dumps({"chunk_ids": chunk_ids, "article_ids": article_ids}))
    if not target.exists():
        os.replace(tmp, target)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    pointer = folder / f".CURRENT.{os.getpid()}"
    pointer.write_text(generation)
    os.replace(pointer, folder / "CURRENT")
    for old in folder.iterdir():
        if old.is_dir() and old.name not in (generation,) and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return LexicalIndex(retriever, chunk_ids, article_ids, generation)


def load(catalog: Catalog, folder: Path) -> LexicalIndex:
    """The BM25 index for the catalog's current generation, rebuilt when missing or stale."""
    bm25s = _bm25s()

    generation = catalog.get_meta("generation") or "0"
    if _current(folder) == generation and (folder / generation / "ids.json").exists():
        try:
            ids = json.loads((folder / generation / "ids.json").read_text())
            retriever = (
                bm25s.BM25.load(str(folder / generation), show_progress=False)
                if ids["chunk_ids"]
                else bm25s.BM25()
            )
            return LexicalIndex(retriever, ids["chunk_ids"], ids["article_ids"], generation)
        except (OSError, ValueError, KeyError):
            pass  # a half-deleted or foreign folder: rebuild below
    return build(catalog, folder)

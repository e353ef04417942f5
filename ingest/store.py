"""The Chroma vector store: opening it, checking its model, writing and deleting chunks."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np

from ingest.models import Article, Chunk
from newsdesk.errors import ModelMismatchError, StoreError

log = logging.getLogger(__name__)


def open_client(settings):
    """A Chroma client: HTTP when NEWSDESK_CHROMA_HOST is set, else persistent in data_dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, headers=headers, settings=chroma_settings
            )
        path = settings.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds here
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.data_dir)
        raise StoreError(
            f"Cannot open the Chroma store at {where}: {exc}",
            "start the server (`newsdesk store serve`) or check NEWSDESK_CHROMA_HOST/PORT"
            if settings.chroma_host
            else "check that NEWSDESK_DATA_DIR is writable and has free space.",
        ) from exc


def open_collection(settings, embedder, create: bool = True):
    """The article collection, checked against the embedder's name and dimension."""
    client = open_client(settings)
    try:
        if create:
            collection = client.get_or_create_collection(
                settings.collection,
                embedding_function=None,
                metadata={"embedding_model": embedder.name, "dimension": embedder.dimension},
                configuration={"hnsw": {"space": "cosine"}},
            )
        else:
            collection = client.get_collection(settings.collection, embedding_function=None)
    except Exception as exc:
        if not create and "does not exist" in str(exc).lower():
            return None
        raise StoreError(f"Cannot open collection {settings.collection!r}: {exc}") from exc
    stored = (collection.metadata or {}).get("embedding_model")
    dim = (collection.metadata or {}).get("dimension")
    if stored and (stored != embedder.name or (dim and int(dim) != embedder.dimension)):
        raise ModelMismatchError(
            f"The store in {settings.data_dir} was built with embedding model {stored!r} ({dim} dimensions), "
            f"not {embedder.name!r} ({embedder.dimension}).",
            f"set NEWSDESK_EMBEDDING_MODEL={stored} to use it, or rebuild: point NEWSDESK_DATA_DIR at a new "
            "folder (or delete this one) and run `newsdesk ingest` again.",
        )
    return collection


def day_number(published: str | None) -> int:
    """YYYY-MM-DD as the integer YYYYMMDD (0 when unknown), for range filters."""
    if not published or len(published) < 10:
        return 0
    try:
        return int(published[:10].replace("-", ""))
    except ValueError:
        return 0


def chunk_metadata(article: Article, chunk: Chunk, story_id: str, version: str) -> dict:
    """Chroma metadata of one chunk; Chroma takes no None values."""
    return {
        "article_id": article.id,
        "chunk_index": chunk.index,
        "title": article.title,
        "outlet": article.outlet or "",
        "published": article.published or "",
        "published_day": day_number(article.published),
        "url": article.url or "",
        "story_id": story_id,
        "start": chunk.start,
        "end": chunk.end,
        "source": article.source,
        "version": version,
    }


def upsert(collection, ids: list[str], embeddings: np.ndarray, documents: list[str], metadatas: list[dict]) -> None:
    """Write chunks in slices Chroma accepts."""
    step = 1000
    for i in range(0, len(ids), step):
        collection.upsert(
            ids=ids[i : i + step],
            embeddings=embeddings[i : i + step],
            documents=documents[i : i + step],
            metadatas=metadatas[i : i + step],
        )


def delete_ids(collection, ids: Iterable[str]) -> None:
    """Delete chunks by id."""
    ids = list(ids)
    for i in range(0, len(ids), 1000):
        collection.delete(ids=ids[i : i + 1000])


def stray_chunk_ids(collection, article_ids: list[str], versions: dict[str, str]) -> list[str]:
    """Chunk ids of these articles whose version is not the recorded one (left by an interrupted write)."""
    stray: list[str] = []
    for i in range(0, len(article_ids), 100):
        got = collection.get(where={"article_id": {"$in": article_ids[i : i + 100]}}, include=["metadatas"])
        for cid, md in zip(got["ids"], got["metadatas"]):
            if md.get("version") != versions.get(md.get("article_id")):
                stray.append(cid)
    return stray

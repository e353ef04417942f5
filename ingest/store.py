"""The Chroma vector store: opening it, checking its model, writing and deleting chunks."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from newsdesk.errors import ModelMismatchError, NewsdeskError, StoreError

log = logging.getLogger(__name__)
LOW_DISK_BYTES = 32 * 1024 * 1024  # less free space than this is reported as a full disk


def _chroma_path(settings) -> Path:
    """Folder of the embedded store (absolute: Chroma shares one client per path string in a process)."""
    return (settings.data_dir / "chroma").resolve()


def describe(settings) -> str:
    """Where the vectors live, for messages."""
    if settings.chroma_host:
        return f"the Chroma server at http://{settings.chroma_host}:{settings.chroma_port}"
    return f"the Chroma store in {settings.data_dir / 'chroma'}"


def drop_client(settings) -> None:
    """Make the next open_client of this embedded store load it afresh from disk.

    Chroma keeps one client per path in a process and never rereads what other processes wrote, and a
    client that failed a write (a full disk) can hang on later calls. The old client is not stopped:
    whoever still holds it keeps working with it; only new opens get the fresh one.
    """
    if settings.chroma_host:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(_chroma_path(settings))
    with (
        getattr(SharedSystemClient, "_refcount_lock", None) or contextlib.nullcontext()
    ):  # chromadb internals
        getattr(SharedSystemClient, "_identifier_to_system", {}).pop(key, None)
        getattr(SharedSystemClient, "_identifier_to_refcount", {}).pop(key, None)


def open_client(settings, fresh: bool = False):
    """A Chroma client: HTTP when NEWSDESK_CHROMA_HOST is set, else persistent in data_dir.

    fresh: for the embedded store, load it from disk again instead of reusing this process's client, so
    what another process wrote since is seen (a server needs no such thing).
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                headers=headers,
                settings=chroma_settings,
            )
        path = _chroma_path(settings)
        path.mkdir(parents=True, exist_ok=True)
        if fresh:
            drop_client(settings)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds here
        where = (
            f"{settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else str(settings.data_dir)
        )
        raise StoreError(
            f"Cannot open the Chroma store at {where}: {exc}",
            "start the server (`newsdesk store serve`) or check NEWSDESK_CHROMA_HOST/PORT"
            if settings.chroma_host
            else "check that NEWSDESK_DATA_DIR is writable and has free space.",
        ) from exc


def _unreachable(exc: BaseException) -> bool:
    """Whether an exception says the Chroma server cannot be reached (down, restarting, network gone)."""
    import httpx

    return any(
        isinstance(e, (httpx.TransportError, ConnectionError))
        or "could not connect to a chroma server" in str(e).lower()
        for e in _chain(exc)
    )


def store_error(exc: BaseException, settings, action: str) -> StoreError:
    """A StoreError for any failure of the Chroma client while doing action ("storing chunks")."""
    detail = f"{type(exc).__name__}: {exc}".strip()
    if settings.chroma_host:
        where = describe(settings)
        fix = (
            f"start it again (`newsdesk store serve --port {settings.chroma_port}` or your `chroma run` line) and "
            "retry; nothing stored is lost, and `newsdesk ingest` finishes an interrupted batch on its next run."
        )
        if _unreachable(exc):
            return StoreError(
                f"Cannot reach {where} while {action}: it is down or unreachable ({detail}).", fix
            )
        return StoreError(f"{where[0].upper()}{where[1:]} failed while {action}: {detail}", fix)
    drop_client(settings)  # the next open loads the store afresh instead of reusing a client that failed
    folder = settings.data_dir
    codes = {e.errno for e in _chain(exc) if isinstance(e, OSError)}
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    low = free is not None and free < LOW_DISK_BYTES
    if errno.EROFS in codes or not os.access(folder, os.W_OK):
        why = f"; the folder {folder} is read-only"
    elif errno.ENOSPC in codes or low:
        why = f"; the disk holding {folder} is full" + (f" ({free / 1048576:.1f} MB free)" if low else "")
    else:
        why = ""
    first = (
        "make room, or make the folder writable"
        if why
        else "check that NEWSDESK_DATA_DIR is writable and has free space"
    )
    fix = (
        f"{first}, then run `newsdesk ingest` again: an interrupted batch is rolled back and redone, and what was "
        "stored before is kept."
    )
    return StoreError(f"Chroma failed while {action} in {folder / 'chroma'}: {detail}{why}.", fix)


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """An exception and its causes."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


@contextmanager
def guard(settings, action: str) -> Iterator[None]:
    """Turn any failure of the Chroma client inside the block into a StoreError saying what to do."""
    try:
        yield
    except NewsdeskError:
        raise
    except Exception as exc:  # chromadb and httpx raise many kinds
        raise store_error(exc, settings, action) from exc


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


def chunk_metadata(article_id: str, version: str) -> dict:
    """Chroma metadata of one chunk: what recovery needs (its article and version). Titles, dates, spans and
    text are read from the record, so re-dating an article touches no vector and Chroma's writes stay lean."""
    return {"article_id": article_id, "version": version}


def upsert(collection, ids: list[str], embeddings: np.ndarray, metadatas: list[dict]) -> None:
    """Write chunk vectors in slices Chroma accepts; no documents, since the record holds the text (Chroma's
    full-text index over documents made each write about 3x dearer and was never read)."""
    step = 1000
    for i in range(0, len(ids), step):
        collection.upsert(
            ids=ids[i : i + step], embeddings=embeddings[i : i + step], metadatas=metadatas[i : i + step]
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
        for cid, md in zip(got["ids"], got["metadatas"], strict=True):
            if md.get("version") != versions.get(md.get("article_id")):
                stray.append(cid)
    return stray

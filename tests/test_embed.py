"""The embedder: torch and int8 ONNX backends of the bundled all-MiniLM-L6-v2, tokens, export cache, errors."""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest import embed, onnx_export  # noqa: E402
from ingest.embedder import resolve_model_path  # noqa: E402
from newsdesk.errors import ConfigError  # noqa: E402
from newsdesk.settings import DEFAULT_MODEL, Settings  # noqa: E402

NEWS = [
    "The central bank raised its benchmark interest rate by half a percentage point on Wednesday.",
    "Floodwaters forced thousands of residents from their homes along the river overnight.",
    "Shares of the carmaker fell 8% after it cut its forecast for annual deliveries.",
    "Lawmakers are expected to vote on the spending bill before the end of the month.",
    "The striker scored twice in the second half to send his team into the final.",
    "Health authorities reported a rise in hospital admissions for the third week in a row.",
    "The minister told reporters that talks with the unions would resume next week.",
    "Analysts said the merger could face scrutiny from competition regulators in Europe.",
    "Wildfires burned more than 10,000 acres in the dry hills north of the city.",
    "Who won the election?",
]
DOCS = [
    "The election commission declared the incumbent mayor the winner with 54% of the vote.",
    "Heavy rain caused the river to burst its banks, flooding hundreds of homes.",
    "The football club signed a new goalkeeper from a rival team for a record fee.",
]
QUERIES = ["Who won the mayoral race?", "Where did the flooding happen?"]


def settings(**kw) -> Settings:
    """Settings for the bundled model on CPU."""
    return Settings(**{"embedding_model": DEFAULT_MODEL, "device": "cpu", "embed_batch_size": 32, **kw})


@pytest.fixture(scope="session")
def cache_dir(model_cache):
    """The session's export cache (NEWSDESK_MODEL_CACHE, set by conftest), so the model is exported once."""
    return model_cache


@pytest.fixture(scope="session")
def onnx_emb(cache_dir):
    """The int8 ONNX embedder."""
    return embed.load_embedder(settings(embedding_backend="onnx"))


@pytest.fixture(scope="session")
def torch_emb(cache_dir):
    """The torch embedder."""
    return embed.load_embedder(settings(embedding_backend="torch"))


@pytest.fixture(params=["torch", "onnx"])
def emb(request, torch_emb, onnx_emb):
    """Each backend in turn."""
    return torch_emb if request.param == "torch" else onnx_emb


@pytest.mark.slow
def test_backends_and_attributes(torch_emb, onnx_emb):
    assert (torch_emb.backend, onnx_emb.backend) == ("torch", "onnx-int8")
    for e in (torch_emb, onnx_emb):
        assert (e.name, e.dimension, e.max_tokens) == (DEFAULT_MODEL, 384, 256)


@pytest.mark.slow
def test_embeddings_shape_and_norm(emb):
    vecs = emb.encode(NEWS[:5], batch_size=2)
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.encode([]).shape == (0, 384)
    assert len(emb.embed_query(NEWS[0])) == 384
    docs = emb.embed_documents(NEWS[:2])
    assert len(docs) == 2 and np.allclose(docs[1], vecs[1], atol=1e-5)  # batching and order do not matter


@pytest.mark.slow
def test_onnx_agrees_with_torch(torch_emb, onnx_emb):
    texts = [*NEWS, " ".join(NEWS * 5)]  # the last is truncated at max_tokens by both backends
    cos = np.sum(torch_emb.encode(texts) * onnx_emb.encode(texts), axis=1)
    assert cos.min() > 0.98, cos
    ranks = [np.argsort(-(e.encode(QUERIES) @ e.encode(DOCS).T), axis=1) for e in (torch_emb, onnx_emb)]
    assert (ranks[0] == ranks[1]).all()
    assert list(ranks[0][:, 0]) == [0, 1]


@pytest.mark.slow
def test_count_tokens_matches_tokenizer(emb):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(resolve_model_path(DEFAULT_MODEL))
    texts = [*NEWS, "", " ".join(NEWS * 5)]  # the last is longer than max_tokens: counted, not truncated
    want = [len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]
    assert emb.count_tokens(texts) == want
    assert want[-1] > emb.max_tokens


@pytest.mark.slow
def test_token_spans_cover_text(emb):
    text = "Prices rose 3.2% in May, the ONS said — the fastest pace since 1992.\nNaïve forecasts failed."
    spans = emb.token_spans(text)
    assert len(spans) == emb.count_tokens([text])[0]
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@pytest.mark.slow
def test_export_cache_is_reused(onnx_emb, cache_dir, monkeypatch):
    folder = onnx_export._cache_dir(DEFAULT_MODEL)
    assert folder.parent == cache_dir
    model = folder / onnx_export.ONNX_FILE
    before = model.stat().st_mtime_ns
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]

    def no_export(*args):
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "_export", no_export)
    embed._load.cache_clear()
    again = embed.load_embedder(settings(embedding_backend="onnx"))
    assert again is not onnx_emb and again.backend == "onnx-int8"
    assert model.stat().st_mtime_ns == before
    assert np.allclose(again.encode(NEWS[:2]), onnx_emb.encode(NEWS[:2]), atol=1e-6)


@pytest.mark.slow
def test_load_embedder_is_cached(onnx_emb):
    first = embed.load_embedder(settings(embedding_backend="onnx"))
    assert embed.load_embedder(settings(embedding_backend="onnx")) is first
    other = embed.load_embedder(settings(embedding_backend="onnx", embed_batch_size=8))
    assert other.batch_size == 8 and other._run is first._run and first.batch_size == 32


@pytest.mark.slow
def test_failed_export_falls_back_to_torch(tmp_path, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("no exporter here")

    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(onnx_export, "_export", broken)
    with caplog.at_level(logging.WARNING, logger="ingest.onnx_export"):
        fallback = embed.load_embedder(settings(embedding_backend="onnx"))
    assert fallback.backend == "torch" and fallback.encode(NEWS[:1]).shape == (1, 384)
    assert "no exporter here" in caplog.text


@pytest.mark.parametrize("backend", ["torch", "onnx"])
@pytest.mark.slow
def test_bad_model_path_is_a_config_error(tmp_path, backend, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(tmp_path / "cache"))
    bad = str(tmp_path / "no-such-model")
    with pytest.raises(ConfigError) as err:
        embed.load_embedder(settings(embedding_model=bad, embedding_backend=backend))
    assert bad in err.value.message
    assert "NEWSDESK_EMBEDDING_MODEL" in err.value.fix and "HF_HUB_OFFLINE=1" in err.value.fix


def test_resolve_model_path():
    assert os.path.isfile(os.path.join(resolve_model_path(DEFAULT_MODEL), "modules.json"))
    assert resolve_model_path("some/other-model") == "some/other-model"


def test_onnx_fp32_agrees_with_torch_closely(torch_emb, cache_dir):
    fp32 = embed.load_embedder(settings(embedding_backend="onnx-fp32"))
    assert fp32.backend == "onnx-fp32"
    texts = [*NEWS, " ".join(NEWS * 5)]
    assert np.sum(torch_emb.encode(texts) * fp32.encode(texts), axis=1).min() >= 0.999


class _Fake:
    """A stand-in embedder whose vectors are the reference's, tilted by `noise`."""

    dimension = 4

    def __init__(self, backend, noise):
        self.backend, self.noise, self.calls = backend, noise, 0

    def encode(self, texts):
        self.calls += 1
        v = np.tile(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), (len(texts), 1))
        v[:, 1] = self.noise
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_auto_picks_the_fastest_backend_that_agrees_and_caches_it(tmp_path, monkeypatch):
    from ingest import backend

    made = []

    def make(name, kind, device):
        made.append(kind)
        return _Fake(kind, {"torch": 0.0, "onnx-int8": 0.2, "onnx-fp32": 0.02}[kind])

    rates = {"torch": 10.0, "onnx-int8": 40.0, "onnx-fp32": 20.0}
    monkeypatch.setattr(backend, "candidates", lambda device, flags: ["onnx-int8", "onnx-fp32"])
    monkeypatch.setattr(backend, "_rate", lambda emb, texts: (rates[emb.backend], emb.encode(texts)))
    chosen = backend.choose(DEFAULT_MODEL, "cpu", make, tmp_path)
    assert chosen.backend == "onnx-fp32"  # int8 is faster but agrees at cosine 0.98 only
    files = list(tmp_path.glob("backend-cpu-*.json"))
    assert len(files) == 1
    saved = backend.read(files[0])
    assert saved["backend"] == "onnx-fp32" and 0.999 <= saved["agreement"] < 1.0
    assert saved["measured"]["onnx-int8"]["agreement"] < 0.999
    made.clear()
    again = backend.choose(DEFAULT_MODEL, "cpu", make, tmp_path)
    assert again.backend == "onnx-fp32" and made == ["onnx-fp32"]  # read from the cache, nothing measured


def test_auto_falls_back_to_fp32_torch_and_skips_failing_backends(monkeypatch):
    from ingest import backend

    def make(name, kind, device):
        if kind == "bf16":
            raise RuntimeError("no bf16 here")
        return _Fake(kind, 0.0 if kind == "torch" else 0.5)

    monkeypatch.setattr(backend, "candidates", lambda device, flags: ["onnx-int8", "bf16"])
    monkeypatch.setattr(
        backend, "_rate", lambda emb, texts: (50.0 if emb.backend != "torch" else 5.0, emb.encode(texts))
    )
    figures, _ = backend.measure(DEFAULT_MODEL, "cpu", make)
    assert "error" in figures["bf16"] and backend.pick(figures) == "torch"


def test_bf16_is_a_candidate_only_with_matrix_units():
    from ingest import backend

    assert "bf16" not in backend.candidates("cpu", {"avx2", "fma"})
    assert "bf16" in backend.candidates("cpu", {"avx2", "amx_bf16"})
    assert "bf16" in backend.candidates("cpu", {"avx512_bf16"})
    assert backend.candidates("cuda", {"amx_bf16"}) == ["cuda-fp16"]


def test_stats_show_the_cached_choice(tmp_path, monkeypatch):
    from ingest import backend

    monkeypatch.setattr(onnx_export, "_cache_dir", lambda name: tmp_path)
    s = settings(embedding_backend="auto")
    assert backend.describe(s)["backend"] == "auto"
    path, _ = backend._choice_path(tmp_path, DEFAULT_MODEL, "cpu")
    path.write_text('{"backend": "onnx-fp32", "agreement": 0.99999, "at": "now", "measured": {}}')
    shown = backend.describe(s)
    assert shown["backend"] == "onnx-fp32" and shown["agreement"] == 0.99999
    assert backend.describe(settings(embedding_backend="torch"))["backend"] == "torch"


def test_answers_encode_with_the_onnx_fp32_export_on_cpu(torch_emb, cache_dir, monkeypatch):
    for kind in ("auto", "torch", "bf16", "onnx-fp32"):
        assert embed.answer_backend(settings(embedding_backend=kind)) == "onnx-fp32"
    for kind in ("onnx", "onnx-int8", "cuda-fp16"):  # other vectors than fp32's, or a GPU: the ingest one
        assert embed.answer_backend(settings(embedding_backend=kind)) == kind
    assert embed.answer_backend(settings(embedding_backend="bf16", device="cuda")) == "bf16"
    monkeypatch.setattr(embed, "_gpu_present", lambda: True)
    assert embed.answer_backend(settings(embedding_backend="auto", device="auto")) == "auto"
    monkeypatch.setattr(embed, "_gpu_present", lambda: False)
    assert embed.answer_backend(settings(embedding_backend="auto", device="auto")) == "onnx-fp32"
    answering = embed.load_answer_embedder(settings(embedding_backend="torch", embed_batch_size=8))
    assert answering.backend == "onnx-fp32" and answering.batch_size == 8
    assert np.sum(answering.encode(QUERIES) * torch_emb.encode(QUERIES), axis=1).min() >= 0.999
    from ingest import backend

    assert backend.describe(settings(embedding_backend="torch"))["answer_backend"] == "onnx-fp32"


def test_identical_texts_are_embedded_once():
    from ingest.ingestor import encode_unique

    class Counting(_Fake):
        def encode(self, texts):
            self.seen = list(texts)
            return np.eye(4, dtype=np.float32)[: len(texts)]

    emb = Counting("torch", 0.0)
    out = encode_unique(emb, ["a", "b", "a", "c", "b"])
    assert emb.seen == ["a", "b", "c"]
    assert (
        np.array_equal(out[0], out[2])
        and np.array_equal(out[1], out[4])
        and not np.array_equal(out[0], out[1])
    )
    assert encode_unique(emb, []).shape == (0, 4)

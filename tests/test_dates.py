"""Dates at ingest: metadata, Published/Updated lines, datelines and URLs; stored with their source; a new
date alone updates without re-embedding; old records migrate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ingest.catalog import Catalog
from ingest.dates import _PARSE_SETTINGS, assign, parse_day, text_dates, url_date
from ingest.ingestor import Ingestor
from ingest.models import Article
from ingest.parse import parse_file
from ingest.pipeline import ingest_paths, store_stats
from ingest.store import open_collection


def _dated(body: str, url: str | None = None, published: str | None = None) -> Article:
    return assign(Article(title="t", body=body, raw=body, url=url, published=published))


def test_metadata_wins_over_text_and_url():
    a = _dated("Published June 3, 2022\n\nBody.", "https://x.com/2022/05/04/story", "2022-06-01")
    assert (a.published, a.date_source, a.date_published) == ("2022-06-01", "metadata", "2022-06-01")


def test_text_line_wins_over_url_and_a_later_update_is_the_news_date():
    a = _dated("Updated 7:23 a.m. ET June 15, 2022\n\nThe Senate voted.", "https://x.com/2022/05/04/story")
    assert (a.published, a.date_source) == ("2022-06-15", "text")
    assert (a.date_published, a.date_updated) == ("2022-05-04", "2022-06-15")


def test_published_and_updated_on_one_line_keep_both():
    assert text_dates("Published 5:01 a.m. ET June 15, 2022 | Updated 7:23 a.m. ET June 16, 2022\nBody") == (
        "2022-06-15",
        "2022-06-16",
    )
    a = _dated("Published 5:01 a.m. ET June 15, 2022 | Updated 7:23 a.m. ET June 16, 2022\nBody")
    assert (a.published, a.date_published, a.date_updated, a.date_source) == (
        "2022-06-16", "2022-06-15", "2022-06-16", "text",
    )  # fmt: skip


def test_an_earlier_update_does_not_move_the_date():
    a = _dated("Updated June 1, 2022\nBody.", published="2022-06-10")
    assert (a.published, a.date_source, a.date_updated) == ("2022-06-10", "metadata", None)


def test_dateline_and_day_month_year():
    assert _dated("WASHINGTON, June 15, 2022 — The Senate voted.").published == "2022-06-15"
    assert _dated("15 June 2022 - Ministers met.").published == "2022-06-15"


def test_common_date_forms_skip_dateparser_and_agree_with_it(monkeypatch):
    import dateparser

    forms = ["June 15, 2022", "Jun. 15, 2022", "Sept 5, 2022", "15 June 2022", "2022-06-15", "Nov. 20, 2015:",
             "June 15, 2022 7:23 a.m.", "June 15, 2022, at 10:05", "February 30, 2022", "June 2022",
             "Wednesday, June 15, 2022", "15th of June, 2022"]  # fmt: skip
    expected = {}
    for text in forms:
        found = dateparser.parse(text.strip(" ,.;"), languages=["en"], settings=_PARSE_SETTINGS)
        expected[text] = found.date().isoformat() if found else None
    assert expected["June 15, 2022 7:23 a.m."] == "2022-06-15" and expected["February 30, 2022"] is None
    calls = []
    real = dateparser.parse
    monkeypatch.setattr(dateparser, "parse", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    assert {t: parse_day(t) for t in forms} == expected
    assert "June 15, 2022" not in calls and "2022-06-15" not in calls and "Nov. 20, 2015:" not in calls


def test_a_text_date_years_from_the_url_date_is_a_date_in_the_story():
    a = _dated(
        "Dec. 25, 1931:\n\nThe fates collaborated late yesterday.", "https://x.com/story/2018/12/23/hatbox"
    )
    assert (a.published, a.date_source) == ("2018-12-23", "url")
    b = _dated("December 30, 2016\n\nMy office telephone rang.", "https://x.com/story/2016/12/29/vail")
    assert (b.published, b.date_source) == ("2016-12-30", "text")


def test_words_that_only_look_like_stamps_are_not_dates():
    a = _dated(
        "Updated health guidelines were issued on Monday.\nPublished in a journal in 2021, the study..."
    )
    assert (a.published, a.date_source) == (None, "none")


def test_url_dates_from_paths_and_slugs():
    assert url_date("https://www.cnn.com/2022/06/07/investing/sec/index.html") == "2022-06-07"
    assert url_date(
        "https://www.theweek.co.uk/news/957094/ten-things-you-need-to-know-today-17-june-2022"
    ) == ("2022-06-17")
    assert url_date("https://www.theweek.co.uk/news/959153/quiz-of-the-week-31-december-6-january") is None
    a = _dated("No date here.", "https://x.com/2022/05/04/story")
    assert (a.published, a.date_source) == ("2022-05-04", "url")


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


class CountingEmbedder:
    """Wraps the fake embedder and counts the texts it encodes."""

    def __init__(self, inner):
        self.inner, self.encoded = inner, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode(self, texts, batch_size=None):
        self.encoded += len(texts)
        return self.inner.encode(texts)


def test_a_newly_found_date_updates_record_and_chunks_without_embedding(settings, fake_embedder, tmp_path):
    body = "The harbour plan was approved by the council after a long debate. " * 8
    records = [{"url": "https://example.com/harbour", "title": "Harbour plan", "text": body}]
    path = _write(tmp_path / "a.jsonl", records)
    counting = CountingEmbedder(fake_embedder)
    first = ingest_paths([path], settings, embedder=counting)
    assert first.total("added") == 1 and counting.encoded > 0
    assert Catalog(settings.record_url).articles()[0]["date_source"] == "none"
    records[0]["published"] = "2022-06-15"  # the record gains a date, the text is the same
    _write(path, records)
    counting.encoded = 0
    second = ingest_paths([path], settings, embedder=counting)
    assert (second.total("redated"), second.total("updated"), counting.encoded) == (1, 0, 0)
    row = Catalog(settings.record_url).articles()[0]
    assert (row["published"], row["date_source"]) == ("2022-06-15", "metadata")
    metas = open_collection(settings, fake_embedder).get(include=["metadatas"])["metadatas"]
    assert metas and all(set(m) == {"article_id", "version"} for m in metas)  # no date in Chroma to go stale
    third = ingest_paths([path], settings, embedder=counting)
    assert (third.total("unchanged"), counting.encoded) == (1, 0)
    stats = store_stats(settings)
    assert stats["first_published"] == "2022-06-15" and stats["date_sources"] == {"metadata": 1}


def test_a_record_from_before_dates_is_migrated_and_redated_without_embedding(
    settings, fake_embedder, tmp_path
):
    body = "Ministers agreed the railway budget on Tuesday after talks. " * 8
    path = _write(
        tmp_path / "a.jsonl", [{"url": "https://example.com/2022/07/05/rail", "title": "Rail", "text": body}]
    )
    counting = CountingEmbedder(fake_embedder)
    ingest_paths([path], settings, embedder=counting)
    db = str(settings.data_dir / "catalog.sqlite3")
    with sqlite3.connect(db) as conn:  # make it look like a record written before dates: no columns, no date
        for col in ("date_source", "date_published", "date_updated", "text_version"):
            conn.execute(f"ALTER TABLE articles DROP COLUMN {col}")
        conn.execute("UPDATE articles SET published = NULL")
    rows = Catalog(settings.record_url).articles()  # migrates
    assert rows[0]["date_source"] is None and rows[0]["published"] is None
    article = parse_file(path).articles[0]  # as parsed, undated, the way an older ingest versioned it
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET content_hash = ?", (Ingestor(settings, counting).version(article),))
    counting.encoded = 0
    result = ingest_paths([path], settings, embedder=counting)
    assert (result.total("redated"), counting.encoded) == (1, 0)
    row = Catalog(settings.record_url).articles()[0]
    assert (row["published"], row["date_source"]) == ("2022-07-05", "url")

"""News time: relative dates around month and year ends, the archive default, newest coverage for current
questions, story timelines, and the "Reports differ" line on constructed stories."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from assistant.components import get_components
from assistant.dates import default_as_of, is_current, lag_notice, read_dates
from assistant.disagree import numbers, reports_differ
from assistant.types import Source
from tests.test_retrieve import ARTICLES
from ui.story import timeline


@pytest.mark.parametrize(
    ("question", "as_of", "since", "until"),
    [
        (
            "What happened last week?",
            date(2023, 1, 2),
            date(2022, 12, 26),
            date(2023, 1, 1),
        ),  # across the year
        ("What happened last month?", date(2023, 1, 15), date(2022, 12, 1), date(2022, 12, 31)),
        ("What happened last month?", date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("What happened yesterday?", date(2023, 1, 1), date(2022, 12, 31), date(2022, 12, 31)),
        ("What happened yesterday?", date(2022, 3, 1), date(2022, 2, 28), date(2022, 2, 28)),
        ("What happened this year?", date(2023, 1, 1), date(2023, 1, 1), date(2023, 1, 1)),
        ("What happened last year?", date(2023, 1, 1), date(2022, 1, 1), date(2022, 12, 31)),
        ("What happened in June?", date(2022, 7, 3), date(2022, 6, 1), date(2022, 6, 30)),
        (
            "What happened in December?",
            date(2023, 1, 2),
            date(2022, 12, 1),
            date(2022, 12, 31),
        ),  # last year's
        ("What happened in June?", date(2022, 6, 10), date(2022, 6, 1), date(2022, 6, 10)),  # not past as-of
        ("What did he say on Tuesday?", date(2022, 6, 17), date(2022, 6, 14), date(2022, 6, 14)),
        (
            "What did he say on Friday?",
            date(2022, 6, 17),
            date(2022, 6, 10),
            date(2022, 6, 10),
        ),  # a week back
        ("What happened last Friday?", date(2022, 7, 1), date(2022, 6, 24), date(2022, 6, 24)),  # month end
        ("What happened on Saturday?", date(2023, 1, 2), date(2022, 12, 31), date(2022, 12, 31)),  # year end
    ],
)
def test_relative_dates_read_from_the_as_of_date(question, as_of, since, until):
    assert read_dates(question, as_of)[:2] == (since, until)


def test_weekday_and_month_words_that_are_not_dates():
    assert read_dates("Who won Super Tuesday?", date(2022, 3, 2))[2] == ""
    assert read_dates("What is the June 15 deadline?", date(2022, 7, 1))[2] == ""


def test_archive_default_is_the_newest_article_with_a_notice():
    today = date(2026, 12, 3)
    assert default_as_of(date(2022, 9, 2), today) == (
        date(2022, 9, 2),
        "Answering as of 2022-09-02, the newest article; change it in the sidebar.",
    )
    assert default_as_of(date(2026, 11, 20), today) == (today, "")
    assert default_as_of(None, today) == (today, "")


def test_an_as_of_date_past_the_newest_article_is_said():
    assert lag_notice(date(2023, 12, 22), date(2025, 2, 14)) == (
        "The newest article up to 2025-02-14 is from 2023-12-22: later news is not in the articles."
    )
    assert lag_notice(date(2025, 2, 1), date(2025, 2, 14)) == ""  # within a month
    assert lag_notice(None, date(2025, 2, 14)) == ""


def test_current_events_cues():
    for q in ("What is the latest on the floods?", "Is the river still rising?", "Who is leading now?"):
        assert is_current(q), q
    for q in ("Who won the marathon in 2023?", "What did the council approve?"):
        assert not is_current(q), q


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The Arlen articles of test_retrieve (a flood story reported 1-4 March 2024 by four outlets)."""
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings
    from tests.conftest import WordOverlapEmbedder

    folder = tmp_path_factory.mktemp("news-time")
    path = folder / "arlen.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    settings = Settings(data_dir=folder / "store", per_story=2, story_threshold=0.3)
    embedder = WordOverlapEmbedder()
    ingest_paths([path], settings, embedder=embedder)
    return settings, get_components(settings, embedder=embedder)


def _search(comps, query, **kw):
    qvec = np.asarray(comps.embedder.embed_query(query), dtype=np.float32)
    return comps.retriever().search(query, qvec, **kw)


def test_current_questions_prefer_the_newest_report_of_a_story(store):
    _, comps = store
    latest = _search(comps, "Brisk river floods Arlen", as_of=date(2024, 3, 10), current=True)
    flood = [a for a, _, _ in latest.articles if a.title == "Brisk river floods Arlen"]
    assert flood[0].published == "2024-03-04"
    cut = _search(comps, "Brisk river floods Arlen", cutoff=date(2024, 3, 2), current=True)
    assert all(a.day <= 20240302 for a, _, _ in cut.articles if a.day)
    flood = [a for a, _, _ in cut.articles if a.title == "Brisk river floods Arlen"]
    assert flood[0].published == "2024-03-02"  # the newest as of the cutoff, not after it


def test_story_dates_and_timeline(store):
    settings, comps = store
    corpus = comps.corpus()
    flood = next(a for a in corpus.articles.values() if a.title == "Brisk river floods Arlen")
    got = corpus.story_dates(flood.story_id)
    assert (got["first"], got["first_by"], got["last"], got["last_by"], got["outlets"]) == (
        "2024-03-01", ["Daily"], "2024-03-04", ["Gazette"], 4,
    )  # fmt: skip
    assert corpus.story_dates(flood.story_id, 20240302)["last_by"] == ["Herald"]  # as it stood then
    from ingest.catalog import Catalog

    rows = Catalog(settings.record_url).articles()
    story = timeline(rows, flood.story_id)
    assert [(a["date"], a["outlet"]) for a in story["articles"]] == [
        ("2024-03-01", "Daily"), ("2024-03-02", "Herald"), ("2024-03-03", "Courier"), ("2024-03-04", "Gazette"),
    ]  # fmt: skip
    assert (story["first"], story["latest"], story["latest_by"], story["outlets"]) == (
        "2024-03-01", "2024-03-04", ["Gazette"], 4,
    )  # fmt: skip


def _src(n, text, story="s", article=None, published=None):
    return Source(n, "t", f"outlet{n}", published, None, text, (0, len(text)), story_id=story,
                  article_id=article or f"a{n}")  # fmt: skip


def test_reports_differ_on_the_same_count():
    line = reports_differ([_src(1, "The blast killed 31 people, police said."),
                           _src(2, "Police said 30 people were killed in the blast.")])  # fmt: skip
    assert line == "Reports differ: 31 [1], 30 [2]"


def test_reports_differ_on_amounts_and_words():
    assert reports_differ([_src(1, "Congress approved $40 billion in aid."),
                           _src(2, "Lawmakers passed $39.8 billion in aid.")]) == (
        "Reports differ: $40 billion [1], $39.8 billion [2]"
    )  # fmt: skip
    assert reports_differ([_src(1, "Five children were hurt."), _src(2, "Six children were hurt.")]) == (
        "Reports differ: Five [1], Six [2]"
    )


def test_no_line_when_numbers_agree_or_count_different_things_or_stories():
    same = [_src(1, "The blast killed 31 people."), _src(2, "31 people died in the blast.")]
    assert reports_differ(same) is None
    things = [_src(1, "The blast killed 31 people."), _src(2, "Rescuers searched 30 buildings.")]
    assert reports_differ(things) is None
    stories = [_src(1, "The blast killed 31 people."), _src(2, "The fire killed 30 people.", story="other")]
    assert reports_differ(stories) is None
    one_article = [_src(1, "31 people were hurt.", article="x"), _src(2, "30 people were hurt.", article="x")]
    assert reports_differ(one_article) is None


def test_a_number_that_changed_over_days_is_no_disagreement():
    monday = _src(1, "The fire has burned 16,700 acres.", published="2022-07-25")
    thursday = _src(2, "The fire has burned 18,000 acres.", published="2022-07-28")
    assert reports_differ([monday, thursday]) is None
    tuesday = _src(2, "The fire has burned 17,000 acres.", published="2022-07-26")
    assert reports_differ([monday, tuesday]) == "Reports differ: 16,700 [1], 17,000 [2]"


def test_things_are_named_by_up_to_two_words():
    assert numbers("The CDC found nine monkeypox cases.") == {"monkeypox": (9.0, "nine", "case")}
    assert (
        reports_differ([_src(1, "It found nine monkeypox cases."), _src(2, "It found two monkeypox deaths.")])
        is None
    )


def test_parts_of_times_and_compound_numbers_are_not_counts():
    assert numbers("Burakovsky scored 1:23 into overtime.") == {}
    assert numbers("Twenty-one people are dead.") == {}  # not "one people"
    assert (
        reports_differ([_src(1, "He scored 1:23 into overtime."), _src(2, "It ended 3 in overtime.")]) is None
    )


def test_years_days_and_times_are_not_counts():
    assert numbers("On June 15, 2022 at 5 p.m., 12 voters came; in 2021 there were none.") == {
        "voter": (12.0, "12", "came")
    }


def test_a_month_or_weekday_in_a_question_about_plans_is_no_filter():
    assert read_dates("Will Xi visit in May?", date(2022, 6, 1))[2] == ""
    assert read_dates("What is planned for next Tuesday?", date(2022, 6, 1))[2] == ""

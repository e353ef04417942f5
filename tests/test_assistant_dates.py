"""Dates said in questions become published-date filters, relative to today or to an as-of date."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import apply_question_dates, read_dates, resolved_day, url_day
from assistant.types import Filters

AS_OF = date(2024, 11, 13)  # a Wednesday


@pytest.mark.parametrize(
    ("question", "since", "until", "rest"),
    [
        ("What happened last week in Iran?", date(2024, 11, 4), date(2024, 11, 10), "What happened in Iran?"),
        ("What did Wang Yi say in July 2022?", date(2022, 7, 1), date(2022, 7, 31), "What did Wang Yi say?"),
        ("What happened yesterday?", date(2024, 11, 12), date(2024, 11, 12), "What happened?"),
        ("Who resigned this week?", date(2024, 11, 7), date(2024, 11, 13), "Who resigned?"),
        (
            "What happened last month in Gaza?",
            date(2024, 10, 1),
            date(2024, 10, 31),
            "What happened in Gaza?",
        ),
        ("What did Putin say on 5 March 2023?", date(2023, 3, 5), date(2023, 3, 5), "What did Putin say?"),
        ("What did Putin say on March 5, 2023?", date(2023, 3, 5), date(2023, 3, 5), "What did Putin say?"),
        ("Any news since March 2023 about oil?", date(2023, 3, 1), None, "Any news about oil?"),
        ("Rates before 2023-02-01?", None, date(2023, 1, 31), "Rates?"),
        ("Floods in the past 3 days?", date(2024, 11, 10), AS_OF, "Floods?"),
        ("What happened in 2023 in Chile?", date(2023, 1, 1), date(2023, 12, 31), "What happened in Chile?"),
        ("Storms two weeks ago?", date(2024, 10, 27), date(2024, 11, 2), "Storms?"),
    ],
)
def test_read_dates(question, since, until, rest):
    got_since, got_until, phrase, got_rest = read_dates(question, AS_OF)
    assert (got_since, got_until) == (since, until)
    assert phrase and got_rest == rest


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2022 World Cup?",
        "Will Xi visit in May?",
        "What did the March 2 agreement say?",
        "How did 2023 go?",
        "Would Biden be the oldest president if he is re-elected in 2028?",  # after the as-of date: an event
        "Who will the team play in December 2024?",
        "Which comic strip did the USA TODAY Network drop?",  # a newspaper's name, not a day
        "Who hosts the Today show?",
    ],
)
def test_no_date_filter_for_years_and_months_used_as_names(question):
    assert read_dates(question, AS_OF)[:3] == (None, None, "")


def test_question_dates_narrow_explicit_filters():
    filters = Filters(outlets=["TT"], since=date(2024, 11, 8))
    got, rest = apply_question_dates("What happened last week?", filters, AS_OF)
    assert got.outlets == ["TT"] and got.since == date(2024, 11, 8) and got.until is None
    assert got.date_phrase == "last week" and not got.undated  # explicit dates: undated articles stay out
    assert filters.until is None  # the caller's filters are not changed
    only, _ = apply_question_dates("What happened yesterday?", None, AS_OF)
    assert only.undated  # dates read from the question keep articles whose date is unknown


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        # last year's figures are published this year: the period bounds the published dates from below
        ("Which airport was the worst for delays last year?", date(2023, 1, 1), None),
        ("Which team won the final on Sunday?", date(2024, 11, 10), None),
        ("What did the Fed do in June 2024?", date(2024, 6, 1), None),
        ("Rates before 2023-02-01?", None, date(2023, 1, 31)),  # an upper bound stays one
    ],
)
def test_a_past_period_bounds_the_published_dates_from_below(question, since, until):
    got, _ = apply_question_dates(
        question, Filters(until=date(2024, 12, 31)) if until is None else None, AS_OF
    )
    assert got.since == since and got.until == (until or date(2024, 12, 31))  # the caller's bound stays


@pytest.mark.parametrize(
    "question",
    [
        "Which animal was frozen 46,000 years ago?",
        "Which city saw rents rise most compared to a year ago?",  # a baseline, not when it happened
        "Are prices higher than last year?",
    ],
)
def test_baselines_and_long_ago_are_no_dates(question):
    assert read_dates(question, AS_OF)[2] == ""


def test_without_dates_the_filters_are_unchanged():
    got, rest = apply_question_dates("Who is Patrushev?", None, AS_OF)
    assert got.is_empty() and rest == "Who is Patrushev?"


def test_url_day():
    assert url_day("https://www.cnn.com/2022/06/12/media/squid-game/index.html") == 20220612
    assert url_day("https://example.com/news/2022-07-01-story") == 20220701
    assert url_day("https://example.com/2022/13/45/x") == 0
    assert url_day(None) == 0 and url_day("https://example.com/story") == 0


def test_years_named_in_a_text_and_their_drift_from_the_as_of_year():
    from assistant.dates import year_drift, years

    assert years("the 2026 Final Four, 2,022 seats, $2023, in the 2020s, the 2018 elections, 15% 2021") == {
        2026,
        2018,
        2021,
    }
    as_of = date(2023, 3, 30)
    assert year_drift("Indianapolis will host the 2026 Final Four.", "Who hosts it this weekend?", as_of) == (
        0,
        1,
    )
    assert year_drift("He returned to Earth in 2022 after 355 days.", "How many days?", as_of) == (1, 0)
    assert year_drift("It was held in 2022 and again in 2023.", "Where?", as_of) == (0, 0)
    assert year_drift("It was held in 2019.", "Where was it held in 2019?", as_of) == (0, 0)
    assert year_drift("It was held in 2019.", "Where?", None) == (0, 0)


def test_days_before_reads_yyyymmdd_days():
    from assistant.dates import day_date, days_before

    assert day_date(20230330) == date(2023, 3, 30) and day_date(0) is None
    assert days_before(20230323, date(2023, 3, 30)) == 7
    assert days_before(20230402, date(2023, 3, 30)) == 0  # after the as-of date
    assert days_before(0, date(2023, 3, 30)) is None and days_before(20230323, None) is None


@pytest.mark.parametrize(
    ("phrase", "before", "day"),
    [
        ("Friday", "The court ruled on ", date(2024, 11, 8)),
        ("Wednesday night", "", AS_OF),
        ("last Wednesday", "", date(2024, 11, 6)),
        ("Friday", "Xi will meet Putin on ", date(2024, 11, 15)),
        ("Sunday", "Daylight saving time officially ends ", date(2024, 11, 17)),
        ("Sunday", "Daylight saving time officially ended ", date(2024, 11, 10)),
        ("next Wednesday", "", date(2024, 11, 20)),
        ("yesterday", "", date(2024, 11, 12)),
        ("April", "", None),
    ],
)
def test_a_relative_day_resolves_against_the_articles_date(phrase, before, day):
    assert resolved_day(phrase, before, AS_OF) == day
    assert resolved_day(phrase, before, None) is None

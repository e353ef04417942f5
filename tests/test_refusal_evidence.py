"""The refusal evidence reads how old the passages are against the question's date."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from assistant.refusal import _best_age, _unprompted_gap
from assistant.sentences import Sentence

AS_OF = date(2025, 2, 14)


def _passages(*days: int) -> list:
    return [SimpleNamespace(article=SimpleNamespace(day=d)) for d in days]


def test_a_question_naming_no_time_reads_how_old_the_freshest_passage_is():
    old = _passages(20230105, 20231120)  # the freshest one is 15 months older than the question
    assert _unprompted_gap("Which NFL team won the Super Bowl in New Orleans?", old, AS_OF) == 1.0
    assert _unprompted_gap("Which NFL team won the Super Bowl?", _passages(20250210), AS_OF) == 0.0  # fresh
    half = _unprompted_gap("Who won the Super Bowl?", _passages(20240730), AS_OF)
    assert 0.4 < half < 0.6  # 199 days: (199 - 30) / 335


def test_a_question_naming_its_own_time_is_not_read_against_its_date():
    old = _passages(20230105)
    assert _unprompted_gap("Who won the Super Bowl in 2023?", old, AS_OF) == 0.0
    assert _unprompted_gap("What did the Fed do last year?", old, AS_OF) == 0.0
    assert _unprompted_gap("Who won the Super Bowl?", _passages(0), AS_OF) == 0.0  # undated
    assert _unprompted_gap("Who won the Super Bowl?", old, None) == 0.0


def test_refusal_evidence_reads_the_best_sentences_article_age():
    old = [Sentence(0, 0, 10, "Virgin America merges with Alaska Airlines.", features={"age": 0.8})]
    as_of = date(2023, 12, 8)
    assert _best_age("Which carrier is merging with Alaska Airlines this week?", old, as_of) == 0.8
    assert (
        _best_age("Which carrier merged with Alaska Airlines this week in 2016?", old, as_of) == 0.0
    )  # asked of then
    assert (
        _best_age("Which carrier merged with Alaska Airlines?", old, as_of) == 0.0
    )  # not about recent events
    assert _best_age("Which carrier is merging with Alaska Airlines this week?", [], as_of) == 0.0

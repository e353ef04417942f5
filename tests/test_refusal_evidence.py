"""The refusal evidence reads how old the store and the passages are against the question's date."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from assistant.refusal import _best_age, _store_lag, _undated_window
from assistant.sentences import Sentence

AS_OF = date(2025, 2, 14)


def _passages(*days: int) -> list:
    return [SimpleNamespace(article=SimpleNamespace(day=d)) for d in days]


class _Corpus:
    """The newest article day up to an as-of date, as assistant.corpus.Corpus gives it."""

    def __init__(self, *days: int):
        self.days = days

    def newest_up_to(self, as_of: date) -> int:
        cut = as_of.year * 10000 + as_of.month * 100 + as_of.day
        return max((d for d in self.days if 0 < d <= cut), default=0)


def test_a_question_naming_no_time_reads_how_long_before_its_date_the_store_stops():
    old = _Corpus(20230105, 20231120)  # the newest article is 15 months older than the question
    assert _store_lag("Which NFL team won the Super Bowl in New Orleans?", old, AS_OF) == 1.0
    live = _Corpus(20230105, 20250210)  # an old story in a store that reaches the question's week: no lag
    assert _store_lag("What did Wang Yi say about the ties with Russia?", live, AS_OF) == 0.0
    assert 0.4 < _store_lag("Who won the Super Bowl?", _Corpus(20240730), AS_OF) < 0.6  # (199 - 30) / 335
    assert _store_lag("Who won?", _Corpus(20250301), AS_OF) == 0.0  # nothing dated up to the as-of date
    assert _store_lag("Who won?", _Corpus(0), AS_OF) == 0.0  # an undated store says nothing


def test_a_question_naming_its_own_time_is_not_read_against_the_store():
    old = _Corpus(20230105)
    assert _store_lag("Who won the Super Bowl in 2023?", old, AS_OF) == 0.0
    assert _store_lag("What did the Fed do last year?", old, AS_OF) == 0.0
    assert _store_lag("Who won the Super Bowl?", old, None) == 0.0


def test_a_question_s_dates_that_only_undated_passages_pass_are_weak_evidence():
    assert _undated_window("Which NBA star was traded this week?", _passages(0, 0), AS_OF) == 1.0
    assert _undated_window("Which NBA star was traded this week?", _passages(0, 20250210), AS_OF) == 0.0
    assert _undated_window("Which NBA star was traded?", _passages(0, 0), AS_OF) == 0.0  # no dates asked
    assert _undated_window("Which NBA star was traded this week?", [], AS_OF) == 0.0


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


def test_the_rarest_question_terms_are_the_same_whatever_the_set_order():
    from assistant.terms import rarest

    weights = {"fed": 2.0, "rate": 5.0, "hike": 5.0, "june": 5.0, "bank": 5.0}
    got = {
        tuple(rarest(order, weights)) for order in (list(weights), list(reversed(weights)), sorted(weights))
    }
    assert got == {("bank", "hike", "june")}  # four tie at 5.0: the first three by name, every time


def test_passages_holding_none_of_the_questions_names_rare_words_or_word_pairs_are_no_evidence():
    from assistant.refusal import evidence

    strong = {"best_sentence": 1.0, "type_found": 1.0, "coverage_best": 1.0, "covering_articles": 1.0}
    weights = {"bias": 0.0, **dict.fromkeys(strong, 5.0)}
    nothing = {**strong, "names_found": 0.0, "rare_best": 0.0, "bigrams": 0.0}
    assert evidence(nothing, weights) == 0.0
    for found in ("names_found", "rare_best", "bigrams"):  # any one of them found: the weights decide
        assert evidence({**nothing, found: 0.5}, weights) > 0.99
    assert evidence(strong, weights) > 0.99  # a question without names or pairs reads 1 / .5 there, never 0

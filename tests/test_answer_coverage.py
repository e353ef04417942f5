"""Coverage and the covered figures of `newsdesk eval`: how an expected answer is matched, rows and figures."""

from __future__ import annotations

import dataclasses
import json

from assistant.coverage import Coverage, holds, norm_text
from assistant.eval import Question, answer_states, figures, run_eval, write_rows
from assistant.types import Answer, Source


def test_number_words_match_digits_and_quotes_and_case_are_ignored():
    assert norm_text("Two “Squid Game” seasons") == "2 squid game seasons"
    assert holds("The Fed raised rates by three-quarters of a point", "Three-quarters of a point")
    assert holds("They found 2 bodies", "two bodies") and holds("they found two bodies", "2 bodies")
    assert not holds("They found 12 bodies", "2 bodies")


def test_a_possessive_states_the_name_it_is_made_of():
    assert holds("one of the more powerful hurricanes in Florida's history", "Florida")
    assert holds("banned from Nepal’s national parks", "Nepal") and holds("went to Macy's", "Macy's")
    assert not holds("Floridas", "Florida")


def test_covered_needs_the_answer_and_two_of_three_rare_words_in_one_article_of_the_batch():
    arts = [
        {"title": "Rial slump", "body": "The rial fell to 700,000 rials as sanctions bit in Tehran.", "source": "/x/w1.jsonl"},
        {"title": "Weather", "body": "Rain in Tehran. The answer 700,000 rials appears here too.", "source": "/x/w2.jsonl"},
        {"title": "Other", "body": "Sanctions news from Tehran.", "source": "/x/w1.jsonl"},
    ]  # fmt: skip
    cov = Coverage(arts)
    q = "How low did the rial fall amid sanctions?"
    assert cov.covered(q, "700,000 rials", "w1")
    assert not cov.covered(q, "700,000 rials", "w2")  # that article lacks the question's rare words
    assert not cov.covered(q, "650,000 rials", "w1")
    assert cov.covered(q, "700,000 rials", "")  # no batch: the whole store


def _answer(text: str, source_text: str = "", refused: bool = False) -> Answer:
    src = Source(1, "T", "o", None, None, source_text, (0, 0))
    return Answer("q", text, sources=[] if refused else [src], refused=refused)


def test_strict_recall_reads_the_answer_text_only():
    assert answer_states(_answer("Squid Game [1]. Netflix renewed it [1]."), "“Squid Game”")
    assert not answer_states(_answer("Netflix renewed it [1].", "Squid Game is back"), "Squid Game")
    assert not answer_states(_answer("Squid Game", refused=True), "Squid Game")


def test_eval_rows_and_covered_figures(tmp_path):
    answers = {
        "q1": dataclasses.replace(
            _answer("April [1]. Xi could visit in April [1].", "Xi could visit in April"),
            short_answer="April",
        ),
        "q2": _answer("Xi will visit [1].", "Xi could visit in May"),
        "q3": _answer("The ingested articles don't cover this.", refused=True),
    }
    qs = [
        Question("q1", "April", id="1"),
        Question("q2", "May", id="2"),
        Question("q3", None, offcorpus=True, id="3"),
    ]

    class Cov:
        def covered(self, question, answer, batch):
            return True

    figs, rows = run_eval(qs, None, ask=lambda text, settings, as_of: answers[text], coverage=Cov())
    assert figs["strict_recall_covered"] == 0.5 and figs["lenient_recall_covered"] == 1.0
    assert figs["false_refusal_covered"] == 0.0 and figs["refusal_offcorpus"] == 1.0
    assert figs["short_recall_covered"] == 0.5  # q1's short answer holds it; q2 has none
    assert figs["short_precision_covered"] == 1.0  # of the short answers shown (q1 only), all hold it
    out = tmp_path / "rows.jsonl"
    write_rows(out, rows)
    first = json.loads(out.read_text().splitlines()[0])
    assert {"id", "question", "offcorpus", "covered", "refused", "answer", "short_answer", "sources", "strict",
            "lenient", "ms"} <= set(first)  # fmt: skip
    assert first["sources"][0].keys() == {"n", "title", "text", "span"}
    assert figures(rows)["covered_questions"] == 2

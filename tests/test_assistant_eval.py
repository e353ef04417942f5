"""`newsdesk eval`: metrics on hand-made rankings, question files in three shapes, clear errors, the runner."""

from __future__ import annotations

import json

import pytest

from assistant.eval import (
    Question,
    answer_holds,
    figures,
    gold_rank,
    hit_at,
    load_questions,
    mrr_at,
    norm_url,
    percentile,
    phantom_markers,
    run_eval,
)
from assistant.types import Answer, Source
from newsdesk.errors import InputError


def test_hit_and_mrr_on_hand_made_ranks():
    ranks = [1, 3, None, 7, 2]
    assert hit_at(ranks, 1) == pytest.approx(1 / 5)
    assert hit_at(ranks, 5) == pytest.approx(3 / 5)
    assert hit_at(ranks, 10) == pytest.approx(4 / 5)
    assert mrr_at(ranks, 10) == pytest.approx((1 + 1 / 3 + 0 + 1 / 7 + 1 / 2) / 5)
    assert mrr_at(ranks, 5) == pytest.approx((1 + 1 / 3 + 1 / 2) / 5)
    assert hit_at([], 5) == 0.0


def test_gold_rank_by_url_and_by_evidence_fact():
    retrieved = [{"url": "https://a.example/x", "chunk_id": "c1"}, {"url": "https://www.cnn.com/2022/06/12/squid/index.html", "chunk_id": "c2"},
                 {"url": "https://b.example/y", "chunk_id": "c3"}]  # fmt: skip
    q = Question("q", gold_urls=["https://www.cnn.com/2022/06/12/squid/index.html#:~:text=Squid%20Game"])
    assert gold_rank(q, retrieved) == 2
    assert gold_rank(Question("q", gold_urls=["https://nowhere.example/"]), retrieved) is None
    texts = {
        "c1": "nothing",
        "c2": "still nothing",
        "c3": "The fact is that  Ford recalled 2.9 million vehicles.",
    }
    q = Question("q", evidence=["Ford recalled 2.9 million vehicles"])
    assert gold_rank(q, retrieved, texts.get) == 3
    assert norm_url("http://www.x.example/a/") == norm_url("https://x.example/a#frag")


def _answer(text="A [1].", refused=False, source_text="Snippet about Squid Game."):
    sources = [] if refused else [Source(1, "T", "O", None, None, source_text, (0, 3))]
    return Answer(question="q", text=text, sources=sources, refused=refused)


def test_answer_holds_in_text_or_cited_snippets():
    assert answer_holds(_answer("It is “Squid Game” [1]."), "“Squid Game”")
    assert answer_holds(_answer("Netflix renewed it [1]."), "Squid Game")  # in the snippet
    assert not answer_holds(_answer("Netflix renewed it [1].", source_text="other"), "Squid Game")
    assert not answer_holds(_answer("The ingested articles don't cover this.", refused=True), "cover")


def test_phantom_markers_counted():
    assert phantom_markers(_answer("A [1]. B [2].")) == 1
    assert phantom_markers(_answer("A [1].")) == 0


def test_percentile():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 95) == 95


def test_load_three_shapes(tmp_path):
    path = tmp_path / "q.jsonl"
    lines = [
        {"id": "r1", "batch": "20220617", "date": "2022-06-16", "question": "Which show?", "choices": ["a", "b"], "answer": "b", "gold_urls": ["https://x.example/1"]},
        {"question": "Plain?", "answer": "yes"},
        {"query": "Multi-hop?", "answer": "Yes", "question_type": "comparison_query",
         "evidence_list": [{"title": "t", "fact": "a fact", "url": "https://y.example"}]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    qs = load_questions(path)
    assert [q.text for q in qs] == ["Which show?", "Plain?", "Multi-hop?"]
    assert (
        qs[0].gold_urls == ["https://x.example/1"]
        and qs[0].date == "2022-06-16"
        and qs[0].batch == "20220617"
    )
    assert qs[2].evidence == ["a fact"] and qs[2].answer == "Yes"
    assert load_questions(path, offcorpus=True)[1].offcorpus


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('{"question": "ok"}\n{"question": "broken"', 2, "invalid JSON"),
        ('{"question": "ok"}\n["a list"]\n', 2, "not a JSON object"),
        ('{"answer": "no question"}\n', 1, "no question"),
        ('{"question": "q", "gold_urls": "https://x"}\n', 1, "gold_urls"),
        ('{"question": "q", "date": "June 5"}\n', 1, "YYYY-MM-DD"),
        ('{"query": "q", "evidence_list": "fact"}\n', 1, "evidence_list"),
    ],
)
def test_bad_question_files_name_the_line(tmp_path, content, line, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_questions(path)
    assert info.value.line == line and words in str(info.value) and str(path) in str(info.value)


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(InputError, match="no questions"):
        load_questions(tmp_path / "empty.jsonl")
    with pytest.raises(InputError, match="cannot read"):
        load_questions(tmp_path / "missing.jsonl")


def test_runner_figures_with_a_stub_assistant(monkeypatch):
    gold = "https://g.example/a"
    script = {
        "q1": (["https://g.example/a", "https://o.example/1"], "Squid Game [1].", False),  # rank 1, holds
        "q2": (
            ["https://o.example/1", "https://o.example/2", "https://g.example/a"],
            "Nope [1] [4].",
            False,
        ),  # rank 3, phantom
        "q3": ([], "The ingested articles don't cover this.", True),  # false refusal
        "off1": (["https://o.example/1"], "The ingested articles don't cover this.", True),
        "off2": (["https://o.example/1"], "Something [1].", False),
    }

    import types

    import assistant.eval

    clock = {"now": 100.0}  # a fake clock: each question takes a scripted time, so the latencies are exact
    took = {"q1": 0.010, "q2": 0.020, "q3": 0.030, "off1": 0.040, "off2": 0.200}
    monkeypatch.setattr(assistant.eval, "time", types.SimpleNamespace(perf_counter=lambda: clock["now"]))

    def ask(text, settings=None, as_of=None):
        clock["now"] += took[text]
        urls, reply, refused = script[text]
        a = _answer(reply, refused=refused, source_text="irrelevant")
        a.retrieved = [{"url": u, "chunk_id": str(i)} for i, u in enumerate(urls)]
        return a

    qs = [Question("q1", "Squid Game", [gold]), Question("q2", "Squid Game", [gold]), Question("q3", "x", [gold]),
          Question("off1", offcorpus=True), Question("off2", offcorpus=True)]  # fmt: skip
    done = []
    figs, rows = run_eval(qs, settings=None, ask=ask, on_progress=lambda d, t: done.append((d, t)))
    assert done[-1] == (5, 5) and len(rows) == 5
    assert figs["n"] == 5 and figs["gold_questions"] == 3
    assert (
        figs["hit@1"] == pytest.approx(0.333)
        and figs["hit@5"] == pytest.approx(0.667)
        and figs["hit@10"] == pytest.approx(0.667)
    )
    assert figs["mrr@10"] == pytest.approx(round((1 + 1 / 3) / 3, 3))
    assert figs["answer_recall"] == pytest.approx(0.333)
    assert figs["phantom_citations"] == 1
    assert figs["refusal_rate"] == 0.5 and figs["false_refusal_rate"] == pytest.approx(0.333)
    assert figs["p50_ms"] == 30.0 and figs["p95_ms"] == 200.0  # median of 10/20/30/40/200 ms, and the top
    assert [round(r["ms"], 3) for r in rows] == [10.0, 20.0, 30.0, 40.0, 200.0]
    assert figures(rows, k=5)["hit@5"] == figs["hit@5"] and "mrr@5" in figures(rows, k=5)

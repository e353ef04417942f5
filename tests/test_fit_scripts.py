"""The fitting scripts' rules: sentence weights per question and the refusal cut at a share of false refusals."""

from types import SimpleNamespace

import numpy as np


def test_a_questions_answering_sentences_share_one_unit_of_weight():
    from bench.ranker_fit import question_weights as weights

    assert weights([True, True, False, True]) == [1 / 3, 1 / 3, 1.0, 1 / 3]
    assert weights([False, False]) == [1.0, 1.0]
    assert weights([True]) == [1.0]
    assert weights([]) == []


def _items(rng, n: int, covered: bool, offcorpus: bool, centre: float) -> list[dict]:
    """Questions whose one evidence feature is drawn around centre."""
    q = SimpleNamespace(offcorpus=offcorpus, answer="" if offcorpus else "x")
    return [
        {"q": q, "covered": covered, "features": {"evidence": float(v)}} for v in rng.normal(centre, 1.0, n)
    ]


def test_the_refusal_cut_refuses_the_asked_share_of_covered_questions():
    from assistant.trees import linear
    from bench.refusal_fit import fit_refusal

    rng = np.random.default_rng(1)
    items = _items(rng, 400, True, False, 2.0) + _items(rng, 200, False, True, -2.0)
    items += _items(rng, 100, False, False, 0.0)  # not covered
    covered = [it["features"] for it in items if it["covered"]]
    offcorpus = [it["features"] for it in items if it["q"].offcorpus]
    for share in (0.05, 0.2):
        weights = fit_refusal(items, cost=2.0, false_refusals=share)
        refused = np.mean([linear(weights, f) < 0.5 for f in covered])
        assert abs(refused - share) <= 0.01
        assert np.mean([linear(weights, f) < 0.5 for f in offcorpus]) > 0.8
    traded = fit_refusal(items, cost=2.0)  # no share asked: the cut trades by cost, as before
    assert np.mean([linear(weights, f) < 0.5 for f in covered]) != np.mean(
        [linear(traded, f) < 0.5 for f in covered]
    )


def test_questions_refused_by_rule_count_in_the_asked_share():
    from assistant.refusal import evidence
    from bench.refusal_fit import fit_refusal

    rng = np.random.default_rng(2)
    items = _items(rng, 380, True, False, 2.0) + _items(rng, 200, False, True, -2.0)
    blank = {"names_found": 0.0, "rare_best": 0.0, "bigrams": 0.0}
    for it in _items(rng, 20, True, False, 2.0):  # covered, yet their passages name nothing of the question
        it["features"] = {**it["features"], **blank}
        items.append(it)
    names = ["evidence", *blank]
    for it in items:
        it["features"] = {n: it["features"].get(n, 1.0) for n in names}
    weights = fit_refusal(items, cost=2.0, false_refusals=0.08)
    covered = [it["features"] for it in items if it["covered"]]
    refused = np.mean([evidence(f, weights) < 0.5 for f in covered])
    assert 0.07 <= refused <= 0.08  # the 20 (.05) and .03 more by the cut, not .08 more

"""The fitted scorers: a logistic model and boosted trees exported from scikit-learn, read the same way."""

import math

import numpy as np

from assistant.trees import linear, probabilities

SIGMOID = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731


def test_a_hand_made_tree_sends_each_row_to_its_leaf():
    split = {"feature": [0, -1, -1], "threshold": [0.5, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1],
             "value": [0.0, -1.0, 2.0]}  # fmt: skip
    stump = {"feature": [0], "threshold": [0], "left": [-1], "right": [-1], "value": [0.25]}
    model = {"kind": "trees", "features": ["a"], "baseline": 0.5, "depth": 1, "trees": [split, stump]}
    got = probabilities(model, [{"a": 0.0}, {"a": 0.5}, {"a": 0.9}, {}])
    assert np.allclose(got, [SIGMOID(-0.25), SIGMOID(-0.25), SIGMOID(2.75), SIGMOID(-0.25)])


def test_a_logistic_model_reads_the_same_feature_dicts():
    weights = {"bias": -1.0, "a": 2.0}
    assert np.allclose(probabilities(weights, [{"a": 1.0}, {}]), [SIGMOID(1.0), SIGMOID(-1.0)])
    assert linear(weights, {"a": 1.0, "unknown": 5.0}) == SIGMOID(1.0)
    assert len(probabilities(weights, [])) == 0


def test_the_fit_script_exports_trees_that_score_as_scikit_learn_does():
    from bench.ranker_fit import fit_trees

    rng = np.random.default_rng(0)
    x = rng.random((600, 3))
    y = (x[:, 0] + 0.3 * x[:, 2] > 0.8) & (x[:, 1] < 0.9)
    model = fit_trees(x, y, ["a", "b", "c"])  # asserts its export matches predict_proba
    rows = [{"a": 0.95, "b": 0.1, "c": 0.5}, {"a": 0.1, "b": 0.1, "c": 0.1}, {"a": 0.95, "b": 0.99, "c": 0.5}]
    high, low, blocked = probabilities(model, rows)
    assert high > 0.5 > low and blocked < high

"""Fitted scorers read from JSON: a logistic model or boosted trees (scikit-learn's, exported), on feature dicts."""

from __future__ import annotations

import math

import numpy as np


def linear(weights: dict, feats: dict) -> float:
    """A logistic model's probability for these features."""
    z = weights.get("bias", 0.0) + sum(w * feats.get(k, 0.0) for k, w in weights.items() if k != "bias")
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def probabilities(model: dict, rows: list[dict]) -> np.ndarray:
    """The model's probability for each feature dict: boosted trees when it has "trees", else logistic."""
    if not rows:
        return np.zeros(0)
    if "trees" not in model:
        return np.array([linear(model, r) for r in rows])
    flat = _flatten(model)
    x = np.array([[r.get(n, 0.0) for n in model["features"]] for r in rows], dtype=np.float64)
    feat, thr, left, right, leaf, value, roots, depth = flat
    at = np.tile(roots, (len(rows), 1))  # every row starts at every tree's root
    picks = np.arange(len(rows))[:, None]
    for _ in range(depth):
        go_left = x[picks, feat[at]] <= thr[at]
        at = np.where(leaf[at], at, np.where(go_left, left[at], right[at]))
    z = np.clip(model["baseline"] + value[at].sum(axis=1), -50.0, 50.0)
    return 1.0 / (1.0 + np.exp(-z))


_FLAT: dict[int, tuple] = {}  # id(model) -> (model, arrays): the model held, so its id is not reused


def _flatten(model: dict) -> tuple:
    """All trees' nodes in one set of arrays (children as absolute indices), built once per model."""
    held = _FLAT.get(id(model))
    if held is not None and held[0] is model:
        return held[1]
    feat, thr, left, right, leaf, value, roots = [], [], [], [], [], [], []
    for tree in model["trees"]:
        base = len(feat)
        roots.append(base)
        for f, t, lo, hi, v in zip(tree["feature"], tree["threshold"], tree["left"], tree["right"], tree["value"],
                                   strict=True):  # fmt: skip
            is_leaf = lo < 0
            feat.append(0 if is_leaf else f)
            thr.append(0.0 if is_leaf else t)
            left.append(len(feat) - 1 if is_leaf else base + lo)
            right.append(len(feat) - 1 if is_leaf else base + hi)
            leaf.append(is_leaf)
            value.append(v)
    flat = (np.array(feat), np.array(thr), np.array(left), np.array(right), np.array(leaf), np.array(value),
            np.array(roots), int(model.get("depth", 16)))  # fmt: skip
    if len(_FLAT) >= 8:
        _FLAT.clear()
    _FLAT[id(model)] = (model, flat)
    return flat

"""The sentence ranker's fit for bench/fit_answers.py: one stage on labelled sentences, logistic or boosted trees."""

from __future__ import annotations

# the sentence ranker's boosted trees (--ranker trees): leaves per tree, trees
TREE_LEAVES, TREE_COUNT = 15, 150


def fit_trees(x, y, names: list[str]) -> dict:
    """Boosted trees (scikit-learn, classes balanced) exported as node lists that assistant.trees evaluates."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from assistant.trees import probabilities

    h = HistGradientBoostingClassifier(max_leaf_nodes=TREE_LEAVES, max_iter=TREE_COUNT, learning_rate=0.07,
                                       min_samples_leaf=40, l2_regularization=1.0, class_weight="balanced",
                                       early_stopping=False, random_state=0).fit(x, y)  # fmt: skip
    trees, depth = [], 0
    for (tree,) in h._predictors:
        nodes = tree.nodes
        leaf = nodes["is_leaf"].astype(bool)  # a leaf has no children: -1
        depth = max(depth, int(nodes["depth"].max()))
        children = {k: np.where(leaf, -1, nodes[k].astype(np.int64)).tolist() for k in ("left", "right")}
        trees.append({"feature": nodes["feature_idx"].tolist(), "threshold": nodes["num_threshold"].tolist(),
                      **children, "value": [float(f"{v:.7g}") for v in nodes["value"]]})  # fmt: skip
    model = {"kind": "trees", "features": names, "baseline": float(h._baseline_prediction.ravel()[0]),
             "depth": depth, "trees": trees}  # fmt: skip
    sample = x[:: max(len(x) // 2000, 1)]
    mine = probabilities(model, [dict(zip(names, r, strict=True)) for r in sample])
    gap = float(np.abs(mine - h.predict_proba(sample)[:, 1]).max())
    assert gap < 1e-4, f"exported trees differ from scikit-learn's by {gap}"
    return model


def question_weights(labels: list[bool]) -> list[float]:
    """Sample weights of one question's sentences: its answering sentences share one unit (a question whose answer
    fills many sentences, "China" said throughout, counts no more than one whose answer one sentence holds); the
    others weigh 1 each. Out of fold, strict .562 / .793 train / dev against .533 / .811 unweighted, the answering
    sentence first for .385 / .595 against .369 / .622."""
    positives = sum(labels)
    return [1.0 / positives if label else 1.0 for label in labels]


def fit_stage(items: list[dict], stage: str, head: int | None = None, kind: str = "linear") -> dict:
    """One ranker stage fitted on labelled sentences (stage 2 only on the embedded head)."""
    import numpy as np

    from assistant.coverage import holds

    rows, labels, weights = [], [], []
    for it in items:
        q = it["q"]
        if q.offcorpus or not q.answer:
            continue
        pool = it["sentences"][:head] if head else it["sentences"]
        got = [holds(s.text, q.answer) for s in pool]
        rows += [s.features for s in pool]
        labels += got
        weights += question_weights(got)
    names = sorted({k for r in rows for k in r if stage == "stage2" or k not in ("cosine", "stage1")})
    x = np.array([[r.get(n, 0.0) for n in names] for r in rows])
    if kind == "trees":
        return fit_trees(x, np.array(labels), names)
    from bench.logistic import logistic_weights

    w = np.array(weights) * len(weights) / sum(weights)  # the scale logistic regression's C was chosen at
    return logistic_weights(x, np.array(labels), names, c=0.5, balanced=True, sample_weight=w)

"""Logistic regression (scikit-learn) fitted into the weight dicts that assistant.trees.linear reads."""

from __future__ import annotations


def logistic_weights(x, y, names: list[str], c: float, balanced: bool = False, sample_weight=None) -> dict:
    """Bias and one weight per feature name, rounded to 4 places; classes balanced when asked."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=2000)
    lr.fit(x, y, sample_weight=sample_weight)
    return {"bias": round(float(lr.intercept_[0]), 4), **{n: round(float(w), 4) for n, w in zip(names, lr.coef_[0], strict=True)}}  # fmt: skip

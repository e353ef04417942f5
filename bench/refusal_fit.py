"""The refusal evidence's fit for bench/fit_answers.py: logistic regression, then the cut that trades refusals."""

from __future__ import annotations

# a not-covered question (no article of its batch holds the answer's text) counts as half a negative: some are
# answered in other words, so it is weaker evidence of "not covered" than an off-corpus question
NOT_COVERED_WEIGHT = 0.5


def fit_refusal(
    items: list[dict], cost: float, not_covered: float = NOT_COVERED_WEIGHT, false_refusals: float = 0.0
) -> dict:
    """Refusal weights: covered (1) against off-corpus and, weighted, not-covered questions (0), the two classes
    weighing the same in total; the bias moved to the cut that maximises the refused share of those negatives
    (weighted the same way) minus cost x the refused covered share (printed as a curve); with false_refusals, the
    cut refuses that share of covered train questions instead (a quantile: one question moves it by one rank,
    where the trade's optimum lies on a flat stretch that one question's features can shift)."""
    import numpy as np

    from assistant.refusal import nothing_found
    from bench.logistic import logistic_weights

    pool = [it for it in items if it["covered"] or it["q"].offcorpus or (not_covered and it["q"].answer)]
    names = sorted(pool[0]["features"])
    x = np.array([[it["features"][n] for n in names] for it in pool])
    y = np.array([1 if it["covered"] else 0 for it in pool])
    off = np.array([bool(it["q"].offcorpus) for it in pool])
    weight = np.where(y == 1, 1.0, np.where(off, 1.0, not_covered))
    weight[y == 1] *= weight[y == 0].sum() / (y == 1).sum()
    w = logistic_weights(x, y, names, c=0.3, sample_weight=weight)
    z = x @ np.array([w[n] for n in names]) + w["bias"]
    z[[nothing_found(it["features"]) for it in pool]] = -np.inf  # refused whatever the cut
    cov, neg, nw = z[y == 1], z[y == 0], weight[y == 0]
    if false_refusals:
        cut = _share_cut(cov, false_refusals)
        best = (0.0, cut, float((cov < cut).mean()), float((z[off] < cut).mean()))
    else:
        best = None
        for cut in np.unique(z[np.isfinite(z)]):
            fr, refused = float((cov < cut).mean()), float(nw[neg < cut].sum() / nw.sum())
            if best is None or refused - cost * fr > best[0]:
                best = (refused - cost * fr, float(cut), fr, float((z[off] < cut).mean()))
    for q in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
        cut = _share_cut(cov, q)
        print(f"  refusal curve: false refusals {q:.2f} -> off-corpus refused {(z[off] < cut).mean():.3f}")
    print(f"  chosen cut: false refusals {best[2]:.3f}, off-corpus refused {best[3]:.3f}")
    w["bias"] = round(w["bias"] - best[1], 4)
    return w


def _share_cut(scores, share: float) -> float:
    """The cut under which at most that share of the scores lies (-inf ones, refused by rule, among them)."""
    import numpy as np

    ordered = np.sort(scores)
    return float(ordered[min(int(share * len(ordered)), len(ordered) - 1)])

#!/usr/bin/env python3
"""Fit the sentence ranker, the short-answer chooser and the refusal evidence on rtqa-train, check both on rtqa-dev, write the data files.

Usage: python bench/fit_answers.py --train-store DIR [--train-set PATH] --dev-store DIR [--dev-set PATH]
       [--false-refusals SHARE] [--write]
Each store must already hold its set's weekly batches (`newsdesk ingest SET/articles`). Weak labels need no hand
work: a sentence that contains the right choice's text answers its question; a question is covered when an article
of its batch holds that text and two of its three rarest words. Fits with scikit-learn's logistic regression.
Prints per-set figures and one JSON line; --write saves assistant/fitted/sentence_ranker.json and refusal.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
SHARED = ROOT.parent / "shared" / "bench"
FITTED = ROOT / "assistant" / "fitted"
FOLDS = 5  # train is scored out of fold while fitting
# sentences per question that stage 2 reads with their embedding (out of fold, refusal aside, train / dev, one
# cache: .505 / .802 at 8, .530 / .811 at 10, .533 / .793 at 12; .524 / .811 at 10 on the cache collected after
# the future-date fix; the ONNX answer encoder pays for the two more)
EMBED_HEAD = 10


def collect(set_dir: Path, store: Path, cache: Path) -> list[dict]:
    """Per question: its passages (retrieved once and cached), label data and coverage."""
    from assistant.components import get_components
    from assistant.core import gather
    from assistant.coverage import Coverage
    from assistant.eval import load_questions
    from newsdesk.settings import Settings

    settings = Settings(data_dir=store)
    comps = get_components(settings)
    coverage = Coverage.from_catalog(comps.catalog)
    if cache.exists():  # retrieval is cached; coverage is read again, its rules may have changed
        return _covered(pickle.loads(cache.read_bytes()), coverage)
    weeks = {batch for batch, _, _ in coverage.texts}  # a store may hold only some of the set's weeks
    questions = [q for q in load_questions(set_dir / "questions.jsonl") if q.batch in weeks]
    questions += load_questions(set_dir / "offcorpus.jsonl", offcorpus=True)
    out = []
    for i, q in enumerate(questions):
        today = date.fromisoformat(q.date) if q.date else date.today()
        g = gather(q.text, None, settings, comps, comps.corpus(), today, today)
        qvec = comps.embedder.embed_query(g.query)
        out.append({"q": q, "query": g.query, "qvec": qvec, "found": g.found, "today": today})
        if i % 50 == 0:
            print(f"  {set_dir.name}: {i}/{len(questions)}", file=sys.stderr)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return _covered(out, coverage)


def _covered(items: list[dict], coverage) -> list[dict]:
    """Items with "covered" set: an article of the question's batch holds its answer and rare words."""
    for it in items:
        q = it["q"]
        it["covered"] = bool(q.answer and not q.offcorpus and coverage.covered(q.text, q.answer, q.batch))
    return items


def _weeks(store: Path) -> int:
    """How many batches a store holds (the cache key of its collected items)."""
    from ingest.catalog import Catalog
    from newsdesk.settings import Settings

    return len({Path(str(a["source"])).stem for a in Catalog(Settings(data_dir=store).record_url).articles()})


def score(items: list[dict], model: dict, comps) -> None:
    """Sentences and refusal features of every item under a ranker model (in place)."""
    import numpy as np

    from assistant.refusal import features
    from assistant.retrieve import answer_pool
    from assistant.sentences import score_sentences

    corpus = comps.corpus()
    for it in items:
        qvec = np.asarray(it["qvec"], dtype=np.float32)
        if "pool" not in it:
            it["pool"] = answer_pool(it["found"], comps.catalog)
        it["sentences"] = score_sentences(it["query"], qvec, it["pool"], comps.embedder, corpus.idf,
                                          comps.sentences, model=model, as_of=it["today"])  # fmt: skip
        it["features"] = features(
            it["query"], it["found"], it["sentences"], corpus, it["today"], it["q"].text
        )


def fit_ranker(train: list[dict], model: dict, comps, kind: str, folds: int = FOLDS) -> dict:
    """Both ranker stages fitted on all of train; train's items are left scored out of fold (each fold by
    stages fitted without it), so what is fitted after (stage 2, the chooser, composition, refusal) sees
    sentence scores as unseen questions get them."""
    from bench.ranker_fit import fit_stage

    weeks = sorted({it["q"].batch or "" for it in train})  # a week's questions share stories: one fold each
    fold = {w: i % folds for i, w in enumerate(weeks)}
    parts = [[it for it in train if fold[it["q"].batch or ""] == f] for f in range(folds)]
    rest = [[it for g, part in enumerate(parts) if g != f for it in part] for f in range(folds)]
    stage1 = [fit_stage(r, "stage1", kind=kind) for r in rest]  # on the overlap-only pass's features
    full = {**model, "stage1": fit_stage(train, "stage1", kind=kind), "embed_candidates": EMBED_HEAD}
    for part, s1 in zip(parts, stage1, strict=True):
        score(part, {**full, "stage1": s1}, comps)
    stage2 = [fit_stage(r, "stage2", head=EMBED_HEAD, kind=kind) for r in rest]
    full["stage2"] = fit_stage(train, "stage2", head=EMBED_HEAD, kind=kind)
    for part, s1, s2 in zip(parts, stage1, stage2, strict=True):
        score(part, {**full, "stage1": s1, "stage2": s2}, comps)
    return full


def fit_candidates(items: list[dict], top: int = 8) -> dict:
    """The short-answer chooser: candidates of top sentences that hold some right candidate, labelled by
    whether they are the expected answer."""
    import numpy as np

    from assistant.candidates import without_common_words
    from assistant.coverage import holds
    from assistant.short import candidate_features

    rows, labels = [], []
    for it in items:
        q = it["q"]
        if q.offcorpus or not q.answer or not it["covered"]:
            continue
        sents = it["sentences"][:top]
        for s in sents:
            cands = without_common_words(s.text, s.candidates, q.text)
            right = [holds(c.text, q.answer) or holds(q.answer, c.text) for c in cands]
            if not any(right):
                continue
            others = [t.text for t in sents if t is not s]
            rows += candidate_features(s.text, cands, q.text, others, s.title)
            labels += right
    names = sorted(rows[0])
    x = np.array([[r[n] for n in names] for r in rows])
    from bench.logistic import logistic_weights

    return logistic_weights(x, np.array(labels), names, c=1.0)


def answer_figures(items: list[dict], refusal: dict, compose: dict, chooser: dict) -> dict:
    """Strict and lenient recall, refusals, on covered / not covered / off-corpus items (extractive answers)."""
    from assistant.coverage import holds
    from assistant.extractive import choose
    from assistant.refusal import evidence
    from assistant.short import lead_short_answer

    cov, unc, off = [], [], []
    for it in items:
        q = it["q"]
        refused = not it["found"].passages or evidence(it["features"], refusal) < 0.5
        picked = choose(it["sentences"], compose) if it["found"].passages else []
        chosen = [] if refused else picked
        cand = lead_short_answer(q.text, picked, it["sentences"], chooser)[1] if picked else None
        text = " ".join(([cand.text] if cand else []) + [s.text for s in picked])
        cited = {it["pool"][s.passage].chunk_id: it["pool"][s.passage].text for s in picked}
        row = {"refused": refused, "n": len(chosen),
               "shown": not refused and bool(cand),
               "short": not refused and bool(cand) and bool(q.answer) and (holds(cand.text, q.answer) or holds(q.answer, cand.text)),
               "strict": bool(q.answer) and not refused and holds(text, q.answer),
               "unrefused": bool(q.answer) and holds(text, q.answer),  # the sentence choice, refusal aside
               "first": bool(q.answer) and any(holds(s.text, q.answer) for s in it["sentences"][:1]),
               "top3": bool(q.answer) and any(holds(s.text, q.answer) for s in it["sentences"][:3]),
               "lenient": bool(q.answer) and not refused and any(holds(t, q.answer) for t in [text, *cited.values()])}  # fmt: skip
        (off if q.offcorpus else cov if it["covered"] else unc).append(row)
    mean = lambda rs, k: round(sum(r[k] for r in rs) / len(rs), 3) if rs else None  # noqa: E731
    return {"covered": len(cov), "strict_recall_covered": mean(cov, "strict"),
            "lenient_recall_covered": mean(cov, "lenient"), "false_refusal_covered": mean(cov, "refused"),
            "refusal_offcorpus": mean(off, "refused"), "refusal_not_covered": mean(unc, "refused"),
            "short_answer_right_covered": mean(cov, "short"), "short_answer_shown_covered": mean(cov, "shown"),
            "sentences_per_answer": mean(cov, "n"),
            "strict_recall_unrefused_covered": mean(cov, "unrefused"),
            "first_sentence_holds_covered": mean(cov, "first"), "top3_sentences_hold_covered": mean(cov, "top3")}  # fmt: skip


def main() -> None:
    """Collect, fit, report, write."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--train-set", default=str(SHARED / "rtqa-train"))
    ap.add_argument("--train-store", required=True)
    ap.add_argument("--dev-set", default=str(SHARED / "rtqa-dev"))
    ap.add_argument("--dev-store", required=True)
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "fit"))
    ap.add_argument(
        "--cost",
        type=float,
        default=2.0,
        help="a false refusal of a covered question costs this many off-corpus answers",
    )
    ap.add_argument("--false-refusals", type=float, default=0.0,
                    help="the refusal cut refuses this share of covered train questions (0: trade by --cost)")  # fmt: skip
    ap.add_argument("--ranker", choices=("linear", "trees"), default="linear",
                    help="the sentence ranker's stages: boosted trees or logistic regression")  # fmt: skip
    ap.add_argument("--write", action="store_true", help="write the fitted data files")
    args = ap.parse_args()

    from assistant.components import get_components
    from assistant.sentences import ranker
    from bench.refusal_fit import fit_refusal
    from newsdesk.settings import Settings

    started = time.perf_counter()
    sets = {}
    for name, set_dir, store in (
        ("train", args.train_set, args.train_store),
        ("dev", args.dev_set, args.dev_store),
    ):
        items = collect(Path(set_dir), Path(store), Path(args.cache) / f"{name}-{_weeks(Path(store))}.pkl")
        sets[name] = (items, get_components(Settings(data_dir=Path(store))))
    train, tcomps = sets["train"]
    model = json.loads(json.dumps(ranker()))
    compose = model["compose"]
    model["stage1"] = {
        "bias": 0.0,
        "overlap": 1.0,
    }  # stage 1 from overlap alone, then refitted on its own output
    model["stage2"] = {"bias": 0.0, "overlap": 1.0}
    model["embed_candidates"] = 0  # stage 1 needs no sentence vectors
    score(train, model, tcomps)
    model = fit_ranker(train, model, tcomps, args.ranker)
    model["candidate"] = fit_candidates(train)
    best = None
    for max_sentences in (1, 2, 3):
        for ratio in (0.5, 0.7, 0.9):
            c = {**compose, "max_sentences": max_sentences, "ratio": ratio}
            f = answer_figures(
                train, {"bias": 10.0}, c, model["candidate"]
            )  # no refusal: the composition alone
            key = f["strict_recall_covered"] - 0.03 * f["sentences_per_answer"]
            if best is None or key > best[0]:
                best = (key, c)
    model["compose"] = best[1]
    refusal = fit_refusal(train, args.cost, false_refusals=args.false_refusals)
    dev, dcomps = sets["dev"]
    score(dev, model, dcomps)
    report = {
        "train": answer_figures(train, refusal, model["compose"], model["candidate"]),
        "dev": answer_figures(dev, refusal, model["compose"], model["candidate"]),
    }
    model["note"] = "fitted by bench/fit_answers.py on rtqa-train; checked on rtqa-dev"
    model["figures"] = report
    refusal_doc = {"note": "fitted by bench/fit_answers.py on rtqa-train (covered vs off-corpus)", "weights": refusal,
                   "figures": report}  # fmt: skip
    for name, f in report.items():
        print(name, json.dumps(f))
    print(json.dumps({"bench": "fit_answers", "seconds": round(time.perf_counter() - started, 1), **report,
                      "compose": model["compose"], "refusal": refusal}))  # fmt: skip
    if args.write:
        FITTED.mkdir(exist_ok=True)
        (FITTED / "sentence_ranker.json").write_text(json.dumps(model, indent=1) + "\n")
        (FITTED / "refusal.json").write_text(json.dumps(refusal_doc, indent=1) + "\n")


if __name__ == "__main__":
    main()

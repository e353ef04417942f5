#!/usr/bin/env python3
"""Does retrieval need the title/outlet/date prefix on every embedded chunk? Re-embeds a store's chunks without it.

Usage: python bench/prefix.py --store DIR --set ../shared/bench/rtqa-dev [--variants none,prefix,title,first] [--json]
The store must hold the set's weekly batches. Variants of the embedded text, each searched in memory in place of
Chroma (article vectors recomputed as the mean of their chunks): stored (the store's own vectors), prefix (title,
outlet | date, text: what ingest embedded before), title (title and text), none (text alone: what ingest embeds
now), first (prefix on an article's first chunk, text alone on the others). Per variant: mean tokens per embedded
chunk, encode chunks/s, and hybrid retrieval (`Retriever.search`, no answer composition) over the set's questions
as of their dates: Hit@5 and MRR@10 on gold questions, and context recall on covered questions (an answer-holding
passage among the context). One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class MemoryCollection:
    """The two Chroma calls retrieval makes (nearest ids with distances, embeddings by id) over a matrix."""

    def __init__(self, ids: list[str], vectors: np.ndarray):
        self.ids, self.vectors = ids, vectors
        self.row = {c: i for i, c in enumerate(ids)}

    def query(self, query_embeddings, n_results, include=()):
        """Nearest chunks by cosine distance, as Chroma returns them."""
        cos = self.vectors @ np.asarray(query_embeddings[0], dtype=np.float32)
        n = min(n_results, len(cos))
        top = np.argpartition(-cos, n - 1)[:n]
        top = top[np.argsort(-cos[top])]
        return {"ids": [[self.ids[i] for i in top]], "distances": [(1.0 - cos[top]).tolist()]}

    def get(self, ids, include=()):
        """Stored vectors of these chunk ids."""
        rows = [self.row[c] for c in ids if c in self.row]
        return {"ids": [self.ids[i] for i in rows], "embeddings": self.vectors[rows]}


def stored_chunks(comps) -> tuple[list[str], list[str], list[str], np.ndarray]:
    """(chunk ids, article ids, texts, stored vectors) of every chunk the record holds."""
    ids, aids, texts = [], [], []
    for cid, aid, text in comps.catalog.all_chunks():
        ids.append(cid), aids.append(aid), texts.append(text)
    collection = comps.vectorstore._collection
    vecs = []
    for i in range(0, len(ids), 5000):
        got = collection.get(ids=ids[i : i + 5000], include=["embeddings"])
        by_id = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        vecs += [by_id[c] for c in ids[i : i + 5000]]
    return ids, aids, texts, np.stack(vecs)  # unit vectors, as the embedder wrote them


def embedded_texts(comps, aids: list[str], texts: list[str], variant: str) -> list[str]:
    """The text embedded for each chunk under a variant: prefix (title, then outlet | date: what ingest embedded
    before this measurement), title (title only), none (the chunk alone: what ingest embeds now)."""
    rows = {a["id"]: a for a in comps.catalog.articles()}
    out = []
    for aid, text in zip(aids, texts, strict=True):
        a = rows[aid]
        head = " | ".join(p for p in (a["outlet"], a["published"]) if p)
        if variant == "none":
            out.append(text)
        elif variant == "title" or not head:
            out.append(f"{a['title']}\n{text}")
        else:
            out.append(f"{a['title']}\n{head}\n{text}")
    return out


def retrieval_figures(comps, questions, coverage, ids, aids, vectors) -> dict:
    """Hybrid retrieval with these chunk vectors: Hit@5, MRR@10 (gold questions), context recall (covered)."""
    from assistant.coverage import holds
    from assistant.dates import apply_question_dates, is_current
    from assistant.eval import gold_rank, hit_at, mrr_at

    settings = comps.settings
    retriever = comps.retriever()
    retriever.vectorstore = SimpleNamespace(_collection=MemoryCollection(ids, vectors))
    corpus = retriever.corpus
    rows = {}
    for i, aid in enumerate(aids):
        rows.setdefault(aid, []).append(i)
    means = np.stack([vectors[rows[a]].mean(axis=0) for a in corpus.vector_ids])
    corpus.vectors = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    ranks, held, covered, started = [], [], 0, time.perf_counter()
    for q in questions:
        today = date.fromisoformat(q.date) if q.date else date.today()
        used, query = apply_question_dates(q.text, None, today)
        qvec = np.asarray(comps.embedder.embed_query(query), dtype=np.float32)
        found = retriever.search(query, qvec, used, today, cutoff=today, top_k=settings.top_k,
                                 per_story=settings.per_story, current=is_current(q.text))  # fmt: skip
        if q.gold_urls:
            retrieved = [{"url": a.url, "chunk_id": cid} for a, _, cid in found.articles]
            ranks.append(gold_rank(q, retrieved))
        if q.answer and coverage.covered(q.text, q.answer, q.batch):
            covered += 1
            held.append(any(holds(p.text, q.answer) for p in found.passages))
    return {"gold": len(ranks), "hit@5": round(hit_at(ranks, 5), 3) if ranks else None,
            "mrr@10": round(mrr_at(ranks, 10), 3) if ranks else None, "covered": covered,
            "context_recall_covered": round(sum(held) / max(covered, 1), 3),
            "ms_per_question": round((time.perf_counter() - started) * 1000 / max(len(questions), 1), 1)}  # fmt: skip


def main() -> None:
    """Embed each variant, search with it, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--store", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--variants", default="none,prefix,title,first")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args()

    from assistant.components import get_components
    from assistant.coverage import Coverage
    from assistant.eval import load_questions
    from newsdesk.settings import Settings

    comps = get_components(Settings(data_dir=Path(args.store)))
    comps.corpus()
    coverage = Coverage.from_catalog(comps.catalog)
    questions = [q for q in load_questions(Path(args.set) / "questions.jsonl") if not q.offcorpus]
    ids, aids, texts, stored = stored_chunks(comps)
    first = np.array([c.rsplit("-", 1)[-1] == "0" for c in ids])
    encoded, tokens = {"stored": stored}, {}
    report = {
        "set": Path(args.set).name,
        "chunks": len(ids),
        "backend": comps.embedder.backend,
        "variants": {},
    }
    asked = set(args.variants.split(",")) | ({"prefix", "none"} if "first" in args.variants else set())
    wanted = [v for v in ("stored", "none", "prefix", "title", "first") if v == "stored" or v in asked]
    for variant in wanted:
        rate = None
        if variant == "first":  # prefix and none come before it
            vecs = np.where(first[:, None], encoded["prefix"], encoded["none"])
            tokens[variant] = float(first.mean() * tokens["prefix"] + (1 - first.mean()) * tokens["none"])
        elif variant == "stored":
            vecs = stored
        else:
            batch = embedded_texts(comps, aids, texts, variant)
            tokens[variant] = float(np.mean(comps.embedder.count_tokens(batch)))
            started = time.perf_counter()
            vecs = comps.embedder.encode(batch)  # unit vectors
            rate = round(len(ids) / (time.perf_counter() - started), 1)
        encoded[variant] = vecs
        figures = retrieval_figures(comps, questions, coverage, ids, aids, vecs)
        mean_tokens = round(tokens[variant], 1) if variant in tokens else None
        report["variants"][variant] = {"mean_tokens": mean_tokens, "encode_chunks_per_s": rate, **figures}
        if not args.json:
            print(variant, json.dumps(report["variants"][variant]), file=sys.stderr, flush=True)
    print(json.dumps({"bench": "prefix", **report}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Lexical engines compared: SQLite FTS5 vs tantivy (speed), and bm25s vs tantivy vs FTS5 (ranking quality).

Usage:
  python bench/lexical.py speed --chunks 200000     # synthetic chunks of six rtqa-train sentences
  python bench/lexical.py quality --store STORE     # BM25 alone on rtqa-dev gold questions, over STORE's chunks
Each prints a table and one JSON line. Queries: OR of up to 8 question terms, top 50.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
SHARED = next(
    (p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared"
)


def _question_terms(path: Path) -> list[list[str]]:
    from assistant.terms import STOP, words
    from ingest.bm25_terms import terms

    out = []
    for line in path.open():
        q = json.loads(line)["question"]
        out.append(list(dict.fromkeys(terms(" ".join(w for w in words(q) if w not in STOP))))[:8])
    return [t for t in out if t]


class Fts5:
    """SQLite FTS5 over pre-stemmed terms (the same terms as tantivy), ranked by bm25()."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS c USING fts5(chunk_id UNINDEXED, text)")

    def add(self, rows):
        from ingest.bm25_terms import terms

        with self.db:
            self.db.executemany(
                "INSERT INTO c VALUES (?, ?)", ((cid, " ".join(terms(t))) for cid, _, t in rows)
            )

    def search(self, qterms: list[str], k: int = 50) -> list[str]:
        q = " OR ".join(f'"{t}"' for t in qterms)
        sql = "SELECT chunk_id FROM c WHERE c MATCH ? ORDER BY bm25(c) LIMIT ?"
        return [r[0] for r in self.db.execute(sql, (q, k))]


class Tantivy:
    """The project's index (ingest/lexical.py)."""

    def __init__(self, folder: Path):
        from ingest import lexical

        self.folder, self.writer, self.lexical = folder, lexical.Writer(folder), lexical
        self.gen = 0

    def add(self, rows):
        rows = list(rows)
        self.gen += 1
        self.writer.replace((), rows, str(self.gen))

    def searcher(self):
        return self.lexical.LexicalIndex(self.lexical._open(self.folder), self.folder)

    def search(self, qterms: list[str], k: int = 50) -> list[str]:
        return [c for c, _ in self._s.search_terms(qterms, k)]


def _timed_queries(engine, queries) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        engine.search(q)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def speed(n: int, set_dir: Path) -> dict:
    """Build time, 2,500-chunk add time and query p50/p95 of both engines on n synthetic chunks."""
    import re

    rng = random.Random(0)
    sents = []
    for path in sorted((set_dir / "articles").glob("*.jsonl")):
        for line in path.open():
            sents += [s for s in re.split(r"(?<=[.!?])\s+", json.loads(line)["text"]) if len(s) > 30]
    rows = [(f"c{i}", f"a{i // 12}", " ".join(rng.choice(sents) for _ in range(6))) for i in range(n + 2500)]
    queries = _question_terms(set_dir / "questions.jsonl")[:300]
    work = Path(tempfile.mkdtemp(prefix="newsdesk-lex-"))
    out = {"chunks": n}
    for name, make in (("tantivy", lambda: Tantivy(work / "tv")), ("fts5", lambda: Fts5(work / "f.db"))):
        eng = make()
        t = time.perf_counter()
        for i in range(0, n, 50_000):
            eng.add(rows[i : min(i + 50_000, n)])
        build = time.perf_counter() - t
        t = time.perf_counter()
        eng.add(rows[n:])
        add = time.perf_counter() - t
        if name == "tantivy":
            eng._s = eng.searcher()
        p50, p95 = _timed_queries(eng, queries)
        out[name] = {"build_s": round(build, 1), "add_2500_s": round(add, 2), "query_p50_ms": round(p50, 1),
                     "query_p95_ms": round(p95, 1)}  # fmt: skip
        print(name, out[name], file=sys.stderr)
    return out


def quality(store: Path, set_dir: Path) -> dict:
    """Hit@1/5/10 and MRR@10 of BM25 alone (article = its best chunk) for each engine."""
    import bm25s

    from assistant.terms import STOP, words
    from ingest.bm25_terms import terms
    from ingest.catalog import Catalog

    cat = Catalog(f"sqlite:///{store / 'catalog.sqlite3'}")
    rows = list(cat.all_chunks())
    url = {a["id"]: a["url"] for a in cat.articles()}
    by_chunk = {cid: aid for cid, aid, _ in rows}
    qs = [json.loads(line) for line in (set_dir / "questions.jsonl").open()]
    qs = [q for q in qs if q["gold_urls"]]
    work = Path(tempfile.mkdtemp(prefix="newsdesk-lexq-"))
    tv = Tantivy(work / "tv")
    tv.add(rows)
    tv._s = tv.searcher()
    fts = Fts5(work / "f.db")
    fts.add(rows)
    import Stemmer

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([r[2] for r in rows], stopwords="en", stemmer=Stemmer.Stemmer("english"),
                                   show_progress=False), show_progress=False)  # fmt: skip

    def bm25s_search(qterms, k=100):
        toks = bm25s.tokenize([" ".join(qterms)], stopwords="en", stemmer=Stemmer.Stemmer("english"),
                              show_progress=False)  # fmt: skip
        if not toks.vocab or not any(toks.ids):
            return []
        docs, scores = retriever.retrieve(toks, k=k, show_progress=False)
        return [rows[d][0] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    engines = {
        "bm25s": bm25s_search,
        "tantivy": lambda t: tv.search(t, 100),
        "fts5": lambda t: fts.search(t, 100),
    }
    out = {"questions": len(qs), "chunks": len(rows)}
    for name, search in engines.items():
        ranks = []
        for q in qs:
            content = " ".join(w for w in words(q["question"]) if w not in STOP) or q["question"]
            qt = list(dict.fromkeys(terms(content))) if name != "bm25s" else [content]
            arts = list(dict.fromkeys(by_chunk[c] for c in search(qt)))
            gold = set(q["gold_urls"])
            ranks.append(next((i + 1 for i, a in enumerate(arts[:10]) if url.get(a) in gold), 0))
        r = np.array(ranks)
        out[name] = {"hit1": round(float(np.mean((r >= 1) & (r <= 1))), 3),
                     "hit5": round(float(np.mean((r >= 1) & (r <= 5))), 3),
                     "hit10": round(float(np.mean(r >= 1)), 3),
                     "mrr10": round(float(np.mean(np.where(r > 0, 1 / np.maximum(r, 1), 0))), 3)}  # fmt: skip
        print(name, out[name], file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mode", choices=["speed", "quality"])
    ap.add_argument("--chunks", type=int, default=200_000)
    ap.add_argument("--store", default="", help="quality: a store folder of rtqa-dev (copied, read only)")
    ap.add_argument("--set", default="", help="question set (speed: rtqa-train, quality: rtqa-dev)")
    args = ap.parse_args()
    if args.mode == "speed":
        got = speed(args.chunks, Path(args.set or SHARED / "bench" / "rtqa-train"))
    else:
        got = quality(Path(args.store), Path(args.set or SHARED / "bench" / "rtqa-dev"))
    print(json.dumps({"bench": f"lexical-{args.mode}", **got}))


if __name__ == "__main__":
    main()

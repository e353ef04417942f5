#!/usr/bin/env python3
"""A store of N chunks from rtqa-train's text (repeated with variations), vectors skipping the encoder.

Usage: python bench/scale.py --chunks N [--json] [--vectors words|random] [--set ../shared/bench/rtqa-train]
       [--dir FOLDER]
Prints one JSON line: chunks, build_s, query_p50_ms, query_p95_ms (hybrid retrieval, 200 questions, half
with an outlet or date filter), batch_ingest_s (200 new articles into the full store),
batch_ingest_s_empty (the same into an empty store), rss_mb (peak RSS of the answering process).
Each phase runs in its own process; NEWSDESK_CHROMA_HOST etc. are honoured (server mode).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_WORD = re.compile(r"\w+|[^\w\s]")
_SENT = re.compile(r"(?<=[.!?])\s+")


class RandomEmbedder:
    """Random unit vectors (seeded by the text) and word-count tokens: every cost of a store but encoding."""

    name, dimension, backend, max_tokens, batch_size = "scale-random-384", 384, "random", 256, 32

    def encode(self, texts, batch_size=None) -> np.ndarray:
        seed = int(hashlib.sha1("".join(t[:64] for t in texts[:4]).encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal((len(texts), self.dimension), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True) if len(texts) else v

    def embed_documents(self, texts):
        return self.encode(list(texts)).tolist()

    def embed_query(self, text):
        return self.encode([text])[0].tolist()

    def count_tokens(self, texts):
        return [len(_WORD.findall(t)) for t in texts]

    def token_spans(self, text):
        return [m.span() for m in _WORD.finditer(text)]


class WordsEmbedder(RandomEmbedder):
    """Unit vectors that keep the texts' similarity: hashed content-word counts through a fixed random
    projection, so similar chunks lie close as real embeddings do (iid random vectors are the worst case
    for HNSW insertion, which makes a batch into a full store look dearer than it is)."""

    name, backend = "scale-words-384", "words"

    def __init__(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        self.hasher = HashingVectorizer(
            n_features=2**15, stop_words="english", alternate_sign=False, norm=None
        )
        rng = np.random.default_rng(384)
        self.projection = rng.standard_normal((2**15, self.dimension), dtype=np.float32)

    def encode(self, texts, batch_size=None) -> np.ndarray:
        counts = self.hasher.transform(list(texts))
        counts.data = np.log1p(counts.data).astype(np.float32)
        v = np.asarray(counts @ self.projection, dtype=np.float32)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        return v / np.where(norms > 0, norms, 1.0)


EMBEDDERS = {"random": RandomEmbedder, "words": WordsEmbedder}


def _articles(source: Path) -> list[dict]:
    """The set's article records."""
    out = []
    for path in sorted((source / "articles").glob("*.jsonl")):
        out += [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [a for a in out if a.get("text")]


def variant(record: dict, copy: int, rng: random.Random) -> dict:
    """Copy `copy` of an article: its sentences reordered in part and thinned, dated `copy` weeks later."""
    if copy == 0:
        return record
    sents = [_drop_word(s, rng) for s in _SENT.split(record["text"])]
    keep = [s for s in sents if rng.random() > 0.15] or sents
    i = rng.randrange(len(keep))
    keep = keep[i:] + keep[:i]
    day = date.fromisoformat(record["published"]) if record.get("published") else date(2023, 1, 1)
    day += timedelta(weeks=copy)
    return {
        **record,
        "url": f"{record['url']}#v{copy}",
        "title": f"{record.get('title') or 'Untitled'} ({copy})",
        # one line opening with a dateline: a line holding a date is never an outlet's recurring boilerplate,
        # so a copy does not make its older copies' lines recur (which would re-store them)
        "text": f"{day:%B} {day.day}, {day.year} - " + " ".join(" ".join(keep).split()),
        "published": day.isoformat(),
    }


def _drop_word(sentence: str, rng: random.Random) -> str:
    """The sentence without one of its words, chosen at random (kept whole when short)."""
    words = sentence.split(" ")
    if len(words) >= 6:
        del words[rng.randrange(len(words))]
    return " ".join(words)


def _stored_chunks(settings) -> int:
    """Chunks the store's record holds."""
    from ingest.catalog import Catalog

    return Catalog(settings.record_url).stats()["chunks"]


def _settings(folder: Path, collection: str = "newsdesk"):
    from newsdesk.settings import Settings

    return Settings(data_dir=folder, ingest_batch_chunks=4000, collection=collection)


def build(folder: Path, n_chunks: int, source: Path, emb) -> dict:
    """Ingest variant articles until the store holds n_chunks; the batch of 200 is kept aside."""

    base, rng = _articles(source), random.Random(0)
    if not base:
        raise SystemExit(f"no articles under {source}/articles: pass --set")
    settings = _settings(folder / "store")
    work = folder / "input"
    work.mkdir(parents=True, exist_ok=True)
    _write_batch(folder, base, 999)
    started, chunks, copy, part = time.perf_counter(), 0, 0, max(200, min(2000, n_chunks // 150))
    while chunks < n_chunks:
        recs = []
        for a in base:
            recs.append(variant(a, copy, rng))
            if len(recs) >= part:
                _ingest(recs, work, settings, emb)
                recs, chunks = [], _stored_chunks(settings)
                if chunks >= n_chunks:
                    break
        if recs and chunks < n_chunks:
            _ingest(recs, work, settings, emb)
            chunks = _stored_chunks(settings)
        copy += 1
        print(f"  built {chunks} chunks, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return {"chunks": chunks, "build_s": round(time.perf_counter() - started, 1)}


def _write_batch(folder: Path, base: list[dict], copy: int) -> None:
    """The 200-article batch that is added last, as copy `copy` of the first 200 articles."""
    batch = [variant(a, copy, random.Random(copy)) for a in base[:200]]
    (folder / "batch.jsonl").write_text("\n".join(json.dumps(a) for a in batch) + "\n")


def _ingest(records: list[dict], work: Path, settings, emb) -> None:
    """Ingest these records as one file."""
    from ingest.pipeline import ingest_paths

    path = work / "part.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    ingest_paths([path], settings, embedder=emb)


def batch(folder: Path, target: Path, collection: str, emb) -> dict:
    """Seconds to ingest the kept-aside 200-article batch into the store in target (this collection)."""
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    settings = _settings(target, collection)
    result = ingest_paths([folder / "batch.jsonl"], settings, embedder=emb)
    return {"seconds": round(time.perf_counter() - started, 2), "chunks": result.chunks}


def query(folder: Path, source: Path, emb, n: int = 200) -> dict:
    """p50/p95 of hybrid retrieval over the store; half the questions carry an outlet or a date filter."""
    from assistant.components import get_components
    from assistant.types import Filters

    settings = _settings(folder / "store")
    questions = [json.loads(line)["question"] for line in (source / "questions.jsonl").open()]
    rng = random.Random(1)
    t0 = time.perf_counter()
    comps = get_components(settings, embedder=emb)
    retriever = comps.retriever()
    load_s = time.perf_counter() - t0
    outlets = sorted({a.outlet for a in list(comps.corpus().articles.values())[:5000] if a.outlet})
    times = []
    for i in range(n):
        q = questions[i % len(questions)]
        filters = None
        if i % 4 == 1:
            filters = Filters(outlets=[rng.choice(outlets)])
        elif i % 4 == 3:
            start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 365))
            filters = Filters(since=start, until=start + timedelta(days=30))
        qvec = emb.encode([q])[0]
        t = time.perf_counter()
        retriever.search(q, qvec, filters=filters)
        times.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"query_p50_ms": round(float(np.percentile(times, 50)), 1),
            "query_p95_ms": round(float(np.percentile(times, 95)), 1),
            "load_s": round(load_s, 1), "rss_mb": round(rss)}  # fmt: skip


def _phase(vectors: str, *args: str) -> dict:
    """Run one phase in its own process and read its JSON line."""
    out = subprocess.run(
        [sys.executable, __file__, "--vectors", vectors, "--phase", *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chunks", type=int, default=200_000)
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    shared = next(
        (p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared"
    )
    ap.add_argument("--set", default=str(shared / "bench" / "rtqa-train"))
    ap.add_argument("--dir", default="", help="work folder (default: a new temporary one, deleted after)")
    ap.add_argument("--reuse", action="store_true", help="measure the store already built in --dir")
    ap.add_argument("--vectors", choices=sorted(EMBEDDERS), default="words",
                    help="vectors: hashed words through a random projection (near as real ones), or iid random")  # fmt: skip
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    source = Path(args.set)
    if args.phase:
        kind, folder = args.phase[0], Path(args.phase[1])
        emb = EMBEDDERS[args.vectors]()
        got = {"build": lambda: build(folder, args.chunks, source, emb), "query": lambda: query(folder, source, emb),
               "batch": lambda: batch(folder, Path(args.phase[2]), args.phase[3], emb)}[kind]()  # fmt: skip
        print(json.dumps(got))
        return
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="newsdesk-scale-"))
    try:
        if args.reuse:  # the last run added its batch: this run adds a new one
            _write_batch(folder, _articles(source), 1000 + int(time.time()) % 100_000)
            built = {"chunks": _stored_chunks(_settings(folder / "store")), "build_s": None}
        else:
            built = _phase(
                args.vectors, "build", str(folder), "--chunks", str(args.chunks), "--set", str(source)
            )
        asked = _phase(args.vectors, "query", str(folder), "--set", str(source))
        full = _phase(args.vectors, "batch", str(folder), str(folder / "store"), "newsdesk")
        empty_name = f"scale-empty-{os.getpid()}"  # a collection of its own on a server
        empty = _phase(args.vectors, "batch", str(folder), str(folder / empty_name), empty_name)
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    figures = {**built, "query_p50_ms": asked["query_p50_ms"], "query_p95_ms": asked["query_p95_ms"],
               "batch_ingest_s": full["seconds"], "batch_ingest_s_empty": empty["seconds"],
               "batch_chunks_empty": empty["chunks"],
               "rss_mb": asked["rss_mb"], "answer_load_s": asked["load_s"], "batch_chunks": full["chunks"],
               "cpus": os.cpu_count(), "vectors": args.vectors, "chroma": os.environ.get("NEWSDESK_CHROMA_HOST") or "embedded"}  # fmt: skip
    if not args.json:
        for k, v in figures.items():
            print(f"{k:>22}: {v}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

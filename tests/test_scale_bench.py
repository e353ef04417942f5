"""bench/scale.py end to end on a tiny made-up set: every figure the issue asks for comes out as one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "river",
    "council",
    "budget",
    "flood",
    "shelter",
    "mayor",
    "school",
    "storm",
    "bridge",
    "harbour",
    "election",
    "vote",
    "market",
]


@pytest.mark.slow
def test_scale_bench_prints_its_figures(tmp_path):
    (tmp_path / "set" / "articles").mkdir(parents=True)
    lines = []
    for i in range(240):
        body = " ".join(
            f"The {WORDS[(i + j) % len(WORDS)]} report number {i} said item {j} changed." for j in range(30)
        )
        lines.append(json.dumps({"url": f"https://outlet{i % 3}.example/{i}", "title": f"Story {i}", "text": body,
                                 "published": f"2023-0{1 + i % 9}-1{i % 10}"}))  # fmt: skip
    (tmp_path / "set" / "articles" / "20230106.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "set" / "questions.jsonl").write_text(
        "".join(json.dumps({"question": f"What did the {w} report say?"}) + "\n" for w in WORDS)
    )
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--chunks", "600", "--json", "--set",
         str(tmp_path / "set"), "--dir", str(tmp_path / "work")],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("chunks", "build_s", "query_p50_ms", "query_p95_ms", "batch_ingest_s", "batch_ingest_s_empty",
                "rss_mb"):  # fmt: skip
        assert figures[key] > 0, key
    assert figures["chunks"] >= 600 and figures["batch_chunks"] >= figures["batch_chunks_empty"] > 0
    again = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--reuse", "--json", "--set", str(tmp_path / "set"),
         "--dir", str(tmp_path / "work")],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    reused = json.loads(again.stdout.strip().splitlines()[-1])
    assert reused["chunks"] > figures["chunks"] and reused["batch_chunks"] > 0  # a new batch, added again


def test_words_vectors_keep_the_texts_similarity():
    import importlib.util

    import numpy as np

    spec = importlib.util.spec_from_file_location("scale_bench", ROOT / "bench" / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    emb = scale.WordsEmbedder()
    a, b, c = emb.encode([
        "The council voted to repair the river bridge before the flood season.",
        "Before the flood season the council voted to repair the bridge.",
        "Shares in the chip maker fell after its quarterly results.",
    ])  # fmt: skip
    assert np.allclose([np.linalg.norm(a), np.linalg.norm(c)], 1.0, atol=1e-5)
    assert a @ b > 0.8 and abs(a @ c) < 0.3
    assert np.allclose(emb.encode(["same text"]), scale.WordsEmbedder().encode(["same text"]))

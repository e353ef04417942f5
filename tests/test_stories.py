"""Story index: near-duplicates join one story; unrelated articles and far-apart dates do not."""

from __future__ import annotations

import numpy as np

from ingest.stories import StoryIndex, from_bytes, signature, to_bytes

BODY = " ".join(
    f"The central bank raised its key rate by {i} points to fight inflation in sector {i}." for i in range(20)
)
OTHER = " ".join(
    f"Floodwaters closed the national park and stranded {i} visitors near river {i}." for i in range(20)
)


def _vec(seed: int, base: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = base + noise * rng.normal(size=base.shape) if base is not None else rng.normal(size=64)
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_paraphrase_joins_story_unless_dates_are_far_apart():
    base = _vec(1)
    index = StoryIndex(similarity_threshold=0.88, max_days=3)
    first = index.assign("a", signature("Rate hike", BODY), base, "2022-06-15")
    near = index.assign(
        "b", signature("Bank lifts rate", BODY + " Markets fell."), _vec(2, base, 0.02), "2022-06-16"
    )
    far = index.assign(
        "c", signature("Bank lifts rate again", BODY + " Markets rose."), _vec(3, base, 0.02), "2022-03-16"
    )
    unrelated = index.assign("d", signature("Park flooding", OTHER), _vec(4), "2022-06-15")
    assert near == first == "a"
    assert far == "c" and unrelated == "d"


def test_signature_round_trips_through_bytes():
    mh = signature("Rate hike", BODY)
    assert from_bytes(to_bytes(mh)).jaccard(mh) == 1.0


def test_a_spread_batch_loads_a_window_around_each_date_not_the_range_between(tmp_path, fake_embedder):
    from ingest.ingestor import Ingestor
    from ingest.models import Article
    from newsdesk.settings import Settings

    ingestor = Ingestor(Settings(data_dir=tmp_path / "store", story_days=3), fake_embedder)
    calls = []
    ingestor._load_signatures = lambda lo, hi, undated=False: calls.append((lo, hi, undated))
    dated = lambda day: (Article("t", "b", published=day), [])  # noqa: E731
    ingestor.story_index([dated("2023-01-10"), dated("2023-12-10")])
    assert calls == [
        (None, None, True),
        ("2023-01-06", "2023-01-14", False),
        ("2023-12-06", "2023-12-14", False),
    ]
    calls.clear()
    ingestor.story_index([dated("2023-01-12")])  # only the part not loaded yet
    assert calls == [("2023-01-14", "2023-01-16", False)]
    calls.clear()
    ingestor.story_index([dated("2023-01-11")])
    assert calls == []

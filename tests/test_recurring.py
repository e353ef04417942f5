"""Lines that recur across articles of one outlet are removed at ingest, in a batch and across runs."""

from __future__ import annotations

import json

from ingest.catalog import Catalog
from ingest.pipeline import ingest_paths

PLUG = "Here's what you need to know today"  # no rule knows it: only its recurrence marks it
QUOTE = "The minister said the talks with the union would continue on Monday."  # a shared sentence (9+ words)


def record(n: int, outlet: str, extra: list[str]) -> dict:
    """An article of outlet with its own text and the extra lines."""
    own = [f"Story {n} opens with its own news about the harbour number {n}.", f"Its second paragraph {n}."]
    return {"url": f"https://{outlet}/story-{n}", "title": f"Story {n}", "outlet": outlet,
            "published": "2022-06-15", "text": "\n\n".join([own[0], *extra, own[1]])}  # fmt: skip


def write(path, records: list[dict]):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def bodies(settings) -> dict[str, str]:
    return {r["url"]: r["body"] for r in Catalog(settings.record_url).articles()}


def test_a_line_in_several_articles_of_one_outlet_is_removed_from_all(settings, fake_embedder, tmp_path):
    batch = [record(n, "daily.example", [PLUG, QUOTE]) for n in range(4)]
    batch.append(record(9, "other.example", [PLUG]))  # one article of another outlet: its line stays
    result = ingest_paths([write(tmp_path / "b.jsonl", batch)], settings, embedder=fake_embedder)
    assert result.total("added") == 5
    got = bodies(settings)
    for n in range(4):
        body = got[f"https://daily.example/story-{n}"]
        assert PLUG not in body and f"harbour number {n}" in body and f"second paragraph {n}" in body
        assert QUOTE in body, "a longer line needs more articles than four"
    assert PLUG in got["https://other.example/story-9"]


def test_articles_stored_before_the_line_recurred_are_stripped_too(settings, fake_embedder, tmp_path):
    files = [write(tmp_path / f"a{n}.jsonl", [record(n, "daily.example", [PLUG])]) for n in range(3)]
    ingest_paths(files, settings, embedder=fake_embedder)  # one article per file: seen one at a time
    got = bodies(settings)
    assert all(PLUG not in got[f"https://daily.example/story-{n}"] for n in range(3)), got
    again = ingest_paths(files, settings, embedder=fake_embedder)
    assert again.total("unchanged") == 3 and again.total("updated") == 0 and again.chunks == 0


def test_a_later_run_knows_the_lines_already_in_the_store(settings, fake_embedder, tmp_path):
    ingest_paths([write(tmp_path / "b.jsonl", [record(n, "daily.example", [PLUG]) for n in range(3)])],
                 settings, embedder=fake_embedder)  # fmt: skip
    ingest_paths(
        [write(tmp_path / "c.jsonl", [record(7, "daily.example", [PLUG])])], settings, embedder=fake_embedder
    )
    assert PLUG not in bodies(settings)["https://daily.example/story-7"]


def test_a_long_line_needs_more_articles_and_memory_stays_bounded(settings, fake_embedder, tmp_path):
    batch = [record(n, "daily.example", [QUOTE]) for n in range(8)]
    ingest_paths([write(tmp_path / "b.jsonl", batch)], settings, embedder=fake_embedder)
    assert all(QUOTE not in b for b in bodies(settings).values())
    catalog = Catalog(settings.record_url)
    from ingest.recurring import line_key

    (ids,) = catalog.line_witnesses([("daily.example", line_key(QUOTE))]).values()
    assert len(ids) == settings.boilerplate_min_articles_long, "only as many ids as the threshold are kept"


def test_an_article_made_only_of_recurring_lines_keeps_its_text(settings, fake_embedder, tmp_path):
    same = [{"url": f"https://daily.example/copy-{n}", "title": f"Copy {n}", "outlet": "daily.example",
             "text": f"{PLUG}\n\nShort note."} for n in range(4)]  # fmt: skip
    ingest_paths([write(tmp_path / "b.jsonl", same)], settings, embedder=fake_embedder)
    assert all(b.strip() for b in bodies(settings).values())

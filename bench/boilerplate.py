"""Which lines ingest removes as boilerplate from a batch of JSONL articles: counts and a sample to read.

python bench/boilerplate.py ../shared/bench/rtqa-dev/articles/*.jsonl [--sample 60]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from ingest.boilerplate import is_boilerplate  # noqa: E402
from ingest.fields import normalize_line  # noqa: E402


def recurring_removed(files: list[Path]) -> Counter:
    """Lines the recurring-lines rule removes when the files are ingested in order (record in a temp folder)."""
    import tempfile

    from ingest.catalog import Catalog
    from ingest.parse import parse_file
    from ingest.recurring import RecurringLines
    from newsdesk.settings import Settings

    removed: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        rec = RecurringLines(Catalog(f"sqlite:///{tmp}/c.sqlite3"), settings.boilerplate_min_articles,
                             settings.boilerplate_min_articles_long)  # fmt: skip
        before = {}
        for path in files:
            articles = parse_file(path).articles
            before.update({a.id: a for a in articles})
            for old, new in zip(articles, rec.clean(articles), strict=True):
                removed.update(set(old.body.split("\n")) - set(new.body.split("\n")) - {""})
        for aid in rec.revisit:
            old = before[aid]
            removed.update(set(old.body.split("\n")) - set(rec.strip_known(old).body.split("\n")) - {""})
    return removed


def main() -> None:
    """Print the share of lines removed by the rules, the most frequent ones and a random sample."""
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--recurring", action="store_true", help="lines removed for recurring in an outlet")
    args = ap.parse_args()
    lines, removed = 0, Counter()
    for path in args.files:
        for row in path.read_text(encoding="utf-8").splitlines():
            for line in json.loads(row).get("text", "").split("\n"):
                if line := normalize_line(line):
                    lines += 1
                    if is_boilerplate(line):
                        removed[line] += 1
    if args.recurring:
        removed = recurring_removed(args.files)
    total = sum(removed.values())
    print(f"{total} of {lines} lines removed ({total / max(lines, 1):.1%}), {len(removed)} distinct")
    print("\nmost frequent:")
    for line, n in removed.most_common(25):
        print(f"{n:5d}  {line[:140]}")
    print("\nrandom sample of distinct removed lines:")
    for line in random.Random(args.seed).sample(sorted(removed), min(args.sample, len(removed))):
        print(f"   -  {line[:160]}")


if __name__ == "__main__":
    main()

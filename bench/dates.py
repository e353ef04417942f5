"""Share of articles dated at ingest, per outlet and per date source: parses the files, embeds nothing.

python bench/dates.py /work/shared/bench/rtqa-dev/articles /work/shared/bench/rtqa-train/articles
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def main() -> None:
    """Print the dated share of each folder, per outlet and per source of the date."""
    from ingest.dates import assign
    from ingest.parse import find_input_files, parse_file

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--json", action="store_true", help="print one JSON object per folder")
    args = ap.parse_args()
    for folder in args.folders:
        total, dated, by_source = Counter(), Counter(), Counter()
        for path in find_input_files([folder]):
            for article in parse_file(path).articles:
                assign(article)
                outlet = article.outlet or "unknown"
                total[outlet] += 1
                dated[outlet] += article.date_source != "none"
                by_source[article.date_source] += 1
        n, d = sum(total.values()), sum(dated.values())
        row = {
            "folder": str(folder),
            "articles": n,
            "dated": d,
            "share": round(d / max(n, 1), 4),
            "by_source": dict(by_source.most_common()),
            "per_outlet": {
                o: {"articles": total[o], "dated": dated[o], "share": round(dated[o] / total[o], 4)}
                for o, _ in total.most_common()
            },  # fmt: skip
        }
        if args.json:
            print(json.dumps(row))
            continue
        print(f"{folder}: {d}/{n} dated ({row['share']:.1%}); by source: {row['by_source']}")
        for o, v in row["per_outlet"].items():
            print(f"  {o:28s} {v['dated']:5d}/{v['articles']:<5d} {v['share']:.1%}")


if __name__ == "__main__":
    main()

"""Words written in lower case mid-sentence far more often than capitalised, counted over a set's articles.

A capitalised first word of a sentence is a name only when it is not one of these ("Overall, ...",
"Scientists have ...", "Taking cake to work ..."). Fit on rtqa-train; the answer reads the file it writes.

python bench/common_words.py --train-set ../shared/bench/rtqa-train [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/concurrent.py would shadow the stdlib package

from assistant.wordlists import word_key  # noqa: E402

OUT = ROOT / "assistant" / "fitted" / "common_words.txt"
_TOKEN = re.compile(r"(?<![\w'’.-])[A-Za-z][a-z'’-]*[a-z](?![\w’'-])")
# the text before a mid-sentence word ends in a letter, digit, comma or semicolon
_MID = re.compile(r"[\w,;]$")
MIN_LOWER, MIN_SHARE = 5, 0.9


def count_cases(texts) -> tuple[Counter, Counter]:
    """Mid-sentence occurrences per lower-cased word: written in lower case, and capitalised."""
    lower, upper = Counter(), Counter()
    for text in texts:
        for m in _TOKEN.finditer(text):
            if not _MID.search(text[max(0, m.start() - 3) : m.start()].rstrip()):
                continue
            w = m.group()
            (lower if w.islower() else upper)[word_key(w)] += 1
    return lower, upper


def common_words(lower: Counter, upper: Counter) -> list[str]:
    """Words seen in lower case at least MIN_LOWER times and in that case at least MIN_SHARE of the time."""
    return sorted(w for w, n in lower.items() if n >= MIN_LOWER and n >= MIN_SHARE * (n + upper[w]))


def main() -> None:
    """Count the train set's articles and print (or write) the common-word list's size and a sample."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-set", type=Path, required=True)
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    texts = (json.loads(line).get("text") or "" for f in sorted((args.train_set / "articles").glob("*.jsonl"))
             for line in f.open(encoding="utf-8") if line.strip())  # fmt: skip
    words = common_words(*count_cases(texts))
    print(json.dumps({"words": len(words), "min_lower": MIN_LOWER, "min_share": MIN_SHARE}))
    if args.write:
        OUT.write_text("".join(w + "\n" for w in words), encoding="utf-8")
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""How often the "Reports differ" line fires on a question set, with each case's cited sentences to check.

NEWSDESK_DATA_DIR=STORE python bench/disagree.py /work/shared/bench/rtqa-dev/questions.jsonl --rows out.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def main() -> None:
    """Answer every question as of its date; print how many answers carry the line, and each case (with
    --rows, also every answer citing two articles of one story, to check by hand)."""
    from assistant.core import answer
    from assistant.eval import load_questions
    from newsdesk.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", type=Path)
    ap.add_argument("--every", type=int, default=1, help="take every n-th question")
    ap.add_argument("--rows", type=Path, help="write each fired case as JSON lines here")
    args = ap.parse_args()
    settings = Settings()
    questions = load_questions(args.questions)[:: args.every]
    fired, answered, same_story, pairs = [], 0, 0, []
    for q in questions:
        a = answer(q.text, settings=settings, as_of=q.date)
        if a.refused:
            continue
        answered += 1
        stories = [s.story_id for s in a.sources]
        same_story += len(stories) != len(set(stories))
        by_story: dict[str, set[str]] = {}
        for s in a.sources:
            by_story.setdefault(s.story_id, set()).add(s.article_id)
        if any(len(ids) > 1 for ids in by_story.values()):
            pairs.append({"question": q.text, "sources": [{"n": s.n, "outlet": s.outlet, "story": s.story_id,
                          "cited": s.text[s.span[0] : s.span[1]]} for s in a.sources
                          if len(by_story[s.story_id]) > 1]})  # fmt: skip
        line = next((x for x in a.text.split("\n") if x.startswith("Reports differ:")), None)
        if line:
            fired.append({"question": q.text, "line": line, "sources": [
                {"n": s.n, "outlet": s.outlet, "published": s.published, "story": s.story_id,
                 "cited": s.text[s.span[0] : s.span[1]]} for s in a.sources]})  # fmt: skip
    print(f"{args.questions}: {len(questions)} questions, {answered} answered, {same_story} answers citing two "
          f"passages of one story ({len(pairs)} of two articles of one story), {len(fired)} with a 'Reports "
          "differ' line")  # fmt: skip
    for case in fired:
        print("-", case["question"], "->", case["line"])
    if args.rows:
        rows = [{"fired": True, **c} for c in fired] + [{"fired": False, **c} for c in pairs]
        args.rows.write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in rows), encoding="utf-8"
        )


if __name__ == "__main__":
    main()

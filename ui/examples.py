"""Example questions for the empty chat, made from the newest stories' headlines."""

from __future__ import annotations

import re


def example_questions(titles: list[tuple[str, str | None]], n: int = 3) -> list[str]:
    """Questions about the newest stories: one per story, from its newest article's headline."""
    questions, stories = [], set()
    for title, story in titles:
        head = re.split(r"\s+[|–—-]\s+(?=[^|–—-]{1,30}$)", " ".join((title or "").split()))[0].rstrip(" .?!:")
        if len(head.split()) < 3 or (story or head) in stories:
            continue
        stories.add(story or head)
        questions.append(f"What do the articles say about “{head}”?")
        if len(questions) == n:
            break
    return questions

"""The extractive engine: answers quote the best-scored passage sentences; no LLM, nothing to start."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.engines import Engine, register


@register
class ExtractiveEngine(Engine):
    """Quotes sentences from the passages (composition lives in assistant.core / assistant.extractive)."""

    name = "extractive"
    summary = "quotes the passages' best sentences; no LLM, runs anywhere"
    uses_llm = False

    def describe(self) -> str:
        """'extractive, no LLM'."""
        return "extractive, no LLM"

    def rewrite(self, question: str, history) -> str:
        """The follow-up made standalone by rule."""
        from assistant.followup import rule_rewrite

        return rule_rewrite(question, history)

    def compose(self, result, passages: list, sentences: list, corpus) -> Iterator[str]:
        """The answer composed from the chosen sentences, by the assistant's extractive composer."""
        from assistant.core import _extractive

        return _extractive(result, passages, sentences, corpus)

    def check(self) -> str:
        """Nothing to reach: always ready."""
        return "ready"

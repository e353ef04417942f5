"""Assistant: retrieve passages, answer with checked inline citations, refuse when the articles are silent.

Public API: `answer(question, history=(), filters=None, settings=None) -> Answer` and
`stream_answer(...)`, which yields text pieces and then the final `Answer`.
"""

from assistant.types import Answer, Filters, Source

__all__ = ["Answer", "Filters", "Source", "answer", "stream_answer"]


def answer(question, history=(), filters=None, settings=None, as_of=None):
    """Answer a question from the stored articles."""
    from assistant.core import answer as _answer

    return _answer(question, history=history, filters=filters, settings=settings, as_of=as_of)


def stream_answer(question, history=(), filters=None, settings=None, as_of=None):
    """Yield the answer's text pieces, then the final Answer."""
    from assistant.core import stream_answer as _stream

    yield from _stream(question, history=history, filters=filters, settings=settings, as_of=as_of)

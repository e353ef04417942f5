"""The openai and gguf engines against a real llama.cpp (SmolLM2-135M GGUF via xllamacpp): slow, on loopback.

SmolLM2-135M invents facts, so most replies are pinned with a llama.cpp grammar: the real server still
tokenises, samples and streams them, and the assistant still parses, renumbers and checks what arrives.
"""

from __future__ import annotations

import re

import pytest

from assistant import Answer, answer, stream_answer
from assistant.citations import split_answer
from assistant.components import get_components
from newsdesk.errors import LLMError
from tests.llama_server import LlamaServer, fetch_smollm2

pytestmark = pytest.mark.slow

XI = "When might Xi visit Moscow?"
PINNED = "Xi could visit Moscow in April or early May [2]. The summit will take place on the Moon with penguins [9]."
FOLLOW_UP = "When might he visit Moscow?"
REWRITE = "When might Xi Jinping visit Moscow?"
HISTORY = [
    {"role": "user", "content": "Who is Xi Jinping?"},
    {"role": "assistant", "content": "China's leader [1]."},
]


def grammar(text: str) -> str:
    """A GBNF grammar whose only sentence is this text."""
    return 'root ::= "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def gguf():
    return fetch_smollm2()


@pytest.fixture(scope="module")
def server(gguf):
    with LlamaServer(gguf) as s:
        yield s


def _openai(settings, url: str):
    return settings.model_copy(update={"llm": "openai", "openai_base_url": url, "openai_model": "smollm2",
                                       "top_k": 2, "llm_timeout": 300})  # fmt: skip


def _pinned_openai(settings, text: str):
    """The openai engine's own client, every reply pinned to this text by a grammar."""
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url=settings.openai_base_url, model=settings.openai_model, api_key="x",
                       timeout=settings.llm_timeout, max_retries=0, temperature=0)  # fmt: skip
    return model.bind(extra_body={"grammar": grammar(text)})


def _check_pinned(items: list):
    """Streamed pieces and the final answer of PINNED: [2] renumbered to [1], phantom [9] gone, the Moon flagged."""
    final = items[-1]
    pieces = items[:-1]
    assert isinstance(final, Answer) and not final.refused
    assert len(pieces) > 3 and "".join(pieces) == final.text
    assert not any("9" in p for p in pieces)
    assert final.text == (
        "Xi could visit Moscow in April or early May [1]. The summit will take place on the Moon with penguins."
    )
    assert final.removed_markers == ["[9]"] and [s.n for s in final.sources] == [1]
    assert "The summit will take place on the Moon with penguins." in final.unsupported
    return final


def test_openai_engine_on_llama_cpp_streams_renumbers_and_flags(seed_settings, server):
    settings = _openai(seed_settings, server.openai_url)
    get_components(settings, llm=_pinned_openai(settings, PINNED))
    final = _check_pinned(list(stream_answer(XI, settings=settings)))
    assert final.engine == "openai" and final.engine_line.startswith("openai: smollm2 at http://127.0.0.1:")


def test_openai_engine_on_llama_cpp_rewrites_the_follow_up(seed_settings, server):
    settings = _openai(seed_settings, server.openai_url).model_copy(update={"top_k": 1})
    get_components(settings, llm=_pinned_openai(settings, REWRITE))
    a = answer(FOLLOW_UP, history=HISTORY, settings=settings)
    assert a.standalone_question == REWRITE  # the model's rewrite, not the rule's
    assert not a.refused and a.sources == [] and a.unsupported == [REWRITE]  # it cites nothing


def test_openai_engine_on_llama_cpp_unpinned_end_to_end(seed_settings, server):
    """The engine's own client, the model free: whatever it says arrives whole, numbered and checked."""
    settings = _openai(seed_settings, server.openai_url).model_copy(
        update={"top_k": 1, "openai_model": "free"}
    )
    items = list(stream_answer(FOLLOW_UP, HISTORY, settings=settings))
    final = items[-1]
    assert final.standalone_question.strip() and final.text == "".join(items[:-1]).strip()
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", final.text)}
    assert numbers <= {s.n for s in final.sources} and [s.n for s in final.sources] == list(
        range(1, len(final.sources) + 1)
    )
    sentences = {s for s, _ in split_answer(final.text)}
    assert set(final.unsupported) <= sentences


def test_llama_cpp_dying_mid_stream_is_a_clear_error(seed_settings, gguf):
    long = "Xi could visit Moscow in April or early May [1]." + " Talks went on and on [1]." * 40
    with LlamaServer(gguf) as dying:
        settings = _openai(seed_settings, dying.openai_url)
        get_components(settings, llm=_pinned_openai(settings, long))
        stream = stream_answer(XI, settings=settings)
        first = next(stream)
        assert first and long.startswith(first)  # the answer had begun to stream
        dying.kill()
        with pytest.raises(LLMError) as info:
            list(stream)
    text = str(info.value)
    assert dying.openai_url in text and "NEWSDESK_OPENAI_BASE_URL" in text


def _gguf(settings, path):
    return settings.model_copy(update={"llm": "gguf", "gguf_path": str(path), "top_k": 2})


def _pinned_gguf(settings, text: str):
    """The gguf engine's own in-process model, every reply pinned to this text."""
    from assistant.engines import get_engine

    return get_engine(settings).model().bind(grammar=grammar(text))


def test_gguf_engine_in_process_streams_renumbers_and_flags(seed_settings, gguf):
    settings = _gguf(seed_settings, gguf)
    get_components(settings, llm=_pinned_gguf(settings, PINNED))
    final = _check_pinned(list(stream_answer(XI, settings=settings)))
    assert final.engine == "gguf" and final.engine_line == "gguf: SmolLM2-135M-Instruct.Q4_1"


def test_gguf_engine_in_process_rewrites_the_follow_up(seed_settings, gguf):
    settings = _gguf(seed_settings, gguf).model_copy(update={"top_k": 1})
    get_components(settings, llm=_pinned_gguf(settings, REWRITE))
    a = answer(FOLLOW_UP, history=HISTORY, settings=settings)
    assert a.standalone_question == REWRITE and a.unsupported == [REWRITE]


def test_gguf_engine_check_answers_and_a_broken_file_is_a_clear_error(seed_settings, gguf, tmp_path):
    from assistant.engines import get_engine

    assert get_engine(_gguf(seed_settings, gguf)).check().strip()
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(gguf.read_bytes()[: 1 << 20])  # a download cut short
    with pytest.raises(LLMError) as info:
        answer(XI, settings=_gguf(seed_settings, broken))
    assert str(broken) in str(info.value) and "NEWSDESK_GGUF_PATH" in str(info.value)

"""The gguf engine: a local GGUF model run in-process by llama.cpp through xllamacpp (`pip install newsdesk[gguf]`)."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.engines import register
from assistant.engines.chat import ChatEngine
from newsdesk.errors import LLMError

EXTRA_HINT = "install the optional extra: pip install 'newsdesk[gguf]' (it brings xllamacpp)"
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_SERVERS: dict[tuple, Any] = {}
_LOCK = threading.Lock()


def llama_params(path: str, threads: int = 0, context: int = 4096):
    """xllamacpp.CommonParams for one GGUF file: CPU threads, context size, llama.cpp's logs quiet."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = context
    params.n_parallel = 1
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads or (os.cpu_count() or 1)
    params.hostnames = ["127.0.0.1"]  # llama.cpp's own HTTP server only ever on loopback
    params.verbosity = -1
    return params


def load_server(path: str, threads: int = 0, context: int = 4096):
    """The xllamacpp server over this GGUF, loaded once per file and parameters."""
    key = (str(Path(path).resolve()), threads, context)
    with _LOCK:
        if key not in _SERVERS:
            import xllamacpp

            _SERVERS[key] = xllamacpp.Server(llama_params(path, threads, context))
        return _SERVERS[key]


def _payload(messages, max_tokens: int, stream: bool, options: dict) -> dict:
    """An OpenAI-style chat request from LangChain messages (greedy decoding; llama.cpp options such as grammar)."""
    turns = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
    extra = {k: v for k, v in options.items() if k in ("grammar", "stop", "seed") and v is not None}
    max_tokens = options.get("max_tokens") or max_tokens
    return {"messages": turns, "max_tokens": max_tokens, "temperature": 0, "stream": stream, **extra}


def _failure(reply) -> str:
    """The error a llama.cpp reply carries, or ''."""
    if isinstance(reply, dict) and reply.get("error"):
        err = reply["error"]
        return str(err.get("message", err) if isinstance(err, dict) else err)
    return ""


class GGUFChatModel(BaseChatModel):
    """A LangChain chat model over an in-process llama.cpp server."""

    path: str
    threads: int = 0
    context: int = 4096
    max_tokens: int = 512

    @property
    def _llm_type(self) -> str:
        return "gguf-xllamacpp"

    def _server(self):
        return load_server(self.path, self.threads, self.context)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        reply = self._server().handle_chat_completions(
            _payload(messages, self.max_tokens, False, {**kwargs, "stop": stop})
        )
        if _failure(reply):
            raise LLMError(f"llama.cpp failed: {_failure(reply)}")
        text = reply["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(text))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        pieces: queue.Queue = queue.Queue()
        done = object()

        def run():
            try:
                self._server().handle_chat_completions(
                    _payload(messages, self.max_tokens, True, {**kwargs, "stop": stop}), pieces.put
                )
            except Exception as exc:  # surfaced to the reader below
                pieces.put(exc)
            pieces.put(done)

        threading.Thread(target=run, daemon=True, name="gguf-stream").start()
        while (item := pieces.get()) is not done:
            if isinstance(item, Exception):
                raise item
            if _failure(item):
                raise LLMError(f"llama.cpp failed: {_failure(item)}")
            for choice in item.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk


@register
class GGUFEngine(ChatEngine):
    """A GGUF model run in this process by llama.cpp; nothing to start."""

    name = "gguf"
    summary = "a local GGUF file run in-process by llama.cpp (NEWSDESK_GGUF_PATH; extra newsdesk[gguf])"
    extra = "gguf"
    check_options = {"max_tokens": 5}
    options = {"gguf_path": "GGUF file"}

    def missing(self) -> str:
        """What stops it: no xllamacpp, no file set, or no file there."""
        try:
            import xllamacpp  # noqa: F401
        except ImportError:
            return "The gguf engine needs the xllamacpp package, which is not installed."
        path = self.settings.gguf_path
        if not path:
            return "The gguf engine needs a GGUF file and NEWSDESK_GGUF_PATH is empty."
        if not Path(path).is_file():
            return f"The GGUF file {path} does not exist."
        return ""

    def load(self):
        """The chat model over the configured GGUF (LLMError saying what to install or set)."""
        problem = self.missing()
        if problem:
            raise LLMError(problem, self.fix())
        s = self.settings
        model = GGUFChatModel(path=s.gguf_path, threads=s.gguf_threads, context=s.gguf_context,
                              max_tokens=s.gguf_max_tokens)  # fmt: skip
        try:
            model._server()
        except Exception as exc:
            raise LLMError(
                f"llama.cpp could not load the GGUF file {s.gguf_path}: {exc}", self.fix()
            ) from exc
        return model

    def describe(self) -> str:
        """'gguf: FILE-STEM'."""
        return f"gguf: {Path(self.settings.gguf_path).stem or '(no file set)'}"

    def server(self) -> tuple[str, str]:
        """The GGUF file and its setting."""
        return self.settings.gguf_path or "(no file set)", "NEWSDESK_GGUF_PATH"

    def fix(self) -> str:
        """Install the extra, or point the setting at a readable GGUF file."""
        try:
            import xllamacpp  # noqa: F401
        except ImportError:
            return EXTRA_HINT + ", or set NEWSDESK_LLM=extractive to answer without an LLM."
        return (
            "point NEWSDESK_GGUF_PATH at a readable .gguf chat model (a small one such as SmolLM2-135M-Instruct "
            "works for trying it), or set NEWSDESK_LLM=extractive to answer without an LLM."
        )

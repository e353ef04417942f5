"""Answer engines behind one seam: the `Engine` interface and a registry keyed by NEWSDESK_LLM.

Each engine lives in its own module here and registers itself with `@register`; the CLI, the app and
the assistant only ever go through `engine_names()`, `engine_class()` and `get_engine()`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from newsdesk.errors import ConfigError, LLMError

_MODULES = ("extractive", "openai", "ollama", "gguf")  # built-in engines, in the order they are listed
_REGISTRY: dict[str, type[Engine]] = {}


class Engine:
    """One way of answering: rewrite a follow-up, stream an answer over numbered passages, say how to fix it."""

    name: str = ""
    summary: str = ""  # what it is, in a few words, for `newsdesk engines`
    extra: str = ""  # the pip extra its packages come from, when they are optional
    uses_llm: bool = True
    options: dict[str, str] = {}  # setting field -> label, offered in the app's engine chooser

    def __init__(self, settings, model=None):
        self.settings = settings
        self._model = model

    def model(self):
        """The loaded model (a LangChain chat model for the LLM engines), built on first use."""
        if self._model is None:
            self._model = self.load()
        return self._model

    def load(self):
        """Build the model from the settings."""
        return None

    def missing(self) -> str:
        """Why this engine cannot run here (a missing package or file), or '' when it can."""
        return ""

    def describe(self) -> str:
        """The engine in one line, e.g. "extractive, no LLM"."""
        return self.name

    def server(self) -> tuple[str, str]:
        """(where its model answers, the setting that changes it)."""
        return "", ""

    def fix(self) -> str:
        """How to fix its server or model when it fails."""
        where, setting = self.server()
        return (
            f"start the server or point {setting} at a running one (and check the model name), "
            "or set NEWSDESK_LLM=extractive to answer without an LLM."
            if setting
            else "set NEWSDESK_LLM=extractive to answer without an LLM."
        )

    def error(self, exc: Exception) -> LLMError:
        """An LLMError saying what failed, where, and how to fix it."""
        if isinstance(exc, LLMError):
            return exc
        return LLMError(
            f"The {self.name} engine ({self.describe()}) failed: {type(exc).__name__}: {exc}", self.fix()
        )

    def rewrite(self, question: str, history) -> str:
        """The follow-up question made standalone."""
        raise NotImplementedError

    def stream(self, question: str, passages: list) -> Iterator[str]:
        """The answer's text over the numbered passages, with [n] markers, piece by piece."""
        raise NotImplementedError

    def compose(self, result, passages: list, sentences: list, corpus) -> Iterator[str] | None:
        """An answer the engine composes itself from the scored sentences, or None to stream() one."""
        return None

    def check(self) -> str:
        """One small request to see that the engine answers; returns its reply, raises LLMError."""
        return ""


def register(cls: type[Engine]) -> type[Engine]:
    """Class decorator: make an engine choosable by its name."""
    _REGISTRY[cls.name] = cls
    return cls


def _load() -> dict[str, type[Engine]]:
    """The registry, with the built-in engine modules imported (they import their packages lazily)."""
    for module in _MODULES:
        importlib.import_module(f"assistant.engines.{module}")
    return _REGISTRY


def engine_names() -> list[str]:
    """Every registered engine name."""
    return list(_load())


def engine_class(name: str) -> type[Engine]:
    """The engine registered under this name; ConfigError naming the choices otherwise."""
    engines = _load()
    if name not in engines:
        raise ConfigError(
            f"There is no answer engine {name!r}.", f"set NEWSDESK_LLM to one of: {', '.join(engines)}."
        )
    return engines[name]


def get_engine(settings, model=None) -> Engine:
    """The engine NEWSDESK_LLM names, over this model (built from the settings when not given)."""
    return engine_class(settings.llm)(settings, model)


def engine_fields(settings) -> set[str]:
    """The settings only engines read: NEWSDESK_LLM, LLM_* and each engine's own <NAME>_* fields."""
    prefixes = ("llm_", *(f"{name}_" for name in engine_names()))
    return {f for f in type(settings).model_fields if f == "llm" or f.startswith(prefixes)}


def engine_key(settings) -> str:
    """What tells one engine setup from another: its settings, as JSON."""
    return settings.model_dump_json(include=engine_fields(settings))

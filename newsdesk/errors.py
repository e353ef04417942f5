"""The small family of errors newsdesk raises; each message says how to fix the problem."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base error: a message for the user and, where one exists, the fix."""

    exit_code = 1

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.fix}" if self.fix else self.message


class ConfigError(NewsdeskError):
    """A setting is missing or wrong."""

    exit_code = 2


class InputError(NewsdeskError):
    """An input file or record cannot be read; names the file and line or field."""

    def __init__(self, path: str, message: str, line: int | None = None, fix: str | None = None):
        where = f"{path}:{line}" if line and f"line {line}" not in message else str(path)
        super().__init__(f"{where}: {message}", fix)
        self.path = str(path)
        self.line = line


class StoreError(NewsdeskError):
    """The article store cannot be opened, read or written."""


class EmptyStoreError(StoreError):
    """The store holds no articles yet."""

    def __init__(self, store: str = ""):
        super().__init__(
            f"No articles are stored yet{f' in {store}' if store else ''}.",
            "ingest some first: `newsdesk ingest data/sample` (or use the Ingest page of the app).",
        )


class ModelMismatchError(StoreError):
    """The collection was built with another embedding model."""


class LLMError(NewsdeskError):
    """The language-model server cannot be reached or answered badly."""

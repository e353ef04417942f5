"""The ollama engine: a model served by Ollama's /api/chat via langchain-ollama."""

from __future__ import annotations

from assistant.engines import register
from assistant.engines.chat import ChatEngine


@register
class OllamaEngine(ChatEngine):
    """Chat from an Ollama server."""

    name = "ollama"
    options = {"ollama_base_url": "Server URL", "ollama_model": "Model"}
    summary = "an Ollama server (NEWSDESK_OLLAMA_BASE_URL, NEWSDESK_OLLAMA_MODEL)"

    def load(self):
        """A ChatOllama client for the configured server."""
        from langchain_ollama import ChatOllama

        s = self.settings
        return ChatOllama(
            base_url=s.ollama_base_url, model=s.ollama_model, temperature=0,
            client_kwargs={"timeout": s.llm_timeout},
        )  # fmt: skip

    def describe(self) -> str:
        """'ollama: MODEL at URL'."""
        return f"ollama: {self.settings.ollama_model} at {self.settings.ollama_base_url}"

    def server(self) -> tuple[str, str]:
        """The server URL and its setting."""
        return self.settings.ollama_base_url, "NEWSDESK_OLLAMA_BASE_URL"

"""The openai engine: any OpenAI-compatible chat server (llama.cpp, vLLM, LM Studio, OpenAI) via langchain-openai."""

from __future__ import annotations

from assistant.engines import register
from assistant.engines.chat import ChatEngine


@register
class OpenAIEngine(ChatEngine):
    """Chat completions from an OpenAI-compatible server."""

    name = "openai"
    options = {"openai_base_url": "Server URL", "openai_model": "Model"}
    check_options = {"max_tokens": 5}
    summary = "an OpenAI-compatible chat server (NEWSDESK_OPENAI_BASE_URL, NEWSDESK_OPENAI_MODEL)"

    def load(self):
        """A ChatOpenAI client for the configured server."""
        from langchain_openai import ChatOpenAI

        s = self.settings
        return ChatOpenAI(
            base_url=s.openai_base_url, model=s.openai_model, api_key=s.openai_api_key,
            timeout=s.llm_timeout, max_retries=1, temperature=0,
        )  # fmt: skip

    def describe(self) -> str:
        """'openai: MODEL at URL'."""
        return f"openai: {self.settings.openai_model} at {self.settings.openai_base_url}"

    def server(self) -> tuple[str, str]:
        """The server URL and its setting."""
        return self.settings.openai_base_url, "NEWSDESK_OPENAI_BASE_URL"

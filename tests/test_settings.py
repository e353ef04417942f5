"""Settings: every field is documented in .env.example, and environment variables apply."""

from __future__ import annotations

from pathlib import Path

from newsdesk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_with_a_description():
    text = (ROOT / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        assert f"NEWSDESK_{name.upper()}=" in text, name
        assert field.description and f"# {field.description}" in text, name


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSDESK_TOP_K", "9")
    s = Settings()
    assert s.data_dir == tmp_path and s.top_k == 9
    assert s.record_url.startswith("sqlite:///") and s.record_url.endswith("catalog.sqlite3")

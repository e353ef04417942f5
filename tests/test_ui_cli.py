"""`newsdesk ui` starts streamlit on the app: local address by default, headless, no telemetry."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def launched(monkeypatch):
    """The command and environment `newsdesk ui` would run."""
    seen = {}

    def fake_exec(path, command, env):
        seen.update(path=path, command=command, env=env)

    monkeypatch.setattr(os, "execve", fake_exec)
    monkeypatch.setenv("NEWSDESK_MAX_UPLOAD_MB", "7")
    return seen


def option(command: list[str], name: str) -> str:
    """The value after a command-line option."""
    return command[command.index(name) + 1]


def test_ui_defaults(launched):
    result = CliRunner().invoke(cli.app, ["ui"])
    assert result.exit_code == 0, result.output
    command = launched["command"]
    assert launched["path"] == sys.executable
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(command[4]) == ROOT / "ui" / "app.py" and Path(command[4]).is_file()
    assert option(command, "--server.address") == "127.0.0.1"
    assert option(command, "--server.port") == "8501"
    assert option(command, "--server.headless") == "true"
    assert option(command, "--browser.gatherUsageStats") == "false"
    assert option(command, "--server.maxUploadSize") == "7"
    assert str(ROOT) in launched["env"]["PYTHONPATH"].split(":")


def test_ui_host_and_port(launched):
    result = CliRunner().invoke(cli.app, ["ui", "--host", "0.0.0.0", "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert option(launched["command"], "--server.address") == "0.0.0.0"
    assert option(launched["command"], "--server.port") == "9000"

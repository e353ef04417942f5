"""The CLI as a new user meets it: busy ports, readable tables and times, quiet logs, clean --help."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk import cli
from tests.conftest import WordOverlapEmbedder

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, width: int = 100):
    """The CLI's result for these arguments, on a terminal of the given width."""
    return CliRunner().invoke(cli.app, list(args), env={"COLUMNS": str(width)})


@pytest.fixture
def store(tmp_path, monkeypatch):
    """NEWSDESK_DATA_DIR on a fresh store; ingest uses the fake embedder."""
    import ingest.embed

    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setattr(ingest.embed, "load_embedder", lambda settings: WordOverlapEmbedder())
    return tmp_path


def test_ui_on_a_busy_port_says_so_before_starting_and_names_a_free_one(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSDESK_DATA_DIR": str(tmp_path / "store")}
        got = subprocess.run([sys.executable, "-m", "newsdesk.cli", "ui", "--port", str(port)], env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert got.returncode == 2, got.stdout + got.stderr
    assert f"Port {port} on 127.0.0.1 is not available" in got.stderr
    assert re.search(r"fix:.*newsdesk ui --port \d+", got.stderr) and "make run PORT=" in got.stderr
    assert "http://" not in got.stderr + got.stdout, "the URL is printed only when the app can start"


def test_make_run_takes_a_port():
    got = subprocess.run(["make", "-n", "run", "PORT=8600"], cwd=ROOT, capture_output=True, text=True)
    assert "newsdesk ui --port 8600" in got.stdout, got.stdout + got.stderr
    fast = subprocess.run(["make", "-n", "test-fast"], cwd=ROOT, capture_output=True, text=True)
    assert '-m "not slow"' in fast.stdout


def test_stats_last_ingest_is_iso_in_json_and_readable_in_the_table(store):
    folder = store / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"title": "Tram", "text": "The tram line opened."}))
    assert run("ingest", str(folder)).exit_code == 0
    data = json.loads(run("stats", "--json").stdout)
    stamp = datetime.fromisoformat(data["last_ingest"])
    assert stamp.tzinfo is not None and abs((datetime.now(stamp.tzinfo) - stamp).total_seconds()) < 600
    table = run("stats").stdout
    assert stamp.astimezone().strftime("%Y-%m-%d %H:%M") in table
    assert not re.search(r"\d{10}\.\d+", table), table


def test_ingest_table_names_files_whole_and_reasons_without_the_path(store):
    folder = store / "a_folder_with_a_rather_long_name" / "and_a_subfolder"
    folder.mkdir(parents=True)
    (folder / "latin1_encoded_article_export.txt").write_bytes(
        "Caf\xe9 owners protest\n\nThe caf\xe9 owners of the old town protested on Monday.\n".encode(
            "latin-1"
        )
    )
    (folder / "meeting_notes_from_the_editor.docx").write_bytes(b"PK\x03\x04")
    good = json.dumps({"title": "Tram", "text": "The tram line opened."})
    (folder / "records_with_two_bad_lines.jsonl").write_text(f"{good}\n{{oops\n[1]\n")
    result = run("ingest", str(store / "a_folder_with_a_rather_long_name"), width=120)
    assert result.exit_code == 1, result.output  # the two bad lines failed
    lines = result.stdout.splitlines()
    for name in ("latin1_encoded_article_export.txt", "meeting_notes_from_the_editor.docx",
                 "records_with_two_bad_lines.jsonl"):  # fmt: skip
        assert any(name in line for line in lines), result.stdout  # never cut mid-word
    assert "/and_a_subfolder/" not in result.stdout, "the reason does not repeat the path"
    assert "not UTF-8; decoded as cp1252" in result.stdout
    reasons = " ".join(" ".join(x.split("│")[-2:-1]) for x in lines)
    assert "unsupported type .docx" in " ".join(reasons.split())


@pytest.mark.parametrize("command", [[], ["ingest"], ["stats"], ["ask"], ["eval"], ["ui"]])
def test_help_shows_no_bool_type(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "--help" in result.output
    assert "<bool>" not in result.output


def test_building_the_bm25_index_logs_no_debug_lines(settings, fake_embedder, tmp_path, caplog):
    from ingest.pipeline import ingest_paths

    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Tram", "text": "The tram line opened on Monday."}))
    caplog.set_level(logging.DEBUG)  # as when an app has configured logging (Streamlit, basicConfig)
    ingest_paths([path], settings, embedder=fake_embedder)
    assert not [r for r in caplog.records if r.name.startswith("bm25s") and r.levelno < logging.WARNING]

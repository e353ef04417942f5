"""`newsdesk ask` and `newsdesk eval` on the sample store."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from newsdesk import cli


@pytest.fixture
def seed_env(seed_settings, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(seed_settings.data_dir))
    return seed_settings


def run(*args):
    return CliRunner().invoke(cli.app, list(args))


@pytest.mark.slow
def test_ask_json(seed_env):
    result = run("ask", "How far did the rial fall?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"answer", "refused", "sources", "engine", "seconds"}
    assert not data["refused"] and data["engine"] == "extractive" and "[1]" in data["answer"]
    src = data["sources"][0]
    assert src["n"] == 1 and src["outlet"] == "TT" and src["published"] == "2024-11-06"
    assert (
        src["url"].startswith("https://tt.example/")
        and isinstance(src["span"], list)
        and len(src["span"]) == 2
    )
    assert "700,000" in src["text"][src["span"][0] : src["span"][1]]


@pytest.mark.slow
def test_ask_text_with_filters(seed_env):
    result = run(
        "ask",
        "What did Zelensky warn about China?",
        "--outlet",
        "Headlines",
        "--since",
        "2023-01-01",
        "--until",
        "2023-12-31",
    )
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout and "China Shows" in result.stdout and "Headlines" in result.stdout


@pytest.mark.slow
def test_ask_refusal_json(seed_env):
    data = json.loads(run("ask", "Who won the 2022 World Cup?", "--json").stdout)
    assert (
        data["refused"]
        and data["sources"] == []
        and data["answer"] == "The ingested articles don't cover this."
    )


@pytest.mark.slow
def test_ask_bad_date_is_a_usage_error(seed_env):
    result = run("ask", "Anything?", "--since", "June")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


@pytest.mark.slow
def test_eval_json(seed_env, tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [
        {"question": "How far did the rial fall?", "answer": "700,000", "gold_urls": ["https://tt.example/2024/11/06/iran-plays-down-us-election"]},
        {"question": "When might Xi visit Moscow?", "answer": "April or early May"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    off = tmp_path / "off.jsonl"
    off.write_text(json.dumps({"question": "Who won the 2022 World Cup?"}) + "\n")
    result = run("eval", str(path), "--offcorpus", str(off), "--json")
    assert result.exit_code == 0, result.output
    figs = json.loads(result.stdout)
    for key in ("hit@1", "hit@5", "hit@10", "mrr@10", "answer_recall", "phantom_citations", "refusal_rate",
                "false_refusal_rate", "p50_ms", "p95_ms", "n"):  # fmt: skip
        assert key in figs
    assert figs["n"] == 3 and figs["hit@1"] == 1.0 and figs["answer_recall"] == 1.0
    assert (
        figs["phantom_citations"] == 0 and figs["refusal_rate"] == 1.0 and figs["false_refusal_rate"] == 0.0
    )


@pytest.mark.slow
def test_eval_bad_file_names_the_line(seed_env, tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "fine"}\n{"question": \n')
    monkeypatch.setattr(sys, "argv", ["newsdesk", "eval", str(path)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 1
    err = " ".join(capsys.readouterr().err.split())
    assert str(path) in err and "line 2" in err and "invalid JSON" in err


def test_ask_on_an_empty_store_says_how_to_ingest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "nothing"))
    monkeypatch.setattr(sys, "argv", ["newsdesk", "ask", "Anything?"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    err = capsys.readouterr().err
    assert info.value.code == 1 and "No articles are stored yet" in err and "newsdesk ingest" in err


def test_ask_as_of_in_the_cli(seed_env):
    data = json.loads(run("ask", "What happened to the rial?", "--as-of", "2023-03-01", "--json").stdout)
    assert data["as_of"] == "2023-03-01"
    assert data["refused"] or all(s["published"] <= "2023-03-01" for s in data["sources"])  # the rial: 2024
    later = json.loads(run("ask", "What happened to the rial?", "--as-of", "2024-11-10", "--json").stdout)
    assert later["as_of"] == "2024-11-10" and not later["refused"]
    assert {s["published"] for s in later["sources"]} <= {"2024-11-06", "2023-02-21", "2023-02-22"}
    assert run("ask", "Anything?", "--as-of", "soon").exit_code == 2


def test_ask_defaults_to_the_newest_article_of_an_archive(seed_env):
    data = json.loads(run("ask", "What happened to the rial?", "--json").stdout)
    assert data["as_of"] == "2024-11-06"  # the newest seed article is over 30 days old

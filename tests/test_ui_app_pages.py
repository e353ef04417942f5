"""The Streamlit app under AppTest: the ingest page (uploads, a folder) and the sources page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.ui_app_helpers import EXTRA, SEEDS, app


@pytest.mark.slow  # ingests with the real model
def test_ingest_uploads_show_the_per_file_table(env, tmp_path):
    env.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "store"))
    env.setenv("NEWSDESK_MAX_UPLOAD_MB", "1")
    at = app("ingest")
    uploader = at.file_uploader(key="uploads")
    for seed in SEEDS:
        uploader.upload(seed.name, seed.read_bytes(), "text/plain")
    uploader.upload("../../etc/evil name.json", json.dumps(EXTRA).encode(), "application/json")
    uploader.upload("broken.jsonl", b'{"title": "x"}\nnot json\n', "application/json")
    uploader.upload("big.txt", b"word " * 300_000, "text/plain")
    at.run()
    at.button(key="ingest_uploads").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("file")
    assert list(table.columns) == ["added", "updated", "unchanged", "failed", "reason"]
    assert table.loc["../../etc/evil name.json", "added"] == 2
    assert sum(table.loc[s.name, "added"] for s in SEEDS) == 3
    assert table.loc["broken.jsonl", "failed"] >= 1 and table.loc["broken.jsonl", "reason"]
    assert (
        table.loc["big.txt", "failed"] == 1 and "over the 1 MB upload limit" in table.loc["big.txt", "reason"]
    )
    assert at.warning and "5 added" in at.warning[0].value
    assert not (tmp_path / "etc").exists() and not Path("/etc/evil name.json").exists()
    at.button(key="ingest_uploads").click().run()  # again: nothing changes
    again = at.dataframe[0].value.set_index("file")
    assert again.loc["../../etc/evil name.json", "unchanged"] == 2


@pytest.mark.slow  # ingests with the real model
def test_ingest_folder_and_missing_folder(env, tmp_path):
    env.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "store"))
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder)
    at = app("ingest")
    at.text_input(key="folder").set_value(str(tmp_path / "missing")).run()
    at.button(key="ingest_folder").click().run()
    assert "No such file or folder" in at.error[0].value and not at.dataframe
    at.text_input(key="folder").set_value(str(folder)).run()
    at.button(key="ingest_folder").click().run()
    table = at.dataframe[0].value
    assert table["added"].sum() == 3 and table["failed"].sum() == 0 and at.success


@pytest.mark.slow
def test_sources_page_lists_searches_and_shows_chunks(seeded):
    at = app("sources")
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value) == 5  # the table, then the story timeline
    at.text_input(key="search").set_value("img").run()
    assert len(at.dataframe[0].value) == 1
    heading = at.subheader[0].value
    assert heading == r"\<img src\=x onerror\=alert\(1\)\>"
    assert any(e.label.startswith("Chunk 1") for e in at.expander)
    assert [b.proto.url for b in at.get("link_button")] == ["https://example.org/bakery-festival"]
    at.text_input(key="search").set_value("tram").run()
    assert not at.get("link_button")  # its javascript: URL is no link
    assert at.dataframe[0].value["url"].isna().all()
    at.text_input(key="search").set_value("wire tram").run()
    assert len(at.dataframe[0].value) == 1


@pytest.mark.slow
def test_sources_story_view_and_stored_dates(seeded):
    at = app("sources")
    table = at.dataframe[0].value
    assert set(table["date from"]) == {
        "metadata",
        "none",
    }  # the JSON records carry dates, the seed texts none
    assert (table["published"].notna() == (table["date from"] != "none")).all()
    at.text_input(key="search").set_value("img").run()
    story = at.dataframe[1].value
    assert list(story["date"]) == ["2023-02-22"] and list(story["outlet"]) == ["Example Wire"]
    assert any("first reported 2023\\-02\\-22 by Example Wire" in c.value for c in at.caption)

"""Sources page: the picker, the table and the details always name the same article."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WordOverlapEmbedder
from tests.ui_app_helpers import app, env  # noqa: F401 - env is a fixture

TITLES = [
    "'Blonde': Ana de Armas plays Marilyn Monroe",
    "Floodwaters from Yellowstone River wash away homes",
    "Yellowstone reopens its north entrance",
    "Fed raises rates by three-quarters of a point",
    "Heat wave grips the Southeast",
    "Spirit and JetBlue agree to merge",
]


@pytest.fixture
def store(env, tmp_path):  # noqa: F811 - env is the fixture imported above
    """A small store of six articles (fake embedder: the page reads only the record)."""
    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    rows = [
        {"title": t, "text": f"{t}. The report said more on day {n}.", "url": f"https://news.example/{n}",
         "outlet": "news.example", "published": f"2022-06-{10 + n:02d}"}
        for n, t in enumerate(TITLES)
    ]  # fmt: skip
    path = tmp_path / "six.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "store")
    assert ingest_paths([path], settings, embedder=WordOverlapEmbedder()).total("added") == 6
    env.setenv("NEWSDESK_DATA_DIR", str(settings.data_dir))
    return settings


def shown(at) -> tuple[str, str, list[str]]:
    """(picker's title, details' title, table's titles) on the page now."""
    (box,) = at.selectbox
    picked = box.options[box.index].split(" — ")[0]
    return picked, at.subheader[0].value.replace("\\", ""), list(at.dataframe[0].value["title"])


def agree(at, first: bool = False) -> str:
    """The picker and the details name the same article, the table lists it (as its first row right after
    the filtered set changed); returns its title."""
    picked, details, table = shown(at)
    assert picked == details and details in table, (picked, details, table)
    assert not first or details == table[0], (details, table)
    return details


def pick(at, word: str) -> None:
    """Choose the article whose label holds word in the picker."""
    (box,) = at.selectbox
    box.select_index(next(i for i, o in enumerate(box.options) if word in o)).run()


def test_picker_table_and_details_agree_through_searches(store):
    at = app("sources")
    assert agree(at) in TITLES
    pick(at, "Blonde")
    assert agree(at).startswith("'Blonde'")
    at.text_input(key="search").set_value("Yellowstone").run()
    assert "Yellowstone" in agree(at, first=True)
    pick(at, "Floodwaters")
    assert agree(at) == "Floodwaters from Yellowstone River wash away homes"
    at.text_input(key="search").set_value("").run()
    agree(at, first=True)
    pick(at, "Heat")
    assert agree(at) == "Heat wave grips the Southeast"
    at.text_input(key="search").set_value("Yellowstone").run()  # a picked position would name another
    assert agree(at, first=True) == "Yellowstone reopens its north entrance"
    at.text_input(key="search").set_value("Fed").run()
    assert agree(at, first=True) == "Fed raises rates by three-quarters of a point"

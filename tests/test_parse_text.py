"""Parsing text and Markdown exports into articles: the seeds, variations of the export rules, helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import split_text_export
from ingest.fields import normalize_date, split_authors, title_from_text
from ingest.parse import parse_file
from tests.parse_helpers import CAPTION, FIX

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SEED_A, SEED_B = SAMPLE / "000_9cec770f635e83c0.txt", SAMPLE / "004_32ceea118131a0a8.txt"
BOILERPLATE = ["(Reuters)", "via REUTERS", "Photo credit", "Getty Images", "@YouTube", "Headlines", "Tags",
               "Usa, Us, China, Russia", "Real Time Analytics"]  # fmt: skip


def body_lines(article) -> list[str]:
    """The non-empty lines of an article body."""
    return [x for x in article.body.splitlines() if x.strip()]


def assert_clean(article, title: str, code: str | None = None):
    """No caption, credit, title repeat, outlet code or footer in the body."""
    for junk in BOILERPLATE:
        assert junk not in article.body, junk

    def plain(s: str) -> str:
        return s.replace("’", "'").replace("‘", "'")

    assert plain(title) not in [plain(x) for x in body_lines(article)]
    lines = body_lines(article)
    if code:
        assert code not in lines


def seed_articles():
    """The three articles of the two seed files."""
    return parse_file(SEED_A).articles + parse_file(SEED_B).articles


def export(title: str, caption: str | None, code: str | None, body: list[str], times: int = 2) -> str:
    """A synthetic text export in the seeds' layout: title, captions, code, title again, captions, body."""
    caps = [caption] * times if caption else []
    head = [title, "", *caps, *([code] if code else []), "", title, "", *caps, ""]
    return "\n".join(head + [p + "\n" for p in body])


# --- the seeds ---------------------------------------------------------------------------------------


def test_seeds_give_three_clean_articles():
    arts = seed_articles()
    assert [a.title.replace("‘", "'").replace("’", "'") for a in arts] == [
        "China's Top Diplomat Says Russia Ties 'Rock Solid'",
        "Iran Plays Down Importance of US Election, Says Ready for Confrontation",
        "China Shows 'Rock Solid' Support for Russia Amid US Pressure",
    ]
    assert arts[0].title == "China’s Top Diplomat Says Russia Ties ‘Rock Solid’"
    starts = [
        "China's top diplomat told one of President Vladimir Putin's closest allies",
        "Iranians' livelihoods will not be affected",
        "On Tuesday, China's top diplomat assured",
    ]
    for art, start in zip(arts, starts, strict=True):
        assert art.body.startswith(start)
        assert_clean(art, art.title, "TT")
    assert [a.outlet for a in arts] == [None, None, None]  # "TT" is an outlet code line, not an outlet
    assert arts[0].body.rstrip().endswith('"there is lots to talk about".')
    assert "Xi visit?" in arts[0].body  # a subheading stays in the body and does not split the article
    assert arts[1].body.rstrip().endswith("Bonbast.com.")
    assert arts[2].body.rstrip().endswith("as per Daily Mail.")
    assert all(a.source.endswith(".txt") and a.url is None for a in arts)


def test_seed_raw_text_is_kept_and_ids_are_stable():
    text = SEED_A.read_text(encoding="utf-8")
    first, second = parse_file(SEED_A).articles
    assert first.raw + second.raw == text
    assert first.raw.count("China top diplomat, Wang Yi. (Reuters)") == 4
    assert second.raw.startswith("Iran Plays Down")
    for art in seed_articles():
        for line in body_lines(art):
            assert line in art.raw
    ids = [a.id for a in seed_articles()]
    assert ids == [a.id for a in seed_articles()] and len(set(ids)) == 3


@pytest.mark.parametrize("order", [(SEED_A, SEED_B), (SEED_B, SEED_A)])
def test_concatenated_seeds_split_into_three(order):
    text = "\n\n\n".join(p.read_text(encoding="utf-8") for p in order)
    arts = split_text_export(text, "both.txt")
    want = {(a.title, a.body, a.outlet) for a in seed_articles()}
    assert len(arts) == 3 and {(a.title, a.body, a.outlet) for a in arts} == want
    assert "".join(a.raw for a in arts) == text


def test_crlf_seed_gives_the_same_articles(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(SEED_A.read_bytes().replace(b"\n", b"\r\n"))
    got, want = parse_file(crlf).articles, parse_file(SEED_A).articles
    assert [(a.title, a.body, a.outlet) for a in got] == [(a.title, a.body, a.outlet) for a in want]
    assert "".join(a.raw for a in got) == crlf.read_bytes().decode()


# --- variations of the text-export rules --------------------------------------------------------------


def test_three_articles_caption_three_times_and_other_codes():
    text = "\n\n\n".join(
        [
            export("Wildfire Forces Evacuations in Ridgeway", CAPTION, "AP", ["Residents fled on Monday.", "Crews worked overnight."], times=3),
            export("Central Bank Holds Rates Steady", "The bank's headquarters. File photo", "AFP", ["The bank kept its key rate at 4%."]),
            export("Marathon Record Falls in Rain", None, None, ["The runner finished in 2:01:09.", "Fans cheered."]),
        ]
    )  # fmt: skip
    arts = split_text_export(text, "three.txt")
    assert [a.title for a in arts] == [
        "Wildfire Forces Evacuations in Ridgeway",
        "Central Bank Holds Rates Steady",
        "Marathon Record Falls in Rain",
    ]
    assert [a.outlet for a in arts] == ["AP", "AFP", None]
    assert [body_lines(a)[0] for a in arts] == [
        "Residents fled on Monday.",
        "The bank kept its key rate at 4%.",
        "The runner finished in 2:01:09.",
    ]
    for art in arts:
        assert_clean(art, art.title, art.outlet)
        assert "REUTERS" not in art.body and "File photo" not in art.body
    assert "".join(a.raw for a in arts) == text


def test_single_article_without_repeated_header():
    text = "Harbor Bridge Reopens After Repairs\n\nThe bridge reopened on Friday.\n\nTraffic was light.\n"
    (art,) = split_text_export(text, "one.txt")
    assert art.title == "Harbor Bridge Reopens After Repairs"
    assert art.body == "The bridge reopened on Friday.\n\nTraffic was light."
    assert art.outlet is None and art.raw == text


def test_caption_once_with_credit_byline_and_date_in_header():
    text = (
        "World\n\nMinisters Agree on Fishing Quotas\n"
        "Boats in the harbour of Vigo, Spain. Photo: John Smith/AFP via Getty Images\n"
        "By Ana Costa and Tom Reid\nMarch 5, 2024\n\n"
        "BRUSSELS (Reuters) - European ministers agreed on fishing quotas on Tuesday.\n\nTalks lasted all night.\n"
    )
    (art,) = split_text_export(text, "quota.txt")
    assert art.title == "Ministers Agree on Fishing Quotas"
    assert art.authors == ["Ana Costa", "Tom Reid"] and art.published == "2024-03-05"
    assert art.body.startswith("BRUSSELS (Reuters) - European ministers")  # a dateline is body, not a caption
    assert "Getty" not in art.body and "World" not in art.body


def test_body_subheading_with_one_caption_does_not_split():
    text = export("Floods Hit River Towns", CAPTION, "TT", ["Water rose overnight."]) + (
        "\nRescue efforts\n\nA boat in the flooded street. REUTERS/Jane Roe\n\nVolunteers used boats.\n"
    )
    (art,) = split_text_export(text, "floods.txt")
    assert "Rescue efforts" in art.body and "Volunteers used boats." in art.body
    assert "REUTERS" not in art.body


def test_footer_variants_are_removed():
    text = (
        "Town Opens New Park\n\nThe park opened on Saturday.\n\nAdvertisement\n\nChildren played all day.\n\n"
        "@Twitter\n\nShare this article\n\nRead more: Other parks in town\n\nReporting by Ann Lee; Editing by Bo Park\n\n"
        "Tags\nParks, Leisure, Town life\nSponsored content\n© 2024 Town Herald. All rights reserved.\n"
    )
    (art,) = split_text_export(text, "park.txt")
    assert art.body == "The park opened on Saturday.\n\nChildren played all day."


def test_tags_word_inside_body_is_kept():
    text = "Museum Adds Labels\n\nTags on each painting now explain its history, the curator said.\n\nVisitors liked them.\n"
    (art,) = split_text_export(text, "museum.txt")
    assert art.body.startswith("Tags on each painting") and art.body.endswith("Visitors liked them.")


def test_markdown_title_and_inline_syntax():
    (art,) = parse_file(FIX / "export.md").articles
    assert art.title == "Harbor Cleanup Drive Collects Two Tons of Trash"
    assert art.authors == ["Dana Reyes"]
    assert art.body.startswith(
        "Volunteers collected two tons of trash along the harbor on Sunday, according to the city."
    )
    assert "What comes next" in art.body and "October" in art.body
    assert not any(c in art.body for c in "*_#[]()")


def test_markdown_h1_headings_split_articles():
    text = "# First Story\n\nBody one.\n\n# Second Story\n\nBody two.\n"
    arts = split_text_export(text, "two.md")
    assert [(a.title, a.body) for a in arts] == [("First Story", "Body one."), ("Second Story", "Body two.")]


def test_long_first_line_gives_a_derived_title():
    line = "Officials said on Monday that " + "the plan " * 60 + "would go ahead. More follows."
    (art,) = split_text_export(line, "long.txt")
    assert len(art.title) <= 121 and art.title.startswith("Officials said on Monday")
    assert art.body == line


def test_single_line_file_keeps_a_body():
    (art,) = split_text_export("Earthquake hits the coast", "one-line.txt")
    assert art.title == "Earthquake hits the coast" and art.body


def test_helpers():
    assert normalize_date("2024-02-08T19:05:00-05:00") == "2024-02-08"
    assert normalize_date("Fri, 09 Feb 2024 07:00:00 GMT") == "2024-02-09"
    assert normalize_date("June 17, 2022") == "2022-06-17"
    assert normalize_date(1700000000) == "2023-11-14"
    assert normalize_date("soon") is None and normalize_date("2024-13-45") is None
    assert split_authors("By Ann Lee, Bo Park and Cy Ortiz") == ["Ann Lee", "Bo Park", "Cy Ortiz"]
    assert title_from_text("A short one. Then more.") == "A short one. Then more"
    assert (
        title_from_text("Washington CNN —\n\nSenators agreed on a plan Sunday. More later.")
        == "Senators agreed on a plan Sunday"
    )
    assert (
        title_from_text("Officials met on Monday to talk about it. Then more.")
        == "Officials met on Monday to talk about it"
    )

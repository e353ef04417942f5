"""Teasers, navigation, calls to action, video lengths, ads, surveys and newsletters are removed at ingest."""

from __future__ import annotations

import json

import pytest

from ingest.boilerplate import drop_boilerplate, is_boilerplate
from ingest.clean import split_text_export
from ingest.fields import title_from_text, title_from_url
from ingest.parse import parse_text
from newsdesk.errors import InputError

JUNK = [
    "1. How relevant is this ad to you?",
    "Video player was slow to load content Video content never loaded Ad froze or did not finish loading",
    "JUST WATCHED See the severe flooding that shut down Yellowstone National Park Replay More Videos ...",
    "MUST WATCH See the severe flooding that shut down Yellowstone National Park 01:15",
    "See the severe flooding that shut down Yellowstone National Park 01:15",
    "Video Ad Feedback 01:15 - Source: CNN See the severe flooding",
    "More: Yellowstone National Park closes entrances, evacuates visitors amid 'unprecedented' rainfall",
    "MORE:Home swept away as Yellowstone is hit by major floods and mudslides",
    "Advertisement",
    "Story continues below advertisement",
    "Skip to main content",
    "Home > World > Europe",
    "Click here to donate.",
    "Sign up for CNN's Wonder Theory science newsletter. Explore the universe with news on discoveries.",
    '(You can get "5 Things You Need to Know Today" delivered to your inbox daily. Sign up here .)',
    "The Short List is a snappy USA TODAY news roundup. Subscribe to the newsletter here.",
    "Would you like to receive The WeekDay newsletter ?",
    "Follow Jordan Mendoza on Twitter: @jordan_mendoza5.",
    "Purchases you make through our links may earn us a commission.",
    "This story has been updated with additional reporting.",
    "WHAT'S NEXT:Stanley Cup champion Avalanche, Lightning face busy summers",
    "NEW WEBB PHOTOS: NASA releases 'sharpest' images of the universe",
]
REAL = [
    "The Fed raised rates by three-quarters of a percentage point on Wednesday.",
    "The meeting starts at 10:30",
    "The runner finished in 2:01:09.",
    "Bible verse John 3:16",
    "Voters can sign up for the lottery until Friday.",
    "The federal government launched its website to sign up for free Covid-19 tests.",
    "Millions of fans follow him on TikTok.",
    "Once you download the app, you get a notification once a day.",
    "More than 2,000 homes were damaged, the governor said.",
    "Xi visit?",
    "Advertising revenue fell 8% in the second quarter, the company said.",
    "The legislation, which is sponsored by Rep. Lucy McBath, would allow family members to petition.",
    "TRUMP: We will win.",  # a transcript's line ends its sentence
    "WHERE: The Grand, 818 N. Market St., Wilmington",  # an event's listing
]


@pytest.mark.parametrize("line", JUNK)
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", REAL)
def test_article_lines_are_kept(line):
    assert not is_boilerplate(line)


def _body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def test_json_record_loses_its_boilerplate_and_keeps_its_text():
    text = _body([JUNK[0], JUNK[1], REAL[0], JUNK[3], JUNK[6], REAL[8], JUNK[13], REAL[6]])
    record = {"url": "https://www.cnn.com/2022/06/15/economy/fed-rate-hike-june/index.html", "title": None,
              "text": text, "outlet": "cnn.com"}  # fmt: skip
    (art,) = parse_text(json.dumps(record), "x.json", "json").articles
    assert art.body.split("\n\n") == [REAL[0], REAL[8], REAL[6]]
    assert art.title == "Fed rate hike june"  # from the URL's slug, never from the ad line


def test_a_title_field_that_is_an_ad_line_is_replaced_by_the_slug():
    record = {"url": "https://news.example/2022/06/13/yellowstone-floods-close-park", "title": JUNK[0],
              "text": REAL[8]}  # fmt: skip
    (art,) = parse_text(json.dumps(record), "x.json", "json").articles
    assert art.title == "Yellowstone floods close park"


def test_a_record_of_nothing_but_an_ad_survey_is_skipped_with_a_warning():
    records = [{"url": "https://www.cnn.com/2022/06/12/media/squid-game/index.html", "text": _body(JUNK[:2])},
               {"url": "https://www.cnn.com/2022/06/12/us/floods/index.html", "text": REAL[8]}]  # fmt: skip
    parsed = parse_text("\n".join(map(json.dumps, records)), "x.jsonl", "jsonl")
    assert [a.body for a in parsed.articles] == [REAL[8]] and not parsed.errors
    assert any("line 1" in w and "ad, survey or navigation" in w for w in parsed.warnings)


def test_html_page_loses_its_boilerplate():
    paras = "".join(f"<p>{x}</p>" for x in [REAL[0], JUNK[8], REAL[8], JUNK[6], REAL[10], JUNK[15]])
    html = f"<html><head><title>Rates rise again</title></head><body><article><h1>Rates rise again</h1>{paras}</article></body></html>"
    (art,) = parse_text(html, "x.html", "html").articles
    assert art.title == "Rates rise again"
    assert all(j not in art.body for j in (JUNK[8], JUNK[6], JUNK[15]))
    assert all(r in art.body for r in (REAL[0], REAL[8], REAL[10]))


def test_feed_entry_loses_its_boilerplate():
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Floods</title>'
        f"<link>https://wire.example/floods</link><description>&lt;p&gt;{REAL[8]}&lt;/p&gt;&lt;p&gt;{JUNK[6]}"
        "&lt;/p&gt;</description></item></channel></rss>"
    )
    (art,) = parse_text(rss, "x.xml", "feed").articles
    assert art.body == REAL[8]


def test_text_export_loses_its_boilerplate_and_never_takes_an_ad_line_as_title():
    text = _body([JUNK[0], REAL[0], JUNK[3], REAL[8]])
    (art,) = split_text_export(text, "x.txt")
    assert art.title != JUNK[0] and "relevant" not in art.title
    assert JUNK[3] not in art.body and REAL[8] in art.body
    assert title_from_text(_body([JUNK[0], JUNK[8], REAL[8]])).startswith("More than 2,000 homes")


def test_drop_boilerplate_keeps_paragraphs():
    got, removed = drop_boilerplate(_body([REAL[0], JUNK[8], REAL[8]]))
    assert got == _body([REAL[0], REAL[8]]) and removed == [JUNK[8]]


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://www.cnn.com/2022/06/12/media/squid-game-season-2/index.html", "Squid game season 2"),
        (
            "https://www.usatoday.com/story/news/2022/06/17/jan-6-hearing-pence/7654321001/",
            "Jan 6 hearing pence",
        ),
        ("https://example.com/a/12345", None),
        ("https://example.com/", None),
        (None, None),
    ],
)
def test_title_from_url_slug(url, title):
    assert title_from_url(url) == title


def test_a_file_of_nothing_but_an_ad_survey_says_why_it_holds_no_article():
    record = {"url": "https://www.cnn.com/2022/06/12/media/squid-game/index.html", "title": None,
              "text": "\n\n".join(JUNK[:2])}  # fmt: skip
    with pytest.raises(InputError, match=r"^x\.jsonl: no articles found \(line 1: only ad, survey"):
        parse_text(json.dumps(record), "x.jsonl", "jsonl")


def test_every_anywhere_rule_holds_a_hint_so_the_prefilter_never_skips_it():
    import re

    from ingest.boilerplate import _ANYWHERE, _ANYWHERE_HINTS

    literal = re.compile(r"\\.|\[[^\]]*\]|\([^)]*\)[?*]?|[.^$?*+{}\d,]")  # regex syntax, not text
    for rule in re.split(r"\|(?![^(]*\))", _ANYWHERE.pattern):
        text = rule.replace(r"\?", "?").casefold()
        assert any(h in text or h in literal.sub(" ", text) for h in _ANYWHERE_HINTS), rule
    line = "Sign up for our newsletter: it is delivered to your inbox"
    assert is_boilerplate(line)
    assert not is_boilerplate("Officials said the flooding shut down the park for a week.")

"""Parsing input files into articles: text exports, HTML, JSON/JSONL, feeds and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clean import split_text_export
from ingest.decode import decode_bytes
from ingest.fields import normalize_date, split_authors, title_from_text
from ingest.formats import SUPPORTED_EXTENSIONS, ParsedFile
from ingest.parse import find_input_files, parse_file, parse_text
from newsdesk.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FIX = Path(__file__).parent / "fixtures" / "parse"
SEED_A, SEED_B = SAMPLE / "000_9cec770f635e83c0.txt", SAMPLE / "004_32ceea118131a0a8.txt"
BOILERPLATE = ["(Reuters)", "via REUTERS", "Photo credit", "Getty Images", "@YouTube", "Headlines", "Tags",
               "Usa, Us, China, Russia", "Real Time Analytics"]  # fmt: skip
CAPTION = "Firefighters battle a blaze near the town of Ridgeway, June 3, 2024. REUTERS/Jane Roe"


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


# --- HTML -------------------------------------------------------------------------------------------


def test_html_page():
    (art,) = parse_file(FIX / "article.html").articles
    assert art.title == "Big News Today"
    assert art.body.startswith("First paragraph of the article")
    assert art.body.count("\n\n") == 2
    for junk in (
        "SCRIPT_TEXT",
        "INLINE_SCRIPT",
        "IFRAME_TEXT",
        "secretTracker",
        "color: red",
        "Home",
        "Copyright",
    ):
        assert junk not in art.body
    assert (art.authors, art.published, art.outlet) == (["Jane Doe"], "2024-03-05", "Daily Planet")
    assert art.url == art.id == "https://dp.example.com/a"
    assert art.raw == (FIX / "article.html").read_text()


def test_html_without_text_is_an_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body><nav></nav></body></html>")
    with pytest.raises(InputError, match="no article text"):
        parse_file(page)


# --- JSON and JSONL ---------------------------------------------------------------------------------


def test_json_records():
    parsed = parse_file(FIX / "records.json")
    budget, storm, bridge = parsed.articles
    assert budget.title == "City Council Passes Budget"
    assert (
        budget.body
        == "The city council passed the annual budget on Thursday.\n\nThe vote was 7 to 2.\n\nSpending rises by 3 percent."
    )
    assert (budget.outlet, budget.published, budget.authors) == (
        "citynews.example.com",
        "2024-02-08",
        ["Ann Lee", "Bo Park"],
    )
    assert budget.raw.startswith("The city council passed") and "\n\n\n" in budget.raw
    assert storm.body == "Schools closed across the county as a storm brought heavy snow."
    assert (storm.outlet, storm.published, storm.authors) == (
        "Weather Desk",
        "2024-02-09",
        ["Cy Ortiz", "Di Wu"],
    )
    assert bridge.title.startswith("Officials said the bridge will reopen") and bridge.title.endswith("…")
    assert len(bridge.title) <= 121
    assert bridge.published is None and any("record 4" in w and "sometime soon" in w for w in parsed.warnings)
    (error,) = parsed.errors
    assert "record 3: no text field (expected one of text, body, content" in str(error)
    assert all(a.source == str(FIX / "records.json") for a in parsed.articles)
    assert parse_file(FIX / "records.json").articles == parsed.articles  # same ids, same everything


@pytest.mark.parametrize("wrap", [lambda r: {"articles": r}, lambda r: {"items": r}, lambda r: r[0]])
def test_json_wrappers(wrap):
    records = [{"title": "T", "text": "Some text here.", "url": "https://x.example.com/t"}]
    (art,) = parse_text(json.dumps(wrap(records)), "w.json", "json").articles
    assert (art.title, art.body, art.outlet) == ("T", "Some text here.", "x.example.com")


def test_jsonl_with_malformed_line_three():
    parsed = parse_file(FIX / "malformed.jsonl")
    assert [a.title for a in parsed.articles] == ["First Story", "Third Story", "Fourth Story"]
    (error,) = parsed.errors
    assert error.line == 3 and "line 3: invalid JSON" in str(error) and "malformed.jsonl" in str(error)


def test_multihop_rag_record():
    (art,) = parse_file(FIX / "multihop.json").articles
    assert art.title == "Gadget Maker Unveils Foldable Tablet"
    assert (art.outlet, art.published, art.authors) == ("Gizmo Daily", "2023-10-03", ["Jordan Blake"])
    assert art.url == "https://gizmodaily.example.com/foldable-tablet"
    assert (
        art.body == "A gadget maker unveiled a foldable tablet on Tuesday.\n\nThe device ships in November."
    )


def test_rtqa_style_records():
    parsed = parse_file(FIX / "rtqa_style.jsonl")
    dam, parade = parsed.articles
    assert not parsed.errors and not parsed.warnings
    assert dam.title == "Dam report"  # no title field: the URL slug names it
    assert (dam.outlet, dam.published, dam.authors) == (
        "riverpost.example.com",
        None,
        ["Lee Grant", "Mo Haddad"],
    )
    assert dam.id == dam.url == "https://www.riverpost.example.com/2022/06/15/dam-report"
    assert (parade.title, parade.published, parade.authors) == (
        "Parade Draws Crowds - News",
        "2022-06-16",
        [],
    )


def test_json_file_holding_jsonl_is_read_as_jsonl(tmp_path):
    f = tmp_path / "lines.json"
    f.write_text('{"title": "A", "text": "Alpha."}\n{"title": "B", "text": "Beta."}\n')
    parsed = parse_file(f)
    assert [a.title for a in parsed.articles] == ["A", "B"] and parsed.warnings


def test_invalid_json_document_names_line_and_column(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('[\n  {"title": "A", "text": "x"},\n  {"title": "B" "text": "y"}\n]\n')
    with pytest.raises(InputError, match=r"line 3, column 17") as info:
        parse_file(f)
    assert info.value.line == 3 and "bad.json" in str(info.value)


def test_deeply_nested_json_is_a_clear_error(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text("[" * 10_000 + "]" * 10_000)
    with pytest.raises(InputError, match="nested more than 50 levels"):
        parse_file(f)
    g = tmp_path / "deep.jsonl"
    g.write_text('{"title": "ok", "text": "fine"}\n' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "\n")
    parsed = parse_file(g)
    assert len(parsed.articles) == 1 and parsed.errors[0].line == 2 and "nested" in str(parsed.errors[0])


# --- feeds -----------------------------------------------------------------------------------------


def test_rss_feed_with_content_encoded():
    ferry, library = parse_file(FIX / "feed_rss.xml").articles
    assert ferry.title == "Port Authority Approves New Ferry Route"
    assert ferry.body == (
        "The port authority on Monday approved a new ferry route linking the north harbor to the island.\n\n"
        "Service is expected to start in September, officials said."
    )
    assert "FEED_SCRIPT" not in ferry.body and "teaser" not in ferry.body
    assert (ferry.outlet, ferry.published, ferry.authors) == ("Harbor Gazette", "2024-05-14", ["Maria Lopez"])
    assert ferry.url == "https://gazette.example.org/2024/05/ferry-route" and "<p>" in ferry.raw
    assert (
        library.body
        == "The central library will stay open until 8 p.m. on Saturdays.\n\nThe change follows a survey of readers."
    )
    assert library.published == "2024-05-15"


def test_atom_feed():
    (art,) = parse_file(FIX / "feed_atom.atom").articles
    assert art.title == "Chipmaker Opens Research Lab"
    assert (
        art.body
        == "A chipmaker opened a research lab downtown on Saturday.\n\nThe lab will employ 200 engineers."
    )
    assert (art.outlet, art.published, art.authors) == (
        "Valley Tech Wire",
        "2024-06-01",
        ["Sam Chen", "Priya Nair"],
    )
    assert art.url == "https://wire.example.net/chip-lab"


def test_xml_that_is_not_a_feed():
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_file(FIX / "not_a_feed.xml")


def test_xml_feed_is_sniffed_from_the_root(tmp_path):
    f = tmp_path / "news.xml"
    f.write_text((FIX / "feed_atom.atom").read_text())
    assert len(parse_file(f).articles) == 1


# --- bad inputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n"])
def test_empty_file(tmp_path, content):
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    with pytest.raises(InputError, match="empty") as info:
        parse_file(f)
    assert str(f) in str(info.value)


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, bytes(range(128, 256)) * 40]
)
def test_binary_file(tmp_path, content):
    f = tmp_path / "photo.txt"
    f.write_bytes(content)
    with pytest.raises(InputError, match="binary"):
        parse_file(f)


def test_latin1_is_decoded_and_the_encoding_named(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Caf\xe9 Opens Downtown\n\nThe caf\xe9 opened on Monday.\n".encode("latin-1"))
    parsed = parse_file(f)
    assert parsed.warnings == [f"{f}: not UTF-8; decoded as cp1252"]
    assert parsed.articles[0].title == "Café Opens Downtown"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Zażółć gęślą jaźń, powiedział w środę rzecznik urzędu miasta.", "cp1250"),
     ("Мэр города заявил в понедельник, что новый мост откроют весной.", "cp1251"),
     ("“Smart quotes” – and dashes — cost €5 at the café in España.", "cp1252")],
)  # fmt: skip
def test_legacy_encodings_are_decoded(text, encoding):
    got, warnings = decode_bytes(text.encode(encoding), "x.txt")
    assert got == text and warnings == [f"x.txt: not UTF-8; decoded as {encoding}"]


def test_declared_html_charset_is_used():
    data = '<html><head><meta charset="iso-8859-1"></head><body><p>España</p></body></html>'.encode("latin-1")
    got, warnings = decode_bytes(data, "x.html")
    assert "España" in got and warnings == ["x.html: not UTF-8; decoded as iso8859-1"]


def test_mostly_utf8_with_a_bad_byte_stays_utf8():
    got, warnings = decode_bytes("Prices “rose” at the café. ".encode() * 3 + b"\xff", "x.txt")
    assert got.startswith("Prices “rose” at the café.") and got.endswith("\ufffd")
    assert warnings == ["x.txt: 1 invalid UTF-8 sequences, replaced with \ufffd"]


def test_utf16_bom_followed_by_ascii_is_refused_not_stored_as_garbage(tmp_path):
    f = tmp_path / "mislabeled.txt"
    f.write_bytes(b"\xff\xfeNot UTF-16 at all: plain ASCII text after a UTF-16 byte-order mark.\n")
    with pytest.raises(InputError, match="mislabeled.*plain 8-bit text") as info:
        parse_file(f)
    assert info.value.message.startswith(str(f)) and "UTF-8" in info.value.fix


def test_real_utf16_is_decoded():
    text = "东京都于周一宣布了新的城市计划。\nThe plan starts in spring.\n" * 3
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
        assert decode_bytes(data, "x.txt") == (text, [])


def test_bom_is_stripped(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbfTitle Here\n\nBody here.\n")
    (art,) = parse_file(f).articles
    assert art.title == "Title Here" and not art.raw.startswith("\ufeff")


def test_unknown_extension(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="unsupported file type '.pdf'") as info:
        parse_file(f)
    assert all(ext in str(info.value) for ext in SUPPORTED_EXTENSIONS)


def test_too_large_file(tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("Title\n\n" + "Some words. " * 200)
    with pytest.raises(InputError) as info:
        parse_file(f, max_mb=0.001)
    msg = str(info.value)
    assert (
        "small.txt" in msg and "2.4 KB" in msg and "0.001 MB limit" in msg and "NEWSDESK_MAX_FILE_MB" in msg
    )


def test_single_20mb_line_hits_the_size_limit(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_bytes(b"a" * (20 * 1024 * 1024 + 1))
    with pytest.raises(InputError, match=r"20\.0 MB, larger than the 20 MB limit"):
        parse_file(f)


def test_long_single_line_under_the_limit_parses(tmp_path):
    f = tmp_path / "long.txt"
    f.write_text("word " * 400_000)
    (art,) = parse_file(f).articles
    assert len(art.title) <= 121 and len(art.body) > 1_900_000


def test_missing_paths(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="no such file or folder"):
        find_input_files([tmp_path / "nope"])


def test_display_name_is_used_for_source_and_messages(tmp_path):
    f = tmp_path / "upload-1234"
    f.write_text("Title Here\n\nBody here.\n")
    parsed = parse_file(f, display_name="my notes.txt")
    assert parsed.path == parsed.articles[0].source == "my notes.txt"
    f.write_text("")
    with pytest.raises(InputError, match=r"^my notes\.txt: file is empty"):
        parse_file(f, display_name="my notes.txt")


def test_find_input_files(tmp_path):
    for name in [
        "b.txt",
        "a/z.jsonl",
        "a/deep/y.html",
        "a/notes.pdf",
        ".hidden.txt",
        ".git/x.txt",
        "a/.cache/w.md",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert find_input_files([tmp_path]) == [
        tmp_path / "a/deep/y.html",
        tmp_path / "a/z.jsonl",
        tmp_path / "b.txt",
    ]
    assert find_input_files([tmp_path / "a/notes.pdf", tmp_path / "b.txt"]) == [
        tmp_path / "a/notes.pdf",
        tmp_path / "b.txt",
    ]


def test_parse_text_unknown_format():
    with pytest.raises(InputError, match="unknown format"):
        parse_text("x", "x", "pdf")


# --- property -----------------------------------------------------------------------------------------

PIECES = ["", "", "Some Title Here", "TT", "AP", CAPTION, "Tags", "Headlines", "@YouTube", "# Heading",
          "A body sentence that ends properly.", "Real Time Analytics", "By Ann Lee", "June 5, 2024", "**"]  # fmt: skip
TEXTS = st.one_of(
    st.text(), st.lists(st.sampled_from(PIECES) | st.text(max_size=30), max_size=30).map("\n".join)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, fmt=st.sampled_from(["text", "text", "text", "html", "json", "jsonl", "feed"]))
def test_parse_text_raises_only_input_errors(text, fmt):
    try:
        parsed = parse_text(text, "prop.md" if "#" in text else "prop.txt", fmt)
    except InputError:
        return
    assert isinstance(parsed, ParsedFile)
    for art in parsed.articles:
        assert isinstance(art.body, str) and art.body.strip()
        assert isinstance(art.title, str) and art.title.strip()

"""Parsing bad inputs: empty, binary, mis-encoded, too large or missing files; only InputError is raised."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.decode import decode_bytes
from ingest.formats import SUPPORTED_EXTENSIONS, ParsedFile
from ingest.parse import find_input_files, parse_file, parse_text
from newsdesk.errors import InputError
from tests.parse_helpers import CAPTION


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

"""An article's news date at ingest: its metadata, else a dateline or Published/Updated line, else its URL."""

from __future__ import annotations

import re
from datetime import date

from assistant.dates import iso_day, url_day, written_day
from ingest.models import Article

SOURCES = ("metadata", "text", "url", "none")
_HEAD_LINES = 12  # Published/Updated lines and datelines sit at the top of an article (or its last lines)
_TAIL_LINES = 3
_STAMP = re.compile(
    r"\b(?P<kind>(?:first |originally )?published|(?:last )?updated|posted)\b(?: on| at)?:?\s+"
    r"(?P<when>[^|•]{6,70}?)\s*(?=\||•|\b(?:published|updated|posted)\b|$)",
    re.I,
)
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z .'-]{1,40},\s+)?(?P<when>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})|(?:\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}))"
    r"\s*(?:[-–—:]|\(|$)"
)
_PARSE_SETTINGS = {
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["absolute-time"],
    "PREFER_DATES_FROM": "past",
}


def parse_day(text: str) -> str | None:
    """YYYY-MM-DD of an absolute date written in text (day, month and year all needed); dateparser for
    the forms assistant.dates.written_day does not read."""
    text = re.sub(r"\b(?:ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|BST|GMT|UTC)\b", "", text).strip(" ,.;")
    if not re.search(r"\b\d{4}\b", text) or len(text) > 80:
        return None
    if day := written_day(text):  # the common forms without dateparser (about 3.5 ms a call)
        return day.isoformat() if 1900 < day.year < 2100 else None
    import dateparser

    try:
        found = dateparser.parse(text, languages=["en"], settings=_PARSE_SETTINGS)
    except (ValueError, OverflowError, TypeError):
        return None
    return found.date().isoformat() if found and 1900 < found.year < 2100 else None


def text_dates(text: str) -> tuple[str | None, str | None]:
    """(published, updated) read from the Published/Updated lines or dateline at the top or end of the text."""
    lines = [x.strip() for x in (text or "").splitlines() if x.strip()]
    lines = lines[:_HEAD_LINES] + (lines[-_TAIL_LINES:] if len(lines) > _HEAD_LINES else [])
    published = updated = None
    for line in lines:
        if len(line) > 160:
            continue
        for m in _STAMP.finditer(line):
            prefix = line[: m.start()].rstrip()
            if prefix and prefix[-1] not in "|•·" and not re.fullmatch(r"[\W\d:apm. ET]*", prefix, re.I):
                continue  # "Published in a journal" mid-sentence is no stamp
            day = parse_day(m["when"])
            if day is None:
                continue
            if m["kind"].lower().endswith("updated"):
                updated = max(updated or day, day)
            elif published is None:
                published = day
    if published is None and updated is None:
        for line in lines[:3]:
            m = _DATELINE.match(line)
            if m and (day := parse_day(m["when"])):
                published = day
                break
    return published, updated


def url_date(url: str | None) -> str | None:
    """YYYY-MM-DD from the URL's path (/2022/06/15/ or a slug ending 15-june-2022)."""
    return iso_day(url_day(url)) or None


def _far_apart(text_day: str, url_day_iso: str | None) -> bool:
    """A text date over a year from the URL's: a date the story tells of ("Dec. 25, 1931:"), not its own."""
    if not url_day_iso:
        return False
    return abs((date.fromisoformat(text_day) - date.fromisoformat(url_day_iso)).days) > 366


def assign(article: Article) -> Article:
    """Set the article's news date (the later of published and updated), both dates, and where it came from.

    Order: the record's or page's metadata (article.published as parsed; a header line of a text export
    counts as text), then the text's Published/Updated lines or dateline, then the URL.
    """
    text_pub, text_upd = text_dates(article.raw or article.body)
    if not text_pub and not text_upd and article.raw:
        text_pub, text_upd = text_dates(article.body)
    published, pub_source = article.published, article.date_source or "metadata"
    from_url = url_date(article.url)
    if not published and text_pub and not _far_apart(text_pub, from_url):
        published, pub_source = text_pub, "text"
    if not published and from_url:
        published, pub_source = from_url, "url"
    updated, upd_source = article.date_updated, "metadata"
    if text_upd and (not updated or text_upd > updated):
        updated, upd_source = text_upd, "text"
    if updated and (not published or updated > published):
        article.published, article.date_source = updated, upd_source
    else:
        article.published, article.date_source = published, pub_source if published else "none"
    article.date_published = published
    article.date_updated = updated if updated and (not published or updated > published) else None
    return article

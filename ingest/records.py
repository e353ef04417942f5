"""Read structured inputs (HTML pages, JSON and JSONL records, RSS/Atom feeds) into a ParsedFile's articles."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

from ingest.boilerplate import drop_boilerplate, is_boilerplate
from ingest.fields import (
    light_clean,
    normalize_date,
    normalize_line,
    split_authors,
    title_from_text,
    title_from_url,
)
from ingest.formats import FORMAT_FIX, ParsedFile
from ingest.models import Article
from newsdesk.errors import InputError

MAX_JSON_DEPTH = 50
TEXT_FIELDS = ("text", "body", "content", "article", "maintext")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link")
OUTLET_FIELDS = ("outlet", "source", "site", "publisher")
DATE_FIELDS = ("published", "published_at", "date", "pubDate", "publish_date")
LIST_KEYS = ("articles", "items", "records", "data", "entries", "results", "documents")
_JSON_FIX = 'records look like {"title": ..., "text": ..., "url": ..., "published": "YYYY-MM-DD"}'
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.?[^"\\]*)*(?:"|$)', re.S)  # never fails: linear on any input
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>[]*(?:\[.*?\])?\s*>\s*)*", re.S | re.I)
_XML_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_DROP_TAGS = ("script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "canvas")
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "section", "article",
           "figure", "figcaption", "ul", "ol", "table", "header", "footer", "dd", "dt")  # fmt: skip


def _host(url: str | None) -> str | None:
    """The URL's host without 'www.'."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def parse_html(text: str, source: str, result: ParsedFile) -> None:
    """One HTML page: main text and metadata via trafilatura; scripts, styles and iframes removed first."""
    import trafilatura
    from lxml import etree
    from lxml import html as lhtml

    try:
        tree = lhtml.document_fromstring(text.encode("utf-8"), parser=lhtml.HTMLParser(encoding="utf-8"))
        etree.strip_elements(tree, *_DROP_TAGS, etree.Comment, with_tail=False)
        doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure on bad input is an input problem
        raise InputError(source, f"cannot read the HTML ({type(exc).__name__})", fix=FORMAT_FIX) from exc
    title = _real_title(doc.title if doc else None)
    paras = [x for x in map(normalize_line, (doc.text or "").split("\n") if doc else []) if x]
    paras = [x for x in paras if not is_boilerplate(x)]
    if paras and title and paras[0].casefold() == title.casefold():
        paras = paras[1:]
    if not paras:
        raise InputError(source, "no article text found in the HTML page", fix="save the article page itself")
    body = light_clean("\n\n".join(paras))
    url = doc.url if doc.url and doc.url.startswith(("http://", "https://")) else None
    result.articles.append(
        Article(title=title or title_from_url(url) or title_from_text(body), body=body, raw=text, url=url,
                outlet=doc.sitename or _host(url) or doc.hostname, published=normalize_date(doc.date),
                authors=split_authors(doc.author or ""), source=source)
    )  # fmt: skip


def _real_title(value: object) -> str:
    """A title field as one clean line; empty when missing or when it is an ad, survey or navigation line."""
    title = normalize_line(value) if isinstance(value, str) else ""
    return "" if is_boilerplate(title) else title


def _load_json(text: str, source: str, line: int | None = None):
    """json.loads, refusing JSON nested deeper than MAX_JSON_DEPTH before the parser recurses into it."""
    depth, deep = 0, InputError(source, f"{f'line {line}: ' if line else ''}JSON nested more than "
                                f"{MAX_JSON_DEPTH} levels deep", line, _JSON_FIX)  # fmt: skip
    for c in _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text)):
        depth += 1 if c in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise deep
    try:
        return _scrub(json.loads(text))
    except RecursionError as exc:
        raise deep from exc


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value):
    """Lone surrogates (from "\\ud83d" escapes) replaced, so every string can be encoded as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def parse_json(text: str, source: str, result: ParsedFile) -> None:
    """A JSON list of records, {"articles": [...]}/{"items": [...]}, or one record."""
    try:
        data = _load_json(text, source)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            result.warnings.append(f"{source}: holds one JSON record per line; read as JSONL")
            return parse_jsonl(text, source, result)
        raise InputError(
            source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", exc.lineno, _JSON_FIX
        ) from exc
    if isinstance(data, dict) and not any(k in data for k in TEXT_FIELDS):
        data = next((data[k] for k in LIST_KEYS if isinstance(data.get(k), list)), data)
    if isinstance(data, dict) and not any(k in data for k in (*TEXT_FIELDS, *TITLE_FIELDS, *URL_FIELDS)):
        raise InputError(
            source, 'no records: expected a list, {"articles": [...]} or a record', fix=_JSON_FIX
        )
    if not isinstance(data, (list, dict)):
        raise InputError(source, f"expected a list of records, not {type(data).__name__}", fix=_JSON_FIX)
    for n, record in enumerate(data if isinstance(data, list) else [data], 1):
        _add_record(record, f"record {n}", None, source, result)


def parse_jsonl(text: str, source: str, result: ParsedFile) -> None:
    """One JSON record per line; blank lines ignored; a bad line is an error and the rest still parse."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = _load_json(line, source, n)
        except json.JSONDecodeError as exc:
            msg = f"line {n}: invalid JSON ({exc.msg} at column {exc.colno})"
            result.errors.append(InputError(source, msg, line=n, fix=_JSON_FIX))
        except InputError as exc:
            result.errors.append(exc)
        else:
            _add_record(record, f"line {n}", n, source, result)


def _first(record: dict, fields: tuple[str, ...]):
    """The first present value among fields that is not null, empty or blank."""
    values = (record.get(k) for k in fields)
    return next(
        (v for v in values if v not in (None, [], {}) and (not isinstance(v, str) or v.strip())), None
    )


def _string(record: dict, fields: tuple[str, ...]) -> str | None:
    """The first usable value among fields as one clean line (a {"name": ...} object gives its name)."""
    value = _first(record, fields)
    value = value.get("name") or value.get("title") if isinstance(value, dict) else value
    return (normalize_line(value) or None) if isinstance(value, str) else None


def _add_record(record: object, label: str, line: int | None, source: str, result: ParsedFile) -> None:
    """One JSON record to an Article, or a per-record error."""
    if not isinstance(record, dict):
        result.errors.append(InputError(source, f"{label}: not a JSON object", line, _JSON_FIX))
        return
    raw = _first(record, TEXT_FIELDS)
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        raw = "\n\n".join(raw)
    body = light_clean(raw) if isinstance(raw, str) else ""
    if not body:
        msg = f"{label}: no text field (expected one of {', '.join(TEXT_FIELDS)})"
        result.errors.append(InputError(source, msg, line, _JSON_FIX))
        return
    body, removed = drop_boilerplate(body)
    if not body:
        result.warnings.append(f"{source}: {label}: only ad, survey or navigation lines "
                               f"({removed[0][:50]!r}); skipped")  # fmt: skip
        return
    url = _string(record, URL_FIELDS)
    when = _first(record, DATE_FIELDS)
    published = normalize_date(when)
    if when is not None and published is None:
        result.warnings.append(f"{source}: {label}: unreadable date {str(when)[:40]!r}; published left empty")
    result.articles.append(
        Article(title=_real_title(_string(record, TITLE_FIELDS)) or title_from_url(url) or title_from_text(body),
                body=body, raw=raw, url=url,
                outlet=_string(record, OUTLET_FIELDS) or _host(url), published=published, source=source,
                authors=split_authors(_first(record, ("authors", "author")) or []))
    )  # fmt: skip


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, paragraphs separated by blank lines."""
    from lxml import etree
    from lxml import html as lhtml

    try:
        root = lhtml.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return light_clean(re.sub(r"<[^>]*>", " ", markup))
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, with_tail=False)
    for el in root.iter():
        el.text = re.sub(r"\s+", " ", el.text) if isinstance(el.text, str) else el.text
        el.tail = re.sub(r"\s+", " ", el.tail) if el.tail else el.tail
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter(*_BLOCKS):
        el.text, el.tail = "\n\n" + (el.text or ""), "\n\n" + (el.tail or "")
    return light_clean(root.text_content())


def parse_feed(text: str, source: str, result: ParsedFile) -> None:
    """An RSS or Atom feed: one article per entry, full content when present, else the summary."""
    import feedparser

    root = re.match(r"<([\w:.-]+)", _PROLOG.sub("", text[:65536], count=1))
    name = root.group(1).rsplit(":", 1)[-1].lower() if root else None
    if name not in ("rss", "feed", "rdf"):
        raise InputError(source, f"not an RSS or Atom feed (root element: {name or 'none'})", fix=FORMAT_FIX)
    xml = _XML_ENCODING.sub(r"\1\2utf-8\2", text, count=1)
    feed = feedparser.parse(io.BytesIO(xml.encode("utf-8")))
    if not feed.entries:
        why = f" ({feed.get('bozo_exception')})" if feed.get("bozo") else ""
        raise InputError(source, f"the feed has no entries{why}", fix=FORMAT_FIX)
    outlet = normalize_line(feed.feed.get("title") or "") or None
    for n, entry in enumerate(feed.entries, 1):
        raw = entry["content"][0].get("value", "") if entry.get("content") else entry.get("summary", "")
        body = drop_boilerplate(html_to_text(raw or ""))[0]
        if not body:
            result.errors.append(InputError(source, f"entry {n}: no content or summary", fix=FORMAT_FIX))
            continue
        link = entry.get("link") or None
        when = entry.get("published") or entry.get("updated")
        result.articles.append(
            Article(title=_real_title(entry.get("title")) or title_from_url(link) or title_from_text(body),
                    body=body, raw=raw, url=link, outlet=outlet or _host(link), published=normalize_date(when),
                    authors=split_authors(entry.get("authors") or entry.get("author") or []), source=source)
        )  # fmt: skip

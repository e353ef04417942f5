"""Article fields from raw values: titles, dates, authors, light text cleaning."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from ingest.boilerplate import is_boilerplate

_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def normalize_line(line: str) -> str:
    """One line with invisible characters dropped and whitespace collapsed."""
    return " ".join((line if line.isprintable() else _INVISIBLE.sub("", line)).split())


def light_clean(text: str) -> str:
    """Normalise whitespace, drop exact-duplicate consecutive lines, keep paragraphs."""
    out: list[str] = []
    last = None
    for line in map(normalize_line, text.splitlines()):
        if not line or line != last:
            out.append(line)
            last = line or last
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def title_from_text(text: str, limit: int = 120) -> str:
    """A title made from the first sentence of the first non-empty line, trimmed to about limit chars."""
    lines = [x for x in (normalize_line(y[:2000]) for y in text.splitlines()[:40]) if x]
    lines = [x for x in lines if not is_boilerplate(x)] or lines
    line = next((x for x in lines if not re.fullmatch(r"(?:\S+ ){0,7}[—–-]", x)), lines[0] if lines else "")
    m = re.match(r"(.+?[.!?])(?:\s|$)", line)
    title = m.group(1) if m and len(m.group(1)) >= 15 else line
    if len(title) > limit:
        title = (title[:limit].rsplit(" ", 1)[0] or title[:limit]).rstrip(" ,;:-") + "…"
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


_SLUG_SKIP = re.compile(r"(?:index|article|story|amp|default|\d+|[a-f0-9-]{16,}|.*\d{5,}.*)", re.I)


def title_from_url(url: str | None) -> str | None:
    """A title from the URL's slug ("/2022/06/13/yellowstone-floods-closed/index.html" -> "Yellowstone floods
    closed"), or None when the path holds no slug of at least two words."""
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return None
    for part in reversed([p for p in path.split("/") if p]):
        part = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", part, flags=re.I)
        words = [w for w in re.split(r"[-_+]+", part) if w]
        if _SLUG_SKIP.fullmatch(part) or len(words) < 2 or not re.search(r"[^\W\d_]{3}", part):
            continue
        title = " ".join(words)[:120]
        return title[0].upper() + title[1:]
    return None


def normalize_date(value: object) -> str | None:
    """An ISO YYYY-MM-DD date from a date string or epoch number, or None when it cannot be read."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) in (10, 13):
        value = int(value.strip())
    if isinstance(value, (int, float)):
        try:
            stamp = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return stamp.date().isoformat()
    if not isinstance(value, str) or not re.search(r"\b\d{4}\b", s := value.strip()):
        return None
    if m := re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
        try:
            return date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    from dateutil import parser

    try:
        return parser.parse(s[:100], default=datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError, TypeError, LookupError):
        return None


def split_authors(value: object) -> list[str]:
    """Author names from a list (of names or {name: ...}) or a string split on ' and ', ',', ';' or '&'."""
    if isinstance(value, str):
        value = re.split(r"\s+and\s+|\s*[,;&|]\s*", re.sub(r"^\s*by\s+", "", value, flags=re.I))
    names = []
    for item in value if isinstance(value, list) else []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and (name := normalize_line(name)) and name not in names:
            names.append(name)
    return names

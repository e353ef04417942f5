"""Markdown for untrusted article text: escaping, citation badges, highlighted spans, safe links."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

# Every ASCII character that Markdown, GFM or Streamlit's directives, LaTeX and emoji give a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^])")
_INDENT = re.compile(r"(?m)^[ \t]+")
_ICON = re.compile(r"(?i)(\\:)(?=material/)")  # Streamlit draws :material/name: icons even when escaped
_MARKER = re.compile(r"\[(\d+)\]")
_BADGE_COLOR = "blue"
_HIGHLIGHT_COLOR = "orange"


def escape_md(text: str | None) -> str:
    """Text that Streamlit's Markdown shows literally: no HTML, links, directives, LaTeX or code blocks."""
    if not text:
        return ""
    return _dedent(_escape(text))


def _escape(text: str | None) -> str:
    """Backslash-escape the special characters, keeping spaces (for pieces of a larger text)."""
    escaped = _SPECIAL.sub(r"\\\1", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return _ICON.sub("\\1\u2060", escaped)


def _dedent(markdown: str) -> str:
    """Drop indentation at line starts, which Markdown would turn into code blocks."""
    return _INDENT.sub("", markdown)


def badge(n: int | str, color: str = _BADGE_COLOR) -> str:
    """A small numbered citation badge."""
    return f":{color}-badge[{escape_md(str(n))}]"


def highlight(text: str, color: str = _HIGHLIGHT_COLOR) -> str:
    """Escaped text on a coloured background, line by line (a directive cannot span lines)."""
    return _dedent(_highlight(text, color))


def _highlight(text: str, color: str) -> str:
    """Highlighted lines joined, indentation kept (for pieces of a larger text)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_highlight_line(line, color) for line in lines)


def _highlight_line(line: str, color: str) -> str:
    """One line on a coloured background, its outer spaces kept outside the directive."""
    core = line.strip()
    if not core:
        return line
    lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
    return f"{lead}:{color}-background[{_escape(core)}]{trail}"


def highlighted_md(
    text: str, span: tuple[int, int] | None, color: str = _HIGHLIGHT_COLOR, *, spans=None, answer=None
) -> str:
    """The passage with its supporting characters highlighted (every span of spans) and the answer in bold."""
    text = text or ""
    marks = [(max(0, int(a)), min(len(text), int(b))) for a, b in (spans or ([span] if span else []))]
    marks = [(a, b) for a, b in marks if b > a]
    if not marks:
        return escape_md(text)
    cuts = sorted({0, len(text), *(x for m in marks for x in m), *(answer or ())})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = text[a:b]
        lit = any(s <= a and b <= e for s, e in marks)
        bold = bool(answer) and answer[0] <= a and b <= answer[1] and bool(piece.strip())
        if lit and bold and "\n" not in piece:
            core = piece.strip()
            lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
            out.append(f"{lead}:{color}-background[**{_escape(core)}**]{trail}")
        elif lit:
            out.append(_highlight(piece, color))
        elif bold:
            out.append(f"**{_escape(piece)}**")
        else:
            out.append(_escape(piece))
    return _dedent("".join(out))


def answer_md(text: str, numbers: set[int] | None = None) -> str:
    """The answer with each [n] of a known source turned into a badge; everything else escaped."""
    numbers = numbers or set()
    out, last = [], 0
    for match in _MARKER.finditer(text or ""):
        n = int(match.group(1))
        if n not in numbers:
            continue
        out.append(_escape(text[last : match.start()]))
        out.append(("" if not out[-1] or out[-1].endswith((" ", "\n")) else " ") + badge(n))
        last = match.end()
    out.append(_escape((text or "")[last:]))
    return _dedent("".join(out))


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link without spaces or control characters, else None."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link_md(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label when the URL is http(s); the escaped label otherwise."""
    href = safe_url(url)
    if not href:
        return escape_md(label)
    href = (
        href.replace("\\", "%5C")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )
    return f"[{escape_md(label)}]({href})"


def source_meta(outlet: str | None, published: str | None) -> str:
    """'outlet · date', escaped."""
    return escape_md(" · ".join(p for p in (outlet or "unknown outlet", (published or "")[:10]) if p))


def also_reported_md(outlets: list[str]) -> str:
    """'Also reported by A, B', escaped; empty without other outlets."""
    names = [o for o in dict.fromkeys(outlets or []) if o]
    return "Also reported by " + escape_md(", ".join(names)) if names else ""


def story_dates_md(dates: dict) -> str:
    """'First reported D by A · latest D by B', escaped; empty without dates."""
    if not dates or not dates.get("first"):
        return ""
    first = f"First reported {dates['first']} by {', '.join(dates['first_by']) or 'unknown'}"
    if dates.get("last") == dates["first"]:
        return escape_md(first)
    return escape_md(f"{first} · latest {dates['last']} by {', '.join(dates['last_by']) or 'unknown'}")


def format_time(unix: str | float | None) -> str:
    """A unix time as 'YYYY-MM-DD HH:MM UTC'; '–' when unknown."""
    try:
        return datetime.fromtimestamp(float(unix), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return "–"


def date_range(first: str | None, last: str | None) -> str:
    """'first – last' of published dates; '–' when unknown."""
    first, last = (first or "")[:10], (last or "")[:10]
    if not first and not last:
        return "–"
    return first if first == last else f"{first} – {last}"

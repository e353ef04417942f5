"""Dates said in a question ("yesterday", "last week", "in July 2022") as a published-date range."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import replace
from datetime import date, timedelta

from assistant.types import Filters

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
_WEEKDAYS = [d.lower() for d in calendar.day_name]
_N = r"(?P<n>\d{1,3}|a|one|two|three|four|five|six|seven|ten)"
_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"
_PREP = r"(?:(?P<prep>in|during|on|since|from|after|before|until|till|by)\s+)?"
_PATTERNS = [
    ("iso", _PREP + r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
    ("mdy", _PREP + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),
    ("dmy", _PREP + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y>\d{4})"),
    ("my", _PREP + _MONTH + r",?\s+(?P<y>\d{4})"),
    ("y", r"(?P<prep>in|during|since|after|before|until|by)\s+(?P<y>(?:19|20)\d{2})(?![\w-])"),
    ("m", r"(?P<prep>in|during|since|after|before|until|by)\s+" + _MONTH + r"(?![\w-])(?!\s+\d)"),
    (
        "wd",
        r"(?P<prep>on|last|this|since|after|before|until|by)\s+(?P<wd>" + "|".join(_WEEKDAYS) + r")(?!\s+\d)",
    ),
    ("ago", r"(?<![\d,.])" + _N + r"\s+" + _UNIT + r"\s+ago"),  # not "46,000 years ago"
    ("past", r"(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+" + _N + r"\s+" + _UNIT),
    (
        "rel",
        r"(?:(?:in|during|over)\s+the\s+)?(?P<which>this|last|past|previous)\s+(?P<unit>week|month|year)",
    ),
    ("word", r"(?<!USA )(?<!USA-)(?P<which>today|yesterday|tonight|this morning)(?! show\b)"),  # not a title
]
# what a figure is compared with ("up 9% compared to a year ago", "than last year"): no published-date range
_BASELINE = re.compile(r"\b(?:compared (?:to|with)|than|versus|vs\.?|from)\s+$", re.I)
_FUTURE = re.compile(r"\b(?:will|going to|plans? to|planned|next|upcoming|expected to|due to)\b", re.I)
_RE = [(kind, re.compile(r"\b" + pattern + r"\b", re.I)) for kind, pattern in _PATTERNS]


def _month_range(y: int, m: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _number(text: str) -> int:
    """A count written in digits or as a small word."""
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


def _span(kind: str, g: dict, as_of: date) -> tuple[date | None, date | None]:
    """The date range one matched expression means."""
    if kind in ("iso", "mdy", "dmy"):
        month = int(g["m"]) if kind == "iso" else _MONTHS[g["month"].lower()]
        day = date(int(g["y"]), month, int(g["d"]))
        start, end = day, day
    elif kind == "my":
        start, end = _month_range(int(g["y"]), _MONTHS[g["month"].lower()])
    elif kind == "m":  # a month without its year: the latest one up to as_of
        month = _MONTHS[g["month"].lower()]
        start, end = _month_range(as_of.year if month <= as_of.month else as_of.year - 1, month)
        end = min(end, as_of)
    elif kind == "wd":  # a weekday: the latest one before as_of ("this Monday": this week's, up to as_of)
        back = (as_of.weekday() - _WEEKDAYS.index(g["wd"].lower())) % 7
        if g["prep"].lower() == "last" or (back == 0 and g["prep"].lower() != "this"):
            back = back or 7
        start = end = as_of - timedelta(days=back)
        if g["prep"].lower() in ("last", "this"):
            return start, end
    elif kind == "y":
        start, end = date(int(g["y"]), 1, 1), date(int(g["y"]), 12, 31)
    elif kind == "ago":
        n, unit = _number(g["n"]), _UNITS[g["unit"].lower()]
        center = as_of - timedelta(days=n * unit)
        pad = 0 if unit == 1 else unit // 2
        return center - timedelta(days=pad), min(as_of, center + timedelta(days=pad))
    elif kind == "past":
        return as_of - timedelta(days=_number(g["n"]) * _UNITS[g["unit"].lower()]), as_of
    elif kind == "word":
        word = g["which"].lower()
        day = as_of - timedelta(days=1) if word == "yesterday" else as_of
        return day, day
    else:  # this/last/past week, month, year
        which, unit = g["which"].lower(), g["unit"].lower()
        if which == "past":
            return as_of - timedelta(days=_UNITS[unit]), as_of
        if unit == "week":
            if which == "this":  # the seven days up to as_of: news quizzes say "this week" loosely
                return as_of - timedelta(days=6), as_of
            monday = as_of - timedelta(days=as_of.weekday())
            return monday - timedelta(days=7), monday - timedelta(days=1)
        if unit == "month":
            if which == "this":
                return as_of.replace(day=1), as_of
            prev = as_of.replace(day=1) - timedelta(days=1)
            return _month_range(prev.year, prev.month)
        year = as_of.year if which == "this" else as_of.year - 1
        return date(year, 1, 1), (as_of if which == "this" else date(year, 12, 31))
    prep = (g.get("prep") or "").lower()
    if prep in ("since", "from"):
        return start, None
    if prep == "after":
        return end + timedelta(days=1), None
    if prep in ("before", "until", "till", "by"):
        return None, (start - timedelta(days=1) if prep == "before" else end)
    return start, end


@functools.lru_cache(maxsize=4096)  # the filters and two refusal features read the same question
def read_dates(question: str, as_of: date) -> tuple[date | None, date | None, str, str]:
    """(since, until, the phrase, the question without it) for the first date expression in the question."""
    best = None
    future = _FUTURE.search(question) is not None
    for kind, pattern in _RE:
        if future and kind in ("m", "wd"):
            continue  # "Will Xi visit in May?": a plan, not a published-date range
        m = pattern.search(question)
        if m and kind in ("ago", "rel") and _BASELINE.search(question[: m.start()]):
            continue
        if m and (best is None or m.start() < best[1].start()):
            try:
                since, until = _span(kind, m.groupdict(), as_of)
            except (ValueError, KeyError, OverflowError):
                continue
            if since is not None and since > as_of:
                continue  # "if he is re-elected in 2024": nothing is published after the as-of date
            best = (kind, m, since, until)
    if best is None:
        return None, None, "", question
    _, m, since, until = best
    rest = (question[: m.start()] + question[m.end() :]).strip()
    rest = re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", rest))
    return since, until, m.group().strip(), rest or question


def apply_question_dates(question: str, filters: Filters | None, as_of: date) -> tuple[Filters, str]:
    """Filters narrowed by the dates the question names (from the day or period on: "last year's figures" are
    published this year), and the question without the date words."""
    filters = replace(filters) if filters else Filters()
    explicit = filters.since or filters.until
    since, until, phrase, rest = read_dates(question, as_of)
    if not phrase:
        return filters, question
    if since is not None:  # news of a past day or period is published then and after, up to the as-of date
        filters.since = max(since, filters.since) if filters.since else since
    elif until is not None:  # "before 2023", "by March": an upper bound only
        filters.until = min(until, filters.until) if filters.until else until
    filters.date_phrase = phrase
    filters.undated = filters.undated or (explicit is None)
    return filters, rest


_CURRENT = re.compile(
    r"\b(?:now|currently|current|latest|newest|most recent(?:ly)?|so far|still|this (?:week|month|weekend)|"
    r"today|tonight|right now|ongoing|as of)\b|\b(?:is|are|has|have) (?:\w+ )?(?:being|now|still)\b",
    re.I,
)


def is_current(question: str) -> bool:
    """True for a question about the state of things now ("latest", "this week", "still", "now")."""
    return bool(_CURRENT.search(question or ""))


ARCHIVE_DAYS = 30  # newest article older than this: the archive default applies


def default_as_of(newest: date | None, today: date) -> tuple[date, str]:
    """The as-of date when none is given, and the one-line notice when it is not today (an archive)."""
    if newest and (today - newest).days > ARCHIVE_DAYS:
        return newest, f"Answering as of {newest.isoformat()}, the newest article; change it in the sidebar."
    return today, ""


def lag_notice(newest: date | None, as_of: date) -> str:
    """The one-line notice when the newest article up to an as-of date is more than 30 days older ("" if not)."""
    if newest and (as_of - newest).days > ARCHIVE_DAYS:
        return f"The newest article up to {as_of.isoformat()} is from {newest.isoformat()}: later news is not in the articles."
    return ""


# a present tense that schedules ("ends Sunday", "takes effect Friday")
_UPCOMING = re.compile(
    r"\b(?:ends|begins|starts|opens|closes|takes effect|kicks off|returns|arrives|(?:is|are) (?:set|scheduled|due))"
    r"\b(?:\s+\S+){0,3}\s*(?:on\s+)?$",
    re.I,
)
_DAY_WORD = re.compile(
    r"(?:(?P<prep>on|last|this|next)\s+)?(?:(?P<wd>"
    + "|".join(_WEEKDAYS)
    + r")|(?P<word>today|yesterday|tonight))"
    r"(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?",
    re.I,
)
_WRITTEN_AFTER = re.compile(
    r",?\s+" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d{2}\b)?", re.I
)


def written_after(text: str, end: int) -> str:
    """The date written right after a weekday ending at end (", Nov. 5" in "Sunday, Nov. 5 at 2 a.m."), or ""."""
    m = _WRITTEN_AFTER.match(text, end)
    return m.group() if m else ""


def resolved_day(phrase: str, before: str, published: date | None) -> date | None:
    """The calendar day a relative day ("Friday", "on Tuesday night", "yesterday") means in an article published
    on a known day, read forward when the words before it speak of a plan ("will meet on Friday", "the law
    takes effect Friday"); None for any other phrase or an undated article."""
    m = _DAY_WORD.fullmatch(phrase.strip())
    if m is None or published is None:
        return None
    if m["word"]:
        return published - timedelta(days=1) if m["word"].lower() == "yesterday" else published
    target, prep = _WEEKDAYS.index(m["wd"].lower()), (m["prep"] or "").lower()
    if prep == "next" or (
        prep != "last" and (_FUTURE.search(before[-80:]) or _UPCOMING.search(before[-40:]))
    ):
        return published + timedelta(days=(target - published.weekday()) % 7 or (7 if prep == "next" else 0))
    return published - timedelta(days=(published.weekday() - target) % 7 or (7 if prep == "last" else 0))


_DAY_KINDS = ("iso", "mdy", "dmy")
_TIME_TAIL = re.compile(r"[,\s]*(?:at\s+)?(?:\d{1,2}(?::\d{2}){0,2}\s*(?:[ap]\.?m\.?)?)?\s*[:–—-]?", re.I)


def written_day(text: str) -> date | None:
    """The day a date written whole says ("June 15, 2022", "15 June 2022", "2022-06-15", a time after it
    allowed); None for anything else, so a caller can fall back to a full date parser."""
    text = text.strip(" ,.;")
    for kind, rx in _RE:
        if (
            kind in _DAY_KINDS
            and (m := rx.match(text))
            and not m["prep"]
            and _TIME_TAIL.fullmatch(text[m.end() :])
        ):
            try:
                return _span(kind, m.groupdict(), date.today())[0]
            except ValueError:  # "February 30": the full parser decides
                return None
    return None


def day_number(d: date | None) -> int:
    """A date as YYYYMMDD (0 for None)."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def day_date(day: int) -> date | None:
    """YYYYMMDD as a date (None for 0)."""
    return date(day // 10000, day // 100 % 100, day % 100) if day else None


def days_before(day: int, as_of: date | None) -> int | None:
    """How many days before as_of a YYYYMMDD day lies (0 when after it; None when either is unknown)."""
    return max((as_of - day_date(day)).days, 0) if day and as_of else None


def iso_day(day: int) -> str:
    """YYYYMMDD as YYYY-MM-DD ("" for 0)."""
    return day_date(day).isoformat() if day else ""


_SLUG = re.compile(r"(?<![\d])(\d{1,2})-" + _MONTH.replace("\\.?", "") + r"-((?:19|20)\d{2})(?![\d])", re.I)


def url_day(url: str | None) -> int:
    """YYYYMMDD from a /2022/06/12/ or 2022-06-12 part of a URL, or a slug saying 17-june-2022 (0 when none)."""
    m = re.search(r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)", url or "")
    try:
        if m:
            return day_number(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        if s := _SLUG.search((url or "").rsplit("?", 1)[0]):
            return day_number(date(int(s.group(3)), _MONTHS[s.group("month").lower()], int(s.group(1))))
    except ValueError:
        return 0
    return 0


_YEAR = re.compile(r"(?<![\d$£€.,-])((?:19|20)\d{2})(?![\d%])(?!s\b)(?!\s*(?:percent|people)\b)")


def years(text: str) -> set[int]:
    """The calendar years a text names ("in 2022", "the 2026 Final Four"); not "2,022" or "2022 people"."""
    return {int(y) for y in _YEAR.findall(text)}


def year_drift(text: str, question: str, as_of: date | None) -> tuple[float, float]:
    """(past, future): 1.0 when every year the sentence names, beyond the question's own, lies before
    (after) the as-of year, so the sentence likely tells of another year's event."""
    if as_of is None:
        return 0.0, 0.0
    named = years(text) - years(question)
    if not named or as_of.year in named:
        return 0.0, 0.0
    return float(max(named) < as_of.year), float(min(named) > as_of.year)

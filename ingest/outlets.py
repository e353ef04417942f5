"""Outlet names from what a text says reliably: a known outlet code, or the credit of a dateline."""

from __future__ import annotations

import re

# codes that name one outlet or wire service; any other code line ("TT") says nothing reliable
KNOWN_CODES = {
    "AP": "AP", "AFP": "AFP", "REUTERS": "Reuters", "CNN": "CNN", "BBC": "BBC", "NPR": "NPR", "UPI": "UPI",
    "DPA": "dpa", "EFE": "EFE", "ANSA": "ANSA", "PTI": "PTI", "IANS": "IANS", "TASS": "TASS", "XINHUA": "Xinhua",
    "KYODO": "Kyodo", "YONHAP": "Yonhap", "WSJ": "The Wall Street Journal", "NYT": "The New York Times",
    "FT": "Financial Times", "CBS": "CBS News", "NBC": "NBC News", "ABC": "ABC News", "CNBC": "CNBC",
}  # fmt: skip
# outlets that news text credits ("told USA TODAY") beside the codes above, case-folded
CREDITED = (
    "associated press", "usa today", "washington post", "fox news", "guardian", "politico", "axios",
    "bloomberg", "the week", "al jazeera", "sky news", "newsweek", "huffpost", "business insider",
    "los angeles times", "chicago tribune", "msnbc", "the hill", "the atlantic", "the independent",
)  # fmt: skip
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z .,'-]{0,60}\s)?\((Reuters|AP|AFP|CNN(?: Business)?|BBC|NPR|UPI|Xinhua|dpa|EFE)\)\s*[-–—:]?"
)


def known_outlet(code: str) -> str | None:
    """The outlet an outlet-code line names, when the code is a known one; None otherwise."""
    return KNOWN_CODES.get(code.strip().upper())


def outlet_from_dateline(body: str) -> str | None:
    """The credit of a dateline opening the body ("MOSCOW (Reuters) -", "(CNN) -"), as an outlet name."""
    m = _DATELINE.match(body.lstrip()[:120])
    if not m:
        return None
    credit = m.group(1).split()[0]
    return KNOWN_CODES.get(credit.upper(), credit)

"""Lines that are not article text: teasers, navigation, calls to action, video lengths, ads, surveys, newsletters."""

from __future__ import annotations

import re
from functools import lru_cache

_MAX_WORDS = 80  # a longer line is a paragraph of the article, whatever it mentions
_WHOLE = re.compile(  # the whole line is one of these
    r"(?:advertisement|advertising|sponsored(?: content| links?| stories)?|paid (?:content|post)|ad|ads by \w+"
    r"|(?:story|article) continues below(?: advertisement)?|continue reading(?: below| the main story)?"
    r"|scroll (?:down )?to continue(?: reading)?|skip (?:to|this) (?:main )?(?:content|ad|video)|back to top"
    r"|(?:next|previous|prev) (?:article|story|page|slide|post)|up next|load more|show more|see more|view more"
    r"|more (?:videos|stories|from \w[\w' ]{0,30}|on this story)|quick links|related (?:videos?|coverage|content)"
    r"|(?:click|tap) (?:here|to)\b.*|(?:share|print|email|comment)s?(?: this)?(?: article| story)?|comments?"
    r"|\d+ comments?|replay|watch(?: now| live| the video)?|listen(?: now| to this article)?|play video"
    r"|(?:menu|search|close|home|subscribe|log ?in|sign ?in|sign up|register)(?: now)?|toggle navigation"
    r"|(?:home|news|world|us|u\.s\.|politics|business|sports?)(?: ?[>/|»›] ?[\w' .&-]{1,30}){1,5}"
    r"|source: [\w .,&'-]{1,40}|(?:video|photo|image)s?: .{1,60}?(?:getty|ap|reuters|afp|cnn)[\w ]{0,20})",
    re.I,
)
_ANYWHERE = re.compile(  # these mark a line as boilerplate wherever they stand in it
    "|".join(
        [
            r"how relevant is this ad to you|\bad feedback\b|thank you for your feedback|your feedback helps",
            r"video player was slow to load|video content never loaded|ad froze or did not finish|audio on ad was too loud",
            r"did you encounter any technical issues|\bjust watched\b|\bmust watch\b|\breplay more videos\b",
            r"(?:^|[.!?)] )(?:sign up|subscribe)\b|\b(?:sign up|subscribe) (?:here|now|today)\b|\bsign up for free,? here\b",
            r"\bsubscribe to our\b|(?:^|[.!?] )(?:get|receive|want|join)\b.{0,80}\bnewsletter\b",
            r"delivered (?:right )?to your inbox|(?:get|have) (?:it|them|this|these) (?:delivered )?(?:in|to) your inbox",
            r"in your inbox (?:every|each|daily|weekly)|consider supporting (?:our|local) journalism",
            r"^support (?:our|local) journalism|become a [\w' ]{0,30}subscriber\b|is a [\w' ]{0,40}content partner offering",
            r"purchases you make through our links|may earn (?:us )?a (?:small )?commission",
            r"prices were accurate at the time (?:this|of) (?:article|publication)",
            r"we will use the (?:details|information) you have shared|if you wish to object to the use of your data",
            r"(?:please )?enable javascript|your browser (?:does not|doesn't) support|this (?:video|content) is not available",
            r"would you like to receive (?:the|our) [\w' ]{0,40}newsletter",
            r"(?:^|[.!?] )follow (?:us|\w+(?: \w+){0,3}) on (?:twitter|facebook|instagram|tiktok|x\b)",
            r"^(?:contact|reach|email) [\w' .]{0,60}\bat \S+@|you can reach (?:her|him|them|me|us) at\b",
            r"(?:^|[.!?] )download (?:the|our) [\w' ]{0,30}app\b|turn on (?:desktop )?notifications|all rights reserved",
            r"have a news tip\?|got a (?:news )?tip\?|^a version of this (?:story|article) (?:first )?(?:appeared|ran) in",
            r"^this (?:story|article) (?:has been|was|will be) updated\b",
            r"^(?:more|also read|read more|read also|see also|related|watch|listen|recommended|trending|don't miss"
            r"|more from [\w' ]{1,30}|must read|top stories)\s*:",
        ]
    ),
    re.I,
)
# every alternative of _ANYWHERE holds one of these (case-folded): a line with none skips the slow search
_ANYWHERE_HINTS = (
    "relevant", "feedback", "video", "froze", "loud", "technical", "watch", "replay", "sign up", "subscri",
    "newsletter", "inbox", "journalism", "partner", "purchases", "commission", "accurate", "we will use",
    "object", "javascript", "browser", "not available", "follow", "@", "reach", "download", "notifications",
    "rights reserved", "tip?", "a version of this", "updated", ":",
)  # fmt: skip
# a link under an all-capitals label: "WHAT'S NEXT:Avalanche face busy summers", "NEW WEBB PHOTOS: NASA releases
# ..." (a headline: no full stop at its end); not an event's listing ("WHERE: The Grand, 818 N. Market St.")
_LABELLED_LINK = re.compile(
    r"(?!(?:WHAT|WHERE|WHEN|WHO|TICKETS|COST|PRICE|ADMISSION|HOURS|INFO|DETAILS|DATES?|TIMES?|VENUE) ?:)"
    r"[A-Z][A-Z'’&-]+(?: [A-Z][A-Z'’&-]*){0,4} ?:.*[^\s.!?\"”’)]"
)
_DURATION = re.compile(r"(?<![\d:])(?:\d{1,2}:)?\d{2}:[0-5]\d$")  # "01:15" ending a video teaser
_TIME_WORDS = re.compile(
    r"\b(?:at|by|until|till|from|to|before|after|around|about|since|between|and|or)\s+\S+$", re.I
)
_BULLET = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*▪►·])\s+")


@lru_cache(maxsize=16384)
def is_boilerplate(line: str) -> bool:
    """True for a teaser, navigation, call-to-action, video-length, ad, survey or newsletter line."""
    text = " ".join(line.split())
    if not text or len(text.split()) > _MAX_WORDS:
        return False
    if _WHOLE.fullmatch(text.rstrip(" .!:|")):
        return True
    if _LABELLED_LINK.fullmatch(text):
        return True
    folded = text.casefold()
    if any(h in folded for h in _ANYWHERE_HINTS) and _ANYWHERE.search(_BULLET.sub("", text)):
        return True
    # a video teaser: a headline-like line ending in its length ("... Yellowstone National Park 01:15")
    return (
        _DURATION.search(text) is not None
        and not _TIME_WORDS.search(text)
        and len(text.split()) >= 3
        and not text.rstrip("0123456789: ").endswith((".", ",", ";", "in", "of"))
    )


# a photo's credit before its caption: "Noah Berger/AP", "David McNew/AFP/Getty Images"
_CREDIT = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*(?:\s*/\s*(?:AP|Getty Images|Getty|Reuters|AFP|EPA(?:-EFE)?|Bloomberg|"
    r"Shutterstock|NurPhoto|Sipa USA|Sipa|ZUMA Press|Zuma|POOL|Pool|Alamy|PA Images|PA|AAP|Xinhua|USA TODAY|"
    r"USA TODAY Sports|SOPA Images|LightRocket|Anadolu Agency|Anadolu|Redux|The New York Times|The Washington Post|"
    r"CNN|dpa|picture alliance))+\s+"
)


def credit_end(text: str) -> int:
    """Where a caption starts after its photo credit ("Noah Berger/AP A firefighter ..."); 0 when there is none."""
    m = _CREDIT.match(text)
    return m.end() if m else 0


def drop_boilerplate(text: str) -> tuple[str, list[str]]:
    """The text without its boilerplate lines (paragraphs kept), and the lines removed."""
    kept, removed = [], []
    for line in text.split("\n"):
        if line.strip() and is_boilerplate(line):
            removed.append(line.strip())
        else:
            kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), removed

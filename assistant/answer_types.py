"""What a question asks for: a time, a number, a person, a place, an organisation, a name, a reason, a yes/no."""

from __future__ import annotations

import functools
import re

from assistant.terms import STOP, stem

TIME, NUMBER, PERSON, PLACE, ORG, NAME, REASON, YESNO, OTHER = (
    "time", "number", "person", "place", "org", "name", "reason", "yesno", "other",
)  # fmt: skip
TYPES = (TIME, NUMBER, PERSON, PLACE, ORG, NAME, REASON, YESNO, OTHER)

# Head nouns of "which X" / "what X" questions, by the answer type they ask for.
_HEADS = {
    TIME: "year date day month time decade century weekday era",
    NUMBER: "number percentage percent amount price cost age score total share figure sum rate temperature "
    "distance speed height weight size population salary fine toll wage tally count fee value worth",
    PERSON: "person man woman player actor actress singer president leader pope ceo star athlete politician "
    "senator governor judge justice official artist rapper musician author writer director minister king queen "
    "prince princess coach founder executive comedian host celebrity journalist candidate lawmaker billionaire "
    "chef astronaut scientist general footballer golfer quarterback pitcher driver rider boxer wrestler tennis "
    "chancellor mayor monarch premier speaker secretary spokesperson pilot model icon legend lawyer suspect superstar "
    "guest performer entertainer personality nominee",
    PLACE: "country city state nation continent region island town province county capital place location "
    "village territory mountain river ocean sea lake park airport neighborhood district border state's "
    "country's city's port volcano coast desert",
    ORG: "company team organization organisation agency firm party group club network bank university "
    "school college airline brand retailer automaker carmaker startup union court league band newspaper "
    "outlet platform store chain restaurant studio channel manufacturer broadcaster publisher giant maker "
    "government ministry department committee council military army franchise carrier",
}
# person heads that stand before a name as its title ("Majority Leader Steve Scalise", "Rep. Glenn Thompson")
TITLES = frozenset({
    "president", "leader", "pope", "ceo", "senator", "sen", "governor", "gov", "judge", "justice", "director",
    "minister", "king", "queen", "prince", "princess", "coach", "chancellor", "mayor", "premier", "speaker",
    "secretary", "chairman", "chairwoman", "chief", "commissioner", "ambassador", "spokesperson", "spokesman",
    "spokeswoman", "rep", "representative", "dr", "mr", "mrs", "ms", "duke", "duchess", "sir", "dame", "lord",
})  # fmt: skip
_HEAD_TYPE = {w: t for t, ws in _HEADS.items() for w in ws.split()}
_HEAD_TYPE.update({w + "s": t for w, t in list(_HEAD_TYPE.items()) if not w.endswith("s")})
_AUX = re.compile(r"^(?:is|are|was|were|do|does|did|will|would|can|could|should|has|have|had)\b", re.I)
_ASKS = re.compile(r"\b(?:which|what|whose|who|whom|when|where|why|how)\b|\btrue or false\b|:$", re.I)
_ASKING = re.compile(  # "which national park", "how many US states": the words that name what is asked
    r"\b(?:which|what|whose|how\s+(?:many|much))\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", re.I
)
SPAN_WORDS = frozenset(
    {"day", "days", "week", "weeks", "month", "months", "year", "years"}
)  # stopwords, but asked
_DURATIONS = ("seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades")
HOW_LONG = re.compile(r"\bhow\s+long\b", re.I)  # asks for a span of time or a length
SINCE = re.compile(r"\bsince(?:\s+at\s+least)?\s*:\s*$", re.I)  # "the first No. 8 seed to win since:": a year
HEAD_STOP = set(["is", "are", "was", "were", "do", "does", "did", "will", "would", "can", "could", "should", "has", "have", "had", "its", "their", "his", "her", "the", "a", "an", "to", "of", "in", "on", "for", "at", "by", "with", "from", "that", "this", "these", "those", "it", "they", "he", "she", "we", "you", "recently", "just", "now", "also", "won", "win", "wins", "lost", "beat", "beats", "made", "took", "became", "got", "saw", "said", "says", "led", "hit", "set", "ran", "left", "broke", "held", "paid", "sold", "bought", "gave", "told", "met", "brought", "faces", "went", "came"])  # fmt: skip
_STATEMENT = re.compile(
    r"^what\s+(?:did|does|do|will|would|has|have|had|can|could|should)\s+(?:[\w'’.-]+\s+){0,6}?(?:say|said|tell|"
    r"decide|rule|do|mean|show|find|reveal|suggest|claim|argue|want|propose|plan|think|believe|warn|promise|ask|"
    r"demand|conclude|report|explain|learn|discover)(?:s|ed|ing)?\b|\bwhat\s+(?:has\s+|had\s+)?happen",
    re.I,
)
_HOW = re.compile(r"\bhow\s+(many|much|long|old|far|big|high|low|large|tall|fast|often|deep|wide|heavy|small|"
                  r"few|soon|quickly)\b", re.I)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def question_head(question: str) -> frozenset[str]:
    """Stems of the words after a question's last "which" / "what" / "how many" ("which national park" -> nation,
    park; "how many inches" -> inch; "how long" -> the units of time)."""
    return frozenset(stem(w) for w in _asked_words(question))


def _asked_words(question: str) -> list[str]:
    """The words after a question's last "which" / "what" / "how many", lower case, without "'s", up to a stopword
    or verb."""
    found = list(_ASKING.finditer(question))
    if not found and HOW_LONG.search(question):  # "for how long?": a span of time
        return list(_DURATIONS)
    out = []
    for word in found[-1].group(1).lower().split() if found else []:
        if (word in STOP and word not in SPAN_WORDS) or word in HEAD_STOP or word.endswith("ed"):  # a verb
            break
        if len(word) > 2:  # not "US", "UK"
            out.append(word.replace("’", "'").removesuffix("'s"))
    return out


_PLACE_CLASS = {"country": "country", "countries": "country", "nation": "country", "nations": "country",
                "state": "state", "states": "state", "city": "city", "cities": "city", "capital": "city",
                "continent": "continent"}  # fmt: skip


def asked_place_class(question: str) -> str:
    """The class of place a "which country / state / city" question asks for ("" when it names none)."""
    return next((_PLACE_CLASS[w] for w in _asked_words(question) if w in _PLACE_CLASS), "")


def question_type(question: str) -> str:
    """The kind of answer a question asks for (read from its last sentence that asks something)."""
    q = " ".join(question.split())
    parts = [x for x in re.split(r"(?<=[.!?:])\s+", q) if x.strip()]
    asking = [x for x in parts if _ASKS.search(x)]
    q = asking[-1] if asking else q
    low = q.lower()
    if re.search(r"\btrue or false\b", low) or (_AUX.match(q) and not _ASKS.search(q)):
        return YESNO
    if m := _HOW.search(q):
        return TIME if m.group(1).lower() in {"soon", "quickly"} else NUMBER
    if low.startswith("when ") or (re.search(r"\bwhen\b", low) and not re.search(r"\b(?:which|what)\b", low)):
        return TIME
    if re.search(r"\bwhy\b|\bfor what reason\b|\bwhat (?:caused|prompted|led)\b", low):
        return REASON
    if re.search(r"\bwhere\b", low):
        return PLACE
    if _STATEMENT.search(q):  # "What did the court decide?", "What happened?": a statement or event, no name
        return OTHER
    if head := _copula_head(q):  # "What is the federal minimum wage in the US?": the wage, a number
        return head
    if SINCE.search(q):
        return TIME
    if re.search(r"\bbecause\s*:\s*$", low):
        return REASON
    # "...brought his tally of wins to what?", "the top prize amount ballooned to:": a head before it
    if m := re.search(r"\bwhat\W*$|(?<!except)(?<!except,)(?<!except ):\s*$", q, re.I):
        before = [re.sub(r"[^\w-]", "", w).lower() for w in q[: m.start()].split()[-10:]]
        if any(_HEAD_TYPE.get(w) == NUMBER for w in before):
            return NUMBER
    if asks := list(re.finditer(r"\b(?:which|what|whose)\s+", q, re.I)):
        for m in asks:  # "X, which marks..., in which year?": a later "which X" names the type
            for word in q[m.end() :].lower().split()[:4]:
                word = re.sub(r"[^\w-]", "", word).removesuffix("s") if word not in _HEAD_TYPE else word
                if word in HEAD_STOP:
                    break
                if word in _HEAD_TYPE:
                    return _HEAD_TYPE[word]
        return NAME
    if re.search(r"\bwho(?:m|se)?\b", low):
        return PERSON
    if re.search(r"\bwhat\b|:$", low):
        return NAME
    return OTHER


_COPULA = re.compile(
    r"^(?:what|which)\s+(?:is|was|are|were|will\s+be)\s+(?:the\s+|a\s+|an\s+)?([\w\s'’-]+?)"
    r"(?:\s+(?:of|in|for|at|on|by|that|to|from|with|after|since|under|this|last|now|per)\b.*)?\W*$",
    re.I,
)


def _copula_head(question: str) -> str:
    """The type a "what is the X (of/in ...)?" question's head noun X names ("" when it names none)."""
    m = _COPULA.match(question.strip())
    words = m.group(1).lower().split() if m else []
    return _HEAD_TYPE.get(re.sub(r"[^\w-]", "", words[-1]), "") if words else ""

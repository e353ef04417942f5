"""Words of questions and passages: stemmed content terms, names and term overlap."""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")  # an acronym with dots: "u.s", "u.k"
_NAME = re.compile(r"\b[A-Z][\w’'-]*[A-Za-z](?:\s+(?:[A-Z][\w’'-]*[A-Za-z]|of|de|al|bin|von|van)){0,3}\b")
_STOP_WORDS = """a an and are as at be been being but by can could did do does doing done for from had has have having he her
    here hers him his how i if in into is it its itself just may me might more most much must my no nor not now of
    off on once one only or other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up upon very was we were what when where which while
    who whom whose why will with would yet you your yours about after again against all also any because before below
    between both during each few further get gets got per said says say tell told according week weeks today
    yesterday recent recently new news time year years day days month months last this next first many
    well like make made know known let lets far happen happened happens happening whats who's what's whos"""
STOP = set(_STOP_WORDS.split())
QUESTION_WORDS = {"who", "what", "when", "where", "which", "why", "how", "whom", "whose"}


@functools.lru_cache(maxsize=1)
def _stemmer():
    """English Snowball stemmer (the BM25 index's)."""
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens with trailing possessives and dots removed ("U.S." is "us")."""
    out = []
    for w in _WORD.findall(text):
        w = w.lower().replace("’", "'")
        w = w[:-2] if w.endswith("'s") else w
        w = w.strip(".'-")
        out.append(w.replace(".", "") if _DOTTED.fullmatch(w) else w)  # "U.S." is "us", as "US" is
    return [w for w in out if w]


@functools.lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Stem of one lower-case word."""
    return _stemmer().stemWord(word)


def content_terms(text: str) -> list[str]:
    """Stemmed content words in order, stopwords removed (duplicates kept)."""
    return [stem(w) for w in words(text) if w not in STOP and (len(w) > 1 or w.isdigit())]


@functools.lru_cache(maxsize=50000)
def term_set(text: str) -> frozenset[str]:
    """Distinct stemmed content words (cached: passages recur across questions)."""
    return frozenset(content_terms(text))


def with_variants(terms: set[str]) -> set[str]:
    """Terms plus the country forms of demonyms (russian -> russia, iranian -> iran, chinese -> china)."""
    out = set(terms)
    for t in terms:
        if t.endswith("ian") and len(t) > 5:
            out.update((t[:-1], t[:-3]))
        elif t.endswith("ese") and len(t) > 5:
            out.update((t[:-3] + "a", t[:-3]))
        elif t.endswith("an") and len(t) > 5:
            out.add(t[:-1])
    return out


def names(text: str) -> list[str]:
    """Capitalised word runs that look like names (a capitalised first word only when it is not a stopword)."""
    found = []
    for m in _NAME.finditer(text):
        name = m.group().strip()
        parts = name.split()
        while parts and parts[0].lower() in STOP | QUESTION_WORDS:
            parts = parts[1:]
        while parts and parts[-1].lower() in {"of", "de", "al", "bin", "von", "van"}:
            parts = parts[:-1]
        if parts:
            found.append(" ".join(parts))
    return found


# Words news reports use for the same event; a question's word counts as present when a synonym is.
_SYNONYMS = [
    "fall fell falls drop dropped plunge plummet slump decline tumble sink slide weaken weakened low lowest lose crash dip",
    "rise rose rising increase climb jump soar surge gain high highest grow spike rally",
    "die died dead death deaths kill killed fatal fatalities",
    "win won victory beat champion champions triumph",
    "buy bought acquire acquisition purchase",
    "ban banned prohibit outlaw",
    "arrest arrested detain detained custody",
    "resign resigned quit",
    "sue sued lawsuit",
    "leader head chief",
]


@functools.lru_cache(maxsize=1)
def _synonym_groups() -> dict[str, frozenset[str]]:
    """Stem -> the stems of its synonym group."""
    groups: dict[str, frozenset[str]] = {}
    for line in _SYNONYMS:
        group = frozenset(stem(w) for w in line.split())
        for t in group:
            groups[t] = groups.get(t, frozenset()) | group
    return groups


def has_term(term: str, text_terms: set[str]) -> bool:
    """True when the text holds the term or one of its synonyms."""
    return term in text_terms or bool(_synonym_groups().get(term, frozenset()) & text_terms)


def rarest(terms, weights: dict[str, float], n: int = 3) -> list[str]:
    """The n terms of highest weight (idf), ties broken by the term, so every process picks the same ones."""
    return sorted(terms, key=lambda t: (-weights[t], t))[:n]


def overlap(query_terms: set[str], text_terms: set[str], weights: dict[str, float] | None = None) -> float:
    """Share of the query's terms (weighted) that the text holds, synonyms counting."""
    if not query_terms:
        return 0.0
    found = {t for t in query_terms if has_term(t, text_terms)}
    if weights is None:
        return len(found) / len(query_terms)
    total = sum(weights.get(t, 1.0) for t in query_terms)
    return sum(weights.get(t, 1.0) for t in found) / total if total else 0.0

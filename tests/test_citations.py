"""Citation markers: parsing, phantom removal, renumbering, streaming hold-back, spans and the support check."""

from __future__ import annotations

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.citations import MarkerStream, Renumbering, marker_numbers, split_answer, supporting_span
from assistant.components import get_components
from assistant.core import answer


@pytest.mark.parametrize(
    ("inner", "numbers"),
    [("1", [1]), ("1, 3", [1, 3]), ("2-4", [2, 3, 4]), ("1 and 5", [1, 5]), (" 7 ", [7]), ("3–4", [3, 4])],
)
def test_marker_numbers(inner, numbers):
    assert marker_numbers(inner) == numbers


def test_renumbering_in_order_of_first_citation_and_phantoms_removed():
    r = Renumbering(n_passages=3)
    text = r.apply("Alpha rose [3]. Beta fell [1][3]. Gamma [7]. Delta [2, 9].")
    assert text == "Alpha rose [1]. Beta fell [2][1]. Gamma. Delta [3]."
    assert r.order == [3, 1, 2]
    assert r.removed == ["[7]", "[9]"]


def test_text_in_brackets_that_is_not_a_marker_is_kept():
    assert Renumbering(2).apply("The [sic] quote [1].") == "The [sic] quote [1]."


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_stream_never_shows_a_phantom_and_matches_the_whole(size):
    text = "Claim one [2] and two [7]. Next [1][8]! Last [ 2 ]."
    whole = Renumbering(2).apply(text)
    r = Renumbering(2)
    stream = MarkerStream(r)
    shown = [stream.feed(text[i : i + size]) for i in range(0, len(text), size)] + [stream.flush()]
    assert "".join(shown) == whole == "Claim one [1] and two. Next [2]! Last [1]."
    assert not any("7" in s or "8" in s for s in shown)
    assert r.removed == ["[7]", "[8]"]


def test_stream_lets_a_lone_bracket_through_eventually():
    r = Renumbering(1)
    stream = MarkerStream(r)
    out = (
        stream.feed("Prices [") + stream.feed("a long aside that never closes as a marker ") + stream.flush()
    )
    assert out == "Prices [a long aside that never closes as a marker"


def test_split_answer():
    parts = split_answer("Xi may visit in April [1]. Talks went well [2][1]! No source here.")
    assert parts == [("Xi may visit in April.", [1]), ("Talks went well!", [2, 1]), ("No source here.", [])]


def test_supporting_span_is_the_best_matching_sentence():
    text = "The dam held. Engineers said the water level rose two metres overnight. Rain continues."
    s, e = supporting_span("The water level rose two metres.", text)
    assert text[s:e] == "Engineers said the water level rose two metres overnight."


@pytest.mark.slow
def test_phantom_from_a_fake_chat_model_is_removed(seed_settings):
    """LangChain's GenericFakeChatModel answers with a phantom [7]; it never reaches the user."""
    settings = seed_settings.model_copy(update={"llm": "openai"})
    fake = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage(
                    "Xi could visit Moscow in April or early May [1][7]. Preparations are at an early stage [7]."
                )
            ]
        )
    )
    comps = get_components(settings, llm=fake)
    a = answer("When might Xi visit Moscow?", settings=settings)
    assert comps.llm is fake
    assert a.text == "Xi could visit Moscow in April or early May [1]. Preparations are at an early stage."
    assert a.removed_markers == ["[7]", "[7]"]
    assert len(a.sources) == 1 and "[7]" not in a.text
    assert "Xi could visit Moscow in April or early May." not in a.unsupported


@pytest.mark.slow
def test_uncited_llm_answer_is_all_unsupported(seed_settings):
    settings = seed_settings.model_copy(update={"llm": "ollama"})
    fake = GenericFakeChatModel(messages=iter([AIMessage("The summit is certainly in June.")]))
    get_components(settings, llm=fake)
    a = answer("When might Xi visit Moscow?", settings=settings)
    assert not a.refused and a.sources == [] and a.unsupported == ["The summit is certainly in June."]


def test_extractive_answer_neutralises_brackets_in_article_text(tmp_path, fake_embedder):
    """An article's own "[2]" is quoted as "(2)" so it never reads as a citation."""
    import json

    from ingest.pipeline import ingest_paths
    from newsdesk.settings import Settings

    row = {"title": "Zorbin budget vote", "outlet": "Valley News", "url": "https://valley.example/budget",
           "text": "The Zorbin council passed the budget by nine votes to two [2] after a long debate on Tuesday.\n\n"
                   "The Zorbin budget raises spending on schools and roads."}  # fmt: skip
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(row) + "\n")
    settings = Settings(data_dir=tmp_path / "store")
    ingest_paths([path], settings, embedder=fake_embedder)
    get_components(settings, embedder=fake_embedder)
    a = answer("How did the Zorbin council vote on the budget?", settings=settings)
    assert not a.refused and "nine votes to two (2)" in a.text
    assert [s.n for s in a.sources] == [1] and "[2]" not in a.text

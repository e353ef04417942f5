"""The assistant on the sample articles with the real embedding model: answers, citations, refusal, follow-ups."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant import Answer, Filters, answer, stream_answer
from assistant.citations import MARKER, marker_numbers

CHINA = "China’s Top Diplomat"
IRAN = "Iran Plays Down"


def check_citations(a: Answer) -> None:
    """Every marker names a returned source, every source is cited, numbered in order of first citation."""
    cited = [n for m in MARKER.finditer(a.text) for n in marker_numbers(m.group(1))]
    assert cited, a.text
    assert set(cited) == {s.n for s in a.sources}
    first = list(dict.fromkeys(cited))
    assert first == sorted(first) == list(range(1, len(a.sources) + 1))
    for s in a.sources:
        assert 0 <= s.span[0] < s.span[1] <= len(s.text)
        assert s.title and s.outlet and s.url and s.text


@pytest.mark.parametrize(
    ("question", "title", "expected"),
    [
        ("What did Wang Yi say about the ties with Russia?", CHINA, r"rock solid|Wang"),
        ("Who is Patrushev?", CHINA, r"Security Council"),
        ("When might Xi visit Moscow?", CHINA, r"April or early May"),
        ("What did Mohajerani say about the election?", IRAN, r"not really our business|livelihoods"),
        ("How far did the rial fall?", IRAN, r"700,000"),
    ],
)
@pytest.mark.slow
def test_seed_questions_cite_the_right_article(seed_settings, question, title, expected):
    a = answer(question, settings=seed_settings)
    assert not a.refused, (a.text, a.evidence_features)
    check_citations(a)
    assert a.sources[0].title.startswith(title) or any(s.title.startswith(title) for s in a.sources)
    assert re.search(expected, a.text + " ".join(s.text for s in a.sources)), a.text
    cited_spans = [s.text[s.span[0] : s.span[1]] for s in a.sources]
    assert all(
        " ".join(span.split()) in a.text for span in cited_spans
    )  # extractive: spans are the sentences
    assert a.engine == "extractive" and a.seconds > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "short"),
    [("When might Xi Jinping visit Moscow?", "April or early May"),
     ("How low did Iran's currency fall?", "700,000 rials")],
)  # fmt: skip
def test_seed_answers_lead_with_the_short_answer(seed_settings, question, short):
    a = answer(question, settings=seed_settings)
    assert a.short_answer == short and a.text.startswith(f"{short} [1]."), a.text


@pytest.mark.slow
def test_off_corpus_question_is_refused(seed_settings):
    a = answer("Who won the 2022 World Cup?", settings=seed_settings)
    assert a.refused
    assert a.text == "The ingested articles don't cover this."
    assert a.sources == [] and not MARKER.search(a.text)


@pytest.mark.slow
def test_follow_up_is_rewritten_with_the_previous_entity(seed_settings):
    first = answer("Who is Patrushev?", settings=seed_settings)
    history = [("user", "Who is Patrushev?"), ("assistant", first.text)]
    a = answer("When was he appointed?", history=history, settings=seed_settings)
    assert a.standalone_question == "When was Patrushev appointed?"
    assert a.refused or all(s.title.startswith(("China", "China’s")) for s in a.sources)
    also = answer("What did he say about the West?", history=history, settings=seed_settings)
    assert "Patrushev" in also.standalone_question and not also.refused
    assert any("West" in s.text[s.span[0] : s.span[1]] for s in also.sources)


@pytest.mark.slow
def test_story_copies_ride_along_as_also_reported_by(seed_settings):
    a = answer("When might Xi visit Moscow?", settings=seed_settings)
    tt = [s for s in a.sources if s.outlet == "TT"]
    assert tt and tt[0].also_reported_by == ["Headlines"]
    assert tt[0].published == "2023-02-21" and tt[0].url.startswith("https://tt.example/")


@pytest.mark.slow
def test_outlet_filter(seed_settings):
    question = "What did Zelensky warn about China?"  # only the Headlines article reports it
    a = answer(question, filters=Filters(outlets=["Headlines"]), settings=seed_settings)
    assert not a.refused and {s.outlet for s in a.sources} == {"Headlines"} and "World War" in a.text
    assert answer(question, filters=Filters(outlets=["TT"]), settings=seed_settings).refused
    none = answer(question, filters=Filters(outlets=["Nobody"]), settings=seed_settings)
    assert none.refused and "outlets Nobody" in none.text


@pytest.mark.slow
def test_date_filters_explicit_and_from_the_question(seed_settings):
    late = Filters(since=date(2024, 1, 1))
    a = answer("What did Wang Yi say about the ties with Russia?", filters=late, settings=seed_settings)
    assert a.refused  # the China-Russia story is from February 2023
    b = answer("What happened to the rial in November 2024?", settings=seed_settings)
    assert b.filters.since == date(2024, 11, 1) and b.filters.until is None  # reported then and after
    assert not b.refused and all(s.published == "2024-11-06" for s in b.sources)
    c = answer("What did Wang Yi say last week?", settings=seed_settings, as_of=date(2023, 2, 27))
    assert (c.filters.since, c.filters.until) == (date(2023, 2, 20), None)
    assert not c.refused and all(s.published in ("2023-02-21", "2023-02-22") for s in c.sources)
    d = answer("What did Wang Yi say yesterday?", settings=seed_settings, as_of=date(2024, 11, 7))
    assert d.refused and (d.filters.since, d.filters.until) == (date(2024, 11, 6), None)


@pytest.mark.slow
def test_an_as_of_date_past_the_store_is_said_and_weighs_against_answering(seed_settings):
    a = answer("How far did the rial fall?", settings=seed_settings, as_of="2026-06-01")
    assert (
        a.notice
        == "The newest article up to 2026-06-01 is from 2024-11-06: later news is not in the articles."
    )
    assert a.evidence_features["store_lag"] == 1.0 and a.refused  # 19 months with nothing newer
    near = answer("How far did the rial fall?", settings=seed_settings, as_of="2024-11-20")
    assert near.notice == "" and near.evidence_features["store_lag"] == 0.0 and not near.refused


@pytest.mark.slow
def test_as_of_leaves_out_later_articles(seed_settings):
    a = answer("What did Mohajerani say about the election?", settings=seed_settings, as_of="2023-03-01")
    assert a.refused or all(s.published <= "2023-03-01" for s in a.sources)


@pytest.mark.slow
def test_stream_yields_text_then_the_answer(seed_settings):
    items = list(stream_answer("When might Xi visit Moscow?", settings=seed_settings))
    assert isinstance(items[-1], Answer)
    assert all(isinstance(i, str) for i in items[:-1]) and len(items) >= 2
    assert "".join(items[:-1]) == items[-1].text


@pytest.mark.slow
def test_as_dict_is_the_ask_json_shape(seed_settings):
    d = answer("How far did the rial fall?", settings=seed_settings).as_dict()
    assert {"answer", "refused", "sources", "engine", "seconds"} <= set(d)
    src = d["sources"][0]
    assert set(src) == {
        "n",
        "title",
        "outlet",
        "published",
        "url",
        "text",
        "span",
        "also_reported_by",
        "story",
        "spans",
        "answer_span",
    }


def test_empty_store_is_a_clear_error(tmp_path):
    from newsdesk.errors import EmptyStoreError
    from newsdesk.settings import Settings

    settings = Settings(data_dir=tmp_path / "empty")
    with pytest.raises(EmptyStoreError) as info:
        answer("Anything?", settings=settings)
    assert "newsdesk ingest" in str(info.value)


@pytest.mark.slow
def test_empty_question_is_an_error(seed_settings):
    from newsdesk.errors import NewsdeskError

    with pytest.raises(NewsdeskError):
        answer("   ", settings=seed_settings)


@pytest.mark.slow
def test_components_load_once_per_store_and_engine(seed_settings):
    from assistant.components import get_components

    comps = get_components(seed_settings)
    assert get_components(seed_settings.model_copy(update={"top_k": 3, "refusal_threshold": 0.9})) is comps
    a = answer("When might Xi visit Moscow?", settings=seed_settings.model_copy(update={"top_k": 1}))
    assert a.text.startswith("April or early May") and not a.refused
    strict = seed_settings.model_copy(
        update={"refusal_threshold": 1.01}
    )  # the same components, this call's settings
    assert answer("When might Xi visit Moscow?", settings=strict).refused

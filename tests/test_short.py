"""Short answers: datelines and the question's own words are never the answer; the fitted chooser picks one."""

from __future__ import annotations

import pytest

from assistant import answer_types as at
from assistant.novelty import dateline_end, restates
from assistant.sentences import ranker
from assistant.short import candidate_features, choose_candidate


@pytest.mark.parametrize(
    ("sentence", "dateline"),
    [
        ("WASHINGTON – Three objects were shot down.", "WASHINGTON – "),
        ("SIMI VALLEY, Calif. — Candidates gathered.", "SIMI VALLEY, Calif. — "),
        ("CLEVELAND (AP) — Donovan Mitchell scored 71.", "CLEVELAND (AP) — "),
        ("Madrid (CNN) NATO formalized its invitation.", "Madrid (CNN) "),
        ("(Reuters) Fiji's defense minister said.", "(Reuters) "),
        ("Donald Trump — the former president — spoke.", ""),
        ("Rain fell on Monday.", ""),
    ],
)
def test_dateline_end(sentence, dateline):
    assert sentence[: dateline_end(sentence)] == dateline


def test_a_dateline_is_not_a_candidate():
    s = "SIMI VALLEY, Calif. — Republican candidates gathered in California on Wednesday for the debate."
    assert [c.text for c in at.candidates(s, at.PLACE, "Where did the debate take place?")] == ["California"]


@pytest.mark.parametrize(
    ("phrase", "question", "expected"),
    [
        ("Covid", "Which attraction reopened after Covid-19?", True),
        ("Russia", "Putin will station Russian nuclear weapons in which country?", True),
        ("Belarus", "Putin will station Russian nuclear weapons in which country?", False),
        ("North American", "Objects were shot down over North America. What were they?", True),
        ("EU", "What is Rishi Sunak's deal with the European Union called?", True),
        ("US Centers for Disease Control and Prevention", "The CDC is responding to which outbreak?", True),
        ("Monkeypox", "The CDC is responding to which outbreak?", False),
        ("Jill Biden", "Which leader did the Bidens host?", False),
    ],
)
def test_restates_sees_other_forms_and_acronyms_of_the_question(phrase, question, expected):
    assert restates(phrase, question) is expected


def test_chooser_prefers_the_candidate_the_other_top_sentences_repeat():
    q = "NFL safety Damar Hamlin collapsed during a game on Monday. What team does he play for?"
    s = "Buffalo Bills player Damar Hamlin remains hospitalized after collapsing in the game against the Bengals."
    cands = at.candidates(s, at.ORG, q)
    assert [c.text for c in cands] == ["Buffalo Bills", "Bengals"]
    others = [
        "The Buffalo Bills said he was in critical condition.",
        "Hamlin joined the Buffalo Bills in 2021.",
    ]
    feats = candidate_features(s, cands, q, others)
    assert feats[0]["support"] > feats[1]["support"] and feats[0]["first"] == 1.0
    assert choose_candidate(s, cands, q, others, ranker()["candidate"]).text == "Buffalo Bills"
    assert choose_candidate(s, [], q, others, ranker()["candidate"]) is None


def test_the_fitted_chooser_weights_ship_with_the_ranker():
    weights = ranker()["candidate"]
    assert {"bias", "support", "nearest", "first"} <= set(weights)
    assert weights["support"] > 0

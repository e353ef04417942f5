"""Short answers: datelines and the question's own words are never the answer; the fitted chooser picks one."""

from __future__ import annotations

import pytest

from assistant import answer_types as at
from assistant import wordlists
from assistant.candidates import Candidate, candidates, person_core, without_common_words
from assistant.novelty import dateline_end, restates
from assistant.sentences import Sentence, ranker
from assistant.short import (
    candidate_features,
    choose_candidate,
    full_name,
    lead_short_answer,
    short_answer,
)


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
    assert [c.text for c in candidates(s, at.PLACE, "Where did the debate take place?")] == ["California"]


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
        ("EOC", "The CDC activated a new emergency operations center for which virus?", True),
        ("WHO", "The CDC activated a new emergency operations center for which virus?", False),
        ("Jack Douglas Teixeira", "Jack Teixeira was arrested. What is he accused of?", True),
        ("Jack Douglas", "Jack Teixeira was arrested. What is he accused of?", False),
        ("Alaska Airlines and Hawaiian Airlines", "Which carrier is merging with Alaska Airlines?", False),
    ],
)
def test_restates_sees_other_forms_and_acronyms_of_the_question(phrase, question, expected):
    assert restates(phrase, question) is expected


def test_chooser_prefers_the_candidate_the_other_top_sentences_repeat():
    q = "NFL safety Damar Hamlin collapsed during a game on Monday. What team does he play for?"
    s = "Buffalo Bills player Damar Hamlin remains hospitalized after collapsing in the game against the Bengals."
    cands = candidates(s, at.ORG, q)
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


@pytest.mark.parametrize(
    ("sentence", "kind", "question", "expected"),
    [
        ("Overall, grocery prices jumped 13.5% last year.", at.NAME, "Which food item fell most?", []),
        ("Here's how you can find your own list.", at.PERSON, "Whose album was streamed most?", []),
        ("It's a life-changing sum, Taylor Swift said.", at.PERSON, "Who gave bonuses?", ["Taylor Swift"]),
        ("“It's a life-changing sum,” Taylor Swift said.", at.PERSON, "Who gave bonuses?", ["Taylor Swift"]),
        ("Flight delayed?:Here's what airlines owe you", at.NAME, "What is owed?", ["Flight"]),
        ("Scientists have ruled that Jaffa Cakes are best.", at.NAME, "Which biscuit?", ["Jaffa Cakes"]),
        (
            "“Former Starbucks boss Howard Schultz testified.",
            at.PERSON,
            "Who testified?",
            ["Former Starbucks", "Howard Schultz"],
        ),
        ("Biden said the objects were balloons.", at.PERSON, "Who spoke about the objects?", ["Biden"]),
        (
            "Major League Soccer is next for Messi.",
            at.ORG,
            "Which league will Messi join?",
            ["Major League Soccer"],
        ),
        (
            "“The Little Mermaid” got a trailer.",
            at.NAME,
            "Which remake got a trailer?",
            ["The Little Mermaid", "Little Mermaid"],
        ),
        (
            "Since Sarina Wiegman took over, England have not lost.",
            at.PERSON,
            "Who coaches the team?",
            ["Sarina Wiegman"],
        ),
        (
            "Confusingly for passengers, American Airlines paid nothing.",
            at.ORG,
            "Which airline was fined?",
            ["American Airlines"],
        ),
        (
            '"I\'m thrilled to have Kathy Corradi here," Adams said.',
            at.PERSON,
            "Who is the new rat czar?",
            ["Kathy Corradi"],
        ),
        (
            "Since Sarina Wiegman took over, the Lionesses have not lost.",
            at.ORG,
            "Sarina Wiegman previously led which national team?",
            ["Lionesses"],
        ),
    ],
)
def test_a_sentence_initial_common_word_is_no_name(sentence, kind, question, expected):
    cands = without_common_words(sentence, candidates(sentence, kind, question), question)
    assert [c.text for c in cands] == expected


def test_a_person_is_a_name_not_a_title_nor_the_question_s_own_person():
    s = "Judge Ketanji Brown Jackson took the seat of Justice Stephen Breyer, said House Majority Leader Rep. Steny Hoyer."
    q = "Justice Ketanji Brown Jackson made history. Who was the justice she replaced?"
    assert [c.text for c in candidates(s, at.PERSON, q)] == ["Justice Stephen Breyer", "Steny Hoyer"]
    assert (person_core("Ohio Lottery Director Pat"), person_core("House Majority Leader")) == ("Pat", "")
    whose = "Justice Ketanji Brown Jackson made history. Whose seat is she filling?"  # a name question
    assert [c.text for c in candidates(s, at.NAME, whose)] == ["Justice Stephen Breyer", "House Majority Leader",
                                                               "Steny Hoyer"]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Grants for 2018-19 rose by $500.", ["$500"]),
        ("Colorado won 2-1 in Game 6 before 18,000 fans.", ["18,000 fans"]),
        ("It looks at the end of Title 42, and 7,000 people, 12, came.", ["7,000 people", "12"]),
        ("The app sets a 60-minute limit for Covid-19 patients.", ["60-minute"]),
        ("Shares fell 10-15% after the F-35 deal.", ["15%"]),
    ],
)
def test_numbers_in_names_ranges_and_scores_are_no_counts(sentence, expected):
    assert [c.text for c in candidates(sentence, at.NUMBER, "How many?")] == expected


def test_common_words_come_from_the_fitted_list():
    words = wordlists._common_words()
    assert {"overall", "scientists", "here", "taking"} <= words
    assert not {"biden", "twitter", "ukraine"} & words


def test_question_head_and_the_head_word_after_a_candidate():
    assert at.question_head("Which US national park was flooded this week?") == {"nation", "park"}
    assert at.question_head("Which of these shows had the most nominations?") == frozenset()
    q = "Pfizer and Valneva are testing a vaccine against which disease?"
    s = "Pfizer and a French partner are testing a vaccine that would be the only one to prevent Lyme disease."
    cands = candidates(s, at.question_type(q), q)
    assert [c.text for c in cands] == ["French", "Lyme"]
    feats = candidate_features(s, cands, q, [])
    assert [f["head"] for f in feats] == [0.0, 1.0]
    best = choose_candidate(s, cands, q, [], {"head": 2.0})
    assert (best.text, s[best.start : best.end]) == ("Lyme disease", "Lyme disease")


def test_how_many_names_what_is_counted_and_numbers_of_another_unit_are_marked():
    assert at.question_head("About how many inches were measured in Central Park?") == {"inch"}
    assert at.question_head("How many days was he able to evade law enforcement?") == {"day"}
    assert at.question_head("How much have egg prices increased over the past year?") == frozenset()
    assert at.question_head("Which team won the 2022 NHL Stanley Cup Finals?") == {"team"}  # "won": a verb
    q = "The countries have been at war for how long?"
    assert {"day", "month", "year"} <= at.question_head(q)
    s = "A rocket strike killed 22 people, six months after the invasion began."
    assert [c.text for c in candidates(s, at.question_type(q), q)] == ["six months"]  # a span, not a count
    q = "How many people are still unaccounted for after the wildfires?"
    s = "At least 96 dead have been found, and about 1,000 people are still unaccounted for, officials said."
    cands = candidates(s, at.question_type(q), q)
    assert [c.text for c in cands] == ["96 dead", "1,000 people"]
    feats = candidate_features(s, cands, q, [])
    assert [(f["head"], f["other_unit"]) for f in feats] == [(0.0, 1.0), (1.0, 0.0)]
    assert choose_candidate(s, cands, q, [], {"head": 1.0, "other_unit": -1.0}).text == "1,000 people"


def _lead(text: str, question: str, score: float, title: str = "") -> Sentence:
    return Sentence(0, 0, len(text), text, 0.0, candidates=candidates(text, at.question_type(question), question),
                    score=score, title=title)  # fmt: skip


def test_the_first_chosen_sentence_with_a_typed_candidate_leads():
    q = "Which team won the Stanley Cup final?"
    restating = _lead("The Stanley Cup final ended on Sunday night.", q, 1.9)
    answering = _lead("The Colorado Avalanche beat the Tampa Bay Lightning in Game 6.", q, 1.6)
    weights = ranker()["candidate"]
    i, cand = lead_short_answer(q, [restating, answering], [restating, answering], weights)
    assert (i, cand.text) == (1, "Colorado Avalanche")
    assert lead_short_answer(q, [restating], [restating], weights) == (0, None)
    assert short_answer(q, answering, [], weights).text == "Colorado Avalanche"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Which state said yes to making abortion a constitutional right?", "state"),
        ("Tim Scott is a Republican senator for which state?", "state"),
        ("Which US state’s governor is pushing to ban vaccine mandates?", "state"),
        ("Residents of which European capital are to vote on e-scooters?", "city"),
        ("Which country announced it would fully reopen to tourists?", "country"),
        ("Which national park closed its entrances?", ""),  # "national" is no nation
        ("Who won the 2022 World Cup?", ""),
    ],
)
def test_the_class_of_place_a_question_asks_for(question, asked):
    assert at.asked_place_class(question) == asked


def test_place_classes_and_the_candidate_features_that_read_them():
    assert wordlists.place_classes("South Carolina") == {"state"}
    assert wordlists.place_classes("Georgia") == {"country", "state"}
    assert wordlists.place_classes("NORTH CHARLESTON") == {"city"}
    assert wordlists.place_classes("the UK") == {"country"}
    assert wordlists.place_classes("Tim Scott") == frozenset()
    q = "Tim Scott announced his campaign this week. Scott is a Republican senator for which state?"
    s = "Scott, who grew up in North Charleston, is the senator from South Carolina."
    cands = candidates(s, at.PLACE, q)
    assert [c.text for c in cands] == ["North Charleston", "South Carolina"]
    feats = candidate_features(s, cands, q, [], title="tim scott of south carolina enters the race")
    assert [f["place_class"] for f in feats] == [0.0, 1.0]
    assert [f["title"] for f in feats] == [0.0, 1.0]
    assert choose_candidate(s, cands, q, [], {"place_class": 2.0}).text == "South Carolina"
    virus = "The CDC opened an operations center for which virus outbreak?"
    s = "The US opened the center as monkeypox spread, said Monkeypox Watch."
    feats = candidate_features(s, candidates(s, at.NAME, virus), virus, [])
    assert [f["place_for_name"] for f in feats] == [1.0, 0.0]


def test_a_surname_short_answer_is_written_as_its_article_names_the_person():
    q = "Which England player scored twice in Tuesday's 6-1 win against China?"
    title = "Lauren James scores twice as England routs China 6-1 at the Women's World Cup"
    lead = _lead("Hemp scored England's second, with James the provider again.", q, 0.0, title)
    james = next(c for c in lead.candidates if c.text == "James")
    assert full_name(james, lead, [lead]) == "Lauren James"
    other = Sentence(1, 0, 40, "LeBron James scored 40.", 0.0, title="Lakers win")
    assert full_name(james, Sentence(0, 0, 1, "x", title="No names here"), [other]) == "James"


def test_a_one_word_team_is_written_in_full_and_a_place_is_not():
    q = "Which NBA team was the first to get to 50 wins this season?"
    text = "The Bucks became the first team to reach 50 wins."
    lead = _lead(text, q, 0.0, "Milwaukee Bucks clinch playoff spot")
    bucks = next(c for c in lead.candidates if c.text == "Bucks")
    assert full_name(bucks, lead, [lead]) == "Milwaukee Bucks"
    place = Candidate(0, 5, "Paris", at.PLACE)
    assert full_name(place, Sentence(0, 0, 5, "Paris", title="Paris Hilton visits"), []) == "Paris"


@pytest.mark.parametrize(
    ("word", "title"),
    [
        ("Sprite", "PET Sprite bottles go clear"),  # an acronym before it
        ("Psyche", "NASA's Psyche launches"),  # a possessive
        ("CEO", "Former Starbucks CEO testifies"),  # no name word
        ("Oz", "The Wizard of Oz returns"),
    ],
)
def test_a_one_word_name_keeps_its_own_text_when_the_longer_form_is_no_name(word, title):
    lead = Sentence(0, 0, 10, f"{word} is here.", 0.0, title=title)
    assert full_name(Candidate(0, len(word), word, at.NAME), lead, [lead]) == word

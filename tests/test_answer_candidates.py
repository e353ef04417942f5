"""Answer types of questions and the candidate phrases of each type that a sentence holds."""

from __future__ import annotations

import pytest

from assistant import answer_types as at
from assistant.candidates import candidates
from assistant.wordlists import is_news_outlet


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When might Xi Jinping visit Moscow?", at.TIME),
        ("In what year did the war start?", at.TIME),
        ("How low did Iran's currency fall?", at.NUMBER),
        ("How much did the Fed raise interest rates?", at.NUMBER),
        ("What percentage of voters backed the measure?", at.NUMBER),
        ("Who won the 2022 World Cup?", at.PERSON),
        ("Which former pope was laid to rest this week?", at.PERSON),
        ("Where did the summit take place?", at.PLACE),
        ("Which country hosted the talks?", at.PLACE),
        ("Damar Hamlin is a valued member of which team?", at.ORG),
        (
            "Ukraine marks Independence Day, which recalls its split from the Soviet Union in which year?",
            at.TIME,
        ),
        ("What is the new law called?", at.NAME),
        ("What is the federal minimum wage in the US?", at.NUMBER),
        ("What is the capital of Australia?", at.PLACE),
        ("His win last Sunday brought his tally of wins this season to what?", at.NUMBER),
        ("A court ordered the council to protect them against what?", at.NAME),
        ("Why did the minister resign?", at.REASON),
        ("Did the Senate pass the bill?", at.YESNO),
        ("True or false: the rover landed on Mars.", at.YESNO),
        ("What did the Supreme Court decide about Roe v. Wade?", at.OTHER),  # a statement, not a name
        ("NASA released images. What did the images show?", at.OTHER),
        ("The debate was cut short when what happened?", at.OTHER),
        ("What did Apple unveil this week?", at.NAME),  # a thing with a name
        ("What has the budget been dubbed?", at.NAME),
        ("Miami is the first No. 8 seed to win a playoff series since:", at.TIME),  # fill in the blank
        ("After nobody won, the top prize amount ballooned to:", at.NUMBER),
        ("A homebuyer received 86 extra lots because:", at.REASON),
        ("All of these hits have also surpassed that tally except:", at.NAME),
    ],
)
def test_question_types(question, kind):
    assert at.question_type(question) == kind


def _texts(sentence: str, kind: str, question: str) -> list[str]:
    return [c.text for c in candidates(sentence, kind, question)]


def test_a_weekday_beside_a_name_is_its_time_not_part_of_it():
    q = "Which team was sold this week?"
    assert _texts("Its owners approved the sale of the Denver Broncos Tuesday.", at.ORG, q) == [
        "Denver Broncos"
    ]
    assert _texts("Kiptum won Sunday's Chicago Marathon.", at.NAME, "Which race did he win?") == [
        "Kiptum",
        "Chicago Marathon",
    ]
    assert _texts("Sunday's game drew crowds.", at.NAME, "Which game?") == []
    for kept in ("Monday Night Football", "Black Friday", "Saturday Night Live"):
        assert _texts(f"The ads ran during {kept} this year.", at.NAME, "Which show?") == [kept]


def test_time_candidates_join_alternatives_and_skip_reporting_dates():
    s = "The Wall Street Journal reported on Tuesday that Xi could visit in April or early May."
    assert _texts(s, at.TIME, "When might Xi visit Moscow?") == ["April or early May"]


def test_a_what_year_question_takes_only_years_and_a_which_month_one_only_months():
    year = "Microsoft retired Internet Explorer this week. What year did it debut?"
    assert at.question_type(year) == at.TIME
    assert _texts("It retired the browser on Wednesday, 27 years on.", at.TIME, year) == []
    assert _texts("Internet Explorer debuted in August 1995.", at.TIME, year) == ["August 1995"]
    assert _texts("On Sunday it won, the first since 2012.", at.TIME, "It is the first to win since:") == [
        "2012"
    ]
    day = "Heart attacks are most likely to happen on what day?"
    assert _texts("From 1998 to 2013 they peaked on Mondays, or Monday, July 4.", at.TIME, day) == [
        "Monday",
        "July 4",
    ]
    month = "A new vaccine will be released by which month?"
    assert _texts("It will be out on Tuesday or in September.", at.TIME, month) == ["September"]


def test_number_candidates_keep_units_and_fractions():
    s = "The rial fell to 700,000 rials, and the Fed raised rates by three-quarters of a percentage point."
    got = _texts(s, at.NUMBER, "How low did the currency fall?")
    assert "700,000 rials" in got and "three-quarters of a percentage point" in got


def test_a_day_of_the_month_or_a_verb_is_not_a_count_and_a_span_keeps_its_unit():
    s = "The escape from the prison Aug. 31 triggered a manhunt; he eluded capture for 13 days and 5 remaining."
    assert _texts(s, at.NUMBER, "How many days did he evade capture?") == ["13 days", "5"]


def test_a_percentage_question_takes_only_shares_and_a_bare_year_is_no_count():
    s = "Half of them, 51.3%, were born out of wedlock last year, the first time since records began in 1845."
    share = "What percentage of babies in the UK were born out of wedlock last year?"
    assert at.question_type(share) == at.NUMBER
    assert _texts(s, at.NUMBER, share) == ["Half", "51.3%"]
    assert _texts("Records began in 1845 with 300 babies.", at.NUMBER, "How many babies?") == ["300 babies"]


def test_a_number_s_unit_is_a_lower_case_word_or_basis_points():
    got = _texts("It cost $10 billion James Webb said; rates rose 25 basis points.", at.NUMBER, "How much?")
    assert got == ["$10 billion", "25 basis points"]


def test_the_outlet_quoted_is_not_the_answer_unless_asked_for():
    s = "The Buffalo Bills safety collapsed, officials told Reuters and CNN."
    assert _texts(s, at.ORG, "Hamlin plays for which team?") == ["Buffalo Bills"]
    assert "Reuters" in _texts(s, at.ORG, "Which news agency first reported it?")
    told = "The dress was damaged, an expert familiar with it tells USA TODAY."
    assert _texts(told, at.PERSON, "Who designed the dress?") == []
    assert is_news_outlet("USA TODAY Sports") and is_news_outlet("Fox News")
    assert not is_news_outlet("Sports") and not is_news_outlet("Tucker Carlson")


def test_name_runs_keep_new_and_join_across_for_and():
    s = "New York officials and the US Centers for Disease Control and Prevention said Sweden and Finland joined."
    assert _texts(s, at.PLACE, "Which city's officials spoke?")[0] == "New York"
    assert "US Centers for Disease Control and Prevention" in _texts(s, at.ORG, "Which agency said it?")
    assert "Sweden and Finland" in _texts(s, at.PLACE, "Which two countries joined the alliance?")


def test_quoted_titles_are_paired_marks_not_apostrophes():
    s = 'Williams, who played Shirley opposite Penny Marshall\'s Laverne on "Laverne & Shirley," was in “American Graffiti”.'
    got = _texts(s, at.NAME, "She also appeared in which of these films?")
    assert got[:2] == ["Laverne & Shirley", "American Graffiti"]
    assert not any(t.startswith("s ") for t in got)


def test_candidates_the_question_already_holds_are_not_answers():
    s = "Chinese President Xi Jinping is preparing to visit Moscow for a summit with Putin."
    assert "Xi Jinping" not in _texts(s, at.PERSON, "When will Xi Jinping visit Moscow?")
    assert _texts(s, at.PLACE, "When will Xi Jinping visit Moscow?") == []


def test_place_and_org_candidates():
    assert _texts(
        "Apple must adopt USB-C in Europe by 2024.", at.PLACE, "Which continent will require it?"
    ) == ["Europe"]
    assert "Buffalo Bills" in _texts(
        "The Buffalo Bills safety collapsed.", at.ORG, "Hamlin plays for which team?"
    )
    assert _texts("A review of the BBC’s coverage found gaps.", at.ORG, "Which broadcaster?") == ["BBC"]


def test_a_place_question_s_head_names_the_places_it_wants():
    park = "Flash flooding in Yellowstone National Park damaged the town of Gardiner, Montana."
    assert _texts(park, at.PLACE, "Which national park was flooded?") == [
        "Yellowstone National Park",
        "Montana",
    ]
    assert "Yellowstone National Park" not in _texts(park, at.PLACE, "Where did it flood?")


def test_a_person_is_not_an_organisation_s_long_name():
    sentence = (
        "Talks with the Alliance of Motion Picture and Television Producers stalled, Fran Drescher said."
    )
    assert _texts(sentence, at.PERSON, "Who leads SAG-AFTRA?") == ["Fran Drescher"]
    assert _texts("She is the first GOP challenger, Haley said.", at.PERSON, "Which politician?") == ["Haley"]


def test_name_candidates_leave_titles_out_and_keep_codes_whole():
    from assistant.answer_types import NAME, PERSON, PLACE

    said = "Two lawmakers emerged: House Majority Leader Rep. Steve Scalise, R-La., and Sen. Jim Jordan."
    people = [
        c.text for c in candidates(said, PERSON, "Who did Republicans pick as their nominee for speaker?")
    ]
    assert "Steve Scalise" in people and "Jim Jordan" in people
    assert not any(p.endswith(("Rep", "Sen")) for p in people)
    ranked = "A study ranks Detroit Metropolitan Airport No. 3 among mega airports."
    assert [c.text for c in candidates(ranked, NAME, "Which airport ranked last?")] == [
        "Detroit Metropolitan Airport"
    ]
    assert "St. Louis" in [
        c.text for c in candidates("Fans in St. Louis cheered.", PLACE, "Where did fans cheer?")
    ]
    variant = "The XBB.1.5 variant is now dominant in the US."
    assert "XBB.1.5" in [c.text for c in candidates(variant, NAME, "Which variant is now dominant?")]


@pytest.mark.parametrize(
    ("sentence", "kind", "question", "expected"),
    [
        (  # a two-part name loses the part the question names; places joined by "and" stay one
            "Spirit and Frontier airlines pulled the plug, and JetBlue Airways won.",
            at.ORG,
            "Which airline made a deal to buy Spirit Airlines?",
            ["Frontier", "JetBlue Airways"],
        ),
        ("Sweden and Finland joined NATO.", at.PLACE, "Which countries joined NATO?", ["Sweden and Finland"]),
        (  # a titled name cut at four words stays whole
            "WASHINGTON – House Republican Leader Kevin McCarthy failed again to win on Wednesday.",
            at.PERSON,
            "Which Republican suffered a string of defeats?",
            ["House Republican Leader Kevin McCarthy"],
        ),
        (  # a place run keeps the place that opens it
            "Idalia made landfall in Florida's Big Bend near Tallahassee as Tennessee House Republicans met.",
            at.PLACE,
            "Idalia made landfall in which state?",
            ["Florida", "Tallahassee", "Tennessee"],
        ),
        ("Get an updated COVID-19 vaccine.", at.NAME, "A vaccine came out for which virus?", ["COVID-19"]),
    ],
)
def test_name_runs_split_and_kept_whole(sentence, kind, question, expected):
    assert _texts(sentence, kind, question) == expected


def test_a_time_of_day_is_no_count():
    s = "At 2 a.m. clocks move forward one hour, at 2:30 or 3 pm."
    assert _texts(s, at.NUMBER, "Clocks were moved forward by how much time?") == ["one hour"]

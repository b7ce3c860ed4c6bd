"""The matcher's rules, one case each: normalisation, word bounds, hashtags, context, exclusions, misspellings."""

import sys

import pytest

from listener.config import parse_config
from listener.matching import Matcher, affixes
from listener.matching.matcher import CONTEXT_WINDOW

CONFIG = parse_config(
    {
        "organisations": [
            {
                "code": "RJ1",
                "name": "Guy's and St Thomas' NHS Foundation Trust",
                "aliases": ["Guy's and St Thomas'", "St Thomas' Hospital"],
                "handles": ["GSTTnhs"],
                "hashtags": ["GSTT"],
            },
            {
                "code": "RR8",
                "name": "Leeds Teaching Hospitals NHS Trust",
                "aliases": ["Leeds Teaching Hospitals", "St James's Hospital", "LGI"],
                "handles": ["LeedsHospitals"],
                "hashtags": ["LTHT"],
            },
            {
                "code": "RKE",
                "name": "Whittington Health NHS Trust",
                "aliases": ["Whittington Hospital"],
                "ambiguous_aliases": ["Whittington"],
                "context": ["Archway"],
                "exclude": ["Dick Whittington", "panto"],
            },
            {
                "code": "RYJ",
                "name": "Imperial College Healthcare NHS Trust",
                "ambiguous_aliases": [{"alias": "St Mary's Hospital", "context": ["Paddington"]}],
            },
            {
                "code": "R1F",
                "name": "Isle of Wight NHS Trust",
                "ambiguous_aliases": [{"alias": "St Mary's Hospital", "context": ["Newport"]}],
            },
            {"code": "RGD", "name": "Leeds and York Partnership NHS Foundation Trust", "aliases": ["Leeds"]},
        ]
    }
)
MATCHER = Matcher(CONFIG.organisations)


def found(text):
    return [(m.org_code, m.method, m.matched_text) for m in MATCHER.find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "St Thomas' Hospital",
        "St. Thomas's Hospital",
        "Saint Thomas Hospital",
        "ST THOMAS’ HOSPITAL",
        "st thomas hospital",
        "St Thomas’s hospitals",
        "St. Thomas' Hosp",
    ],
)
def test_apostrophes_punctuation_case_and_saint(text):
    assert found(f"At {text} today") == [("RJ1", "alias", text)]


@pytest.mark.parametrize("text", ["Guys and St Thomas", "Guy's & St Thomas'", "guys & st thomas's"])
def test_possessives_with_or_without_apostrophes(text):
    assert [m[0] for m in found(f"{text} lost my letter")] == ["RJ1"]


@pytest.mark.parametrize(
    "text", ["Guy's Hospital", "guy’s hospital", "Guys Hospital", "St Mary's", "st marys"]
)
def test_a_possessive_configured_without_its_apostrophe_matches_one_written_with_it(text):
    # ODS and many comms teams write "St Marys Hospital" and "Guys Hospital"; posts write "St Mary's"
    matcher = Matcher(
        parse_config(
            {"organisations": [{"code": "RP1", "name": "A Trust", "aliases": ["Guys Hospital", "St Marys"]}]}
        ).organisations
    )
    assert [(m.org_code, m.method) for m in matcher.find(f"at {text} today")] == [("RP1", "alias")]


@pytest.mark.parametrize(
    "text",
    [
        "LGIS committee",
        "the BLGI index",
        "email me@gsttnhs.nhs.uk",
        "follow @GSTTnhsCharity",
        "#GSTTxyz",
        "Leedsfield Road",
    ],
)
def test_word_bounded(text):
    assert found(text) == []


def test_handle_ranks_above_name_and_each_organisation_counts_once():
    assert found("Guy's and St Thomas' (@GSTTnhs) and St Thomas' Hospital") == [("RJ1", "handle", "@GSTTnhs")]


@pytest.mark.parametrize(
    "text, matched",
    [
        ("#GSTT", "#GSTT"),
        ("#GSTTnurses rock", "#GSTTnurses"),
        ("#TeamGSTT", "#TeamGSTT"),
        ("#GSTT2026 open day", "#GSTT2026"),
        ("#gstt_and_proud", "#gstt_and_proud"),
        ("#GSTTnhs", "#GSTTnhs"),  # a handle used as a hashtag
        ("#GuysAndStThomas", "#GuysAndStThomas"),  # an alias written as one word
    ],
)
def test_hashtags_with_prefixes_and_suffixes(text, matched):
    assert found(text) == [("RJ1", "hashtag", matched)]


def test_hashtag_suffix_must_be_a_known_word():
    assert found("#LTHTcharity run") == [("RR8", "hashtag", "#LTHTcharity")]
    assert found("#LTHTqwerty") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Waited 5 hours in A&E at the Whittington", ["RKE"]),
        ("Whittington is a village near Lichfield", []),
        ("Walked up from Archway to the Whittington", ["RKE"]),  # the organisation's own context term
        ("Whittington " + "word " * CONTEXT_WINDOW + "hospital", ["RKE"]),
        ("Whittington " + "word " * (CONTEXT_WINDOW + 1) + "hospital", []),
        ("Whittington and LGI", ["RKE", "RR8"]),  # a certain NHS mention nearby is context enough
        # ... but only nearby, as a health word is: a post about the LGI that ends on a place is not about it
        ("LGI were great with my dad. " + "word " * CONTEXT_WINDOW + "Then a pint in Whittington", ["RR8"]),
        ("@LeedsHospitals " + "word " * (CONTEXT_WINDOW - 1) + "Whittington", ["RKE", "RR8"]),
    ],
)
def test_ambiguous_alias_needs_context(text, expected):
    assert sorted(m[0] for m in found(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # "operation", "surgery" and "trust" have everyday senses: alone they give a place name no context
        ("Military operation in Whittington this weekend, roads closed", []),
        ("I trust Whittington to win the cup", []),
        ("Cosmetic surgery deals near Whittington, this week only", []),
        ("The MP's advice surgery in Whittington is on Friday", []),
        ("The King's Trust runs a course in Whittington", []),
        # ... but in a phrase that fixes their health sense they do
        ("My operation at the Whittington went fine", ["RKE"]),
        ("Mum's operation at the Whittington is on Monday", ["RKE"]),
        ("Waiting a year for an operation at the Whittington", ["RKE"]),
        ("Had surgery at the Whittington last week", ["RKE"]),
        ("Knee surgery at the Whittington", ["RKE"]),
        ("Whittington health trust volunteers", ["RKE"]),
        ("Whittington foundation trust board", ["RKE"]),
        ("GP surgery near the Whittington", ["RKE"]),  # by "GP", a health word
    ],
)
def test_a_word_with_an_everyday_sense_is_context_only_in_a_health_phrase(text, expected):
    assert [m[0] for m in found(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a phrase that gives a health word its everyday sense gives a place name no context...
        ("Legal advice clinic in Whittington village hall every Tuesday", []),
        ("Vets clinic in Whittington is doing free microchipping", []),
        ("Whittington ward councillors back the new cycle lane", []),
        ("Garlic to ward off colds, tips from the Whittington allotments", []),
        ("Please be patient, Whittington are rebuilding the squad", []),
        ("Whittington crowd treated to fireworks after the match", []),
        ("Scan the barcode at the Whittington farm shop till", []),
        ("Marketing consultant based in Whittington, DM for rates", []),
        ("Whittington comedy night had us all in stitches", []),
        ("Whittington man admitted theft at the magistrates court", []),  # "admitted": confessed
        # ... and the same words count everywhere else
        ("Clinic at the Whittington ran late again", ["RKE"]),
        ("Mum is on ward 7 at the Whittington", ["RKE"]),
        ("Whittington patient transport was late", ["RKE"]),
        ("Treated at the Whittington for a broken wrist", ["RKE"]),
        ("Scan at the Whittington this morning", ["RKE"]),
        ("My consultant at the Whittington is brilliant", ["RKE"]),
        ("Stitches out at the Whittington today", ["RKE"]),
        ("Dad was admitted to the Whittington on Sunday", ["RKE"]),  # "admitted" in the passive
        ("Got admitted at the Whittington overnight", ["RKE"]),
    ],
)
def test_an_everyday_phrase_takes_the_health_sense_from_the_word_it_contains(text, expected):
    assert [m[0] for m in found(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("St Mary's Hospital Paddington", ["RYJ"]),
        ("St Mary's Hospital in Newport", ["R1F"]),
        ("St Mary's Hospital A&E", []),  # a health word is not enough: the alias names its own context
    ],
)
def test_ambiguous_alias_with_its_own_context(text, expected):
    assert [m[0] for m in found(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dick Whittington at the hospital", []),  # the exclusion covers the alias
        ("Dick Whittington tickets, then the Whittington Hospital for my scan", ["RKE"]),  # only that one
        ("Whittington Hospital panto for the children's ward", []),  # exclusion elsewhere: none count
    ],
)
def test_exclusions(text, expected):
    assert [m[0] for m in found(text)] == expected


def test_longer_match_of_another_organisation_wins():
    # "Leeds" is an alias of RGD, but here it is part of RR8's name
    assert found("Leeds Teaching Hospitals are hiring") == [("RR8", "alias", "Leeds Teaching Hospitals")]
    assert [m[0] for m in found("Leeds and York Partnership")] == ["RGD"]


@pytest.mark.parametrize(
    "text", ["Whitington Hospital", "Whittington Hosptial", "Whittington Hopsital", "Whittingtonn Hospital"]
)
def test_one_misspelt_word_matches_as_fuzzy(text):
    assert found(text) == [("RKE", "fuzzy", text)]


def test_misspellings_of_short_words_and_two_misspellings_do_not_match():
    assert found("Whitington Hosptial") == []
    assert found("LGU") == []


def test_matched_text_is_the_original_text_after_emoji_and_accents():
    text = "😡😡 Café then ST. JAMES’S HOSPITAL, ward 5"
    assert found(text) == [("RR8", "alias", "ST. JAMES’S HOSPITAL")]


def test_key_changes_with_any_matching_setting():
    wider = parse_config(
        {"organisations": [{**CONFIG.organisations[2].model_dump(), "exclude": ["Dick Whittington"]}]}
    )
    narrower = parse_config({"organisations": [CONFIG.organisations[2].model_dump()]})
    assert Matcher(wider.organisations).key != Matcher(narrower.organisations).key
    assert (
        Matcher(narrower.organisations).key
        == Matcher(parse_config({"organisations": [CONFIG.organisations[2].model_dump()]}).organisations).key
    )  # the same settings read again: the same key


@pytest.mark.parametrize(
    "setting, changed",
    [
        ("listener.matching.matcher.CONTEXT_WINDOW", CONTEXT_WINDOW + 1),
        ("listener.matching.matcher.MATCHER_VERSION", "another"),
        ("listener.matching.affixes.HEALTH_WORDS", ["hospital"]),
        ("listener.matching.affixes.PREFIXES", ["the"]),
        ("listener.matching.affixes.EVERYDAY_PHRASES", ["in stitches"]),
    ],
)
def test_key_changes_with_the_rules_themselves(monkeypatch, setting, changed):
    """Posts are matched again when the rules change, not only when the organisations do."""
    before = MATCHER.key
    monkeypatch.setattr(setting, changed)
    affixes.fingerprint.cache_clear()  # the lists are constants, so their fingerprint is computed once
    try:
        assert Matcher(MATCHER.organisations).key != before
    finally:
        monkeypatch.undo()
        affixes.fingerprint.cache_clear()


def calls_to_match(text: str) -> int:
    """How many Python and C function calls matching ``text`` makes: a measure of work that no busy core changes."""
    count = 0

    def counter(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(counter)
    try:
        MATCHER.find(text)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "unit, tail, expected",
    [
        ("Whittington nurse ", "", ["RKE"]),  # every alias next to a health word
        ("Dick Whittington ", "at the Whittington Hospital", ["RKE"]),  # each exclusion covers its own
        ("Whittington ", "hospital", ["RKE"]),  # only the last alias has its context in reach
        ("St Thomas' Hospital ", "", ["RJ1"]),  # many names inside longer ones
    ],
)
def test_a_long_repetitive_post_is_matched_in_linear_time(unit, tail, expected):
    # Rules once compared every hit with every other (and counted words from the start of the text for each
    # pair): a 50,000-character post of repeated names took minutes. Twice the text must cost about twice the
    # work (a quadratic rule costs four times), counted in function calls rather than timed.
    assert sorted(m[0] for m in found(unit * 2000 + tail)) == expected
    single, double = calls_to_match(unit * 1000 + tail), calls_to_match(unit * 2000 + tail)
    assert double / single < 2.5, (single, double)


def test_an_alias_in_capitals_that_is_an_everyday_word_counts_only_in_capitals():
    # "GOSH" is Great Ormond Street Hospital; "gosh" is what people say when the queue is long
    matcher = Matcher(
        parse_config(
            {
                "organisations": [
                    {
                        "code": "RP4",
                        "name": "Great Ormond Street Hospital for Children NHS Foundation Trust",
                        "aliases": ["GOSH", "LGI"],
                        "hashtags": ["GOSH"],
                    }
                ]
            }
        ).organisations
    )
    for text in [
        "GOSH nurses were amazing",
        "Thank you GOSH’s cardiac team",
        "#gosh",
        "oh my gosh, lgi were great",
    ]:
        assert [m.org_code for m in matcher.find(text)] == ["RP4"], text
    for text in ["oh my gosh the queue at tesco", "Gosh, what a day", "gosh the nurses at the hospital"]:
        assert matcher.find(text) == [], text

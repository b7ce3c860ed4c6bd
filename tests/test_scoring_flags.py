"""Triage flags and relevance on posts a comms team would judge at a glance (the shipped model)."""

from pathlib import Path

import pytest

from listener.scoring.nhs import NhsScorer
from listener.scoring.phrases import PhraseIndex, words
from listener.scoring.themes import CARE_CUES, NOT_ABOUT_CARE, ThemeTagger


@pytest.fixture(scope="module")
def scorer():
    return NhsScorer()


@pytest.mark.parametrize(
    "text",
    [
        "Five stars for @GSTTnhs. Clean, calm and Kemi the HCA on nights were lovely.",
        "Huge thank you to Kemi the HCA on nights at Evelina London. You were incredible with my wife this week",
        "Sister Jones, the matron on ward 4, was wonderful",
        "Ali, our consultant, was brilliant",
    ],
)
def test_praise_of_a_named_member_of_staff_is_shared(scorer, text):
    (analysis,) = scorer.analyse([text])
    assert "praise_to_share" in analysis.flags, analysis
    assert NOT_ABOUT_CARE not in analysis.themes


@pytest.mark.parametrize(
    "text",
    [
        "Moved house and now under LGI instead of St Thomas' Hospital. Honestly miss St Thomas' Hospital already. "
        "Any advice appreciated.",
        "Which clinic at the hospital does hearing tests for kids? Thanks in advance",
        "Any thoughts on the physio service at Guy's Hospital would be much appreciated",
    ],
)
def test_a_requests_courtesy_is_not_praise(scorer, text):
    (analysis,) = scorer.analyse([text])
    assert "praise_to_share" not in analysis.flags, analysis


def test_praise_next_to_a_request_is_still_praise(scorer):
    text = "The ward 7 team were amazing with my dad. Any advice on parking appreciated"
    (analysis,) = scorer.analyse([text])
    assert "praise_to_share" in analysis.flags, analysis


def test_any_word_in_a_rule_phrase_stands_for_one_word():
    """ "my _ appointment" was read as "my appointment": the documented "_" (any one word) never matched."""
    index = PhraseIndex({"care": ["my _ appointment"], "news": ["new _ wing"]})
    assert index.find(words("Off to my 9am appointment, then the new cancer wing")) == {
        "care": "my 9am appointment",
        "news": "new cancer wing",
    }
    assert index.find(words("my appointment")) == {}  # "_" is exactly one word
    assert CARE_CUES.search(words("Smooth start to my 3pm appointment")) == "my 3pm appointment"


def flags_of(scorer, text: str) -> dict[str, str]:
    (analysis,) = scorer.analyse([text])
    return analysis.flags


def test_a_safeguarding_word_in_news_is_flagged_but_needs_no_response(scorer):
    """Safeguarding is flagged whatever the post is about (recall first); it asks for a response only when the
    post is about someone's care."""
    flags = flags_of(scorer, "Proud to run the 10k for the suicide prevention charity at LGI on Sunday")
    assert "safeguarding" in flags and "needs_response" not in flags
    care = flags_of(scorer, "My dad said he wants to end it all after his discharge from LGI")
    assert care["needs_response"] == "a safeguarding concern about care"


def test_an_insult_is_abuse_of_staff_only_when_aimed_at_someone(scorer):
    assert "abuse_of_staff" not in flags_of(scorer, "idiots on the road again, the cat is lazy")
    assert flags_of(scorer, "The nurses at LGI are lazy idiots")["abuse_of_staff"].startswith("insults staff")


def test_a_question_about_news_needs_a_response_only_when_addressed_to_the_organisation(scorer):
    assert "needs_response" not in flags_of(scorer, "Are the LGI strikes going ahead on Monday?")
    assert "needs_response" in flags_of(scorer, "Are you striking on Monday @LeedsHospitals?")


def test_complaint_words_in_a_post_not_about_care_need_no_response(scorer):
    text = "Terrible news: the LGI strike is on, picket lines all week, awful"
    assert "needs_response" not in flags_of(scorer, text)


def test_a_negative_post_is_never_praise_to_share_even_if_it_praises(scorer):
    text = "The nurses on ward 5 were lovely but the wait was appalling, worst experience ever, disgusting"
    assert "praise_to_share" not in flags_of(scorer, text)


def test_praise_in_a_post_not_about_care_is_not_shared(scorer):
    text = "Proud of the amazing Ward 7 team at LGI, congratulations on your award"
    assert "praise_to_share" not in flags_of(scorer, text)


def test_a_post_without_words_gets_no_flag(scorer):
    assert flags_of(scorer, "??? !!!") == {}


def test_someones_care_is_about_care_even_beside_signs_of_news(scorer):
    (treated, open_day) = scorer.analyse(
        [
            "I was treated at the LGI research unit last week",
            "LGI open day this Saturday, come and see the ward",
        ]
    )
    assert NOT_ABOUT_CARE not in treated.themes  # "I was treated" outweighs "research"
    assert NOT_ABOUT_CARE in open_day.themes  # a service named ("ward"), but in news ("open day")


def test_a_renamed_theme_keeps_its_keywords_and_category():
    renamed = ThemeTagger(names={"timeliness_of_care": "Waiting times"})
    builtin = ThemeTagger()
    assert "timeliness_of_care" in renamed.keyword_themes("A year on the waiting list at LGI")
    assert renamed.themes["timeliness_of_care"].category == builtin.themes["timeliness_of_care"].category


@pytest.mark.parametrize(
    "text",
    [
        "My nan was left lying in her own urine on the ward for hours",
        "He told me he doesn't want to be alive anymore and the crisis line rang out",
        "Dad was discharged at 2am with no coat and nobody at home",
        "She has barely eaten in a week and nobody on the ward has noticed",
        "My uncle has dementia and went missing from the ward last night",
        "Mum's carer has been taking her pension every week",
        "A patient's relative said he knows where I park. Scared to leave after my shift",
    ],
)
def test_safeguarding_is_found_in_the_ways_people_write_it(scorer, text):
    """Kinds of harm written as people write them, not in the words of the development posts."""
    assert "safeguarding" in scorer.analyse([text])[0].flags


@pytest.mark.parametrize(
    "text",
    [
        "Had a heart attack last year and the cardiac team were brilliant",
        "This queue at the pharmacy is killing me",
        "Had a panic attack before my scan, the radiographer was so calm",
    ],
)
def test_everyday_words_that_sound_like_harm_are_not_safeguarding(scorer, text):
    assert "safeguarding" not in scorer.analyse([text])[0].flags


@pytest.mark.parametrize(
    "text",
    [
        "Grandad keeps saying the night carer is rough with him and he has marks on his arms",
        "My sister has stopped answering her phone since the crisis team closed her case and her last message "
        "scared me",
    ],
)
def test_the_safeguarding_model_finds_concern_no_rule_phrase_names(scorer, text):
    from listener.scoring.flags import _SAFEGUARDING_FIRST
    from listener.scoring.gates import letter_runs, trusted

    assert (
        _SAFEGUARDING_FIRST.search(text, trusted(text, letter_runs(text))) is None
    )  # no rule: the model found it
    reason = scorer.analyse([text])[0].flags["safeguarding"]
    assert reason.startswith("reads like a safeguarding concern (model score ")


def test_the_held_out_posts_never_train_the_safeguarding_model():
    import pandas as pd

    from listener.scoring.training.train import SAFEGUARDING_POSTS

    heldout = Path(__file__).parent / "data" / "triage_posts_heldout.csv"
    assert heldout.exists() and heldout not in SAFEGUARDING_POSTS
    training = {t for path in SAFEGUARDING_POSTS for t in pd.read_csv(path)["text"]}
    assert training.isdisjoint(pd.read_csv(heldout)["text"])


def test_the_safeguarding_threshold_is_a_setting():
    from listener.config_sections import ScoringConfig

    text = "Grandad keeps saying the night carer is rough with him and he has marks on his arms"
    default = NhsScorer()
    off = NhsScorer(ScoringConfig(safeguarding_threshold=1))
    strict = NhsScorer(ScoringConfig(safeguarding_threshold=0.9))
    assert "safeguarding" in default.analyse([text])[0].flags
    assert "safeguarding" not in off.analyse([text])[0].flags  # the model is off; no rule names this concern
    assert len({default.version, off.version, strict.version}) == 3  # stored posts are scored again
    assert default.version == "nhs-8"


# The general shapes below were written for these tests (none is from a labelled set): each failed before nhs-7.


@pytest.mark.parametrize(
    "text",
    [
        "@BartsHealth my mum's operation was postponed the night before for the second time",
        "Dr Hale at Fernville Surgery sent my son home with paracetamol. Explain yourselves",
        "Prescription sent to the wrong pharmacy AGAIN by Millbrook Surgery. Absolutely fuming",
        "@UHLeicester I'd like to make a formal complaint about the discharge lounge",
        "My wife was treated like a number at the Northern General. Nobody explained anything.",
        "The GP at Brook Lane made me feel like I was wasting his time",
        "hey @Northgate_Surgery the online booking form has been down all morning",
    ],
)
def test_complaints_and_requests_to_an_organisation_need_a_response(scorer, text):
    assert "needs_response" in flags_of(scorer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Does anybody know if Ward 40 allows kids to visit?",
        "Has anyone had a knee replacement at Chapel Allerton? How long were you in for?",
        "Honest question: why do GP surgeries still close for lunch?",
        "Anyone fancy pizza tonight?",
        "Why is my cat like this? He sits in the bath",
    ],
)
def test_questions_to_the_public_or_about_nothing_of_the_nhs_need_no_response(scorer, text):
    assert "needs_response" not in flags_of(scorer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Shout out to the night staff on the acute medical unit at Pinderfields, they made a scary night bearable",
        "Couldn't have asked for better care from the midwives at the Jessop Wing",
        "Massive thank you to the theatre team at Wythenshawe, especially Priya in recovery",
        "Big up the paramedics who came out to my grandad at 3am, all the way to Salford Royal",
        "Ten out of ten for the fracture clinic at Bassetlaw, in and out in 40 minutes",
        "The cleaner on ward 12 always has a smile and a chat for everyone",
        "Can't fault the stroke team at Morriston. They've given me my life back",
    ],
)
def test_specific_praise_in_its_many_shapes_is_shared(scorer, text):
    assert "praise_to_share" in flags_of(scorer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Thank god my scan at the hospital came back clear",
        "Brilliant news that the new diagnostic centre at the hospital opens in spring",
        "Thank you to everyone who donated to our appeal for the children's ward",
        "Parkside surgery have lost my prescription again. Thanks Parkside, really helpful \U0001f644",
    ],
)
def test_thanks_that_are_not_praise_of_staff_are_not_shared(scorer, text):
    assert "praise_to_share" not in flags_of(scorer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "The receptionists at Beech Grove are clueless",
        "Medway A&E staff are rude, arrogant and clueless",
        "Listen you lot at Hollybank surgery, hang up on my mother one more time and there will be trouble",
        "Tell that GP of yours to watch himself. I know what time he finishes",
        "@WorcsAcuteNHS your staff are a bunch of uncaring robots",
    ],
)
def test_insults_and_threats_aimed_at_staff_are_abuse(scorer, text):
    assert "abuse_of_staff" in flags_of(scorer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "The consultant was arrogant and condescending, I felt like an idiot for asking",
        "Hope you think about that next time, the wait at the walk-in was awful",
    ],
)
def test_strong_criticism_of_a_service_is_not_abuse(scorer, text):
    assert "abuse_of_staff" not in flags_of(scorer, text), text


def test_a_reason_quotes_at_most_sixty_characters(scorer):
    text = "The receptionists at Parkside Medical Centre are the rudest most useless bunch going"
    reason = flags_of(scorer, text)["abuse_of_staff"]
    assert reason.startswith('insults staff: "receptionists at Parkside') and reason.endswith('..."')
    assert len(reason) <= len('insults staff: ""') + 60


@pytest.mark.parametrize(
    ("text", "about_care"),
    [
        ("Had my flu jab at the chemist today, ten minutes start to finish", True),
        ("My nan who is in St Mary's with a chest infection is doing better", True),
        ("The phlebotomist at Brookside got the needle in first time", True),
        ("Our emergency department is very busy today. Please only attend if it is an emergency", False),
        ("I'm a student nurse and a patient's relative shouted at me today", False),
        ("Watching a hospital drama where the surgeon is the villain", False),
    ],
)
def test_relevance_reads_who_is_writing_and_about_what(scorer, text, about_care):
    (analysis,) = scorer.analyse([text])
    assert (NOT_ABOUT_CARE not in analysis.themes) is about_care, analysis.themes

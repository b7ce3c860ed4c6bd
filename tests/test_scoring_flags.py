"""Triage flags and relevance on posts a comms team would judge at a glance (the shipped model)."""

import pytest

from listener.scoring.nhs import NhsScorer
from listener.scoring.phrases import PhraseIndex, words
from listener.scoring.themes import CARE_CUES, NOT_ABOUT_CARE


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

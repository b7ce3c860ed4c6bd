"""A gated pattern finds exactly what its pattern finds: the pre-check may only skip posts it cannot match."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from listener.scoring import flags, triage_abuse, triage_praise, triage_requests
from listener.scoring.gates import GatedPattern, letter_runs, trusted

TRIAGE = Path(__file__).parent / "data" / "triage_posts.csv"
BLIND = Path(__file__).parent / "data" / "triage_posts_blind.csv"
# every gated pattern of the triage rules, so a new rule is checked as soon as it is added
TRIAGE_PATTERNS = [
    value.pattern
    for module in (triage_requests, triage_praise)
    for value in vars(module).values()
    if isinstance(value, GatedPattern)
] + [gated.pattern for _, gated, _ in triage_abuse._GATED]
PATTERNS = [
    flags._SAFEGUARDING_ANY,
    *TRIAGE_PATTERNS,
    re.compile(r"(?<!\w)(?:(?:re)?open now|f\*+k off)(?!\w)", re.I),
    re.compile(
        r"(?<!\w)(?:cancel+ed|don'?t want|5k|self[- ]?harm\w*|(?:a )?burden to every\w*|(?:ha)+)(?!\w)", re.I
    ),
    re.compile(r"(?<!\w)(?:(?<!like an )(?<!like a )idiots?|waiting(?! room))(?!\w)", re.I),
]
TEXTS = [
    "My appointment was cancelled again",
    "CANCELLED. Again.",
    "I dont want to be here any more",
    "i don't want to live",
    "ran the 5k for the ward",
    "SELF-HARM and selfharming",
    "I feel like a burden to everyone",
    "x'suicide is not a word",
    "SUİCİDAL thoughts",  # dotted capital I: matches "i" under IGNORECASE, lower-cases to two characters
    "ſuicidal",  # long s matches "s" under IGNORECASE
    "thought about kılling myself",
    "Thank you Sarah and the team on Ward 4, amazing",
    "These idiots at reception, fuck them",
    "Waited 9 hours, nobody rang",
    "Please can someone ring me back",
    "",
    "nothing to see here",
    "hahaha",
    "We reopen now",
    "f**k off",
    "I felt like an idiot for asking, what an idiot",
    "in the waiting room, waiting for hours",
    "You're all heartless. The staff are rude, arrogant and clueless",
    "Treated like a number at the Northern General. I'd like to make a formal complaint",
    "Anyone know if the walk-in is open? Genuine question",
    "Thanks so much, Dr Okafor, ten out of ten for the stroke team. Couldn't have asked for better",
    "I know what time he finishes his shift. Watch yourself",
    "Thank god. Thanks in advance, any advice appreciated",
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=range(len(PATTERNS)))
def test_gated_search_finds_what_the_pattern_finds(pattern):
    gated = GatedPattern(pattern)
    assert gated.usable
    for text in TEXTS:
        expected = pattern.search(text)
        found = gated.search(text, trusted(text, letter_runs(text)))
        assert (found and (found.span(), found.lastgroup)) == (
            expected and (expected.span(), expected.lastgroup)
        )


def test_gates_skip_posts_without_the_words_a_pattern_needs():
    gated = GatedPattern(flags._SAFEGUARDING_ANY)
    assert not gated.may_match(letter_runs("Lovely staff, quick appointment, thank you"))
    assert gated.may_match(letter_runs("I have been self harming"))


def test_a_pattern_without_known_words_is_always_searched():
    gated = GatedPattern(re.compile(r"\?|[A-Z]\w+"))
    assert not gated.usable
    assert gated.search("Why?", []) is not None


def test_one_tokenisation_gives_every_stage_what_it_would_have_read():
    from listener.scoring.phrases import words
    from listener.scoring.text import read_words, tokens

    for text in [*TEXTS, "don't, won’t; x'y'z 9am A&E naïve 😀 it's 5k... Not bad!", "can't", "ok?"]:
        assert read_words(text) == (tokens(text), words(text))
        assert letter_runs(text, words(text)) == letter_runs(text)


def test_first_match_of_many_rules_is_the_joined_patterns_match():
    """Safeguarding's kinds of harm are searched one small rule at a time (gates.FirstMatch); the match and its
    reason must be those of the one pattern that joins them in order, on every text (ties go to the earlier rule)."""
    first = flags._SAFEGUARDING_FIRST
    joined = flags._SAFEGUARDING_ANY
    reasons = flags._SAFEGUARDING_REASONS
    texts = [*TEXTS, *pd.read_csv(TRIAGE)["text"], *pd.read_csv(BLIND)["text"]]
    texts += ["she hit him and he was found wandering", "nobody fed her, she went without meds, left alone"]
    assert len(first.rules) > 6  # more than one rule per kind of harm, or this test shows nothing
    for text in texts:
        expected = joined.search(text)
        found = first.search(text, trusted(text, letter_runs(text)))
        assert (found and (found[1].span(), found[0])) == (
            expected and (expected.span(), reasons[expected.lastgroup])
        ), text

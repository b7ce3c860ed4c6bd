"""A gated pattern finds exactly what its pattern finds: the pre-check may only skip posts it cannot match."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from listener.scoring import flags, triage_abuse, triage_praise, triage_requests
from listener.scoring.gates import GatedPattern, KeyIndex, letter_runs, trusted

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
    re.compile(r"\ball[ -]clear\b|\b(?:tested|came back)\s*positive\b", re.I),  # word boundaries, classes
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
    "All-clear at last",
    "overall clear, and retested positive",
    "Tested POSITIVE",
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


def test_praise_names_someone_specific_as_the_joined_pattern_does():
    """triage_praise searches its specific-person pattern as two halves (gates.FirstMatch); the match must be the
    whole pattern's, on every text."""
    texts = [*TEXTS, *pd.read_csv(TRIAGE)["text"], *pd.read_csv(BLIND)["text"]]
    texts += [
        "Thanks so much, Dr Okafor and the ward 4 team",
        "Sarah and Tom on the ward",
        "the lovely Anne, our HCA",
    ]
    for text in texts:
        expected = triage_praise._SPECIFIC.search(text)
        found = triage_praise._SPECIFIC_FIRST.search(text, trusted(text, letter_runs(text)))
        assert (found and found[1].span()) == (expected and expected.span()), text


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


def test_key_index_passes_exactly_the_patterns_whose_pre_check_passes():
    """KeyIndex answers for many patterns at once what each one's may_match answers, starts that begin with
    another pattern's start ("rap", "rapi", "rapid...") and patterns without a pre-check included."""
    nested = [r"(?<!\w)rap\w*", r"(?<!\w)rapi\w*", r"(?<!\w)rapid(?!\w)", r"(?<!\w)ra\w*", r"\?|[A-Z]\w+"]
    gates = [GatedPattern(re.compile(p, re.I)) for p in nested] + [GatedPattern(p) for p in PATTERNS]
    gates += [gated for _, gated in flags._SAFEGUARDING_FIRST.rules]
    index = KeyIndex(gates)
    texts = [*TEXTS, *pd.read_csv(TRIAGE)["text"], "rapid rap", "Rapier", "a ra", "rapidly", "the rapids"]
    for text in texts:
        runs = trusted(text, letter_runs(text))
        bits = index.may_match(runs)
        for i, gated in enumerate(gates):
            expected = not gated.usable or runs is None or gated.may_match(list(runs))  # its own pre-check
            assert bool(bits >> i & 1) == expected, (text, gated.pattern.pattern[:40])
            # and what a post's Runs answer for it (one index over every gated pattern made)
            assert runs is None or not gated.usable or gated.may_match(runs) == expected


def test_runs_answer_for_patterns_made_after_they_were_first_read():
    """Runs read the keys of every gated pattern made so far; a pattern made later is still answered rightly."""
    runs = trusted("the rapids were wild", letter_runs("the rapids were wild"))
    assert not GatedPattern(re.compile(r"(?<!\w)(?:rabbit)(?!\w)", re.I)).may_match(runs)
    assert GatedPattern(re.compile(r"(?<!\w)(?:rapid\w*|hare)(?!\w)", re.I)).may_match(runs)
    assert not GatedPattern(re.compile(r"(?<!\w)(?:hares?)(?!\w)", re.I)).may_match(runs)


def test_gated_health_phrases_rewrite_what_the_phrases_rewrite():
    """health_vader.rewrite looks for each phrase only in texts with a word it needs, reading the words again after
    each replacement; the text it writes must be the one every phrase's substitution in turn writes."""
    from listener.scoring.health_vader import _PHRASES, rewrite

    texts = [*TEXTS, *pd.read_csv(TRIAGE)["text"], *pd.read_csv(BLIND)["text"]]
    texts += [
        "Tested positive for covid, then results were negative and the scan came back all-clear!",
        "test was POSITIVE",
        "I can't thank the nurses on ward 3 enough, they were incredible",
        "A&E is a joke. Intensive care after a heart attack",
        "tested_positive all_clear",
        "ſuch a joke, ıncredible",  # letters that match a-z only under IGNORECASE: searched in full
    ]
    for text in texts:
        expected = text
        for pattern, replacement in _PHRASES:
            expected = pattern.sub(replacement, expected)
        assert rewrite(text) == expected, text


def test_searching_lower_cased_text_finds_what_ignorecase_finds():
    """A gated IGNORECASE pattern searches text lower-cased, without IGNORECASE; the match (its span, its group,
    its text as written) must be the pattern's own, on text that is not ASCII too, and for patterns that name
    capital letters, other than ASCII characters, or switch a flag in a group (those are searched as they are)."""
    patterns = [*PATTERNS, *(gated.pattern for _, gated in flags._SAFEGUARDING_FIRST.rules)]
    patterns += [
        re.compile(p, re.I)
        for p in [r"[A-Z]{2}x", r"(?-i:Nhs) (?:trust|board)", r"(?P<w>\w+) (?P=w)", r"[À-Þ]\w+", "Élan|ÄRZTE"]
    ]
    texts = [*TEXTS, *pd.read_csv(TRIAGE)["text"], "NHS Trust and Nhs board", "ABx abx", "Very VERY very"]
    # not ASCII: curly quotes, accents, emoji, the Kelvin sign (read as "k"), and the three case traps
    texts += ["I’m SO ANGRY 😡 they didn’t KILL", "ÉLAN Ärzte ÇA", "\u212aill myself", "ſelf harm", "İ kıll"]
    texts += [text.swapcase() for text in texts if isinstance(text, str)]
    for pattern in patterns:
        gated = GatedPattern(pattern)
        for text in texts:
            expected, found = pattern.search(text), gated.search_text(text)
            assert (found and (found.span(), found.group(0), found.lastgroup)) == (
                expected and (expected.span(), expected.group(0), expected.lastgroup)
            ), (pattern.pattern[:40], text)

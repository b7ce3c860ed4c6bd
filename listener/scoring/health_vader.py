"""VADER that understands health language: the same rules, with a lexicon and a few phrases fixed for the NHS.

Plain VADER reads "Tested positive for covid today" as praise ("positive" is +2.6), "The cancer nurses were
incredible" as negative ("cancer" is -3.4, "incredible" is only a booster), "Mental health services are a joke" as
positive ("joke" is +1.2) and every "care" as warm (+2.2). Here:

- names of conditions, services and events (cancer, crisis team, accident and emergency, heart attack, cardiac
  arrest, intensive care) carry no sentiment of their own: a post about cancer care is not negative by default;
- words people use about services get a valence: incredible, shambles, fobbed off, dismissive, understaffed...;
- test results read as news: "tested positive" is bad news, "tested negative" and "all clear" good news;
- "is a joke" and "a shambles" are complaints.

Only posts that contain one of these words or phrases are scored twice: for the rest the health score is VADER's
own, so the extra cost is small and general text keeps VADER's behaviour exactly. Both run on FastVader
(fast_vader.py): vaderSentiment's rules and results, faster.
"""

from __future__ import annotations

import re

from listener.scoring.fast_vader import FastVader
from listener.scoring.gates import GatedPattern, letter_runs, trusted

# word -> valence on VADER's -4..+4 scale (0 = no sentiment of its own).
HEALTH_LEXICON: dict[str, float] = {
    # conditions, services and events: descriptive in health text
    "cancer": 0.0,
    "tumor": 0.0,
    "tumour": 0.0,
    "illness": 0.0,
    "emergency": 0.0,
    "accident": 0.0,
    "crisis": 0.0,
    "injury": 0.0,
    "attack": -0.5,
    "arrest": 0.0,
    "critical": 0.0,
    "depression": -0.5,
    "care": 0.6,
    "positive": 1.0,
    "negative": -0.8,
    # how people describe services
    "lifeline": 2.5,
    "angel": 2.2,
    "angels": 2.2,
    "legend": 2.2,
    "legends": 2.2,
    "ace": 2.0,
    "shambles": -2.6,
    "shambolic": -2.6,
    "fobbed": -2.0,
    "dismissive": -2.0,
    "dismissed": -1.2,
    "understaffed": -1.5,
    "overstretched": -1.0,
    "unbearable": -2.5,
    "rushed": -1.0,
    "unanswered": -1.5,
    # strong words about care that VADER's lexicon lacks, or reads as mild ("appalling" -1.5)
    "appalling": -2.6,
    "disgraceful": -2.8,
    "diabolical": -2.6,
    "atrocious": -2.8,
    "abysmal": -2.7,
    "shoddy": -2.0,
    "substandard": -1.8,
    "sloppy": -1.5,
    "callous": -2.2,
    "uncaring": -2.2,
    "inhumane": -2.8,
    "undignified": -2.0,
    "patronising": -1.8,
    "patronizing": -1.8,
    "condescending": -1.8,
    "unhelpful": -1.8,
    "unsympathetic": -1.8,
    "filthy": -2.2,
    "grubby": -1.5,
    "soiled": -1.5,
    "exemplary": 2.5,
    # replacement tokens written by _PHRASES below
    "tested_positive": -1.6,
    "tested_negative": 1.4,
    "all_clear": 2.0,
}

_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:tested|testing|test(?:s)? (?:was|were|came back|is)|came back|results? (?:was|were|is)?)"
            r"\s*positive\b",
            re.IGNORECASE,
        ),
        "tested_positive",
    ),
    (
        re.compile(
            r"\b(?:tested|test(?:s)? (?:was|were|came back|is)|came back|results? (?:was|were|is)?)\s*negative\b",
            re.IGNORECASE,
        ),
        "tested_negative",
    ),
    (re.compile(r"\ball[ -]clear\b", re.IGNORECASE), "all_clear"),
    (
        re.compile(r"\b(?:can'?t|cannot|can not) thank (?:\w+ ){1,3}enough\b", re.IGNORECASE),
        "thank you so much",
    ),
    (
        re.compile(r"\b(?:is|are|was|were|it's|its|what) (?:an? )?(?:\w+ )?joke\b", re.IGNORECASE),
        "a disgrace",
    ),
    # VADER treats "incredible" only as a booster ("incredible care"), so "were incredible" scores nothing
    (re.compile(r"\bincredible\b", re.IGNORECASE), "amazing"),
    (re.compile(r"\bintensive care\b", re.IGNORECASE), "intensive ward"),
    (re.compile(r"\bheart attack\b", re.IGNORECASE), "heart event"),
]

# Each phrase is looked for only in posts that have a word it needs (gates.py): the same text, a fraction of the time.
_GATED_PHRASES = [(GatedPattern(pattern), replacement) for pattern, replacement in _PHRASES]
# A post is scored a second time only if one of its words is one of these.
_HEALTH_WORDS = frozenset(HEALTH_LEXICON)
_TRIGGER_WORDS = frozenset(
    [w for w in HEALTH_LEXICON if "_" not in w] + ["joke", "clear", "incredible", "thank", "thanks"]
)


class HealthVader:
    """Plain VADER and the health-aware variant, computed together so VADER runs once for most posts."""

    def __init__(self) -> None:
        self.plain = FastVader()
        self.health = FastVader()
        self.health.lexicon = {**self.health.lexicon, **HEALTH_LEXICON}

    def scores(self, text: str, runs: list[str] | None = None) -> tuple[dict[str, float], dict[str, float]]:
        """VADER's scores and the health-aware scores for one (already cleaned) text; ``runs`` are
        gates.letter_runs(text) if the caller has them."""
        reading = self.plain.read(text)
        plain = self.plain.scores_of(reading)
        runs = letter_runs(text) if runs is None else runs
        if _TRIGGER_WORDS.isdisjoint(runs):
            return plain, plain
        rewritten = rewrite(text, trusted(text, runs))
        if rewritten != text:
            return plain, self.health.polarity_scores(rewritten)
        # the same words: no word the health lexicon scores differently (VADER reads emoji as words, and a word
        # with "_" is not a run of letters, so only plain ASCII text without "_" can be sure of that), or only the
        # valences near such words change
        if text.isascii() and "_" not in text and _HEALTH_WORDS.isdisjoint(runs):
            return plain, plain
        return plain, self.health.scores_of(self.health.reread(reading, _HEALTH_WORDS))


def rewrite(text: str, runs: list[str] | None = None) -> str:
    """Replace health phrases with tokens the health lexicon scores. ``runs``: trusted(text, letter_runs(text)), if
    the caller has them."""
    runs = trusted(text, letter_runs(text)) if runs is None else runs
    for gated, replacement in _GATED_PHRASES:
        rewritten = gated.sub(replacement, text, runs)
        if rewritten != text:  # the next phrases read the text as it is now
            text, runs = rewritten, trusted(rewritten, letter_runs(rewritten))
    return text

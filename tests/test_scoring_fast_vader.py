"""FastVader must give exactly vaderSentiment's scores: on its own examples, on posts built to hit every rule
(negation, "no", boosters in capitals, idioms, "least", "but", "kind of", emoji) and with the health lexicon."""

from __future__ import annotations

import random

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.scoring.fast_vader import FastVader, _but_check, _score_valence
from listener.scoring.health_vader import HEALTH_LEXICON, HealthVader, rewrite

EXAMPLES = [
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "no good, no no bad, not bad nor great",
    "no fun nor good, no time or great",
    "it was sort of really good, then the bus stop so bad",
    "oh well a kiss of death for us",
    "",
    "   ",
    "😀😡🤬😭 x😀y 😀 😀",
]
# words that trigger each of VADER's rules, mixed at random below
VOCABULARY = [
    "good",
    "bad",
    "great",
    "awful",
    "no",
    "not",
    "never",
    "so",
    "this",
    "without",
    "doubt",
    "least",
    "at",
    "very",
    "kind",
    "of",
    "sort",
    "but",
    "BUT",
    "GOOD",
    "VERY",
    "extremely",
    "barely",
    "isn't",
    "don't",
    "nor",
    "or",
    "the",
    "shit",
    "bomb",
    "yeah",
    "right",
    "kiss",
    "death",
    "to",
    "die",
    "for",
    "cut",
    "mustard",
    "care",
    "cancer",
    "positive",
    "incredible",
    "joke",
    "LOL",
    ":)",
    ":(",
    "!!!",
    "??",
    "?",
    ".",
    ",",
    "😀",
    "😡",
    "💘",
    "nurse",
    "lifeline",  # health words that plain VADER's lexicon lacks
    "shambles",
    "fobbed",
    "appalling",  # in both lexicons, with different valences
    "disgraceful",
    "ward",
    "waited",
    "hours",
    "kinda",
    "really",
]


def _random_posts(count: int, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        words = rng.choices(VOCABULARY, k=rng.randint(1, 25))
        separators = rng.choices([" ", " ", " ", "", "  ", "\n"], k=len(words))
        posts.append("".join(w + s for w, s in zip(words, separators, strict=True)))
    return posts


@pytest.mark.parametrize("health", [False, True])
def test_fast_vader_scores_exactly_as_vader(health):
    original, fast = SentimentIntensityAnalyzer(), FastVader()
    if health:
        original.lexicon = {**original.lexicon, **HEALTH_LEXICON}
        fast.lexicon = {**fast.lexicon, **HEALTH_LEXICON}
    for text in EXAMPLES + _random_posts(3000):
        assert fast.polarity_scores(text) == original.polarity_scores(text), text


def test_health_vader_scores_exactly_as_vader_with_the_health_lexicon():
    """HealthVader skips the second pass when it cannot change anything; the scores must not show it."""
    plain, health = SentimentIntensityAnalyzer(), SentimentIntensityAnalyzer()
    health.lexicon = {**health.lexicon, **HEALTH_LEXICON}
    scorer = HealthVader()
    texts = ["thank you 👼", "thanks all_clear", "Thanks, CARE was great", "no joke, thanks", "all clear!"]
    texts += ["thanks, no lifeline", "thanks: a shambles really so good", "thanks. care is not so bad"]
    for text in texts + _random_posts(2000, seed=7):
        assert scorer.scores(text) == (plain.polarity_scores(text), health.polarity_scores(rewrite(text))), (
            text
        )


def test_but_rule_gives_vaders_scores_when_valences_repeat():
    """The "but" rule changes the first valence equal to each one it visits (vaderSentiment's list.index), so
    repeated values, values that equal another once halved (3.0 -> 1.5) and zeros of every kind must all come out
    as vaderSentiment's (compared as text, so that -0.0 and 0.0 differ)."""
    rng = random.Random(11)
    vader = SentimentIntensityAnalyzer()
    values = [0, 0, 0, 0.0, -0.0, 1.5, 3.0, 0.75, -1.5, -0.75, -3.0, 2.25]
    for _ in range(3000):
        valences = rng.choices(values, k=rng.randint(1, 12))
        text = rng.choice(["", "!", "??", "!!!?"])
        for but_index in range(len(valences)):
            words = ["x"] * len(valences)
            words[but_index] = "BUT"
            expected = vader.score_valence(vader._but_check(words, list(valences)), text)
            found = _score_valence(_but_check(list(valences), but_index), text)
            assert repr(found) == repr(expected), (valences, but_index)

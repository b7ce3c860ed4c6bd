"""Everything the text model reads of a batch of posts, built the same way for training and for scoring."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from listener.scoring.gates import letter_runs
from listener.scoring.health_vader import HealthVader
from listener.scoring.text import QUESTION_TYPES, question_key, question_type, read_words, text_features

_BASE = ["health_compound", "health_pos", "health_neg", "vader_compound", "mixed", "length"]
DENSE_NAMES = [
    *_BASE,
    "empty",
    *(f"q={q}" for q in QUESTION_TYPES),
    *(f"{name}*q={q}" for q in QUESTION_TYPES for name in _BASE),
]
_HEALTH_SCORES = itemgetter("compound", "pos", "neg")
_COMPOUND = itemgetter("compound")


@dataclass
class Batch:
    """A batch's sparse features (one list per post), dense features, VADER scores, runs of letters
    (gates.letter_runs) and words (phrases.words)."""

    features: list[list[str]]
    dense: np.ndarray
    vader: list[dict[str, float]]
    health: list[dict[str, float]]
    runs: list[list[str]]
    words: list[list[str]]


def featurise(texts: Sequence[str], questions: Sequence[str], vader: HealthVader) -> Batch:
    """Features of already-cleaned texts (text.clean_text) and the questions they answer ("" for none)."""
    asked = {q: (question_type(q), question_key(q)) for q in set(questions)}  # a batch asks few questions
    qtypes = [asked[q][0] for q in questions]
    qkeys = [asked[q][1] for q in questions]
    token_lists, word_lists = zip(*map(read_words, texts), strict=True) if texts else ((), ())
    runs = [letter_runs(text, text_words) for text, text_words in zip(texts, word_lists, strict=True)]
    plain_scores, health_scores = [], []
    for text, text_runs in zip(texts, runs, strict=True):
        plain, health = vader.scores(text, text_runs)
        plain_scores.append(plain)
        health_scores.append(health)
    base = _base_features(texts, plain_scores, health_scores)
    questions = (np.array(qtypes, dtype=str)[:, None] == np.array(QUESTION_TYPES)).astype(np.float32)
    interactions = [base[:, : len(_BASE)] * questions[:, [i]] for i in range(len(QUESTION_TYPES))]
    dense = np.concatenate([base, questions, *interactions], axis=1)
    features = [
        text_features(t, q, toks, key)
        for t, q, toks, key in zip(texts, qtypes, token_lists, qkeys, strict=True)
    ]
    return Batch(features, dense, plain_scores, health_scores, runs, list(word_lists))


def _base_features(
    texts: Sequence[str], plain: list[dict[str, float]], health: list[dict[str, float]]
) -> np.ndarray:
    """The columns of _BASE and "empty", built a column at a time in float64 (as Python computes them), then
    rounded to float32 once, as the model reads them."""
    n = len(texts)
    health_compound, health_pos, health_neg = (
        np.array(list(map(_HEALTH_SCORES, health)), dtype=np.float64).reshape(n, 3).T
    )
    columns = [
        health_compound,
        health_pos,
        health_neg,
        np.fromiter(map(_COMPOUND, plain), dtype=np.float64, count=n),
        (health_pos > 0) & (health_neg > 0),  # mixed
        np.fromiter(map(math.log1p, map(len, texts)), dtype=np.float64, count=n) / 5,  # length
        np.array([not text.strip() for text in texts], dtype=bool),  # empty
    ]
    return np.column_stack(columns).astype(np.float32).reshape(n, len(_BASE) + 1)

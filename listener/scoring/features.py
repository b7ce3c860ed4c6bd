"""Everything the text model reads of a batch of posts, built the same way for training and for scoring."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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
    plain_scores, health_scores, rows = [], [], []
    token_lists, word_lists = zip(*map(read_words, texts), strict=True) if texts else ((), ())
    runs = [letter_runs(text, text_words) for text, text_words in zip(texts, word_lists, strict=True)]
    for text, text_runs in zip(texts, runs, strict=True):
        plain, health = vader.scores(text, text_runs)
        plain_scores.append(plain)
        health_scores.append(health)
        rows.append(
            (
                health["compound"],
                health["pos"],
                health["neg"],
                plain["compound"],
                float(health["pos"] > 0 and health["neg"] > 0),
                math.log1p(len(text)) / 5,
                float(not text.strip()),
            )
        )
    base = np.asarray(rows, dtype=np.float32).reshape(len(texts), len(_BASE) + 1)
    questions = np.asarray(
        [[q == known for known in QUESTION_TYPES] for q in qtypes], dtype=np.float32
    ).reshape(len(texts), len(QUESTION_TYPES))
    interactions = [base[:, : len(_BASE)] * questions[:, [i]] for i in range(len(QUESTION_TYPES))]
    dense = np.concatenate([base, questions, *interactions], axis=1)
    features = [
        text_features(t, q, toks, key)
        for t, q, toks, key in zip(texts, qtypes, token_lists, qkeys, strict=True)
    ]
    return Batch(features, dense, plain_scores, health_scores, runs, list(word_lists))

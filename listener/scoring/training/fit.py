"""Fit the text model's vocabulary and heads with scikit-learn, and turn them into a numpy-only TextModel.

Everything that is learned (vocabulary, IDF, weights, the neutral bias, each theme's threshold) is learned from
the rows passed in, so cross-validation (evaluate.py) can refit all of it inside each fold.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, StratifiedKFold

from listener.scoring.features import DENSE_NAMES, Batch
from listener.scoring.linear import LinearHead, TextModel
from listener.scoring.text import QUESTION_TYPES

log = logging.getLogger(__name__)

SENTIMENT_LABELS = ["negative", "neutral", "positive"]
MIN_DF = 2
SENTIMENT_C = 3.0
THEME_C = 40.0
FFT_WEIGHT = 1.0
PHASE1_WEIGHT = 0.5
TWEET_WEIGHT = 2.0
MIN_THEME_EXAMPLES = 5
INNER_FOLDS = 3
_THRESHOLDS = np.round(np.arange(0.10, 0.71, 0.05), 2)
_NEUTRAL_BIASES = np.round(np.arange(0.0, 2.01, 0.1), 2)


@dataclass
class Examples:
    """Featurised rows for one head: features, dense matrix and targets (and weights for sentiment)."""

    batch: Batch
    targets: np.ndarray
    weights: np.ndarray | None = None

    def take(self, rows: Sequence[int]) -> Examples:
        rows = np.asarray(rows)
        subset = Batch(
            [self.batch.features[i] for i in rows],
            self.batch.dense[rows],
            [self.batch.vader[i] for i in rows],
            [self.batch.health[i] for i in rows],
            [self.batch.runs[i] for i in rows],
            [self.batch.words[i] for i in rows],
        )
        weights = None if self.weights is None else self.weights[rows]
        return Examples(subset, self.targets[rows], weights)

    def __add__(self, other: Examples) -> Examples:
        batch = Batch(
            self.batch.features + other.batch.features,
            np.vstack([self.batch.dense, other.batch.dense]),
            self.batch.vader + other.batch.vader,
            self.batch.health + other.batch.health,
            self.batch.runs + other.batch.runs,
            self.batch.words + other.batch.words,
        )
        weights = np.concatenate([_weights(self), _weights(other)])
        return Examples(batch, np.concatenate([self.targets, other.targets]), weights)


def _weights(examples: Examples) -> np.ndarray:
    return np.ones(len(examples.targets)) if examples.weights is None else examples.weights


def build_vocabulary(feature_lists: Sequence[Sequence[str]], min_df: int = MIN_DF) -> tuple[dict, np.ndarray]:
    """Features seen in at least ``min_df`` documents (question markers always), with smoothed IDF."""
    document_frequency = Counter(f for features in feature_lists for f in set(features))
    kept = sorted(
        f for f, df in document_frequency.items() if df >= min_df or f in {f"q={q}" for q in QUESTION_TYPES}
    )
    vocabulary = {feature: i + 1 for i, feature in enumerate(kept)}
    n = len(feature_lists)
    idf = np.zeros(len(kept) + 1, dtype=np.float32)
    for feature, index in vocabulary.items():
        idf[index] = math.log((1 + n) / (1 + document_frequency.get(feature, 0))) + 1
    return vocabulary, idf


def design_matrix(model: TextModel, batch: Batch) -> sparse.csr_matrix:
    """The exact matrix the shipped model multiplies at scoring time: TF-IDF columns, then dense columns."""
    rows = model.vectorise(batch.features)
    tfidf = sparse.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(rows.n_rows, len(model.idf)))
    return sparse.hstack([tfidf, sparse.csr_matrix(batch.dense)], format="csr")


def new_model(sentiment: Examples, themes: Examples) -> TextModel:
    """A model with a vocabulary from every training text (sentiment's and themes') and no heads yet."""
    vocabulary, idf = build_vocabulary(sentiment.batch.features + themes.batch.features)
    return TextModel(vocabulary, idf, list(DENSE_NAMES), heads={})


def fit_sentiment(model: TextModel, examples: Examples, tune: bool = True) -> LinearHead:
    """Multinomial logistic regression; the neutral class's bias is tuned on inner folds for macro-F1."""
    X = design_matrix(model, examples.batch)
    head = _sentiment_head(X, examples.targets, examples.weights)
    if tune:
        head.intercept[1] += _neutral_bias(model, examples)
    return head


def _sentiment_head(X, y, weights) -> LinearHead:
    clf = LogisticRegression(C=SENTIMENT_C, max_iter=3000)
    clf.fit(X, y, sample_weight=weights)
    return LinearHead(
        list(SENTIMENT_LABELS), clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32)
    )


def _neutral_bias(model: TextModel, examples: Examples) -> float:
    """The bias added to the neutral logit that maximises the mean of accuracy and macro-F1 on inner folds."""
    X = design_matrix(model, examples.batch)
    y, weights = examples.targets, examples.weights
    logits = np.zeros((len(y), 3))
    for train, test in StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=1).split(X, y):
        head = _sentiment_head(X[train], y[train], None if weights is None else weights[train])
        logits[test] = X[test] @ head.coef + head.intercept
    # tune on FFT rows only (weight exactly FFT_WEIGHT), not on the extra phase-1 rows or tweets
    scored = np.ones(len(y), dtype=bool) if weights is None else weights == FFT_WEIGHT
    best, best_value = 0.0, -1.0
    for bias in _NEUTRAL_BIASES:
        predicted = (logits[scored] + [0, bias, 0]).argmax(axis=1)
        truth = y[scored]
        value = (np.mean(predicted == truth) + f1_score(truth, predicted, average="macro")) / 2
        if value > best_value:
            best, best_value = float(bias), value
    log.info("neutral bias %.2f (inner-fold mean of accuracy and macro-F1 %.4f)", best, best_value)
    return best


def fit_themes(model: TextModel, examples: Examples, theme_ids: list[str]) -> LinearHead:
    """One logistic regression per theme; each threshold maximises that theme's F1 on inner folds."""
    X = design_matrix(model, examples.batch)
    Y = examples.targets
    coef, intercept = _theme_weights(X, Y)
    probabilities = np.zeros(Y.shape)
    for train, test in KFold(INNER_FOLDS, shuffle=True, random_state=1).split(X):
        inner_coef, inner_intercept = _theme_weights(X[train], Y[train])
        probabilities[test] = _sigmoid(X[test] @ inner_coef + inner_intercept)
    thresholds = np.array([_best_threshold(Y[:, j], probabilities[:, j]) for j in range(Y.shape[1])])
    thresholds[Y.sum(axis=0) < MIN_THEME_EXAMPLES] = np.inf
    return LinearHead(list(theme_ids), coef, intercept, thresholds.astype(np.float32))


def _theme_weights(X, Y) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    intercept = np.full(Y.shape[1], -10.0, dtype=np.float32)
    for j in range(Y.shape[1]):
        if Y[:, j].sum() < MIN_THEME_EXAMPLES:
            continue
        clf = LogisticRegression(C=THEME_C, solver="liblinear")
        clf.fit(X, Y[:, j])
        coef[:, j] = clf.coef_[0]
        intercept[j] = clf.intercept_[0]
    return coef, intercept


def _best_threshold(truth: np.ndarray, probability: np.ndarray) -> float:
    if truth.sum() == 0:
        return float("inf")
    scores = [f1_score(truth, probability >= t, zero_division=0) for t in _THRESHOLDS]
    return float(_THRESHOLDS[int(np.argmax(scores))])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))

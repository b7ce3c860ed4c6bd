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
from sklearn.metrics import f1_score, fbeta_score
from sklearn.model_selection import KFold, StratifiedKFold

from listener.scoring.features import DENSE_NAMES, Batch
from listener.scoring.linear import LinearHead, TextModel
from listener.scoring.text import QUESTION_TYPES
from listener.scoring.training.word_vectors import WordVectors

log = logging.getLogger(__name__)

SENTIMENT_LABELS = ["negative", "neutral", "positive"]
MIN_DF = 2
SENTIMENT_C = 3.0
THEME_C = 40.0
FFT_WEIGHT = 1.0
PHASE1_WEIGHT = 0.5
TWEET_WEIGHT = 2.0
FRAMEWORK_WEIGHT = 2.0
FLAG_POST_WEIGHT = 3.0  # posts written for the project, against many unlabelled-but-ordinary texts
FLAG_C = 3.0
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


@dataclass
class Design:
    """A model being fitted and the columns it is fitted on: TF-IDF, then (with word vectors) the TF-IDF-weighted
    sum of the words' vectors, then the dense features. ``fold`` turns weights over those columns into the shipped
    model's weights over TF-IDF and dense columns alone (word_vectors.py explains why that is exact)."""

    model: TextModel
    embedding: np.ndarray | None = None  # (TF-IDF columns, vector dimensions)

    def matrix(self, batch: Batch) -> sparse.csr_matrix:
        rows = self.model.vectorise(batch.features)
        tfidf = sparse.csr_matrix(
            (rows.data, rows.indices, rows.indptr), shape=(rows.n_rows, len(self.model.idf))
        )
        blocks = [tfidf, sparse.csr_matrix(batch.dense)]
        if self.embedding is not None:
            blocks.insert(1, sparse.csr_matrix(tfidf @ self.embedding))
        return sparse.hstack(blocks, format="csr")

    def fold(self, coef: np.ndarray) -> np.ndarray:
        """Weights over this design's columns (rows of ``coef``) -> weights over TF-IDF and dense columns."""
        if self.embedding is None:
            return coef.astype(np.float32)
        n_vocab, dimensions = self.embedding.shape
        words = coef[:n_vocab] + self.embedding @ coef[n_vocab : n_vocab + dimensions]
        return np.vstack([words, coef[n_vocab + dimensions :]]).astype(np.float32)


def new_design(sentiment: Examples, themes: Examples, vectors: WordVectors | None) -> Design:
    """A model with a vocabulary from every training text (sentiment's and themes') and no heads yet."""
    vocabulary, idf = build_vocabulary(sentiment.batch.features + themes.batch.features)
    model = TextModel(vocabulary, idf, list(DENSE_NAMES), heads={})
    return Design(model, None if vectors is None else vectors.matrix(vocabulary, len(idf)))


def fit_sentiment(design: Design, examples: Examples, tune: bool = True) -> LinearHead:
    """Multinomial logistic regression; the neutral class's bias is tuned on inner folds (_neutral_bias)."""
    X = design.matrix(examples.batch)
    head = _sentiment_head(design, X, examples.targets, examples.weights)
    if tune:
        head.intercept[1] += _neutral_bias(X, examples)
    return head


def _sentiment_classifier(X, y, weights) -> LogisticRegression:
    return LogisticRegression(C=SENTIMENT_C, max_iter=3000).fit(X, y, sample_weight=weights)


def _sentiment_head(design: Design, X, y, weights) -> LinearHead:
    clf = _sentiment_classifier(X, y, weights)
    return LinearHead(list(SENTIMENT_LABELS), design.fold(clf.coef_.T), clf.intercept_.astype(np.float32))


def _neutral_bias(X, examples: Examples) -> float:
    """The bias added to the neutral logit that maximises the mean of accuracy and macro-F1 on inner folds."""
    y, weights = examples.targets, examples.weights
    logits = np.zeros((len(y), 3))
    for train, test in StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=1).split(X, y):
        clf = _sentiment_classifier(X[train], y[train], None if weights is None else weights[train])
        logits[test] = clf.decision_function(X[test])
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


def fit_themes(
    design: Design, examples: Examples, theme_ids: list[str], extra: Examples | None = None
) -> LinearHead:
    """One logistic regression per theme; each threshold maximises that theme's F1 on inner folds of
    ``examples``. ``extra`` (the framework's own examples, weighted) joins every fit but is never scored: a theme
    gets a model only when ``examples`` hold at least MIN_THEME_EXAMPLES of it."""
    X, Y = design.matrix(examples.batch), examples.targets
    X_extra = None if extra is None else design.matrix(extra.batch)
    modelled = Y.sum(axis=0) >= MIN_THEME_EXAMPLES
    coef, intercept = _theme_weights(X, Y, modelled, X_extra, extra)
    probabilities = np.zeros(Y.shape)
    for train, test in KFold(INNER_FOLDS, shuffle=True, random_state=1).split(X):
        inner_coef, inner_intercept = _theme_weights(X[train], Y[train], modelled, X_extra, extra)
        probabilities[test] = _sigmoid(X[test] @ inner_coef + inner_intercept)
    thresholds = np.array([_best_threshold(Y[:, j], probabilities[:, j]) for j in range(Y.shape[1])])
    thresholds[~modelled] = np.inf
    return LinearHead(list(theme_ids), design.fold(coef), intercept, thresholds.astype(np.float32))


def _theme_weights(
    X, Y, modelled, X_extra=None, extra: Examples | None = None
) -> tuple[np.ndarray, np.ndarray]:
    weights = np.ones(X.shape[0])
    if extra is not None:
        X = sparse.vstack([X, X_extra], format="csr")
        Y = np.vstack([Y, extra.targets])
        weights = np.concatenate([weights, _weights(extra)])
    coef = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    intercept = np.full(Y.shape[1], -10.0, dtype=np.float32)
    for j in np.flatnonzero(modelled):
        if Y[:, j].min() == Y[:, j].max():  # an inner fold may hold none of a rare theme
            continue
        clf = LogisticRegression(C=THEME_C, solver="liblinear")
        clf.fit(X, Y[:, j], sample_weight=weights)
        coef[:, j] = clf.coef_[0]
        intercept[j] = clf.intercept_[0]
    return coef, intercept


def _best_threshold(truth: np.ndarray, probability: np.ndarray) -> float:
    if truth.sum() == 0:
        return float("inf")
    scores = [f1_score(truth, probability >= t, zero_division=0) for t in _THRESHOLDS]
    return float(_THRESHOLDS[int(np.argmax(scores))])


def fit_flag(design: Design, examples: Examples, flag: str) -> LinearHead:
    """A triage flag as a binary logistic regression (classes balanced). Its threshold maximises F2 (recall counts
    twice as much as precision) on inner folds over every row: the posts written for the project, half of them
    concerns, and the many ordinary texts whose false alarms a real stream would bring."""
    X, y, weights = design.matrix(examples.batch), examples.targets, _weights(examples)
    clf = _flag_classifier(X, y, weights)
    probability = np.zeros(len(y))
    for train, test in StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=1).split(X, y):
        inner = _flag_classifier(X[train], y[train], weights[train])
        probability[test] = inner.predict_proba(X[test])[:, 1]
    scores = [fbeta_score(y, probability >= t, beta=2, zero_division=0) for t in _THRESHOLDS]
    threshold = float(_THRESHOLDS[int(np.argmax(scores))])
    log.info("%s threshold %.2f (inner-fold F2 %.3f)", flag, threshold, max(scores))
    return LinearHead(
        [flag], design.fold(clf.coef_.T), clf.intercept_.astype(np.float32), np.array([threshold], np.float32)
    )


def _flag_classifier(X, y, weights) -> LogisticRegression:
    return LogisticRegression(C=FLAG_C, class_weight="balanced", max_iter=3000).fit(
        X, y, sample_weight=weights
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))

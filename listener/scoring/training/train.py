"""Build the shipped text model from the shared data: ``listener train`` calls ``train_model``."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from listener.scoring.features import featurise
from listener.scoring.health_vader import HealthVader
from listener.scoring.linear import MODELS_DIR, TextModel
from listener.scoring.training import data
from listener.scoring.training.fit import (
    FFT_WEIGHT,
    FLAG_POST_WEIGHT,
    FRAMEWORK_WEIGHT,
    PHASE1_WEIGHT,
    TWEET_WEIGHT,
    Examples,
    fit_flag,
    fit_sentiment,
    fit_themes,
    new_design,
)
from listener.scoring.training.word_vectors import WordVectors

log = logging.getLogger(__name__)

# Posts written for the project with a safeguarding label. tests/data/triage_posts_heldout.csv is not among them:
# it measures the flag (docs/scoring.md) and must never train it.
SAFEGUARDING_POSTS = [
    data.PROJECT_POSTS / "triage_posts.csv",
    data.PROJECT_POSTS / "triage_posts_blind.csv",
    data.PROJECT_POSTS / "safeguarding_posts_d.csv",
    data.PROJECT_POSTS / "safeguarding_posts_e.csv",
    data.PROJECT_POSTS / "safeguarding_posts_f.csv",
]

ATTRIBUTION = (
    "Trained on NHS Friends and Family Test comments published by the pxtextmining project "
    "(MIT licence, Copyright (c) 2021 NHS England): nhs_fft_feedback/train.csv and phase1_text_data.csv; "
    "and on the tweets and ratings of Hutto & Gilbert, VADER (ICWSM 2014; vaderSentiment repository, MIT licence)."
)


def sentiment_examples(fft: data.FeedbackSet, vader: HealthVader) -> Examples:
    """The FFT rows that have a sentiment label, weight 1."""
    rows = np.flatnonzero(fft.sentiment >= 0)
    batch = featurise([fft.texts[i] for i in rows], [fft.questions[i] for i in rows], vader)
    return Examples(batch, fft.sentiment[rows], np.full(len(rows), FFT_WEIGHT))


def phase1_examples(data_dir: Path, vader: HealthVader, fft_texts: list[str]) -> Examples:
    """Phase-1 comments (positive or negative only) at a lower weight; their question is unknown."""
    exclude = {t.strip().lower() for t in fft_texts}
    texts, labels = data.load_phase1(data_dir, exclude)
    batch = featurise(texts, [""] * len(texts), vader)
    return Examples(batch, labels, np.full(len(texts), PHASE1_WEIGHT))


def tweet_examples(data_dir: Path, vader: HealthVader) -> Examples:
    """The VADER paper's tweets, so general text keeps its reading: rating >= 0.5 positive, <= -0.5 negative."""
    texts, rating = data.load_vader_tweets(data_dir)
    labels = np.where(rating >= 0.5, 2, np.where(rating <= -0.5, 0, 1))
    return Examples(featurise(texts, [""] * len(texts), vader), labels, np.full(len(texts), TWEET_WEIGHT))


def framework_examples(data_dir: Path, vader: HealthVader, theme_ids: list[str]) -> Examples:
    """The framework's own example comments: each is an example of its sub-category and of no other, weighted
    FRAMEWORK_WEIGHT; they teach rare themes words FFT has few of (theme heads only, never scored)."""
    texts, themes = data.load_framework_examples(data_dir)
    targets = np.zeros((len(texts), len(theme_ids)), dtype=np.int8)
    targets[np.arange(len(texts)), [theme_ids.index(t) for t in themes]] = 1
    batch = featurise(texts, [""] * len(texts), vader)
    return Examples(batch, targets, np.full(len(texts), FRAMEWORK_WEIGHT))


def safeguarding_examples(
    data_dir: Path, vader: HealthVader, fft: data.FeedbackSet, posts: list[Path] | None = None
) -> Examples:
    """The labelled posts (weight FLAG_POST_WEIGHT), and as negatives (weight 1) the VADER tweets and the FFT
    answers read as posts: ordinary text, so that the flag learns what concern looks like against what everyday
    posts and feedback look like, not against the style of the posts written for the project."""
    texts, labels = data.load_flag_posts(posts or SAFEGUARDING_POSTS, "safeguarding")
    tweets, _ = data.load_vader_tweets(data_dir)
    ordinary = tweets + fft.texts
    batch = featurise(texts + ordinary, [""] * (len(texts) + len(ordinary)), vader)
    targets = np.concatenate([labels, np.zeros(len(ordinary), dtype=np.int64)])
    weights = np.concatenate([np.full(len(texts), FLAG_POST_WEIGHT), np.ones(len(ordinary))])
    return Examples(batch, targets, weights)


def theme_examples(fft: data.FeedbackSet, vader: HealthVader) -> Examples:
    """Every FFT row, with its v7 theme matrix as targets."""
    return Examples(featurise(fft.texts, fft.questions, vader), fft.themes)


def train_model(data_dir: Path, vectors: WordVectors | None = None) -> TextModel:
    """Fit the vocabulary and the three heads on all of train.csv (plus phase 1, and the tweets for ``social``)."""
    vader = HealthVader()
    fft = data.load_fft(data_dir)
    feedback = sentiment_examples(fft, vader) + phase1_examples(data_dir, vader, fft.texts)
    social = feedback + tweet_examples(data_dir, vader)
    themes = theme_examples(fft, vader)
    framework = framework_examples(data_dir, vader, fft.theme_ids)
    design = new_design(social, themes + framework, vectors if vectors is not None else WordVectors.load())
    model = design.model
    log.info(
        "vocabulary: %d features from %d texts", len(model.vocabulary), len(social.targets) + len(fft.texts)
    )
    model.heads["sentiment"] = fit_sentiment(design, feedback)
    model.heads["social"] = fit_sentiment(design, social, tune=False)
    model.heads["themes"] = fit_themes(design, themes, fft.theme_ids, extra=framework)
    model.heads["safeguarding"] = fit_flag(
        design, safeguarding_examples(data_dir, vader, fft), "safeguarding"
    )
    model.meta = {
        "sentiment_rows": int(len(feedback.targets)),
        "social_rows": int(len(social.targets)),
        "theme_rows": len(fft.texts),
        "framework_examples": int(len(framework.targets)),
        "word_vectors": design.embedding is not None,
        "attribution": ATTRIBUTION,
    }
    return model


def train_and_save(data_dir: Path, folder: Path = MODELS_DIR) -> tuple[TextModel, list[Path]]:
    model = train_model(data_dir)
    return model, list(model.save(folder))

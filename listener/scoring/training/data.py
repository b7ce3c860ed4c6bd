"""Read the labelled sets: NHS Friends and Family Test comments, the v6 -> v7 theme mapping, tweet sets."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from listener.errors import ListenerError
from listener.scoring.catalogue import V7_THEMES, theme_id
from listener.scoring.text import clean_text

DATA_ENV = "LISTENER_SHARED_DATA"
# labelled posts written for the project (triage and safeguarding sets), beside the tests that use them
PROJECT_POSTS = Path(__file__).resolve().parents[3] / "tests" / "data"
_QUOTED = re.compile(r"'([^']{8,400})'")
SENTIMENT_LABELS = ("negative", "neutral", "positive")


class DataError(ListenerError):
    """A labelled data file is missing or not in the expected shape."""


def default_data_dir() -> Path:
    """``$LISTENER_SHARED_DATA``, else ``../shared/data`` from the current folder (the project's layout)."""
    return Path(os.environ.get(DATA_ENV) or Path.cwd().parent / "shared" / "data")


def _read_csv(path: Path, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **options)
    except (OSError, ValueError) as exc:
        raise DataError(
            f"cannot read {path}: {exc}. Hint: pass --data with the folder of the shared data"
        ) from None


@dataclass
class FeedbackSet:
    """FFT comments: cleaned text, the question it answers, 3-class sentiment (-1 = unlabelled), v7 theme matrix."""

    texts: list[str]
    questions: list[str]
    sentiment: np.ndarray
    themes: np.ndarray
    theme_ids: list[str]


def load_fft(data_dir: Path) -> FeedbackSet:
    """``nhs_fft_feedback/train.csv`` with its v6 theme columns mapped onto the v7 sub-categories."""
    frame = _read_csv(data_dir / "nhs_fft_feedback" / "train.csv")
    mapping = _read_csv(data_dir / "qdc_framework" / "v6_to_v7_mapping.csv")
    ids = [theme_id(name) for name in V7_THEMES]
    themes = np.zeros((len(frame), len(ids)), dtype=np.int8)
    for v6, v7 in zip(mapping["v6_label"], mapping["v7_subcategory"], strict=True):
        if v7 in V7_THEMES and v6 in frame.columns:
            column = ids.index(theme_id(v7))
            themes[:, column] |= frame[v6].fillna(0).astype(int).to_numpy(dtype=np.int8)
    score = frame["Comment sentiment"]
    sentiment = np.select([score <= 2, score == 3, score >= 4], [2, 1, 0], default=-1)
    return FeedbackSet(
        texts=[clean_text(t) for t in frame["FFT answer"]],
        questions=[clean_text(q).strip() for q in frame["FFT question"]],
        sentiment=sentiment.astype(np.int64),
        themes=themes,
        theme_ids=ids,
    )


def load_phase1(data_dir: Path, exclude: set[str]) -> tuple[list[str], np.ndarray]:
    """Older FFT comments with a criticality score, as extra positive/negative examples.

    Only clearly critical (-4..-1) or clearly positive (1..4) rows are used; "0" is mostly unlabelled in one
    trust. Comments whose text also appears in train.csv are left out, so cross-validation on train.csv stays
    honest.
    """
    frame = _read_csv(data_dir / "nhs_fft_feedback" / "phase1_text_data.csv")
    criticality = pd.to_numeric(frame["criticality"], errors="coerce")
    keep = criticality.between(-4, 4) & (criticality != 0) & frame["feedback"].notna()
    texts = [clean_text(t) for t in frame.loc[keep, "feedback"]]
    labels = np.where(criticality[keep] > 0, 2, 0)
    chosen = [i for i, t in enumerate(texts) if t.strip().lower() not in exclude]
    return [texts[i] for i in chosen], labels[chosen]


def load_vader_tweets(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """The VADER paper's 4,200 tweets and their mean human rating (-4..+4)."""
    frame = _read_csv(
        data_dir / "vader_tweets_gt" / "tweets_GroundTruth.txt",
        sep="\t",
        header=None,
        names=["id", "rating", "text"],
        quoting=3,
    )
    return [clean_text(t) for t in frame["text"]], frame["rating"].to_numpy(dtype=float)


def load_tweeteval(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """TweetEval's sentiment validation split: 0 negative, 1 neutral, 2 positive."""
    folder = data_dir / "tweeteval_val"
    try:
        texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
        labels = np.array([int(x) for x in (folder / "val_labels.txt").read_text().split()])
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {folder}: {exc}") from None
    return [clean_text(t) for t in texts], labels


def load_framework_examples(data_dir: Path) -> tuple[list[str], list[str]]:
    """The example comments the v7 framework gives for each sub-category (its ``Examples`` and ``Longer-Examples``
    columns, each example in single quotes), with the id of the sub-category each illustrates."""
    frame = _read_csv(data_dir / "qdc_framework" / "qdc_framework_v7_20230925.csv")
    texts, themes = [], []
    for name, *columns in zip(
        frame["Sub-category"], frame["Examples"], frame["Longer-Examples"], strict=True
    ):
        if str(name).strip() not in V7_THEMES:
            continue
        for example in _QUOTED.findall(" ".join(str(c) for c in columns)):
            texts.append(clean_text(example))
            themes.append(theme_id(str(name).strip()))
    return texts, themes


def load_flag_posts(paths: list[Path], flag: str) -> tuple[list[str], np.ndarray]:
    """Posts written for the project with a 0/1 column ``flag`` (tests/data/*.csv): cleaned texts and labels."""
    texts: list[str] = []
    labels: list[int] = []
    for path in paths:
        frame = _read_csv(path)
        if flag not in frame.columns:
            raise DataError(f"{path} has no column {flag!r}")
        texts += [clean_text(t) for t in frame["text"]]
        labels += frame[flag].astype(int).tolist()
    return texts, np.asarray(labels, dtype=np.int64)

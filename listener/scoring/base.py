"""The scorer contract.

A scorer is pure: ``score(posts) -> results``, no database and no network, deterministic for its version.
A post is pending for a scorer when it has no ``scorings`` row at the scorer's current version, so a new version
re-scores history without a special command. The runner (runner.py) owns reading and writing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

SENTIMENT_LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class PostText:
    """What a scorer sees of a post."""

    post_id: int
    text: str
    platform: str = ""


@dataclass(frozen=True)
class Sentiment:
    """Sentiment from -1 (most negative) to 1 (most positive), its parts when the scorer has them, a label."""

    score: float
    label: str
    positive: float | None = None
    neutral: float | None = None
    negative: float | None = None

    def __post_init__(self) -> None:
        if self.label not in SENTIMENT_LABELS:
            raise ValueError(f"sentiment label must be one of {SENTIMENT_LABELS}, got {self.label!r}")


@dataclass
class ScoreResult:
    """A scorer's findings for one post: any of sentiment, themes (id -> confidence) and flags (flag -> reason)."""

    post_id: int
    sentiment: Sentiment | None = None
    themes: dict[str, float] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)


class Scorer(ABC):
    """Subclasses set ``name`` and ``version``; change the version whenever results would change."""

    name: ClassVar[str]
    version: ClassVar[str]

    @abstractmethod
    def score(self, posts: Sequence[PostText]) -> list[ScoreResult]:
        """Score a batch; return one result per post, in order."""


def label_for(score: float, threshold: float = 0.05) -> str:
    """The usual three-way reading of a compound score."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"

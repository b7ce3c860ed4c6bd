"""VADER sentiment (scorer ``vader``): the stored baseline every other sentiment scorer is compared with."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version as package_version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.scoring.base import PostText, Scorer, ScoreResult, Sentiment, label_for

# VADER's time grows steeply with long, emoji-heavy text; posts longer than this are scored on their start.
MAX_CHARS = 2000


class VaderScorer(Scorer):
    name = "vader"
    version = f"vaderSentiment-{package_version('vaderSentiment')}.1"

    def __init__(self) -> None:
        self._analyzer = SentimentIntensityAnalyzer()

    def score(self, posts: Sequence[PostText]) -> list[ScoreResult]:
        return [ScoreResult(post.post_id, sentiment=self.sentiment(post.text)) for post in posts]

    def sentiment(self, text: str) -> Sentiment:
        scores = self._analyzer.polarity_scores((text or "")[:MAX_CHARS])
        compound = scores["compound"]
        return Sentiment(
            score=compound,
            label=label_for(compound),
            positive=scores["pos"],
            neutral=scores["neu"],
            negative=scores["neg"],
        )

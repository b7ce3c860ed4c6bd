"""Score pending posts in batches and store the results; the only place scoring touches the database.

Each batch is one transaction: the scorer's old rows for those posts are replaced and the ``scorings`` marker is
written with them, so an interrupted run leaves every post either fully scored at the new version or pending.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import delete, exists, select

from listener.config import Config
from listener.scoring import load_scorer, scorer_names
from listener.scoring.base import PostText, Scorer, ScoreResult
from listener.store import Store
from listener.store.models import Flag, Post, Scoring, SentimentScore, ThemeScore, utcnow

log = logging.getLogger(__name__)


def configured_scorers(config: Config) -> list[Scorer]:
    return [load_scorer(name, config.scoring) for name in (config.scoring.scorers or scorer_names())]


def score_pending(store: Store, config: Config, scorers: Iterable[Scorer] | None = None) -> dict[str, int]:
    """Score every post that a scorer has not scored at its current version; return counts per scorer."""
    counts = {}
    for scorer in scorers if scorers is not None else configured_scorers(config):
        counts[scorer.name] = 0
        while batch := _pending_batch(store, scorer, config.scoring.batch_size):
            results = scorer.score(batch)
            _save(store, scorer, results)
            counts[scorer.name] += len(results)
        log.info("scorer %s %s: scored %d posts", scorer.name, scorer.version, counts[scorer.name])
    return counts


def _pending_batch(store: Store, scorer: Scorer, size: int) -> list[PostText]:
    done = exists().where(
        Scoring.post_id == Post.id, Scoring.scorer == scorer.name, Scoring.version == scorer.version
    )
    with store.transaction() as session:
        rows = session.execute(
            select(Post.id, Post.text, Post.platform).where(~done).order_by(Post.id).limit(size)
        ).all()
    return [PostText(post_id, text, platform) for post_id, text, platform in rows]


def _save(store: Store, scorer: Scorer, results: list[ScoreResult]) -> None:
    ids = [r.post_id for r in results]
    now = utcnow()
    with store.transaction() as session:
        for model in (SentimentScore, ThemeScore, Flag, Scoring):
            session.execute(delete(model).where(model.post_id.in_(ids), model.scorer == scorer.name))
        for result in results:
            session.add(
                Scoring(post_id=result.post_id, scorer=scorer.name, version=scorer.version, scored_at=now)
            )
            if result.sentiment is not None:
                s = result.sentiment
                session.add(
                    SentimentScore(
                        post_id=result.post_id,
                        scorer=scorer.name,
                        version=scorer.version,
                        score=s.score,
                        label=s.label,
                        positive=s.positive,
                        neutral=s.neutral,
                        negative=s.negative,
                    )
                )
            session.add_all(
                ThemeScore(
                    post_id=result.post_id,
                    scorer=scorer.name,
                    version=scorer.version,
                    theme=theme,
                    confidence=confidence,
                )
                for theme, confidence in result.themes.items()
            )
            session.add_all(
                Flag(
                    post_id=result.post_id,
                    scorer=scorer.name,
                    version=scorer.version,
                    flag=flag,
                    reason=reason,
                )
                for flag, reason in result.flags.items()
            )

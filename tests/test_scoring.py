"""VADER scoring: stored per post with its version; a new version re-scores history."""

import json
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.scoring.base import label_for
from listener.scoring.runner import refresh_statistics, score_pending
from listener.scoring.vader import VaderScorer
from listener.store.models import Post, Scoring, SentimentScore


def load(store, make_config, tmp_path, texts):
    (tmp_path / "p.jsonl").write_text(
        "\n".join(
            json.dumps({"id": str(i), "text": t, "created_at": "2026-11-17T10:00:00Z"})
            for i, t in enumerate(texts)
        )
        + "\n",
        encoding="utf-8",
    )
    config = make_config("sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    collect(store, config)
    return config


def test_scores_are_stored_once_per_version(store, make_config, tmp_path):
    config = load(
        store, make_config, tmp_path, ["The nurses were wonderful", "Awful, rude and slow", "Car park"]
    )
    assert score_pending(store, config) == {"vader": 3, "sentiment": 3}
    assert score_pending(store, config) == {"vader": 0, "sentiment": 0}
    with store.transaction() as session:
        labels = dict(
            session.execute(
                sa.select(SentimentScore.post_id, SentimentScore.label).where(
                    SentimentScore.scorer == "vader"
                )
            ).all()
        )
    assert sorted(labels.values()) == ["negative", "neutral", "positive"]


def test_new_version_rescores_history(store, make_config, tmp_path):
    config = load(store, make_config, tmp_path, ["Good", "Bad"])
    score_pending(store, config)

    class NextVader(VaderScorer):
        version = VaderScorer.version + "-next"

    assert score_pending(store, config, [NextVader()]) == {"vader": 2}
    with store.transaction() as session:
        versions = set(session.scalars(sa.select(Scoring.version).where(Scoring.scorer == "vader")))
        assert versions == {NextVader.version}
        vader_rows = (
            sa.select(sa.func.count()).select_from(SentimentScore).where(SentimentScore.scorer == "vader")
        )
        assert session.scalar(vader_rows) == 2


def test_empty_huge_and_emoji_text_are_scored():
    scorer = VaderScorer()
    from listener.scoring.base import PostText

    results = scorer.score([PostText(1, ""), PostText(2, "😀" * 20_000), PostText(3, "word " * 20_000)])
    assert [r.sentiment.label for r in results][0] == "neutral"
    assert len(results) == 3


def test_labels():
    assert (label_for(0.5), label_for(0.0), label_for(-0.5)) == ("positive", "neutral", "negative")


def test_statistics_are_refreshed_after_a_bulk_import_on_postgres(store):
    """Postgres plans the batch claim from table statistics; after a bulk import they are refreshed first."""
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with store.engine.begin() as connection:
        connection.execute(
            Post.__table__.insert(),
            [
                {"platform": "x", "native_id": str(n), "source": "bulk", "text": "hi", "created_at": now}
                for n in range(3000)
            ],
        )
    if store.engine.dialect.name != "postgresql":
        assert refresh_statistics(store) == []
        return
    deadline = time.monotonic() + 10  # table activity reaches pg_stat_user_tables within a second or so
    analysed = refresh_statistics(store)
    while "posts" not in analysed and time.monotonic() < deadline:
        time.sleep(0.2)
        analysed = refresh_statistics(store)
    assert "posts" in analysed
    assert refresh_statistics(store) == []  # up to date now

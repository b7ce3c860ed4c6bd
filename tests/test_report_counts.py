"""The weekly report's figures from a handful of posts: where a week starts and ends, which sentiment label a post
has, posts not scored yet, posts past retention, and which weeks the history and the trends read."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from report_data import IN_WEEK, NOW, add_post

from listener.reports.data import weeks_ending
from listener.reports.trends import series
from listener.reports.weekly import build_weekly_report
from listener.store.models import Post

WEEK = "2026-W47"
TEXT = "At St Thomas' Hospital today"


@pytest.fixture
def config(make_config):
    return make_config()


def report(store, config, week=WEEK):
    return build_weekly_report(store.engine, config, "RJ1", week, now=NOW)


def test_a_week_runs_from_monday_midnight_up_to_the_next_monday_midnight(store, config):
    week = weeks_ending(WEEK, config.reports.zone, 1)[0]
    moments = [week.start - timedelta(seconds=1), week.start, week.end - timedelta(seconds=1), week.end]
    with store.transaction() as session:
        for post_id, moment in enumerate(moments, start=1):
            add_post(
                session, post_id, TEXT, None, ["RJ1"], "neutral", flag="needs_response", created_at=moment
            )
    built = report(store, config)
    assert (built.previous_week.posts, built.this_week.posts) == (1, 2)
    assert sum(p.posts for p in built.platforms) == 2 and sum(p.previous for p in built.platforms) == 1
    assert sum(g.total for g in built.attention.groups) == 2
    assert {p.post_id for g in built.attention.groups for p in g.posts} == {2, 3}


def test_the_sentiment_scorers_label_wins_over_vaders_and_unscored_posts_are_counted_apart(store, config):
    with store.transaction() as session:
        add_post(
            session, 1, TEXT, None, ["RJ1"], "negative", vader="positive"
        )  # both: the sentiment scorer's
        add_post(session, 2, TEXT, None, ["RJ1"], None, vader="positive")  # VADER only: VADER's
        add_post(session, 3, TEXT, None, ["RJ1"], "positive")
        add_post(session, 4, TEXT, None, ["RJ1"], None)  # not scored yet
    week = report(store, config).this_week
    assert (week.posts, week.negative, week.neutral, week.positive, week.unscored) == (4, 1, 0, 2, 1)
    assert week.net == pytest.approx(100 / 3)  # of the 3 scored posts, not of all 4
    assert week.share("negative") == pytest.approx(100 / 3)


def test_posts_past_retention_are_counted_but_never_quoted(store, config):
    with store.transaction() as session:
        add_post(session, 1, TEXT, None, ["RJ1"], "negative", flag="safeguarding")
        add_post(session, 2, TEXT, None, ["RJ1"], "negative", flag="safeguarding")
        session.execute(sa.update(Post).where(Post.id == 1).values(text="", url=None, purged_at=NOW))
    (safeguarding, *_) = report(store, config).attention.groups
    assert safeguarding.total == 2 and [p.post_id for p in safeguarding.posts] == [2]


def test_the_history_starts_at_the_first_week_with_posts(store, config):
    with store.transaction() as session:
        add_post(session, 1, TEXT, None, ["RJ1"], "positive", created_at=IN_WEEK - timedelta(weeks=2))
        add_post(session, 2, TEXT, None, ["RJ1"], "positive")
    built = report(store, config)
    assert [w.week for w in built.history] == ["2026-W45", "2026-W46", "2026-W47"]
    assert len(built.weeks) == 13


def test_a_week_without_a_value_is_left_out_of_a_trend_not_read_as_zero():
    values = [40.0, 50.0, None, 45.0, 55.0]  # the third week had no scored posts
    points = [(f"2026-W{40 + n}", date(2026, 9, 28) + timedelta(weeks=n), v) for n, v in enumerate(values)]
    trend = series("net_sentiment", "Net sentiment per week", "score", "increase", points)
    assert trend.weeks == ["2026-W40", "2026-W41", "2026-W43", "2026-W44"]
    assert list(trend.chart.values) == [40.0, 50.0, 45.0, 55.0] and trend.baseline_weeks == 3

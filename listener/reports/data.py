"""The only SQL of reports. Every count, split and ranking is done in SQL; each function returns a DataFrame.

Weeks are ISO weeks, Monday 00:00 to the next Monday 00:00 in ``reports.timezone`` (weeks.py), bucketed in SQL by
their UTC bounds with a CASE expression, so the same query runs on SQLite and Postgres. A post's sentiment
label is the ``sentiment`` scorer's when there is one, else VADER's (as in the ``organisation_posts`` view).

A report on an organisation counts what others say about it: the posts that mention it, less its own posts (those
whose author is one of its configured handles; the store keeps the handle only of organisations' own accounts).
Posts by other organisations' accounts that mention it still count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, case, distinct, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from listener.reports.weeks import Week as Week  # re-exported: callers read data.Week and the week helpers
from listener.reports.weeks import normalise_week as normalise_week
from listener.reports.weeks import parse_week as parse_week
from listener.reports.weeks import week_bounds as week_bounds
from listener.reports.weeks import weeks_ending as weeks_ending
from listener.store.models import CollectionRun, Flag, Mention, Post, Scoring, SentimentScore, ThemeScore
from listener.store.views import organisation_posts

_PREFERRED = aliased(SentimentScore, name="s_pref")
_VADER = aliased(SentimentScore, name="s_vader")
LABEL = func.coalesce(_PREFERRED.label, _VADER.label)
REACH = (
    func.coalesce(Post.like_count, 0)
    + func.coalesce(Post.repost_count, 0)
    + func.coalesce(Post.reply_count, 0)
    + func.coalesce(Post.quote_count, 0)
)


@dataclass(frozen=True)
class OrgScope:
    """The posts a report on one organisation counts: those mentioning ``code``, less its own (``own_handles``)."""

    code: str
    own_handles: tuple[str, ...] = ()

    @cached_property
    def handles(self) -> frozenset[str]:
        """Its own handles as compared: lower case, without "@"."""
        return frozenset(h.lower().lstrip("@") for h in self.own_handles)

    @property
    def not_own(self) -> ColumnElement:
        """True for a post not written by one of the organisation's own accounts (handles compared case-blind)."""
        if not self.own_handles:
            return true()
        return or_(Post.author_handle.is_(None), func.lower(Post.author_handle).not_in(sorted(self.handles)))

    def wrote(self, author_handle: str | None) -> bool:
        """Whether a post by ``author_handle`` is the organisation's own (the Python twin of ``not_own``)."""
        return isinstance(author_handle, str) and author_handle.lower().lstrip("@") in self.handles


def _org_posts(scope: OrgScope, start: datetime, end: datetime, *columns, labelled: bool = True) -> Select:
    """SELECT columns FROM the posts ``scope`` counts in [start, end); ``labelled`` joins both sentiment scorers.

    The time range drives the query (index on posts.created_at), each post then finds its mention by primary key.
    """
    query = (
        select(*columns)
        .select_from(Post)
        .join(Mention, and_(Mention.post_id == Post.id, Mention.org_code == scope.code))
        .where(Post.created_at >= start, Post.created_at < end, scope.not_own)
    )
    if labelled:
        query = query.outerjoin(
            _PREFERRED, and_(_PREFERRED.post_id == Post.id, _PREFERRED.scorer == "sentiment")
        ).outerjoin(_VADER, and_(_VADER.post_id == Post.id, _VADER.scorer == "vader"))
    return query


def _week_index(weeks: Sequence[Week]):
    return case(*[(Post.created_at < w.end, index) for index, w in enumerate(weeks)]).label("week_index")


def _frame(engine: Engine, query, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _count_label(column, label: str):
    return func.sum(case((column == label, 1), else_=0))


def weekly_series(engine: Engine, scope: OrgScope, weeks: Sequence[Week]) -> pd.DataFrame:
    """Per week: posts, posts per sentiment label and unscored posts."""
    inner = _org_posts(
        scope, weeks[0].start, weeks[-1].end, _week_index(weeks), LABEL.label("label")
    ).subquery()
    query = select(
        inner.c.week_index,
        func.count(),
        _count_label(inner.c.label, "negative"),
        _count_label(inner.c.label, "neutral"),
        _count_label(inner.c.label, "positive"),
        func.sum(case((inner.c.label.is_(None), 1), else_=0)),
    ).group_by(inner.c.week_index)
    columns = ["week_index", "posts", "negative", "neutral", "positive", "unscored"]
    found = _frame(engine, query, columns).set_index("week_index")
    frame = found.reindex(range(len(weeks)), fill_value=0).fillna(0).astype(int)
    frame.insert(0, "week", [w.label for w in weeks])
    return frame.reset_index(drop=True)


def weekly_authors(engine: Engine, scope: OrgScope, weeks: Sequence[Week]) -> list[int]:
    """Unique authors (distinct author_key) per week. The costliest count, so asked only for the weeks needed."""
    inner = _org_posts(
        scope, weeks[0].start, weeks[-1].end, _week_index(weeks), Post.author_key, labelled=False
    ).subquery()
    query = select(inner.c.week_index, func.count(distinct(inner.c.author_key))).group_by(inner.c.week_index)
    with engine.connect() as connection:
        found = dict(connection.execute(query).all())
    return [int(found.get(index, 0)) for index in range(len(weeks))]


def theme_week_counts(engine: Engine, scope: OrgScope, weeks: Sequence[Week]) -> pd.DataFrame:
    """Posts per (week, theme, sentiment label); a post counts once per theme whatever scorers found it."""
    inner = (
        _org_posts(
            scope,
            weeks[0].start,
            weeks[-1].end,
            _week_index(weeks),
            ThemeScore.theme,
            LABEL.label("label"),
            Post.id.label("post_id"),
        )
        .join(ThemeScore, ThemeScore.post_id == Post.id)
        .subquery()
    )
    query = select(
        inner.c.week_index, inner.c.theme, inner.c.label, func.count(distinct(inner.c.post_id))
    ).group_by(inner.c.week_index, inner.c.theme, inner.c.label)
    return _frame(engine, query, ["week_index", "theme", "label", "posts"])


def theme_quotes(engine: Engine, scope: OrgScope, week: Week, per_theme: int) -> pd.DataFrame:
    """The ``per_theme`` most confident posts of each theme in the week (ties: more reach, then older id)."""
    scored = (
        _org_posts(
            scope,
            week.start,
            week.end,
            ThemeScore.theme,
            Post.id.label("post_id"),
            func.max(ThemeScore.confidence).label("confidence"),
            labelled=False,
        )
        .join(ThemeScore, ThemeScore.post_id == Post.id)
        .group_by(ThemeScore.theme, Post.id)
        .subquery()
    )
    return _ranked_posts(engine, scored, "theme", scored.c.confidence.desc(), per_theme)


def flagged_posts(
    engine: Engine, scope: OrgScope, week: Week, flags: Iterable[str], per_flag: int
) -> pd.DataFrame:
    """The week's posts with any of ``flags``: up to ``per_flag`` per flag, most reach first."""
    grouped = (
        _org_posts(
            scope,
            week.start,
            week.end,
            Flag.flag,
            Post.id.label("post_id"),
            func.min(Flag.reason).label("reason"),
            labelled=False,
        )
        .join(Flag, Flag.post_id == Post.id)
        .where(Flag.flag.in_(list(flags)))
        .group_by(Flag.flag, Post.id)
        .subquery()
    )
    return _ranked_posts(engine, grouped, "flag", None, per_flag)


def _ranked_posts(engine: Engine, grouped, key: str, first_order, limit: int) -> pd.DataFrame:
    """Rank the posts of each ``key`` group, keep the first ``limit``, and join what a reader sees of them."""
    order = [o for o in (first_order, REACH.desc(), Post.created_at.desc(), Post.id) if o is not None]
    extra = [c for c in grouped.c if c.name not in (key, "post_id")]
    ranked = (
        select(
            grouped.c[key],
            Post.id,
            Post.created_at,
            Post.platform,
            Post.text,
            Post.url,
            Post.lang,
            REACH.label("reach"),
            LABEL.label("label"),
            *extra,
            func.row_number().over(partition_by=grouped.c[key], order_by=order).label("rank"),
        )
        .select_from(grouped)
        .join(Post, Post.id == grouped.c.post_id)
        .outerjoin(_PREFERRED, and_(_PREFERRED.post_id == Post.id, _PREFERRED.scorer == "sentiment"))
        .outerjoin(_VADER, and_(_VADER.post_id == Post.id, _VADER.scorer == "vader"))
        .where(Post.purged_at.is_(None))  # past retention the text is gone: nothing to quote
        .subquery()
    )
    query = select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c[key], ranked.c.rank)
    columns = [key, "post_id", "created_at", "platform", "text", "url", "lang", "reach", "label"]
    return _frame(engine, query, [*columns, *(c.name for c in extra), "rank"])


def flag_counts(engine: Engine, scope: OrgScope, week: Week) -> dict[str, int]:
    """How many of the week's posts carry each flag."""
    query = (
        _org_posts(scope, week.start, week.end, Flag.flag, func.count(distinct(Post.id)), labelled=False)
        .join(Flag, Flag.post_id == Post.id)
        .group_by(Flag.flag)
    )
    with engine.connect() as connection:
        return {flag: count for flag, count in connection.execute(query)}


def platform_counts(engine: Engine, scope: OrgScope, previous: Week, week: Week) -> pd.DataFrame:
    """Per platform: posts this week and the week before, and this week's sentiment split."""
    this_week = Post.created_at >= week.start
    inner = _org_posts(
        scope,
        previous.start,
        week.end,
        Post.platform,
        case((this_week, 1), else_=0).label("current"),
        LABEL.label("label"),
    ).subquery()
    current = inner.c.current == 1
    query = (
        select(
            inner.c.platform,
            func.sum(inner.c.current),
            func.sum(1 - inner.c.current),
            func.sum(case((and_(current, inner.c.label == "negative"), 1), else_=0)),
            func.sum(case((and_(current, inner.c.label == "neutral"), 1), else_=0)),
            func.sum(case((and_(current, inner.c.label == "positive"), 1), else_=0)),
        )
        .group_by(inner.c.platform)
        .order_by(inner.c.platform)
    )
    columns = ["platform", "posts", "previous", "negative", "neutral", "positive"]
    return _frame(engine, query, columns)


def own_post_count(engine: Engine, scope: OrgScope, week: Week) -> int:
    """Posts in the week that mention the organisation but were written by its own accounts (left out)."""
    query = (
        select(func.count(distinct(Post.id)))
        .select_from(Post)
        .join(Mention, and_(Mention.post_id == Post.id, Mention.org_code == scope.code))
        .where(Post.created_at >= week.start, Post.created_at < week.end, ~scope.not_own)
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def distinct_post_count(engine: Engine, scopes: Sequence[OrgScope], week: Week) -> int:
    """Posts in the week counted by at least one of ``scopes`` (a post naming two organisations counts once)."""
    if not scopes:
        return 0
    counted = or_(*[and_(Mention.org_code == s.code, s.not_own) for s in scopes])
    query = (
        select(func.count(distinct(Post.id)))
        .select_from(Post)
        .join(Mention, Mention.post_id == Post.id)
        .where(Post.created_at >= week.start, Post.created_at < week.end, counted)
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def platform_sources(engine: Engine, scope: OrgScope, week: Week) -> dict[str, set[str]]:
    """Per platform, the names of the sources that stored the week's counted posts."""
    query = _org_posts(scope, week.start, week.end, Post.platform, Post.source, labelled=False).distinct()
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for platform, source in connection.execute(query):
            found.setdefault(platform, set()).add(source)
    return found


def imported_platforms(engine: Engine, sources: Iterable[str], start: datetime, end: datetime) -> set[str]:
    """The platforms of posts in [start, end) that ``sources`` stored, whichever organisation they name."""
    sources = sorted(sources)
    if not sources:
        return set()
    query = (
        select(Post.platform)
        .where(Post.created_at >= start, Post.created_at < end, Post.source.in_(sources))
        .distinct()
    )
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def collection_runs(engine: Engine, week: Week) -> pd.DataFrame:
    """Collection runs started in the week, per source and status, with the newest error of each."""
    query = (
        select(
            CollectionRun.source,
            CollectionRun.status,
            func.count(),
            func.max(CollectionRun.id),
            func.count(distinct(CollectionRun.stream)),
        )
        .where(CollectionRun.started_at >= week.start, CollectionRun.started_at < week.end)
        .group_by(CollectionRun.source, CollectionRun.status)
        .order_by(CollectionRun.source, CollectionRun.status)
    )
    frame = _frame(engine, query, ["source", "status", "runs", "last_id", "streams"])
    ids = [int(i) for i in frame["last_id"]]
    errors: dict[int, str | None] = {}
    if ids:
        with engine.connect() as connection:
            rows = connection.execute(
                select(CollectionRun.id, CollectionRun.error).where(CollectionRun.id.in_(ids))
            )
            errors = dict(rows.all())
    frame["last_error"] = [errors.get(int(i)) for i in frame["last_id"]]
    return frame.drop(columns="last_id")


def relevance_counts(engine: Engine, scope: OrgScope, week: Week, themes: Iterable[str]) -> tuple[int, int]:
    """(posts labelled not about care, posts the labelling scorers looked at) in the week; (0, 0) if unlabelled."""
    themes = list(themes)
    labelled = (
        _org_posts(
            scope, week.start, week.end, ThemeScore.scorer, func.count(distinct(Post.id)), labelled=False
        )
        .join(ThemeScore, ThemeScore.post_id == Post.id)
        .where(ThemeScore.theme.in_(themes))
        .group_by(ThemeScore.scorer)
    )
    with engine.connect() as connection:
        by_scorer = dict(connection.execute(labelled).all())
        if not by_scorer:
            return 0, 0
        looked_at = connection.execute(
            _org_posts(scope, week.start, week.end, func.count(distinct(Post.id)), labelled=False).where(
                exists().where(Scoring.post_id == Post.id, Scoring.scorer.in_(list(by_scorer)))
            )
        ).scalar_one()
        not_about_care = connection.execute(
            _org_posts(scope, week.start, week.end, func.count(distinct(Post.id)), labelled=False)
            .join(ThemeScore, ThemeScore.post_id == Post.id)
            .where(ThemeScore.theme.in_(themes))
        ).scalar_one()
    return int(not_about_care), int(looked_at)


def store_has_rows(engine: Engine, table) -> bool:
    """Whether any scorer has ever written to ``table`` (theme_scores or flags)."""
    with engine.connect() as connection:
        return connection.execute(select(exists().select_from(table))).scalar_one()


def week_texts(engine: Engine, scope: OrgScope, weeks: Sequence[Week], every: int = 1) -> pd.DataFrame:
    """The text of the organisation's posts in ``weeks``, with the week index; every ``every``-th post id only."""
    query = _org_posts(scope, weeks[0].start, weeks[-1].end, _week_index(weeks), Post.text, labelled=False)
    if every > 1:
        query = query.where(Post.id % every == 0)
    return _frame(engine, query, ["week_index", "text"])


def export_rows(engine: Engine, week: Week, org_code: str | None) -> pd.DataFrame:
    """Every post of the week, one row per organisation it mentions, with its labels (the analyst view)."""
    view = organisation_posts
    query = select(view).where(view.c.created_at >= week.start, view.c.created_at < week.end)
    if org_code:
        query = query.where(view.c.org_code == org_code)
    query = query.order_by(view.c.org_code, view.c.created_at, view.c.post_id)
    return _frame(engine, query, [c.name for c in view.columns])

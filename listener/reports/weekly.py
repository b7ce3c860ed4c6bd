"""The weekly report for one organisation, as a plain result object that renderers turn into files.

Sections, in the order a comms team reads them: headline, needs attention now, themes, praise to share, SPC
trends, emerging terms and topics, by platform, coverage and caveats. Each section holds what the store has and
says plainly when the data is not there yet (for example before a theme scorer has run).

Every section compares this week with the same baseline: the up to 12 weeks before it, from the first week with
any post (weeks before data began are not "usual"). The organisation's own posts are left out throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from listener import __version__
from listener.config import Config
from listener.reports import data
from listener.reports.coverage import Coverage, build_coverage
from listener.reports.headline import Measure, measure
from listener.reports.sections import (
    Attention,
    Emerging,
    PlatformRow,
    PostItem,
    ThemeRow,
    build_attention,
    build_emerging,
    build_platforms,
    build_praise,
    build_themes,
)
from listener.reports.trends import SpcSeries, build_spc

BASELINE_WEEKS = 12
REPORT_WEEKS = BASELINE_WEEKS + 1  # the weeks a report reads: the baseline, then this week


@dataclass(frozen=True)
class WeekRow:
    """One week's counts for the organisation."""

    week: str
    monday: date
    posts: int
    negative: int
    neutral: int
    positive: int
    unscored: int
    authors: int

    @property
    def scored(self) -> int:
        return self.negative + self.neutral + self.positive

    def share(self, label: str) -> float | None:
        """Percentage of scored posts with ``label``; None when nothing was scored."""
        return None if not self.scored else 100 * getattr(self, label) / self.scored

    @property
    def net(self) -> float | None:
        """Net sentiment: percentage positive minus percentage negative, of scored posts (-100 to +100)."""
        return None if not self.scored else 100 * (self.positive - self.negative) / self.scored


@dataclass
class WeeklyReport:
    org_code: str
    org_name: str
    week: str
    start: datetime
    end: datetime
    timezone: str
    generated_at: datetime
    weeks: list[WeekRow]
    headline: list[Measure]
    attention: Attention
    themes: list[ThemeRow] | None
    praise: list[PostItem] | None
    spc: list[SpcSeries]
    emerging: Emerging
    platforms: list[PlatformRow]
    coverage: Coverage
    own_posts: int = 0  # posts by the organisation's own accounts this week, left out of every figure
    notice: str | None = None
    version: str = __version__
    extra: dict = field(default_factory=dict)

    @property
    def this_week(self) -> WeekRow:
        return self.weeks[-1]

    @property
    def previous_week(self) -> WeekRow:
        return self.weeks[-2]

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def history(self) -> list[WeekRow]:
        """The weeks from the first with any post (earlier empty weeks are before data began)."""
        first = next((i for i, w in enumerate(self.weeks) if w.posts), len(self.weeks) - 1)
        return self.weeks[first:]


def build_weekly_report(
    engine: Engine, config: Config, org_code: str, week: str, now: datetime | None = None
) -> WeeklyReport:
    """Query the store and assemble the organisation's report for ``week`` ("2026-W47")."""
    org = config.organisation(org_code)
    scope = data.OrgScope(org.code, org.handles)
    zone = config.reports.zone
    weeks = data.weeks_ending(week, zone, REPORT_WEEKS)
    this, previous = weeks[-1], weeks[-2]
    authors = data.weekly_authors(engine, scope, weeks)
    records = data.weekly_series(engine, scope, weeks).to_dict("records")
    rows = [
        WeekRow(monday=w.monday, authors=n, **record)
        for w, n, record in zip(weeks, authors, records, strict=True)
    ]
    first = next((i for i, row in enumerate(rows) if row.posts), len(rows) - 1)
    compared = weeks[first:]  # the weeks from the first with any post: the baseline, then this week
    generated_at = now or datetime.now(zone)
    handles = [h for o in config.organisations for h in o.handles]
    report = WeeklyReport(
        org_code=org.code,
        org_name=org.name,
        week=this.label,
        start=this.start,
        end=this.end,
        timezone=config.reports.timezone,
        generated_at=generated_at,
        weeks=rows,
        headline=headline_measures(rows[first:]),
        attention=build_attention(engine, scope, this, handles, generated_at),
        themes=build_themes(engine, scope, compared, handles, generated_at, config.scoring.themes.names),
        praise=build_praise(engine, scope, this, handles, generated_at),
        spc=build_spc(rows[first:]),
        emerging=Emerging([], []),
        platforms=build_platforms(engine, scope, previous, this),
        coverage=Coverage([], []),
        own_posts=data.own_post_count(engine, scope, this),
        notice=config.reports.notice,
    )
    names = [org.name, *org.aliases, *org.handles, *org.hashtags]
    counts = {w.label: r.posts for w, r in zip(compared, rows[first:], strict=True)}
    report.emerging = build_emerging(engine, scope, compared, counts, names, report.themes)
    report.coverage = build_coverage(engine, config, scope, this, report)
    return report


def headline_measures(weeks: list[WeekRow]) -> list[Measure]:
    """Posts, unique authors, negative share and net sentiment: this week against last week and the baseline."""
    return [
        measure("posts", "Posts", "count", [w.posts for w in weeks]),
        measure("authors", "Unique authors", "count", [w.authors for w in weeks]),
        measure("negative_share", "Negative posts", "percent", [w.share("negative") for w in weeks]),
        measure("net_sentiment", "Net sentiment", "score", [w.net for w in weeks], plural=False),
    ]

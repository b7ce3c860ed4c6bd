"""The weekly report for one organisation, as a plain result object that renderers turn into files.

Sections, in the order a comms team reads them: headline, needs attention now, themes, praise to share, SPC
trends, emerging terms and topics, by platform, coverage and caveats. Each section holds what the store has and
says plainly when the data is not there yet (for example before a theme scorer has run).
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

SPC_WEEKS = 26
BASELINE_WEEKS = 12


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
    authors: int | None  # counted for the baseline weeks and this week only

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
    zone = config.reports.zone
    weeks = data.weeks_ending(week, zone, SPC_WEEKS)
    this, previous = weeks[-1], weeks[-2]
    authors = data.weekly_authors(engine, org.code, weeks[-(BASELINE_WEEKS + 1) :])
    authors = [None] * (len(weeks) - len(authors)) + authors
    records = data.weekly_series(engine, org.code, weeks).to_dict("records")
    rows = [
        WeekRow(monday=w.monday, authors=n, **record)
        for w, n, record in zip(weeks, authors, records, strict=True)
    ]
    generated_at = now or datetime.now(zone)
    handles = [h for o in config.organisations for h in o.handles]
    baseline = weeks[-(BASELINE_WEEKS + 1) :]
    report = WeeklyReport(
        org_code=org.code,
        org_name=org.name,
        week=this.label,
        start=this.start,
        end=this.end,
        timezone=config.reports.timezone,
        generated_at=generated_at,
        weeks=rows,
        headline=[],
        attention=build_attention(engine, org.code, this, handles, generated_at),
        themes=build_themes(engine, org.code, baseline, handles, generated_at, config.scoring.themes.names),
        praise=build_praise(engine, org.code, this, handles, generated_at),
        spc=[],
        emerging=Emerging([], []),
        platforms=build_platforms(engine, org.code, previous, this),
        coverage=Coverage([], []),
        notice=config.reports.notice,
    )
    history = report.history
    report.headline = headline_measures(history[-(BASELINE_WEEKS + 1) :])
    report.spc = build_spc(history)
    names = [org.name, *org.aliases, *org.handles, *org.hashtags]
    counts = {w.label: r.posts for w, r in zip(baseline, rows[-len(baseline) :], strict=True)}
    report.emerging = build_emerging(engine, org.code, baseline, counts, names, report.themes)
    report.coverage = build_coverage(engine, config, org.code, this, report)
    return report


def headline_measures(weeks: list[WeekRow]) -> list[Measure]:
    """Posts, unique authors, negative share and net sentiment: this week against last week and the baseline."""
    return [
        measure("posts", "Posts", "count", [w.posts for w in weeks]),
        measure("authors", "Unique authors", "count", [w.authors for w in weeks]),
        measure("negative_share", "Negative posts", "percent", [w.share("negative") for w in weeks]),
        measure("net_sentiment", "Net sentiment", "score", [w.net for w in weeks], plural=False),
    ]

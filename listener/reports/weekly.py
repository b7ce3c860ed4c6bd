"""The weekly report for one organisation, as a plain result object that renderers turn into files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from listener import __version__
from listener.config import Config
from listener.privacy import redact
from listener.reports import data

TREND_WEEKS = 12
QUOTES = 5


@dataclass(frozen=True)
class Quote:
    text: str
    platform: str
    created_at: datetime
    url: str | None
    score: float


@dataclass(frozen=True)
class WeekCounts:
    week_start: date
    negative: int
    neutral: int
    positive: int
    unscored: int

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive + self.unscored

    @property
    def net(self) -> float | None:
        """Net sentiment: percentage positive minus percentage negative, of scored posts."""
        scored = self.negative + self.neutral + self.positive
        return None if not scored else 100 * (self.positive - self.negative) / scored


@dataclass
class WeeklyReport:
    org_code: str
    org_name: str
    week: str
    start: datetime
    end: datetime
    timezone: str
    generated_at: datetime
    this_week: WeekCounts
    previous_week: WeekCounts
    trend: list[WeekCounts]
    platforms: dict[str, int]
    most_positive: list[Quote]
    most_negative: list[Quote]
    notice: str | None = None
    version: str = __version__
    caveats: list[str] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    def share(self, label: str) -> float:
        total = self.this_week.total
        return 0.0 if not total else 100 * getattr(self.this_week, label) / total

    @property
    def volume_change(self) -> str:
        before, now = self.previous_week.total, self.this_week.total
        if before == 0:
            return "no posts the week before" if now else "no posts this week or the week before"
        change = 100 * (now - before) / before
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        return (
            f"{direction} {abs(change):.0f} % on the week before ({before})"
            if direction != "unchanged"
            else f"unchanged on the week before ({before})"
        )


def build_weekly_report(
    engine: Engine, config: Config, org_code: str, week: str, now: datetime | None = None
) -> WeeklyReport:
    org = config.organisation(org_code)
    zone = config.reports.zone
    year, number = data.parse_week(week)
    start, end = data.week_bounds(year, number, zone)
    weeks = [(start - timedelta(weeks=k), end - timedelta(weeks=k)) for k in range(TREND_WEEKS - 1, -1, -1)]
    trend = [
        WeekCounts(**row) for row in data.weekly_sentiment_counts(engine, org.code, weeks).to_dict("records")
    ]
    posts = data.week_posts(engine, org.code, start, end)
    handles = [h for o in config.organisations for h in o.handles]
    report = WeeklyReport(
        org_code=org.code,
        org_name=org.name,
        week=f"{year}-W{number:02d}",
        start=start,
        end=end,
        timezone=config.reports.timezone,
        generated_at=now or datetime.now(zone),
        this_week=trend[-1],
        previous_week=trend[-2],
        trend=trend,
        platforms=posts["platform"].value_counts().sort_index().to_dict() if len(posts) else {},
        most_positive=_quotes(posts, ascending=False, handles=handles),
        most_negative=_quotes(posts, ascending=True, handles=handles),
        notice=config.reports.notice,
    )
    if report.this_week.unscored:
        report.caveats.append(
            f"{report.this_week.unscored} posts this week are not scored yet: run `listener score`."
        )
    if not config.sources:
        report.caveats.append(
            "No sources are configured, so these figures come only from posts already stored."
        )
    return report


def _quotes(posts: pd.DataFrame, *, ascending: bool, handles: list[str]) -> list[Quote]:
    scored = posts.dropna(subset=["sentiment_score"])
    scored = scored[scored["sentiment_label"] == ("negative" if ascending else "positive")]
    top = scored.sort_values(["sentiment_score", "post_id"], ascending=[ascending, True]).head(QUOTES)
    return [
        Quote(
            text=redact(row.text, handles),
            platform=row.platform,
            created_at=row.created_at,
            url=row.url,
            score=float(row.sentiment_score),
        )
        for row in top.itertuples()
    ]

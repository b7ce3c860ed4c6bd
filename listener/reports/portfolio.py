"""The portfolio page (``listener report --all``): every organisation's week side by side, built from their reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from listener import __version__
from listener.reports.headline import Measure
from listener.reports.tables import to_csv
from listener.reports.weekly import WeeklyReport


@dataclass(frozen=True)
class PortfolioRow:
    code: str
    name: str
    posts: Measure
    authors: Measure
    negative_share: Measure
    net_sentiment: Measure
    flags: dict[str, int] | None
    praise: int | None
    volume_now: str
    net_now: str
    report_file: str


@dataclass(frozen=True)
class Portfolio:
    week: str
    start: datetime
    end: datetime
    timezone: str
    generated_at: datetime
    notice: str | None
    rows: list[PortfolioRow]
    posts: int | None = None  # distinct posts counted by any organisation (a post naming two counts once)
    version: str = __version__

    @property
    def mentions(self) -> int:
        """Posts summed over organisations: a post naming two organisations counts for each."""
        return sum(int(r.posts.value or 0) for r in self.rows)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


def portfolio_row(report: WeeklyReport) -> PortfolioRow:
    measures = {m.key: m for m in report.headline}
    attention = report.attention
    return PortfolioRow(
        code=report.org_code,
        name=report.org_name,
        posts=measures["posts"],
        authors=measures["authors"],
        negative_share=measures["negative_share"],
        net_sentiment=measures["net_sentiment"],
        flags={g.flag: g.total for g in attention.groups} if attention.available else None,
        praise=None if report.praise is None else len(report.praise),
        volume_now=measures["posts"].status,
        net_now=measures["net_sentiment"].status,
        report_file=f"{report.org_code}-weekly.html",
    )


def build_portfolio(reports: list[WeeklyReport], posts: int | None = None) -> Portfolio:
    """The comparison of ``reports`` (one per organisation, all for the same week), busiest first.

    ``posts``: the distinct posts the reports count between them (``data.distinct_post_count``)."""
    first = reports[0]
    rows = sorted((portfolio_row(r) for r in reports), key=lambda row: (-(row.posts.value or 0), row.code))
    return Portfolio(
        first.week, first.start, first.end, first.timezone, first.generated_at, first.notice, rows, posts
    )


def _value(m: Measure) -> float | None:
    return _round(m.value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def portfolio_csv(p: Portfolio) -> str:
    header = ["org_code", "name", "posts", "posts_last_week", "posts_vs_usual", "authors", "negative_share"]
    header += ["negative_vs_usual", "net_sentiment", "net_vs_usual", "safeguarding", "needs_response"]
    header += ["volume_this_week", "net_sentiment_this_week"]
    rows = []
    for r in p.rows:
        flags = r.flags or {}
        rows.append(
            [r.code, r.name, _value(r.posts), _round(r.posts.previous)]
            + [r.posts.position, _value(r.authors), _value(r.negative_share), r.negative_share.position]
            + [_value(r.net_sentiment), r.net_sentiment.position]
            + [
                flags.get("safeguarding") if r.flags else None,
                flags.get("needs_response") if r.flags else None,
            ]
            + [r.volume_now, r.net_now]
        )
    return to_csv(header, rows)


def portfolio_json(p: Portfolio) -> str:
    data = {
        "week": p.week,
        "generated_at": p.generated_at.isoformat(),
        "posts": p.posts,
        "mentions": p.mentions,
        "organisations": [
            {
                "code": r.code,
                "name": r.name,
                "posts": _value(r.posts),
                "authors": _value(r.authors),
                "negative_share": _value(r.negative_share),
                "net_sentiment": _value(r.net_sentiment),
                "flags": r.flags,
                "volume_this_week": r.volume_now,
                "net_sentiment_this_week": r.net_now,
                "headline": [m.sentence for m in (r.posts, r.negative_share, r.net_sentiment)],
            }
            for r in p.rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

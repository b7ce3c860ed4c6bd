"""The report's tables as CSV and its summary as JSON, for analysts and for other tools.

Numbers are written as they are shown: counts as integers, shares and sentiment with one decimal place.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from listener.reports.spc import RULE_NAMES
from listener.reports.trends import SpcSeries
from listener.reports.weekly import WeeklyReport


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def _signal_names(series: SpcSeries, week: str) -> str:
    if week not in series.weeks:
        return ""
    index = series.weeks.index(week)
    found = [s for s, _, _ in series.signals if index in s.points]
    return "; ".join(dict.fromkeys(RULE_NAMES[s.rule] for s in found))


def weeks_table(r: WeeklyReport) -> str:
    volume, net = r.spc
    header = ["week", "week_start", "posts", "authors", "negative", "neutral", "positive", "unscored"]
    header += ["net_sentiment", "posts_signals", "net_sentiment_signals"]
    rows = [
        [w.week, w.monday.isoformat(), w.posts, w.authors, w.negative, w.neutral, w.positive, w.unscored]
        + [_round(w.net), _signal_names(volume, w.week), _signal_names(net, w.week)]
        for w in r.history
    ]
    return to_csv(header, rows)


def themes_table(r: WeeklyReport) -> str:
    header = ["theme", "name", "posts", "negative", "neutral", "positive", "last_week", "usual_per_week"]
    header += ["usual_upper_limit", "above_usual_range"]
    rows = [
        [t.theme, t.name, t.posts, t.negative, t.neutral, t.positive, t.previous, _round(t.usual)]
        + [_round(t.usual_high), "yes" if t.rising else "no"]
        for t in r.themes or []
    ]
    return to_csv(header, rows)


def flagged_table(r: WeeklyReport) -> str:
    header = ["flag", "post_id", "created_at", "platform", "reach", "url", "reason", "text"]
    groups = [(g.flag, g.posts) for g in r.attention.groups] + [("praise_to_share", r.praise or [])]
    rows = [
        [flag, p.post_id, p.created_at.isoformat(), p.platform, p.reach, p.url, p.reason, p.text]
        for flag, posts in groups
        for p in posts
    ]
    return to_csv(header, rows)


def platforms_table(r: WeeklyReport) -> str:
    header = ["platform", "name", "posts", "last_week", "negative", "neutral", "positive", "net_sentiment"]
    rows = [
        [p.platform, p.name, p.posts, p.previous, p.negative, p.neutral, p.positive, _round(p.net)]
        for p in r.platforms
    ]
    return to_csv(header, rows)


def terms_table(r: WeeklyReport) -> str:
    header = ["term", "posts", "expected", "usual_per_week"]
    rows = [[t.term, t.posts, _round(t.expected), _round(t.usual_per_week)] for t in r.emerging.terms]
    return to_csv(header, rows)


TABLES = {
    "weeks": weeks_table,
    "themes": themes_table,
    "flagged": flagged_table,
    "platforms": platforms_table,
    "terms": terms_table,
}


def summary(r: WeeklyReport) -> dict[str, Any]:
    """The report's figures as plain data (the JSON summary)."""
    return {
        "organisation": {"code": r.org_code, "name": r.org_name},
        "week": r.week,
        "own_posts_left_out": r.own_posts,
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "timezone": r.timezone,
        "generated_at": r.generated_at.isoformat(),
        "listener_version": r.version,
        "headline": [
            {
                "measure": m.key,
                "value": _round(m.value),
                "last_week": _round(m.previous),
                "usual_low": _round(m.usual_low),
                "usual_high": _round(m.usual_high),
                "position": m.position,
                "sentence": m.sentence,
            }
            for m in r.headline
        ],
        "needs_attention": {g.flag: g.total for g in r.attention.groups} if r.attention.available else None,
        "praise_to_share": None if r.praise is None else len(r.praise),
        "themes": None
        if r.themes is None
        else [
            {"theme": t.theme, "name": t.name, "posts": t.posts, "above_usual_range": t.rising}
            for t in r.themes
        ],
        "spc": [_spc_summary(s) for s in r.spc],
        "emerging_terms": [{"term": t.term, "posts": t.posts} for t in r.emerging.terms],
        "platforms": {p.platform: p.posts for p in r.platforms},
        "coverage": {
            "collection_problems": [
                {"source": x.source, "status": x.status, "runs": x.runs, "last_error": x.last_error}
                for x in r.coverage.problems
            ],
            "posts_about_care": None if r.coverage.about_care is None else list(r.coverage.about_care),
            "caveats": r.coverage.caveats,
        },
    }


def _spc_summary(series: SpcSeries) -> dict[str, Any]:
    chart = series.chart
    return {
        "measure": series.key,
        "weeks": len(series.weeks),
        "baseline_weeks": series.baseline_weeks,
        "mean": None if chart is None else _round(chart.mean),
        "usual_low": _round(series.usual.low),
        "usual_high": _round(series.usual.high),
        "summary": series.summary,
        "signals": [
            {
                "rule": s.rule,
                "direction": s.direction,
                "first_week": series.weeks[s.first],
                "last_week": series.weeks[s.last],
                "kind": kind,
                "description": text,
            }
            for s, kind, text in series.signals
        ],
    }


def summary_json(r: WeeklyReport) -> str:
    return json.dumps(summary(r), indent=2, ensure_ascii=False) + "\n"

"""The first-cut weekly report: ISO weeks in the configured zone, volume, sentiment split, quotes."""

import json
from datetime import UTC, datetime

import pytest

from listener.collectors.runner import collect
from listener.errors import ListenerError
from listener.matching.runner import match_pending
from listener.reports.data import parse_week, week_bounds
from listener.reports.render import render_html, render_markdown, write_report
from listener.reports.weekly import build_weekly_report
from listener.scoring.runner import score_pending

POSTS = [
    # Sunday 22 Nov 23:30 UTC is still week 47 in London (GMT); Monday 16 Nov 00:30 London is in week 47.
    ("1", "2026-11-16T00:30:00Z", "Thank you @GSTTnhs, the midwives were wonderful and kind"),
    (
        "2",
        "2026-11-18T12:00:00Z",
        "Terrible wait at St Thomas' Hospital, awful and rude. Mail me: jo@example.com",
    ),
    ("3", "2026-11-22T23:30:00Z", "St Thomas' Hospital car park"),
    ("4", "2026-11-23T00:30:00Z", "Next week: great care at #GSTT"),
    ("5", "2026-11-10T10:00:00Z", "Previous week: good @GSTTnhs"),
]


@pytest.fixture
def loaded(store, make_config, tmp_path):
    (tmp_path / "p.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "id": i,
                    "text": t,
                    "created_at": c,
                    "platform": "x",
                    "author": f"a{i}",
                    "url": f"https://x.test/{i}",
                }
            )
            for i, c, t in POSTS
        )
        + "\n",
        encoding="utf-8",
    )
    config = make_config("sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    collect(store, config)
    match_pending(store, config)
    score_pending(store, config)
    return config


def test_week_bounds_are_local():
    from zoneinfo import ZoneInfo

    start, end = week_bounds(*parse_week("2026-W13"), ZoneInfo("Europe/London"))
    assert start.astimezone(UTC) == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)  # GMT
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # BST began on 29 March
    with pytest.raises(ListenerError, match="expected an ISO week"):
        parse_week("2026-47")


def test_report_counts_and_quotes(store, loaded, tmp_path):
    report = build_weekly_report(store.engine, loaded, "RJ1", "2026-W47")
    assert report.this_week.total == 3
    assert report.previous_week.total == 1
    assert (report.this_week.positive, report.this_week.negative, report.this_week.neutral) == (1, 1, 1)
    assert len(report.trend) == 12
    assert report.platforms == {"x": 3}
    assert "midwives" in report.most_positive[0].text
    assert "[email]" in report.most_negative[0].text and "jo@example.com" not in report.most_negative[0].text
    html = render_html(report)
    assert "<h1>Guy&#39;s and St Thomas&#39; NHS Foundation Trust (RJ1)</h1>" in html
    assert "up 200 % on the week before (1)" in html
    assert "http" not in html.replace("https://x.test/", "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    markdown = render_markdown(report)
    assert "| Week starting | Posts |" in markdown
    paths = write_report(tmp_path / "out", report)
    assert paths["html"].name == "RJ1-weekly.html" and paths["html"].parent.name == "2026-W47"


def test_unknown_organisation(store, loaded):
    with pytest.raises(ListenerError, match="not in the config"):
        build_weekly_report(store.engine, loaded, "ZZZ", "2026-W47")


def test_post_text_is_escaped_in_html(store, make_config, tmp_path):
    (tmp_path / "p.jsonl").write_text(
        json.dumps(
            {
                "id": "x1",
                "created_at": "2026-11-17T10:00:00Z",
                "platform": "x",
                "text": "<script>alert(1)</script> wonderful, brilliant, lovely staff at @GSTTnhs",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    config = make_config("sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    collect(store, config)
    match_pending(store, config)
    score_pending(store, config)
    html = render_html(build_weekly_report(store.engine, config, "RJ1", "2026-W47"))
    assert "<script>" not in html and "&lt;script&gt;" in html

"""The weekly report on a fixed dataset: sections, golden files (on SQLite and Postgres alike), honesty."""

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_data import NOW, load_report_dataset

from listener.errors import ListenerError
from listener.reports import names, tables
from listener.reports.data import parse_week, week_bounds
from listener.reports.headline import show_range
from listener.reports.portfolio import build_portfolio, portfolio_row
from listener.reports.render import render_html, render_markdown, render_portfolio_html
from listener.reports.sections import shorten
from listener.reports.weekly import build_weekly_report

GOLDEN = Path(__file__).parent / "golden"
WEEK = "2026-W47"


@pytest.fixture
def config(make_config):
    return make_config("reports:\n  notice: Test data\n")


@pytest.fixture
def report(store, config):
    load_report_dataset(store)
    return build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)


def test_week_bounds_are_local():
    start, end = week_bounds(*parse_week("2026-W13"), ZoneInfo("Europe/London"))
    assert start.astimezone(UTC) == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)  # GMT
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # BST began on 29 March
    with pytest.raises(ListenerError, match="expected an ISO week"):
        parse_week("2026-47")


def test_golden_markdown_and_csv(report):
    """The rendered Markdown and CSV tables match tests/golden/ (UPDATE_GOLDEN=1 rewrites them)."""
    outputs = {"RJ1-weekly.md": render_markdown(report)}
    outputs.update({f"RJ1-weekly-{name}.csv": table(report) for name, table in tables.TABLES.items()})
    for name, text in outputs.items():
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


def test_headline_in_plain_words(report):
    posts, authors, negative, net = report.headline
    assert report.this_week.posts == 30 and posts.previous == 11
    assert posts.sentence.startswith(
        "Posts rose to 30 (up 173 % from 11 last week), above their usual range of"
    )
    assert negative.position == "above" and negative.sentence.startswith("Negative posts rose to")
    assert net.position == "below" and "below its usual range" in net.sentence
    assert 0 < authors.value <= 23


def test_needs_attention_safeguarding_first_with_link_age_and_reach(report):
    groups = report.attention.groups
    assert [g.flag for g in groups][:2] == ["safeguarding", "needs_response"]
    assert [g.total for g in groups] == [1, 2, 0]
    post = groups[0].posts[0]
    assert post.url.startswith("https://x.test/p/") and post.reason == "mentions feeling unsafe on discharge"
    assert post.age.endswith("days") and post.reach >= 1
    assert "jo@example.com" not in post.text and "[email]" in post.text


def test_themes_split_change_quotes_and_relevance(report):
    themes = {t.theme: t for t in report.themes}
    assert "not_about_care" not in themes  # a relevance label, not a theme
    environment = themes["environment"]
    assert environment.name == "Buildings and environment" and environment.posts == 10
    assert environment.negative == 10 and environment.usual == 0 and environment.rising
    assert 1 <= len(environment.quotes) <= 3
    waits = themes["waiting_times"]
    assert all("07700" not in q.text and "@jo_bloggs" not in q.text for q in waits.quotes)
    assert report.coverage.about_care is not None
    assert any("were about care" in c for c in report.coverage.caveats)


def test_spc_signals_named_in_words(report):
    volume, net = report.spc
    assert len(volume.weeks) == 13 and volume.baseline_weeks == 12  # the headline's baseline, then this week
    assert volume.chart.signals_at(12)
    assert (
        volume.summary
        == "This week is above the usual range: an unusual change (neither better nor worse in itself)."
    )
    words = [text for _, _, text in volume.signals]
    assert "Week of 16 Nov: above the usual range: higher than ordinary" in " ".join(words)
    assert any(kind == "concern" for _, kind, _ in net.signals)


def test_one_usual_range_for_headline_trends_and_portfolio(report):
    """Headline, trends and portfolio judge this week against the same baseline, so they cannot disagree."""
    measures = {m.key: m for m in report.headline}
    row = portfolio_row(report)
    for series in report.spc:
        m = measures[series.key]
        assert series.limits == (m.usual_low, m.usual_high)
        assert f"Usual range {show_range(m.usual_low, m.usual_high, m.unit)} " in series.range_words
        assert series.summary.startswith(f"This week is {m.position} the usual range")
    assert (row.volume_now, row.net_now) == ("above usual range", "below usual range")
    assert measures["posts"].sentence.endswith("above their usual range of 8-14.")  # 7.7-14.5 posts
    text = render_markdown(report) + render_html(report)
    for jargon in ("process limit", "special cause", "common cause", "sigma"):
        assert jargon not in text.lower()


def test_emerging_terms_praise_platforms_and_coverage(report):
    terms = [t.term for t in report.emerging.terms]
    assert "lift broken" in terms and "lift" not in terms  # the pair covers the word
    assert [t.name for t in report.emerging.themes][:1] == ["Buildings and environment"]
    assert [p.reason for p in report.praise] == ["thanks the staff on the ward"]
    assert {p.platform: p.posts for p in report.platforms} == {"x": 20, "reddit": 10}
    assert [(r.status, r.runs) for r in report.coverage.problems] == [("failed", 1), ("rate_limited", 1)]
    assert any("failed once this week (last error: HTTP 503" in c for c in report.coverage.caveats)


def test_sections_say_plainly_what_is_missing(store, config):
    load_report_dataset(store, themes=False, flags=False, runs=False)
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    assert report.themes is None and report.praise is None and not report.attention.available
    html = render_html(report)
    assert (
        "No theme scores yet:" in html and "No triage flags yet." in html and "No praise flags yet:" in html
    )
    assert report.coverage.about_care is None


def test_empty_organisation_still_renders(store, config):
    load_report_dataset(store)
    report = build_weekly_report(store.engine, config, "RR8", WEEK, now=NOW)
    assert report.this_week.posts == 0 and report.spc[0].chart is None
    assert "Not enough weeks yet" in render_html(report) and "## 5. Trends" in render_markdown(report)


def test_html_is_self_contained_and_accessible(report):
    html = render_html(report)
    assert not re.search(r"<(link|img|iframe)\b", html) and "@import" not in html and "url(" not in html
    # one script, inline: the table boxes' Tab stops (the page reads the same without it)
    assert re.findall(r"<script\b[^>]*>", html) == ["<script>"]
    external = set(re.findall(r'(?:href|src)="(https?://[^"]+)"', html))
    assert external and all(u.startswith("https://x.test/p/") for u in external)  # only links to the posts
    assert html.count("<h1>") == 1 and len(re.findall(r"<h2 id=", html)) == 9  # contents + 8 sections
    for svg in re.findall(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S):
        assert "<title" in svg and "<desc" in svg
    assert html.count("<table>") == html.count("<thead>")
    assert 'font-family: "Frutiger W01", Arial' in html and "@media print" in html


def test_json_summary(report):
    summary = json.loads(tables.summary_json(report))
    assert summary["headline"][2]["measure"] == "negative_share"
    assert summary["needs_attention"] == {"safeguarding": 1, "needs_response": 2, "abuse_of_staff": 0}
    assert summary["spc"][0]["signals"][-1]["last_week"] == WEEK
    assert summary["coverage"]["collection_problems"][0]["status"] == "failed"


def test_unknown_organisation(store, config):
    with pytest.raises(ListenerError, match="not in the config"):
        build_weekly_report(store.engine, config, "ZZZ", WEEK)


def test_post_text_is_escaped_in_html(store, config):
    load_report_dataset(store)
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE posts SET text = '<script>alert(1)</script> help' WHERE id IN (SELECT post_id FROM flags)"
        )
    html = render_html(build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; help" in html


def test_post_text_cannot_make_links_or_html_in_markdown(store, config):
    """A post's own Markdown link would show in a Markdown viewer as a link whose address is hidden."""
    load_report_dataset(store)
    text = "Help [click here](http://evil.example) ![x](http://evil.example/x.png) <img src=x> [name] ok"
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE posts SET text = ? WHERE id IN (SELECT post_id FROM flags)"
            if store.engine.dialect.name == "sqlite"
            else "UPDATE posts SET text = %s WHERE id IN (SELECT post_id FROM flags)",
            (text,),
        )
    markdown = render_markdown(build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW))
    assert not re.search(r"(?<!\\)\]\(http://evil|(?<!\\)<img", markdown)
    assert (
        r"[click here\](http://evil.example) ![x\](http://evil.example/x.png) \<img src=x> [name] ok"
        in markdown
    )


def test_a_long_post_is_shortened_where_quoted_and_whole_in_the_csv(store, config):
    """A 6,000-character post was quoted whole in every section it belonged to, pages of one post."""
    load_report_dataset(store)
    story = "The ward was understaffed and nobody answered the call bell for hours. " * 80
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE posts SET text = ? WHERE id IN (SELECT post_id FROM flags)"
            if store.engine.dialect.name == "sqlite"
            else "UPDATE posts SET text = %s WHERE id IN (SELECT post_id FROM flags)",
            (story + "Call 07700 900123",),
        )
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    (post,) = report.attention.groups[0].posts
    assert len(post.quote) <= 604 and post.quote.endswith(" understaffed and […]")
    html, markdown = render_html(report), render_markdown(report)
    assert story.strip() not in html and story.strip() not in markdown
    assert f"<p>{post.quote}</p>" in html and f"> {post.quote}" in markdown
    flagged = tables.flagged_table(report)
    assert "[phone]" in flagged and story.strip() in flagged  # analysts get it whole (and redacted)
    assert shorten("Call [NHS number] now", 12) == "Call […]"  # a redaction marker is never cut in two


def test_a_post_without_a_link_or_language_is_quoted_without_them(store, config):
    """Of two posts that need a response, one had no address (an imported post, say): pandas read its NULL as NaN,
    so its quote linked to "nan". Likewise a post with no language beside one in Welsh."""
    load_report_dataset(store)
    with store.engine.begin() as connection:
        first = "(SELECT min(post_id) FROM flags WHERE flag = 'needs_response')"
        connection.exec_driver_sql(f"UPDATE posts SET url = NULL WHERE id = {first}")
        connection.exec_driver_sql(f"UPDATE posts SET lang = 'cy' WHERE id <> {first}")
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    html = render_html(report)
    posts = report.attention.groups[1].posts
    assert sorted((p.url is None, p.lang) for p in posts) == [(False, "cy"), (True, None)]
    assert 'href="nan"' not in html and 'lang="nan"' not in html and html.count("<blockquote") == 3
    assert html.count("Open the post<span") == 2 + len(report.praise) + sum(
        len(t.quotes) for t in report.themes
    )


def test_themes_are_named_as_configured_then_as_published():
    assert names.theme_name("staff_manner_personal_attributes") == "Staff manner & personal attributes"
    assert names.theme_name("industrial_action") == "Industrial action"
    configured = {"timeliness_of_care": "Waiting times", "lost_property": "Lost property"}
    assert names.theme_name("timeliness_of_care", configured) == "Waiting times"
    assert names.theme_name("lost_property", configured) == "Lost property"
    assert names.theme_name("waiting_times") == "Waiting times"  # another scorer's id
    assert names.theme_name("brand_new_theme") == "Brand new theme"


def contrast(foreground: str, background: str = "#FFFFFF") -> float:
    """The WCAG 2 contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_signal_numbers_are_legible_text(report):
    """The numbers on a chart that the signal list refers to were drawn in the orange of a concern (3.3:1 on
    white), below the 4.5:1 that WCAG 1.4.3 asks of text this size."""
    html = render_html(report)
    fills = re.findall(r'<text [^>]*class="marker" fill="(#[0-9A-Fa-f]{6})"', html)
    assert len(fills) >= 2 and any(kind == "concern" for s in report.spc for _, kind, _ in s.signals)
    assert min(contrast(fill) for fill in fills) >= 4.5


def test_scrolling_tables_can_be_reached_and_named_by_keyboard_users(report, store, config):
    """A table wider than a phone scrolls sideways inside its box; that box took no keyboard focus and had no
    name, so a keyboard user could not scroll to the columns off screen (axe: scrollable-region-focusable).
    Every box takes focus in the HTML itself; the page's script takes it away from a box whose table fits
    (tests/test_report_browser.py), so a mail program that drops scripts still lets each table be scrolled."""
    other = build_weekly_report(store.engine, config, "RR8", WEEK, now=NOW)
    html = render_html(report) + render_portfolio_html(build_portfolio([report, other], 30))
    boxes = re.findall(r'<div class="table-wrap"[^>]*>\s*<table>\s*<caption id="([^"]+)"', html)
    wraps = re.findall(r'<div class="table-wrap"([^>]*)>', html)
    assert len(wraps) == len(boxes) == html.count("<table>") >= 6
    for attributes, caption_id in zip(wraps, boxes, strict=True):
        assert f'aria-labelledby="{caption_id}"' in attributes
        assert 'role="region"' in attributes and 'tabindex="0"' in attributes
    assert len(set(boxes)) == len(boxes)  # each caption id once

"""What a weekly report may claim: own posts left out, one usual range, no range that says nothing, no trend claims
without history, and words that add up (plurals, mentions versus posts, sources)."""

import itertools
from datetime import date, timedelta

import pytest
from report_data import NOW, add_post, load_report_dataset

from listener.reports.charts import spc_chart
from listener.reports.coverage import care_caveat, own_posts_caveat
from listener.reports.export import export_frame
from listener.reports.headline import TOO_FEW_POSTS, measure
from listener.reports.publish import publish
from listener.reports.render import _env, render_markdown
from listener.reports.terms import post_terms
from listener.reports.trends import series
from listener.reports.weekly import build_weekly_report
from listener.store.models import ThemeScore

WEEK = "2026-W47"


@pytest.fixture
def config(make_config):
    return make_config()


def add_own_and_other_org_posts(store):
    with store.transaction() as session:
        add_post(
            session,
            1001,
            "St Thomas' Hospital is recruiting band 5 nurses",
            "GSTTnhs",
            ["RJ1"],
            "negative",
            theme="environment",
            flag="needs_response",
        )
        add_post(session, 1002, "Our staff flu clinics open today", "gsttNHS", ["RJ1"], "negative")
        add_post(
            session,
            1003,
            "Proud to work with @GSTTnhs this winter",
            "LeedsHospitals",
            ["RJ1", "RR8"],
            "positive",
        )
        add_post(session, 1004, "Both St Thomas' and Leeds were great", None, ["RJ1", "RR8"], "positive")


def test_own_posts_are_left_out_of_every_figure_and_counted(store, config):
    load_report_dataset(store)
    before = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    add_own_and_other_org_posts(store)
    after = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    # another organisation's account and a member of the public count; GSTT's own two posts do not
    assert after.this_week.posts == before.this_week.posts + 2
    assert after.this_week.negative == before.this_week.negative
    assert after.this_week.positive == before.this_week.positive + 2
    assert {t.theme: t.posts for t in after.themes} == {t.theme: t.posts for t in before.themes}
    assert [g.total for g in after.attention.groups] == [g.total for g in before.attention.groups]
    assert all(p.post_id not in (1001, 1002) for g in after.attention.groups for p in g.posts)
    assert sum(p.posts for p in after.platforms) == after.this_week.posts
    assert after.own_posts == 2
    assert "2 posts by the organisation's own accounts this week were left out of every figure above." in (
        after.coverage.caveats
    )
    leeds = build_weekly_report(store.engine, config, "RR8", WEEK, now=NOW)
    assert (leeds.this_week.posts, leeds.own_posts) == (1, 1)  # its own post about GSTT is left out of RR8's


def test_export_marks_each_organisations_own_posts(store, config):
    load_report_dataset(store)
    add_own_and_other_org_posts(store)
    frame = export_frame(store.engine, config, WEEK)
    own = {(row.post_id, row.org_code) for row in frame.itertuples() if row.own_post}
    # GSTT's two posts are its own; Leeds' post about GSTT is Leeds' own only on its RR8 row
    assert own == {(1001, "RJ1"), (1002, "RJ1"), (1003, "RR8")}


def test_portfolio_counts_distinct_posts_and_mentions(store, config, tmp_path):
    load_report_dataset(store)
    add_own_and_other_org_posts(store)
    done = publish(store, config, WEEK, output_dir=tmp_path, send_email=False, now=NOW)
    portfolio = done[-1]
    assert portfolio.kind == "portfolio"
    rj1 = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW).this_week.posts
    assert portfolio.posts == rj1  # post 1004 names both trusts but is one post
    text = portfolio.paths["md"].read_text(encoding="utf-8")
    assert f"{rj1} posts this week mention at least one organisation" in text
    assert f"so the Posts column adds up to {rj1 + 1}." in text


def test_first_week_with_data_makes_no_trend_claims(store, config):
    load_report_dataset(store)
    for week in ("2026-W34", "2026-W35"):  # no earlier week, then one: too few for a usual range
        report = build_weekly_report(store.engine, config, "RJ1", week, now=NOW)
        assert report.themes and not any(t.rising for t in report.themes)
        assert report.emerging.themes == []
        assert all(m.position is None for m in report.headline)
        assert "no usual range yet" in report.headline[0].sentence
        assert all(s.chart is None and s.summary.startswith("Not enough weeks yet") for s in report.spc)
        markdown = render_markdown(report)
        assert "(rising)" not in markdown and "rarely seen before" not in markdown
    first = build_weekly_report(store.engine, config, "RJ1", "2026-W34", now=NOW)
    assert {t.change for t in first.themes} == {"no earlier weeks to compare with"}


def test_a_range_that_covers_the_whole_scale_is_not_printed():
    share = measure("negative_share", "Negative posts", "percent", [0, 100, 10, 90, 50, 60])
    assert share.position is None and share.usual.reason == TOO_FEW_POSTS
    assert (
        share.sentence
        == "Negative posts rose to 60 % (50 % last week); too few posts each week to say what is usual."
    )
    assert share.status == "too few posts to say"
    net = measure("net_sentiment", "Net sentiment", "score", [-100, 100, -80, 90, 0], plural=False)
    assert net.usual.low is None and "to +100" not in net.sentence
    steady = measure("negative_share", "Negative posts", "percent", [40, 45, 42, 44, 43, 41, 70])
    assert steady.position == "above" and steady.sentence.endswith("above their usual range of 36-49 %.")
    points = [("W1", None, -100), ("W2", None, 100), ("W3", None, -60), ("W4", None, 80), ("W5", None, -100)]
    chart = series("net_sentiment", "Net sentiment", "score", "increase", points)
    assert chart.limits is None and chart.signals == []
    assert chart.summary == "This week: -100; too few posts each week to say what is usual."


def test_counts_are_pluralised():
    assert (
        _env.filters["plural"](1, "post") == "1 post"
        and _env.filters["plural"](1200, "post") == "1,200 posts"
    )
    assert own_posts_caveat(1) == [
        "1 post by the organisation's own accounts this week was left out of every figure above."
    ]
    assert own_posts_caveat(0) == []
    assert "the other 1 (news, jobs, fundraising, campaigns and the like) counts in" in care_caveat(1, 2)
    assert care_caveat(1, 1).startswith("Of the 1 post checked for relevance")


def test_coverage_names_platforms_that_came_via_file_import(store, make_config, tmp_path):
    (tmp_path / "posts.jsonl").write_text("", encoding="utf-8")
    config = make_config("sources:\n  - {name: fixture, kind: file, path: posts.jsonl}\n")
    load_report_dataset(store)
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    caveats = report.coverage.caveats
    assert (
        "Posts from Reddit and X (Twitter) came via file import (fixture), not from the platforms directly."
        in caveats
    )
    (missing,) = [c for c in caveats if c.startswith("Not collected")]
    assert "Reddit" not in missing and "X (Twitter)" not in missing and "Bluesky" in missing


def test_a_baseline_that_never_varied_is_a_usual_level_not_a_range_of_one_figure():
    """Two posts every week made "above their usual range of 2-2"."""
    above = measure("posts", "Posts", "count", [2, 2, 2, 2, 2, 2, 3])
    assert above.position == "above" and above.sentence.endswith("above their usual level of 2.")
    same = measure("posts", "Posts", "count", [2, 2, 2, 2, 2, 2, 2])
    assert same.position == "within" and same.sentence.endswith("at their usual level of 2.")
    assert "2-2" not in above.sentence + same.sentence


def test_a_figure_outside_its_usual_range_is_never_printed_inside_it():
    """Rounding each end of 9.2-27.1 posts printed 9 posts as "below their usual range of 9-27"; a count range is
    printed as the whole numbers it holds, and a share outside its range gets the decimals that show it."""
    below = measure("posts", "Posts", "count", [19, 15, 13, 13, 14, 22, 21, 25, 17, 21, 18, 20, 9])
    assert (below.usual.low, below.position) == (pytest.approx(9.22, abs=0.01), "below")
    assert below.sentence.endswith("below their usual range of 10-27.")
    volume = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 0, 4]
    above = measure("posts", "Posts", "count", volume)
    assert above.position == "above" and above.sentence.endswith("above their usual range of 0-3.")
    share = measure("negative_share", "Negative posts", "percent", [40, 45, 42, 44, 43, 41, 49.45])
    assert share.position == "above"
    assert share.sentence == (
        "Negative posts rose to 49.5 % (41 % last week), above their usual range of 35.6-49.4 %."
    )
    within = measure("negative_share", "Negative posts", "percent", [40, 45, 42, 44, 43, 41, 48])
    assert within.sentence.endswith("within their usual range of 36-49 %.")  # whole numbers when they suffice
    mondays = [date(2026, 8, 24) + timedelta(weeks=i) for i in range(len(volume))]
    chart = series("posts", "Posts", "count", None, list(zip(mondays, mondays, volume, strict=True)))
    assert chart.range_words.startswith("Usual range 0-3 ")
    assert "Usual high 3</text>" in spc_chart(chart, "spc-posts")


def test_a_quiet_week_does_not_call_imported_platforms_uncollected(store, make_config, tmp_path):
    """RR8 has no posts in the dataset: its report said X and Reddit were "not collected (no source configured)",
    though the file import that brings RJ1's X and Reddit posts would have brought RR8's too."""
    (tmp_path / "posts.jsonl").write_text("", encoding="utf-8")
    config = make_config("sources:\n  - {name: fixture, kind: file, path: posts.jsonl}\n")
    load_report_dataset(store)
    report = build_weekly_report(store.engine, config, "RR8", WEEK, now=NOW)
    assert report.this_week.posts == 0
    (missing,) = [c for c in report.coverage.caveats if c.startswith("Not collected")]
    assert "Reddit" not in missing and "X (Twitter)" not in missing and "Bluesky" in missing
    assert not any("came via file import" in c for c in report.coverage.caveats)  # none this week


def test_one_or_two_posts_never_make_a_theme_rising(store, config):
    """A theme not seen in the baseline weeks has a usual range of 0 posts: one post was "rising" and listed among
    the themes above their usual range, though a theme seen about once a month does that by chance."""
    load_report_dataset(store)
    with store.transaction() as session:
        add_post(
            session, 1001, "No wifi and the bedside TV costs a fortune", None, ["RJ1"], "negative", theme="tv"
        )
        for post_id in (1002, 1003):
            add_post(session, post_id, "The new cafe is great", None, ["RJ1"], "positive", theme="cafe")
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    themes = {t.theme: t for t in report.themes}
    assert (themes["tv"].posts, themes["tv"].usual_high, themes["tv"].rising) == (1, 0, False)
    assert (themes["cafe"].posts, themes["cafe"].rising) == (2, False)
    assert themes["tv"].change == "0 last week, rarely seen before"
    assert "tv" not in {t.theme for t in report.emerging.themes}
    with store.transaction() as session:
        add_post(session, 1004, "The new cafe is great again", None, ["RJ1"], "positive", theme="cafe")
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    assert "cafe" in {t.theme for t in report.emerging.themes}  # 3 posts against a usual 0 is worth a look


def test_the_relevance_caveat_does_not_say_posts_not_about_care_are_left_out_of_themes(store, config):
    """A job advert is not about care but keeps its theme, Recruitment & jobs: the caveat said such posts count
    "in volume and sentiment but not in themes", under a themes table that counted it."""
    load_report_dataset(store)
    with store.transaction() as session:
        add_post(
            session,
            1001,
            "St Thomas' is hiring band 5 nurses",
            None,
            ["RJ1"],
            "positive",
            theme="recruitment_jobs",
        )
        session.add(
            ThemeScore(
                post_id=1001, scorer="sentiment", theme="not_about_care", version="test-1", confidence=1
            )
        )
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    assert {t.theme: t.posts for t in report.themes}["recruitment_jobs"] == 1
    (caveat,) = [c for c in report.coverage.caveats if "checked for relevance" in c]
    assert "not in themes" not in caveat and caveat.endswith("count in the figures above too.")


def test_every_markdown_heading_stands_apart_in_a_quiet_week(store, config):
    """The Markdown is the e-mail's text: in a week without themes or praise, "## 4." and "## 5." ran on from the
    line before ("No post this week was given a theme.\\n## 4. Praise to share with staff")."""
    load_report_dataset(store, themes=False, flags=False)
    for code in ("RJ1", "RR8"):  # no theme or flag scores yet; a week with no posts at all
        lines = render_markdown(build_weekly_report(store.engine, config, code, WEEK, now=NOW)).splitlines()
        cramped = [
            line for before, line in itertools.pairwise(lines) if line.startswith("#") and before.strip()
        ]
        assert cramped == [], code


def test_number_words_are_not_emerging_terms():
    """The demo listed "five" as an emerging topic, from "Five stars" and "five minutes"."""
    assert post_terms("Five stars! Seen within five minutes by the cardiology team") == {
        "stars",
        "seen",
        "within",
        "seen within",
        "minutes",
        "five stars",
        "five minutes",
        "within five",
        "cardiology",
        "team",
        "cardiology team",
    }


def test_a_headline_card_shows_the_figure_as_its_sentence_does():
    """The card printed "49 %" beside a sentence that needed "49.5 %" to be above its range of 35.6-49.4 %."""
    share = measure("negative_share", "Negative posts", "percent", [40, 45, 42, 44, 43, 41, 49.45])
    assert share.shown == "49.5 %" and share.shown in share.sentence
    assert measure("posts", "Posts", "count", [1200, 1300, 1250, 1280, 1220, 1310, 1290]).shown == "1,290"
    assert measure("posts", "Posts", "count", [None]).shown == "n/a"

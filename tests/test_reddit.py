"""kind: reddit against a fake Reddit over HTTP: PRAW's real OAuth, requests, rate limiting and errors."""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from datetime import UTC, datetime, timedelta

import pytest
from fakes.reddit_api import ID_ENV, SECRET_ENV, FakeReddit, make_submission, scenario
from fakes.social_fixtures import lite, recorded_payload, sleeps, stored_posts, use_case  # noqa: F401
from fakes.social_fixtures import source_yaml as sources_yaml

from listener.collectors.reddit import RedditCollector
from listener.collectors.runner import collect
from listener.errors import ConfigError
from listener.store.cursors import load_cursor


@pytest.fixture
def case(monkeypatch):
    return use_case(scenario(), monkeypatch)


def source(fake, case, **extra) -> dict:
    return {"name": "rd", **case.source(fake), **extra}


def searches(fake):
    return [r for r in fake.log if "/search" in r.path]


def test_two_runs_store_each_post_once(store, make_config, case, sleeps, caplog):
    caplog.set_level("INFO")
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        first = collect(store, config)[0]
        second = collect(store, config)[0]
        calls = searches(fake)
    assert (first.status, first.total("posts_new"), first.total("posts_read")) == ("ok", 5, 7)
    assert (second.status, second.total("posts_new")) == ("ok", 0)
    assert first.total("requests") == 5  # the token, then 4 pages of 2 (7 matching posts in r/NHS)
    assert [c.arg("after") for c in calls[:4]] == [None, "t3_000032", "t3_000007", "t3_000009"]
    assert all(c.arg("sort") == "new" and c.arg("restrict_sr") == "on" for c in calls)
    with store.transaction() as session:
        cursor = load_cursor(session, "rd", "r/NHS")
    newest_read = case.seeded[6]  # the NSFW post: left out, but read, so not read again
    assert cursor == {"created_utc": newest_read["created_utc"], "seen": [newest_read["name"]]}
    assert "1 deleted or removed, 1 NSFW" in caplog.text
    # the second run reads again the hour before the cursor (the default overlap) and stops there
    assert second.total("requests") == 3 and second.total("posts_read") == 4
    assert [c.arg("after") for c in calls[4:]] == [None, "t3_000032"]


def test_a_new_post_is_the_only_one_read_next_time(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        collect(store, config)
        fake.add(make_submission(datetime.now(UTC) - timedelta(minutes=2), "St Thomas' again", 60))
        result = collect(store, config)[0]
    assert result.total("posts_new") == 1


def test_posts_keep_title_body_and_utc_time(store, make_config, case, sleeps):
    with case.start() as fake:
        collect(store, make_config(sources_yaml(source(fake, case))))
    post = stored_posts(store)["t3_00000a"]
    assert post.text == "Post 10: A&E at St Thomas' tonight\n\nLong wait."
    assert post.url == "https://www.reddit.com/r/NHS/comments/00000a/post_10/"
    assert post.created_at.replace(tzinfo=UTC) == datetime.fromtimestamp(case.seeded[0]["created_utc"], UTC)
    assert (post.reply_count, post.like_count) == (2, 4)
    assert post.author_key and post.author_handle is None


def test_until_is_respected(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        early = collect(store, config, until=case.until)[0]
        assert early.total("posts_new") == case.posts_before_until
        assert all(p.created_at.replace(tzinfo=UTC) < case.until for p in stored_posts(store).values())
        rest = collect(store, config)[0]
    assert rest.total("posts_new") == case.posts - case.posts_before_until


def test_malformed_item_is_skipped(lite, case, sleeps, caplog):
    store, build = lite
    with case.start() as fake:
        fake.add_malformed_item()
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert "item None skipped: 'name'" in caplog.text


def test_server_errors_are_retried_within_bounds(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.fail_next(503)
        assert collect(store, config)[0].total("posts_new") == case.posts
        fake.fail_next(500, times=1000)
        before = fake.requests
        failed = collect(store, config)[0]
        used = fake.requests - before
    assert failed.status == "failed" and "500" in failed.streams[0].error
    assert used == 1 + 2 * 3  # the token; then (1 + retries=1) x prawcore's 3 attempts


def test_429_waits_for_the_reset_and_never_loops(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.fail_next(429, reset_after=30)
        assert collect(store, config)[0].total("posts_new") == case.posts
        assert 30 in sleeps
        fake.fail_next(429, times=1000, reset_after=30)
        before = fake.requests
        result = collect(store, config)[0]
        used = fake.requests - before
    assert result.status == "rate_limited" and used == 1 + 4  # the token, then 1 + 3 waits at most


def test_rate_limit_beyond_max_wait_ends_the_stream(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.fail_next(429, times=1000, reset_after=3600)
        result = collect(store, build(source(fake, case)))[0]
    assert result.status == "rate_limited" and "max_wait" in result.streams[0].error
    assert max(sleeps, default=0) < 3600


def test_used_up_budget_ends_the_stream_before_prawcore_sleeps(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.window_remaining = 1.0  # the next answer says 0 left, reset in 240 s
        result = collect(store, build(source(fake, case, max_wait="1m")))[0]
        assert len(searches(fake)) == 1
    assert result.status == "rate_limited" and "used up" in result.streams[0].error
    assert sleeps == []


def test_rejected_credentials_name_the_variables(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.reject_credentials()
        result = collect(store, build(source(fake, case)))[0]
    error = result.streams[0].error
    assert result.status == "failed" and ID_ENV in error and SECRET_ENV in error


def test_missing_secret_names_the_variable(lite, case, sleeps, monkeypatch):
    store, build = lite
    monkeypatch.delenv(SECRET_ENV)
    with case.start() as fake:
        result = collect(store, build(source(fake, case)))[0]
        assert fake.requests == 0
    assert f"set the environment variable {SECRET_ENV}" in result.streams[0].error


def test_unknown_subreddit_fails_clearly(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        result = collect(store, build(source(fake, case, subreddits=["r/NoSuchPlace"])))[0]
    assert result.status == "failed" and "r/NoSuchPlace does not exist" in result.streams[0].error


def test_queries_from_organisations_fit_reddits_limit(lite):
    many = "organisations:\n" + "".join(
        f"  - {{code: R{n:02d}, name: Example Teaching Hospitals Number {n} NHS Trust}}\n" for n in range(30)
    )
    source = {
        "name": "rd",
        "kind": "reddit",
        "subreddits": ["NHS", "doctorsUK"],
        "user_agent": "python:x.y:v1 (by /u/someone)",
    }
    config = lite[1](source, organisations=many)
    collector = RedditCollector(config.sources[0], config)
    streams = collector.streams()
    queries = collector._queries()
    assert len(queries) == 4 and all(len(q) <= 512 for q in queries) and " OR " in queries[0]
    assert sum(q.count('"') // 2 for q in queries) == 30  # every name, once
    assert streams[0] == "r/NHS (1/4)" and len(streams) == 8 and streams[-1] == "r/doctorsUK (4/4)"


def test_user_agent_is_required_and_descriptive(lite):
    base = {"name": "rd", "kind": "reddit", "subreddits": ["NHS"]}
    with pytest.raises(ConfigError) as error:
        lite[1](base)
    assert "sources[0].user_agent: required key is missing" in str(error.value)
    with pytest.raises(ConfigError) as error:
        lite[1]({**base, "user_agent": "my bot"})
    assert "sources[0].user_agent: expected text matching the pattern" in str(error.value)


def test_fake_submissions_have_the_recorded_shape():
    recorded = recorded_payload("reddit_search_listing_praw_cassette.json")
    real = recorded["body"]["data"]["children"][0]
    fake = make_submission(datetime.now(UTC), "title", 1)
    assert real["kind"] == "t3" and set(real["data"]) <= set(fake)
    modern = recorded_payload("reddit_listing_ratelimit_headers_praw_cassette_2026.json")
    assert {"x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used"} <= set(
        modern["_response_headers"]
    )
    assert "author_fullname" in modern["body"]["data"]["children"][0]["data"]
    assert FakeReddit().subreddits == {"nhs", "doctorsuk"}


def test_a_post_reddit_search_finds_late_is_read_next_time(store, make_config, case, sleeps):
    """Reddit's search index takes posts in late: a post created before the newest one a run read, but found
    only after that run, must not fall behind the cursor."""
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        collect(store, config)
        with store.transaction() as session:
            saved = load_cursor(session, "rd", "r/NHS")
        newest = datetime.fromtimestamp(saved["created_utc"], UTC)
        fake.add(make_submission(newest - timedelta(minutes=20), "St Thomas' maternity, thank you", 62))
        second = collect(store, config)[0]
        third = collect(store, config)[0]
        with store.transaction() as session:
            after = load_cursor(session, "rd", "r/NHS")
    assert second.total("posts_new") == 1 and third.total("posts_new") == 0
    assert after == saved  # the late post is older than the cursor, which never moves back


def test_a_web_page_instead_of_json_is_retried_then_named(lite, case, sleeps):
    """A proxy, captive portal or bot challenge answering 200 with HTML is an unreadable answer: retried like
    a server error, then reported as not JSON, and nothing is stored or lost."""
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.serve_web_page("/search", times=1)
        recovered = collect(store, config)[0]
        assert (recovered.status, recovered.total("posts_new")) == ("ok", case.posts)
        fake.serve_web_page("/search")
        failed = collect(store, config)[0]
    error = failed.streams[0].error
    assert failed.status == "failed" and "not JSON" in error and "failed 2 times" in error
    assert len(stored_posts(store)) == case.posts


def test_items_of_the_wrong_types_are_skipped_and_the_page_kept(lite, case, sleeps, caplog):
    store, build = lite
    recent = datetime.now(UTC) - timedelta(hours=2)
    with case.start() as fake:
        fake.add(
            make_submission(recent, "St Thomas' odd author", 70, author={"name": "x"}),
            make_submission(recent, "St Thomas' odd time", 71, created_utc=1e20),
            make_submission(recent, "St Thomas' odd title", 72, selftext=["St Thomas'"]),
        )
        fake.posts[-1]["title"] = None
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert all(f"item {name} skipped" in caplog.text for name in ("t3_000046", "t3_000047", "t3_000048"))


def test_a_search_cut_off_at_reddits_listing_limit_is_named(lite, case, sleeps, caplog):
    store, build = lite
    now = datetime.now(UTC)
    with case.start() as fake:
        fake.add(
            *(make_submission(now - timedelta(minutes=n), "St Thomas' busy", 100 + n) for n in range(1005))
        )
        result = collect(store, build(source(fake, case, page_size=100)))[0]
    assert (result.status, result.total("posts_read")) == ("ok", 1000)  # 10 pages; the rest is never listed
    assert "Reddit's search stopped after 1000 posts, before reaching" in caplog.text
    assert "run this source more often" in caplog.text


@pytest.mark.parametrize("reason", ["private", "quarantined", "banned"])
def test_a_closed_subreddit_is_named_and_the_others_collected(lite, case, sleeps, reason):
    store, build = lite
    with case.start() as fake:
        fake.subreddits.add("hidden")
        fake.closed["hidden"] = reason
        result = collect(store, build(source(fake, case, subreddits=["hidden", "NHS"])))[0]
    closed, nhs = result.streams
    assert f"r/hidden is {reason}" in closed.error and "client_id" not in closed.error.lower()
    assert "remove it from subreddits" in closed.error or reason == "banned"
    assert nhs.status == "ok" and result.total("posts_new") == case.posts
    assert closed.counts.requests >= 1  # the refused request was made, and is counted (it was 0)

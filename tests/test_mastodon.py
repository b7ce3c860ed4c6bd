"""kind: mastodon against a fake instance served over HTTP: Mastodon.py's real requests, paging and errors."""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from fakes.mastodon_api import TOKEN_ENV, FakeMastodon, make_account, make_status, scenario
from fakes.social_fixtures import lite, recorded_payload, sleeps, stored_posts, use_case  # noqa: F401
from fakes.social_fixtures import source_yaml as sources_yaml

from listener.collectors.runner import collect
from listener.errors import ConfigError
from listener.store.cursors import load_cursor


@pytest.fixture
def case(monkeypatch):
    return use_case(scenario(), monkeypatch)


def source_yaml(fake, case, **extra) -> str:
    return sources_yaml(source(fake, case, **extra))


def source(fake, case, **extra) -> dict:
    return {"name": "fedi", **case.source(fake), **extra}


def test_two_runs_store_public_posts_once(store, make_config, case, sleeps, caplog):
    caplog.set_level("INFO")
    with case.start() as fake:
        config = make_config(source_yaml(fake, case))
        first = collect(store, config)[0]
        second = collect(store, config)[0]
        timeline_calls = [r for r in fake.log if "/timelines/tag/" in r.path]
        stream = f"{fake.url} #GSTT"
    assert (first.status, first.total("posts_new"), first.total("posts_read")) == ("ok", 5, 6)
    # run 2 reads again the hour (overlap) before the newest post: posts 3 and 4, stored already
    assert (second.status, second.total("posts_new"), second.total("posts_read")) == ("ok", 0, 2)
    # run 1: instance lookup + 3 full forward pages of 2 + an empty one; run 2: lookup + the overlap + empty
    assert first.total("requests") == 5 and second.total("requests") == 3
    assert [r.arg("limit") for r in timeline_calls] == ["2"] * 6
    assert "from accounts that opted out (noindex)" in caplog.text
    posts = stored_posts(store)
    assert len(posts) == 5 and all("No index please" not in p.text for p in posts.values())
    with store.transaction() as session:
        cursor = load_cursor(session, "fedi", stream)
    newest_public = max(int(s["id"]) for s in case.seeded)
    assert cursor == {"min_id": str(newest_public)}
    assert timeline_calls[-1].arg("min_id") == str(newest_public)
    overlap_start = ((int(newest_public) >> 16) - 3_600_000) << 16
    assert timeline_calls[-2].arg("min_id") == str(overlap_start)


def test_pages_follow_the_link_header_forward(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        collect(store, build(source(fake, case)))
        calls = [r for r in fake.log if "/timelines/tag/" in r.path]
    ids = sorted(int(s["id"]) for s in case.seeded if s["visibility"] == "public")
    # each next request starts at the newest id of the page before (rel="prev" = min_id)
    assert [c.arg("min_id") for c in calls[1:]] == [str(ids[1]), str(ids[3]), str(ids[5])]
    assert all(c.arg("since_id") is None and c.arg("max_id") is None for c in calls)


def test_a_new_post_is_the_only_one_read_next_time(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(source_yaml(fake, case))
        collect(store, config)
        fake.add(
            make_status(datetime.now(UTC) - timedelta(minutes=5), "Brand new #GSTT", ["GSTT"], sequence=20)
        )
        result = collect(store, config)[0]
    assert (result.total("posts_new"), result.total("posts_read")) == (1, 3)  # 2 of them in the overlap


def test_posts_are_text_utc_and_pseudonymous(store, make_config, case, sleeps):
    with case.start() as fake:
        collect(store, make_config(source_yaml(fake, case)))
        served_by = fake.url
    posts = sorted(stored_posts(store).values(), key=lambda p: p.created_at)
    first = posts[0]
    assert first.text == "Post 0 about Guy's and St Thomas' #GSTT"
    seeded = case.seeded[0]  # posted on "localhost", read through the fake instance
    assert seeded["uri"].startswith("http://localhost/ap/users/") and seeded["url"].startswith(
        "http://localhost/@"
    )
    assert first.native_id == f"localhost/{seeded['id']}"  # no username, whichever instance served it
    assert first.url == f"{served_by}/web/statuses/{seeded['id']}"
    assert (first.reply_count, first.repost_count, first.like_count) == (1, 2, 3)
    assert first.created_at.replace(tzinfo=UTC) == datetime.fromisoformat(
        case.seeded[0]["created_at"].replace("Z", "+00:00")
    )
    assert first.author_key and first.author_handle is None and first.lang == "en"


def test_ids_and_links_never_name_the_author(lite, sleeps, monkeypatch):
    use_case(scenario(), monkeypatch)
    store, build = lite
    now = datetime.now(UTC)
    with FakeMastodon() as fake:
        by_name = make_status(now - timedelta(hours=1), "St Thomas' #GSTT", ["GSTT"], sequence=1)
        by_name["uri"] = f"http://elsewhere.example/users/jane_smith/statuses/{by_name['id']}"
        by_name["url"] = f"http://elsewhere.example/@jane_smith/{by_name['id']}"
        other_server = make_status(now - timedelta(hours=2), "Guy's #GSTT", ["GSTT"], sequence=2)
        other_server["uri"] = "https://gts.example/users/jane_smith/statuses/01HZX3"  # GoToSocial's shape
        fake.add(by_name, other_server)
        collect(
            store,
            build({"name": "fedi", "kind": "mastodon", **scenario().options(fake.url), "lookback": "7d"}),
        )
        served_by = fake.url
    posts = {p.text: p for p in stored_posts(store).values()}
    assert {p.native_id for p in posts.values()} == {
        f"elsewhere.example/{by_name['id']}",
        "gts.example/uri-sha256:" + hashlib.sha256(other_server["uri"].encode()).hexdigest()[:32],
    }
    assert {p.url for p in posts.values()} == {
        f"{served_by}/web/statuses/{by_name['id']}",
        f"{served_by}/web/statuses/{other_server['id']}",
    }
    for post in posts.values():
        assert "jane_smith" not in post.native_id + post.url and post.author_handle is None


def test_a_post_seen_on_two_instances_is_stored_once(lite, sleeps, monkeypatch):
    use_case(scenario(), monkeypatch)
    store, build = lite
    status = make_status(datetime.now(UTC) - timedelta(hours=1), "St Thomas' #GSTT", ["GSTT"], sequence=3)
    copy = dict(status, id=str(int(status["id"]) + 99))  # the same post, under another id on another instance
    with FakeMastodon([status]) as first, FakeMastodon([copy]) as second:
        options = {**scenario().options(first.url), "instances": [first.url, second.url], "lookback": "7d"}
        result = collect(store, build({"name": "fedi", "kind": "mastodon", **options}))[0]
    assert result.total("posts_read") == 2 and result.total("posts_new") == 1
    assert list(stored_posts(store)) == [f"localhost/{status['id']}"]


def test_until_is_respected_and_the_rest_comes_later(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(source_yaml(fake, case))
        early = collect(store, config, until=case.until)[0]
        assert early.total("posts_new") == case.posts_before_until
        assert all(p.created_at.replace(tzinfo=UTC) < case.until for p in stored_posts(store).values())
        rest = collect(store, config)[0]
    assert rest.total("posts_new") == case.posts - case.posts_before_until


def test_malformed_status_is_skipped_and_the_page_kept(lite, case, sleeps, caplog):
    store, build = lite
    with case.start() as fake:
        fake.add_malformed_item()
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert "skipped" in caplog.text and "created_at" in caplog.text


def test_opted_out_accounts_are_skipped(lite, sleeps, caplog):
    caplog.set_level("INFO")
    store, build = lite
    now = datetime.now(UTC)
    accounts = [
        make_account(1, indexable=False),
        make_account(2, discoverable=False),
        make_account(3, note="<p>Please no bots #NoBot</p>"),
        make_account(4, discoverable=None, indexable=None),  # older servers: unknown means not opted out
    ]
    statuses = [
        make_status(now - timedelta(hours=n), f"post {n}", ["NHS"], sequence=n, account=a)
        for n, a in enumerate(accounts, start=1)
    ]
    with FakeMastodon(statuses) as fake:
        config = build(
            {
                "name": "fedi",
                "kind": "mastodon",
                "instances": [fake.url],
                "hashtags": ["#NHS"],
                "organisation_hashtags": False,
            }
        )
        result = collect(store, config)[0]
    assert result.total("posts_new") == 1
    assert [p.text for p in stored_posts(store).values()] == ["post 4 #NHS"]
    for reason in ("indexable: false", "discoverable: false", "#nobot"):
        assert reason in caplog.text


def test_server_errors_are_retried_then_given_up(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.fail_next(503)
        recovered = collect(store, config)[0]
        assert (recovered.status, recovered.total("posts_new")) == ("ok", case.posts)
        fake.fail_next(500, times=1000)
        before = fake.requests
        failed = collect(store, config)[0]
        used = fake.requests - before
    assert failed.status == "failed" and "500" in failed.streams[0].error
    assert used == 5  # the instance lookup, then 1 + 3 retries, and the stream stops
    assert sleeps[:1] == [2.0] and sleeps[-3:] == [2.0, 4.0, 8.0]


def test_rate_limit_waits_for_the_iso_reset_within_max_wait(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.fail_next(429, reset_after=30)
        result = collect(store, config)[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert len(sleeps) == 1 and 25 < sleeps[0] <= 31  # read from X-RateLimit-Reset, an ISO 8601 time


def test_rate_limit_beyond_max_wait_ends_the_stream(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case, max_wait="10m"))
        fake.fail_next(429, times=1000, reset_after=3600)
        result = collect(store, config)[0]
        assert fake.requests == 2  # the instance lookup and one 429
    assert result.status == "rate_limited" and "max_wait" in result.streams[0].error
    assert sleeps == []


def test_rejected_token_names_the_variable(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.reject_credentials()
        result = collect(store, build(source(fake, case)))[0]
    assert result.status == "failed" and TOKEN_ENV in result.streams[0].error
    assert "refused access" in result.streams[0].error


def test_missing_token_names_the_variable(lite, case, sleeps, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    store, build = lite
    with case.start() as fake:
        result = collect(store, build(source(fake, case)))[0]
        assert fake.requests == 0
    assert (
        result.status == "failed" and f"set the environment variable {TOKEN_ENV}" in result.streams[0].error
    )


def test_instance_that_needs_a_login_says_so(lite, case, sleeps):
    store, build = lite
    with FakeMastodon(case.seeded, hashtag_feeds="authenticated") as fake:
        config = build({k: v for k, v in source(fake, case).items() if k != "access_token_env"})
        result = collect(store, config)[0]
    assert result.status == "failed" and "set access_token_env" in result.streams[0].error


def test_one_stream_per_instance_and_tag(lite):
    config = lite[1](
        {
            "name": "fedi",
            "kind": "mastodon",
            "instances": ["mastodon.example", "https://social.example/"],
            "hashtags": ["#NHS", "gstt"],
        }
    )
    from listener.collectors.mastodon import MastodonCollector

    streams = MastodonCollector(config.sources[0], config).streams()
    assert streams == [
        "https://mastodon.example #GSTT",
        "https://mastodon.example #NHS",
        "https://social.example #GSTT",
        "https://social.example #NHS",
    ]


def test_options_are_checked(lite):
    with pytest.raises(ConfigError) as error:
        lite[1]({"name": "fedi", "kind": "mastodon", "instances": [], "page_size": 80, "token": "x"})
    text = str(error.value)
    assert "sources[0].instances" in text and "sources[0].page_size" in text and "sources[0].token" in text


def test_fake_statuses_have_the_recorded_shape():
    recorded = recorded_payload("mastodon_timeline_tag_mastodonpy_cassette.json")
    real = recorded["body"][0]
    fake = make_status(datetime.now(UTC), "text", ["hoot"])
    assert set(fake) == set(real)
    assert set(fake["account"]) == set(real["account"])
    assert (
        "x-ratelimit-reset" in recorded["_response_headers"]
        and 'rel="prev"' in recorded["_response_headers"]["link"]
    )


def test_a_status_that_reaches_the_instance_late_is_still_read(store, make_config, case, sleeps):
    """Mastodon gives a status from another server an id made from the time it was posted, not the time it
    arrived (lib/mastodon/snowflake.rb, Status's around_create), so one delivered late sorts before statuses
    already read: the overlap (1h by default) reads it."""
    with case.start() as fake:
        config = make_config(source_yaml(fake, case))
        collect(store, config)
        newest = max(datetime.fromisoformat(s["created_at"]) for s in case.seeded)
        late = make_status(newest - timedelta(minutes=20), "Delivered late", ["GSTT"], sequence=30)
        late["account"]["acct"] = "someone@remote.example"
        fake.add(late)
        result = collect(store, config)[0]
    assert (result.status, result.total("posts_new")) == ("ok", 1)
    assert "Delivered late #GSTT" in {p.text for p in stored_posts(store).values()}


def test_the_overlap_never_moves_the_cursor_back(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(source_yaml(fake, case))
        collect(store, config)
        stream = f"{fake.url} #GSTT"
        with store.transaction() as session:
            saved = load_cursor(session, "fedi", stream)
        second = collect(store, config)[0]
        asked = [r.arg("min_id") for r in fake.log if "/timelines/tag/" in r.path][-2]
        with store.transaction() as session:
            again = load_cursor(session, "fedi", stream)
    assert (second.total("posts_new"), second.total("posts_read")) == (0, 2)  # posts 3 and 4, re-read
    assert int(asked) < int(saved["min_id"]) and again == saved


def test_an_edit_replaces_the_stored_text_and_the_post_is_matched_and_scored_again(
    store, make_config, sleeps
):
    """A status edited after it was stored is read again within the overlap, with ``edited_at`` set: its
    stored text follows the edit, and it is matched and scored again, as X's edits are."""
    import sqlalchemy as sa

    from listener.matching.runner import match_pending
    from listener.scoring.runner import score_pending
    from listener.store.models import Mention, Post, Scoring

    now = datetime.now(UTC)
    status = make_status(now - timedelta(minutes=40), "Lovely staff today", ["NHS"], sequence=1)
    newer = make_status(now - timedelta(minutes=10), "Another post", ["NHS"], sequence=2)
    with FakeMastodon([status, newer]) as fake:
        config = make_config(
            sources_yaml({"name": "fedi", "kind": "mastodon", "instances": [fake.url], "hashtags": ["NHS"]})
        )
        collect(store, config)
        match_pending(store, config)
        score_pending(store, config)
        with store.transaction() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Mention)) == 0
        fake.edit(status["id"], "Rude staff at Leeds General Infirmary today")
        result = collect(store, config)[0]
        with store.transaction() as session:
            post = session.scalars(sa.select(Post).where(Post.native_id == f"localhost/{status['id']}")).one()
            assert post.text == "Rude staff at Leeds General Infirmary today #NHS"
            assert post.match_key is None
            assert (
                session.scalar(
                    sa.select(sa.func.count()).select_from(Scoring).where(Scoring.post_id == post.id)
                )
                == 0
            )
        match_pending(store, config)
        with store.transaction() as session:
            assert {m.org_code for m in session.scalars(sa.select(Mention))} == {"RR8"}
        assert result.total("posts_new") == 0 and collect(store, config)[0].total("posts_new") == 0


def test_a_web_page_instead_of_json_is_retried_then_named(lite, case, sleeps):
    """A proxy, captive portal or bot challenge answering 200 with HTML is an unreadable answer: retried like
    a server error, then reported in one short line that says so (never the page itself)."""
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.serve_web_page("/timelines/", times=1)
        recovered = collect(store, config)[0]
        assert (recovered.status, recovered.total("posts_new")) == ("ok", case.posts)
        fake.serve_web_page("/timelines/")
        failed = collect(store, config)[0]
    error = failed.streams[0].error
    assert failed.status == "failed" and "not JSON" in error and "failed 4 times" in error
    assert len(error) < 300 and "Just a moment" not in error

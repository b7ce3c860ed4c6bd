"""kind: bluesky against a fake PDS over HTTP: app-password sessions, searchPosts paging, errors."""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from datetime import UTC, datetime, timedelta

import pytest
from conftest import ORGANISATIONS
from fakes.bluesky_api import HANDLE, PASSWORD_ENV, FakeBluesky, make_post, scenario
from fakes.social_fake import Reply
from fakes.social_fixtures import lite, recorded_payload, sleeps, stored_posts, use_case  # noqa: F401
from fakes.social_fixtures import source_yaml as sources_yaml

from listener.collectors import bluesky
from listener.collectors.base import CollectedPost
from listener.collectors.bluesky import BlueskyCollector
from listener.collectors.runner import collect
from listener.collectors.watermark import Watermark
from listener.errors import ConfigError
from listener.store.cursors import load_cursor

STREAM = '"St Thomas"'


@pytest.fixture
def case(monkeypatch):
    return use_case(scenario(), monkeypatch)


def source(fake, case, **extra) -> dict:
    return {"name": "sky", **case.source(fake), **extra}


def searches(fake):
    return [r for r in fake.log if r.path.endswith("searchPosts")]


def test_two_runs_store_each_post_once(store, make_config, case, sleeps, caplog):
    caplog.set_level("INFO")
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        first = collect(store, config)[0]
        second = collect(store, config)[0]
        calls = searches(fake)
        sessions = fake.sessions_created
    assert (first.status, first.total("posts_new"), first.total("posts_read")) == ("ok", 5, 6)
    assert (second.status, second.total("posts_new")) == ("ok", 0)
    assert first.total("requests") == 4  # createSession + 3 pages of 2
    assert sessions == 2  # one session per run, reused for every page
    assert [c.arg("cursor") for c in calls[:3]] == [None, "2", "4"]
    assert all(c.arg("sort") == "latest" and c.arg("q") == STREAM for c in calls)
    newest = max(stored_posts(store).values(), key=lambda p: p.created_at)
    newest_at = newest.created_at.replace(tzinfo=UTC)
    assert calls[-1].arg("since") == bluesky._iso(newest_at - timedelta(minutes=15))  # the overlap
    with store.transaction() as session:
        assert load_cursor(session, "sky", STREAM)["seen"] == [newest.native_id]
    assert "1 opted out" in caplog.text


def test_a_new_post_is_the_only_one_stored_next_time(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        collect(store, config)
        fake.add(make_post(datetime.now(UTC) - timedelta(minutes=1), "Great care at St Thomas' today", 60))
        result = collect(store, config)[0]
    assert result.total("posts_new") == 1


def test_posts_are_utc_with_did_authors(store, make_config, case, sleeps):
    with case.start() as fake:
        collect(store, make_config(sources_yaml(source(fake, case))))
    posts = sorted(stored_posts(store).values(), key=lambda p: p.created_at)
    first = posts[0]
    assert first.native_id.startswith("at://did:plc:author") and first.text.startswith("Post 10:")
    did, rkey = first.native_id.split("/")[2], first.native_id.rsplit("/", 1)[1]
    assert first.url == f"https://bsky.app/profile/{did}/post/{rkey}"  # by DID: no handle is stored
    assert (first.reply_count, first.repost_count, first.like_count, first.lang) == (1, 2, 3, "en")
    assert first.author_key and first.author_handle is None
    for post in posts:
        assert not any(".bsky.social" in (value or "") for value in (post.url, post.native_id, post.text))


def test_an_at_uri_naming_its_author_by_handle_is_stored_by_did():
    post = make_post(datetime.now(UTC), "Thank you St Thomas'", 7)
    did = post["author"]["did"]
    post["uri"] = post["uri"].replace(did, post["author"]["handle"])
    stored = bluesky._post(post)
    rkey = post["uri"].rsplit("/", 1)[1]
    assert stored.native_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert stored.url == f"https://bsky.app/profile/{did}/post/{rkey}"


def test_organisation_accounts_keep_their_handle_individuals_do_not(store, make_config, case, sleeps):
    with case.start() as fake:
        org_post = make_post(datetime.now(UTC) - timedelta(minutes=1), "News from St Thomas'", 61)
        org_post["author"]["handle"] = "gsttnhs.bsky.social"
        fake.add(org_post)
        organisations = ORGANISATIONS.replace("[GSTTnhs]", "[GSTTnhs, gsttnhs.bsky.social]")
        config = make_config(sources_yaml(source(fake, case)), organisations=organisations)
        collect(store, config)
    handles = {p.native_id: p.author_handle for p in stored_posts(store).values()}
    assert handles.pop(org_post["uri"]) == "gsttnhs.bsky.social"
    assert set(handles.values()) == {None}


def test_until_is_sent_and_respected(store, make_config, case, sleeps):
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        early = collect(store, config, until=case.until)[0]
        assert early.total("posts_new") == case.posts_before_until
        assert searches(fake)[0].arg("until") is not None
        assert all(p.created_at.replace(tzinfo=UTC) < case.until for p in stored_posts(store).values())
        rest = collect(store, config)[0]
    assert rest.total("posts_new") == case.posts - case.posts_before_until


def test_a_claimed_time_after_indexing_is_not_trusted(lite, case, sleeps):
    store, build = lite
    now = datetime.now(UTC).replace(microsecond=0)
    future = make_post(
        now + timedelta(days=300), "St Thomas from the future", 70, indexed_at=now - timedelta(hours=1)
    )
    with FakeBluesky([future]) as fake:
        collect(store, build(source(fake, case)))
    (post,) = stored_posts(store).values()
    assert post.created_at.replace(tzinfo=UTC) == now - timedelta(hours=1)


def test_expired_access_token_is_refreshed_not_recreated(lite, case, sleeps, monkeypatch):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        collector = BlueskyCollector(config.sources[0], config)
        pages = collector.collect(STREAM, None, None)
        first_page = next(pages)
        fake.expire_tokens()
        rest = list(pages)
        collector.close()
        assert (fake.sessions_created, fake.refreshes) == (1, 1)
    assert len(first_page.posts) + sum(len(p.posts) for p in rest) == case.posts


def test_a_refused_refresh_logs_in_again(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        collector = BlueskyCollector(config.sources[0], config)
        pages = collector.collect(STREAM, None, None)
        first_page = next(pages)
        fake.expire_tokens()
        fake.refresh.clear()
        assert len(first_page.posts) + sum(len(p.posts) for p in pages) == case.posts
        collector.close()
        assert (fake.sessions_created, fake.refreshes) == (2, 0)


def test_one_session_serves_every_stream(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        collect(store, build(source(fake, case, queries=['"St Thomas"', "waited ages", "#GSTT"])))
        assert fake.sessions_created == 1
        assert {r.arg("q") for r in searches(fake)} == {'"St Thomas"', "waited ages", "#GSTT"}


def test_malformed_and_deleted_posts_are_skipped(lite, case, sleeps, caplog):
    caplog.set_level("INFO")
    store, build = lite
    with case.start() as fake:
        fake.add_malformed_item()
        recent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        fake.add(
            {
                "$type": "app.bsky.feed.defs#notFoundPost",
                "uri": "at://gone",
                "notFound": True,
                "record": {"text": "St Thomas", "createdAt": recent},
                "indexedAt": recent,
            }
        )
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert "skipped" in caplog.text and "sometime last week" in caplog.text
    assert "1 deleted or blocked" in caplog.text


def test_server_errors_are_retried_then_given_up(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        fake.fail_next(502)
        assert collect(store, config)[0].total("posts_new") == case.posts
        fake.fail_next(500, times=1000)
        before = fake.requests
        failed = collect(store, config)[0]
        used = fake.requests - before
    assert failed.status == "failed" and "500" in failed.streams[0].error
    assert used == 5  # createSession, then 1 + 3 retries


def test_rate_limit_waits_for_ratelimit_reset(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.fail_next(429, reset_after=20)
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts)
    assert len(sleeps) == 1 and 18 <= sleeps[0] <= 21


def test_rate_limit_beyond_max_wait_ends_the_stream(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        fake.fail_next(429, times=1000, reset_after=3600)
        result = collect(store, build(source(fake, case, max_wait=120)))[0]
        assert fake.requests == 2
    assert result.status == "rate_limited" and "max_wait (120s)" in result.streams[0].error and sleeps == []


def test_wrong_app_password_names_the_variable(lite, case, sleeps, monkeypatch):
    store, build = lite
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    with case.start() as fake:
        result = collect(store, build(source(fake, case)))[0]
    assert result.status == "failed"
    assert f"Bluesky refused the login for {HANDLE}" in result.streams[0].error
    assert PASSWORD_ENV in result.streams[0].error
    assert result.streams[0].counts.requests == 1  # the refused login was a request (it was counted as 0)


def test_revoked_session_is_an_authentication_error(lite, case, sleeps):
    store, build = lite
    with case.start() as fake:
        config = build(source(fake, case))
        collect(store, config)
        fake.reject_credentials()
        result = collect(store, config)[0]
    assert result.status == "failed" and PASSWORD_ENV in result.streams[0].error


def test_missing_secrets_name_their_variables(lite, case, sleeps, monkeypatch):
    store, build = lite
    monkeypatch.delenv(PASSWORD_ENV)
    with case.start() as fake:
        no_password = collect(store, build(source(fake, case)))[0]
        options = {k: v for k, v in source(fake, case).items() if k != "handle"}
        no_handle = collect(store, build({**options, "handle_env": "LISTENER_TEST_NO_SUCH_HANDLE"}))[0]
        assert fake.requests == 0
    assert f"set the environment variable {PASSWORD_ENV}" in no_password.streams[0].error
    assert "set the environment variable LISTENER_TEST_NO_SUCH_HANDLE" in no_handle.streams[0].error


def test_queries_come_from_the_organisations(lite):
    config = lite[1]({"name": "sky", "kind": "bluesky", "handle": HANDLE, "queries": ["#NHS", "#gstt"]})
    streams = BlueskyCollector(config.sources[0], config).streams()
    assert streams[:3] == [
        "\"Guy's and St Thomas' NHS Foundation Trust\"",
        '"St Thomas\' Hospital"',
        '"Guy\'s Hospital"',
    ]
    assert "#GSTT" in streams and "#NHS" in streams and "#gstt" not in streams
    assert '"Leeds General Infirmary"' in streams


def test_options_are_checked(lite):
    with pytest.raises(ConfigError) as error:
        lite[1]({"name": "sky", "kind": "bluesky", "handle": HANDLE, "password": "p", "page_size": 500})
    text = str(error.value)
    assert "sources[0].password: unknown key" in text and "sources[0].page_size" in text
    with pytest.raises(ConfigError) as error:
        lite[1]({"name": "sky", "kind": "bluesky", "handle": HANDLE, "app_password_env": "not a name"})
    assert "sources[0].app_password_env: expected the name of an environment variable" in str(error.value)
    with pytest.raises(ConfigError) as error:
        lite[1]({"name": "sky", "kind": "bluesky", "handle": HANDLE, "handle_env": "X"})
    assert 'exactly one of "handle" or "handle_env"' in str(error.value)


def test_fake_posts_have_the_recorded_shape():
    real = recorded_payload("bluesky_searchPosts_envelope_with_real_postView.json")["body"]
    fake = make_post(datetime.now(UTC), "text", 1)
    assert set(real) == {"cursor", "hitsTotal", "posts"}
    assert set(fake) == set(real["posts"][0])
    assert set(fake["author"]) == set(real["posts"][0]["author"])
    assert set(real["posts"][0]["record"]) >= set(fake["record"])


def test_a_search_that_stops_giving_cursors_is_asked_again_for_older_posts(store, make_config, case, sleeps):
    """searchPosts may stop paging before the end of its results (its lexicon says so): a full page without a
    cursor is followed by the same search for posts older than the oldest read, so none is missed."""
    with case.start() as fake:
        fake.result_window = 2  # every query pages through 2 hits at most
        result = collect(store, make_config(sources_yaml(source(fake, case))))[0]
        calls = searches(fake)
    assert (result.status, result.total("posts_new")) == (
        "ok",
        5,
    )  # as many as a search that pages to the end
    assert calls[0].arg("until") is None and calls[1].arg("until") is not None
    assert all(c.arg("cursor") is None for c in calls)


def test_a_post_indexed_late_is_found_by_the_next_run(store, make_config, case, sleeps):
    """searchPosts filters on sortAt, the earlier of a post's claimed and indexed times: a post the search index
    took in after a run can be older than that run's newest post, and must not fall behind the cursor."""
    with case.start() as fake:
        config = make_config(sources_yaml(source(fake, case)))
        collect(store, config)
        with store.transaction() as session:
            saved = load_cursor(session, "sky", STREAM)
        newest = datetime.fromisoformat(saved["since"].replace("Z", "+00:00"))
        late = make_post(newest - timedelta(minutes=2), "Lovely nurses at St Thomas'", 61)
        late["indexedAt"] = bluesky._iso(datetime.now(UTC))  # indexed after the first run
        fake.add(late)
        second = collect(store, config)[0]
        third = collect(store, config)[0]
        asked = searches(fake)[-1].arg("since")
        with store.transaction() as session:
            after = load_cursor(session, "sky", STREAM)
    assert second.total("posts_new") == 1 and third.total("posts_new") == 0
    assert asked == bluesky._iso(newest - timedelta(minutes=15))  # the default overlap
    assert after == saved  # the late post is older than the cursor, which never moves back


def test_a_web_page_refusing_search_is_not_blamed_on_the_app_password(lite, case, sleeps):
    """A proxy's HTML 403 (search switched off or blocked) says to check service_url, not the password."""
    store, build = lite
    with case.start() as fake:
        fake.answer_instead(
            lambda request: request.path.endswith("searchPosts"),
            lambda _: Reply(403, "<html><body>Forbidden</body></html>", content_type="text/html"),
        )
        (result,) = collect(store, build(source(fake, case)))
    error = result.streams[0].error
    assert result.failed and "HTTP 403 and a web page" in error and "service_url" in error
    assert "app password" not in error


def test_posts_with_impossible_times_or_odd_langs_are_skipped_or_mended(lite, case, sleeps, caplog):
    store, build = lite
    recent = datetime.now(UTC) - timedelta(hours=1)
    with case.start() as fake:
        odd_time = make_post(
            recent, "St Thomas' at the end of time", 80, createdAt="9999-12-31T23:59:59-05:00"
        )
        fake.add(odd_time, make_post(recent, "St Thomas' in English", 81, langs="en"))
        result = collect(store, build(source(fake, case)))[0]
    assert (result.status, result.total("posts_new")) == ("ok", case.posts + 1)
    assert f"post {odd_time['uri']} skipped" in caplog.text
    assert {p.lang for p in stored_posts(store).values()} == {"en", None}


def test_the_cursor_remembers_every_post_at_its_newest_instant_and_never_moves_back():
    """Bluesky's and Reddit's cursor: the newest time stored and the ids of all posts at that very instant, so an
    inclusive ``since`` next run neither reads them as new nor loses a post sharing the instant."""
    newest = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    mark = Watermark(newest - timedelta(hours=1), {"saved"})
    for native_id, at in [("b", newest), ("c", newest - timedelta(minutes=5)), ("a", newest)]:
        mark.see(CollectedPost("bluesky", native_id, "text", at))
    assert (mark.time, mark.seen()) == (newest, ["a", "b"])
    mark.see(CollectedPost("bluesky", "old", "text", newest - timedelta(days=1)))
    assert (mark.time, mark.seen()) == (newest, ["a", "b"])

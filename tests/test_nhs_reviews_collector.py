"""kind: nhs_reviews against a local fake of the NHS website Ratings and Reviews API: one stream per
organisation, reviews as source mentions, the lookback window, a clear message for a refused key. Every
scenario runs twice; the second run adds nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fakes.nhs_reviews_api import KEY, NhsReviewsServer, review

from listener.collectors.nhs_reviews import NhsReviewsCollector
from listener.collectors.runner import collect
from listener.errors import AuthenticationError
from listener.store.models import Cursor, Mention, Post

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setenv("NHS_WEBSITE_SUBSCRIPTION_KEY", KEY)
    monkeypatch.setattr("listener.collectors.http.sleep", lambda seconds: None)
    server = NhsReviewsServer().start()
    yield server
    server.stop()


def source(api, **extra) -> str:
    options = "".join(f"\n    {key}: {json.dumps(value)}" for key, value in extra.items())
    return f"sources:\n  - name: nhs\n    kind: nhs_reviews\n    base_url: {api.base_url}/comments\n    limit: 2{options}\n"


def seed(api, code: str, count: int, start: datetime = NOW - timedelta(days=2)) -> None:
    for n in range(count):
        number = len(api.reviews) + 1
        api.add(
            review(
                f"r{number}",
                code,
                f"Review {number}",
                f"Friendly reception staff ({number})",
                start + timedelta(hours=n),
            )
        )


def twice(store, config):
    first, second = collect(store, config)[0], collect(store, config)[0]
    assert not first.failed and not second.failed, (first, second)
    assert second.total("posts_new") == 0
    return first, second


def test_each_organisation_is_a_stream_and_reviews_mention_it(store, make_config, api):
    seed(api, "RJ121", 3)
    seed(api, "RR8", 2)
    seed(api, "RXX01", 1)  # another organisation: never asked for
    first, _ = twice(store, make_config(source(api)))
    assert [s.stream for s in first.streams] == ["RJ1", "RR8"]
    assert first.total("posts_new") == 5
    with store.transaction() as session:
        rows = session.execute(
            sa.select(Post.native_id, Mention.org_code, Mention.method).join(Post, Post.id == Mention.post_id)
        )
        found = sorted(tuple(r) for r in rows)
        post = session.scalar(sa.select(Post).where(Post.native_id == "r1"))
    assert found == [
        ("r1", "RJ1", "source"),
        ("r2", "RJ1", "source"),
        ("r3", "RJ1", "source"),
        ("r4", "RR8", "source"),
        ("r5", "RR8", "source"),
    ]
    assert post.platform == "nhs_website" and post.text == "Review 1\n\nFriendly reception staff (1)"
    assert post.created_at == NOW - timedelta(days=2)  # "2026-...T..:..:.." without an offset is UTC
    assert post.url.endswith("#r1")
    request = api.requests[0]
    assert request.header("subscription-key") == KEY
    assert request.query["api-version"] == "1.0" and request.query["status"] == "published"
    assert (
        request.query["odsCode"] == "RJ1"
        and request.query["fromDate"] == (NOW - timedelta(days=30)).date().isoformat()
    )


def test_the_cursor_is_saved_after_the_last_page_and_the_window_is_read_again(store, make_config, api):
    seed(api, "RJ1", 3)
    config = make_config(source(api, organisations=["RJ1"], lookback="3d", org_type="tru"))
    twice(store, config)
    with store.transaction() as session:
        cursor = session.scalar(sa.select(Cursor.value))
    newest = NOW - timedelta(days=2) + timedelta(hours=2)
    assert cursor == {"newest": newest.isoformat()}
    assert api.requests[-1].query["fromDate"] == (newest - timedelta(days=3)).date().isoformat()
    assert api.requests[-1].query["orgType"] == "TRU"
    # a review written before the newest one but published (moderated) later still arrives
    api.add(review("late", "RJ1", "Late", "Moderated late", newest - timedelta(days=1)))
    assert collect(store, config)[0].total("posts_new") == 1


def test_refused_key_is_a_clear_authentication_error(store, make_config, api, monkeypatch):
    seed(api, "RJ1", 1)
    monkeypatch.setenv("NHS_WEBSITE_SUBSCRIPTION_KEY", "wrong")
    config = make_config(source(api, organisations=["RJ1"]))
    collector = NhsReviewsCollector(config.source("nhs"), config)
    with pytest.raises(AuthenticationError) as raised:
        list(collector.collect("RJ1", None, None))
    message = str(raised.value)
    assert "HTTP 401" in message and "Access denied due to invalid subscription key" in message
    assert "NHS_WEBSITE_SUBSCRIPTION_KEY" in message and "wrong" not in message
    for _ in range(2):
        assert collect(store, config)[0].failed


def test_bad_reviews_are_skipped_and_logged(store, make_config, api, caplog):
    seed(api, "RJ1", 2)
    api.add(
        {"comment": {"odsCode": "RJ1", "title": "no id", "dateSubmitted": NOW.isoformat()}},
        {"response": None},
    )
    first, _ = twice(store, make_config(source(api, organisations=["RJ1"])))
    assert first.total("posts_new") == 2
    assert "skipped: no commentId" in caplog.text
    assert "skipped: expected an object with a 'comment'" in caplog.text


def test_until_holds_reviews_back_for_the_next_run(store, make_config, api):
    seed(api, "RJ1", 4)
    config = make_config(source(api, organisations=["RJ1"]))
    until = NOW - timedelta(days=2) + timedelta(hours=2)
    assert collect(store, config, until=until)[0].total("posts_new") == 2
    assert collect(store, config, until=until)[0].total("posts_new") == 0
    first, _ = twice(store, config)
    assert first.total("posts_new") == 2


def compliance(config, *args: str):
    from click.testing import CliRunner

    from listener.cli import cli

    return CliRunner().invoke(cli, ["--config", str(config.path), "compliance", *args])


def test_reviews_removed_by_moderation_are_deleted_for_good(store, make_config, api):
    """The API lists reviews taken down after publication (``status=removed``): `listener compliance` deletes
    them with their mentions, and a tombstone keeps them out if they are served again."""
    from listener.store.models import ComplianceCheck, Tombstone

    seed(api, "RJ121", 3)
    seed(api, "RR8", 2)
    config = make_config(source(api))
    collect(store, config)
    api.remove("r2", "r5")
    api.add(review("r9", "RJ1", "Never stored", "Removed before we read it", NOW - timedelta(days=1)))
    api.remove("r9")
    done = compliance(config, "nhs_reviews")
    assert done.exit_code == 0, done.output
    assert "2 deleted" in done.output and "5 stored NHS website posts checked" in done.output
    asked = [r.query for r in api.requests if r.query.get("status") == "removed"]
    assert {q["odsCode"] for q in asked} == {"RJ1", "RR8"}
    with store.transaction() as session:
        assert set(session.scalars(sa.select(Post.native_id))) == {"r1", "r3", "r4"}
        assert session.scalar(sa.select(sa.func.count()).select_from(Mention)) == 3
        assert session.scalar(sa.select(sa.func.count()).select_from(Tombstone)) == 2
        check = session.scalars(sa.select(ComplianceCheck)).one()
        assert (check.status, check.posts_deleted) == ("ok", 2)
    for item in api.reviews:  # served as published again (moderation reversed in error): never stored again
        item["comment"]["status"] = "published"
    assert collect(store, config)[0].total("posts_new") == 1  # r9 only: it was never stored, so not removed


def test_a_removal_check_that_fails_deletes_nothing(store, make_config, api):
    seed(api, "RJ1", 2)
    config = make_config(source(api, organisations=["RJ1"]))
    collect(store, config)
    api.remove("r1")
    api.set_failure("server_error")
    done = compliance(config, "nhs_reviews")
    assert done.exit_code == 1 and "503" in done.output
    with store.transaction() as session:
        assert set(session.scalars(sa.select(Post.native_id))) == {"r1", "r2"}

"""`listener compliance mastodon` against a fake instance: what counts as gone, and what never deletes.

test_deletions.py runs the checks every platform shares (deleted posts vanish for good, a check that cannot
finish changes nothing); these are Mastodon's own cases.
"""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner
from fakes.mastodon_api import FakeMastodon, make_account, make_status, native_id, scenario
from fakes.social_fake import Reply
from fakes.social_fixtures import lite, post_state, sleeps, source_yaml, stored_posts, use_case  # noqa: F401

from listener.cli import cli
from listener.collectors.runner import collect
from listener.store.models import ComplianceCheck, Tombstone

NOW = datetime.now(UTC).replace(microsecond=0)
STATUS_PATH = "/api/v1/statuses/"


def local_statuses(fake: FakeMastodon, count: int) -> list[dict]:
    statuses = [
        fake.local_status(
            NOW - timedelta(minutes=5 * (n + 1)), f"St Thomas' Hospital ({n})", ["GSTT"], sequence=n
        )
        for n in range(count)
    ]
    fake.add(*statuses)
    return statuses


def source(fake: FakeMastodon, **extra) -> dict:
    return {"name": "fedi", "kind": "mastodon", **scenario().options(fake.url), "lookback": "7d", **extra}


def compliance(config):
    return CliRunner().invoke(cli, ["--config", str(config.path), "compliance", "mastodon"])


def last_check(store) -> ComplianceCheck:
    with store.transaction() as session:
        return session.scalars(sa.select(ComplianceCheck).order_by(ComplianceCheck.id.desc())).first()


def test_a_status_no_longer_public_is_gone_even_to_a_follower(store, make_config, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    with FakeMastodon() as fake:
        statuses = local_statuses(fake, 4)
        config = make_config(source_yaml(source(fake)))
        collect(store, config)
        private, direct, unlisted = statuses[0], statuses[1], statuses[2]
        fake.followed.add(private["account"]["id"])  # so the instance shows it, marked private
        private["visibility"], direct["visibility"], unlisted["visibility"] = "private", "direct", "unlisted"
        done = compliance(config)
        answers = [r for r in fake.log if r.path.startswith(STATUS_PATH)]
    assert done.exit_code == 0, done.output
    assert "4 stored Mastodon posts checked, 2 still on Mastodon, 2 deleted, 4 requests" in done.output
    assert set(stored_posts(store)) == {native_id(unlisted), native_id(statuses[3])}
    assert all(r.headers.get("authorization") for r in answers)  # the source's token, on its own instance
    with store.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Tombstone)) == 2


def test_a_timeout_during_the_check_deletes_nothing_and_is_reported(store, make_config, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    with FakeMastodon() as fake:
        statuses = local_statuses(fake, 3)
        config = make_config(source_yaml(source(fake, timeout=0.2, max_retries=1)))
        collect(store, config)
        fake.delete(statuses[0]["id"])
        fake.delay_next(1.0, times=2)  # the first status lookup times out, and its one retry too
        done = compliance(config)
    assert done.exit_code == 1, done.output
    assert "fedi: failed, 0 stored Mastodon posts checked" in done.output
    assert "failed 2 times" in done.output and "giving up" in done.output
    assert len(stored_posts(store)) == 3
    check = last_check(store)
    assert (check.status, check.posts_deleted) == ("failed", 0) and "timed out" in check.error


def test_posts_from_servers_the_source_does_not_read_stay_unchecked(lite, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    store, build = lite
    with FakeMastodon() as fake:
        local = local_statuses(fake, 2)
        elsewhere = make_account(5, "other.example", acct="user5@other.example")
        remote = make_status(
            NOW - timedelta(hours=1), "St Thomas' Hospital", ["GSTT"], sequence=5, account=elsewhere
        )
        remote["uri"] = remote["uri"].replace("localhost", "other.example")
        odd = fake.local_status(NOW - timedelta(hours=2), "St Thomas' Hospital", ["GSTT"], sequence=6)
        odd["uri"] = f"http://{fake.host}/objects/6f1c2a"  # not Mastodon's shape: its id cannot be told
        fake.add(remote, odd)
        config = build(source(fake))
        collect(store, config)
        fake.delete(local[0]["id"], remote["id"], odd["id"])
        done = compliance(config)
        asked = [r.path for r in fake.log if r.path.startswith(STATUS_PATH)]
        odd_key = f"{fake.host}/uri-sha256:" + hashlib.sha256(odd["uri"].encode()).hexdigest()[:32]
    assert done.exit_code == 0, done.output
    assert "2 stored Mastodon posts checked, 1 still on Mastodon, 1 deleted, 2 requests" in done.output
    assert "2 not checked" in done.output
    assert sorted(asked) == sorted(STATUS_PATH + s["id"] for s in local)  # one request per checked post
    assert set(stored_posts(store)) == {native_id(local[1]), "other.example/" + remote["id"], odd_key}
    assert last_check(store).posts_checked == 2


def test_a_404_that_is_not_mastodons_answer_deletes_nothing(lite, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    store, build = lite
    with FakeMastodon() as fake:
        local_statuses(fake, 2)
        config = build(source(fake))
        collect(store, config)
        fake.answer_instead(  # a proxy in front of the instance that has lost the API
            lambda request: request.path.startswith(STATUS_PATH),
            lambda _: Reply(404, "<html><body>Not Found</body></html>", content_type="text/html"),
        )
        done = compliance(config)
    assert done.exit_code == 1 and "404" in done.output, done.output
    assert len(stored_posts(store)) == 2 and last_check(store).posts_deleted == 0


def test_a_rate_limit_is_waited_out_as_collection_does(lite, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    store, build = lite
    with FakeMastodon() as fake:
        statuses = local_statuses(fake, 3)
        config = build(source(fake))
        collect(store, config)
        fake.delete(statuses[1]["id"])
        fake.fail_next(429, reset_after=30)
        done = compliance(config)
    assert done.exit_code == 0, done.output
    assert "3 stored Mastodon posts checked, 2 still on Mastodon, 1 deleted, 4 requests" in done.output
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31  # the reset the instance announced
    assert set(stored_posts(store)) == {native_id(statuses[0]), native_id(statuses[2])}


def test_a_410_counts_as_gone(lite, monkeypatch, sleeps):
    use_case(scenario(), monkeypatch)
    store, build = lite
    with FakeMastodon() as fake:
        statuses = local_statuses(fake, 2)
        config = build(source(fake))
        collect(store, config)
        fake.answer_instead(
            lambda request: request.path == STATUS_PATH + statuses[0]["id"],
            lambda _: Reply(410, {"error": "Gone"}),
        )
        done = compliance(config)
    assert done.exit_code == 0 and "1 deleted" in done.output, done.output
    assert set(stored_posts(store)) == {native_id(statuses[1])}


def test_an_edit_made_after_the_overlap_is_followed_by_the_daily_check(
    store, make_config, monkeypatch, sleeps
):
    """A status edited two days after it was collected is long past the overlap collection re-reads: the
    daily check, which asks for every stored status anyway, stores its new text (redacted as at collection),
    and it is matched to the organisation it now names and scored again. Unedited posts are left as they were,
    deleted ones are still removed, and no request is added."""
    use_case(scenario(), monkeypatch)
    two_days_ago = NOW - timedelta(days=2)
    with FakeMastodon() as fake:
        edited, unedited, deleted = (
            fake.local_status(two_days_ago + timedelta(minutes=n), text, ["NHS"], sequence=n)
            for n, text in enumerate(
                [
                    "Lovely staff at St Thomas' Hospital, thank you so much",
                    "Great care at St Thomas' Hospital",
                    "St Thomas' Hospital again",
                ]
            )
        )
        recent = fake.local_status(
            NOW - timedelta(minutes=5), "St Thomas' Hospital today", ["NHS"], sequence=3
        )
        fake.add(edited, unedited, deleted, recent)
        config = make_config(source_yaml(source(fake, hashtags=["NHS"])))
        collect(store, config)
        assert CliRunner().invoke(cli, ["--config", str(config.path), "score"]).exit_code == 0
        before = post_state(store)
        fake.edit(edited["id"], "Rude staff at Leeds General Infirmary, call me on 07700 900123")
        fake.delete(deleted["id"])
        collect(store, config)  # the overlap reaches back an hour, not two days
        assert post_state(store)[native_id(edited)] == before[native_id(edited)]
        done = compliance(config)
        again = compliance(config)
        asked = [r.path for r in fake.log if r.path.startswith(STATUS_PATH)]
    assert done.exit_code == 0, done.output
    assert (
        "4 stored Mastodon posts checked, 3 still on Mastodon, 1 deleted, 1 edited, 4 requests" in done.output
    )
    assert "edited" not in again.output  # the stored text is the current one now
    assert len(asked) == 4 + 3  # one request per stored status, as before: the edit came with the answer
    after = post_state(store)
    assert native_id(deleted) not in after
    assert after[native_id(unedited)] == before[native_id(unedited)]
    text, match_key, _, _, scorings = after[native_id(edited)]
    assert text == "Rude staff at Leeds General Infirmary, call me on [phone] #NHS"
    assert (match_key, scorings) == (None, ())  # pending for matching and every scorer
    assert CliRunner().invoke(cli, ["--config", str(config.path), "score"]).exit_code == 0
    rescored = post_state(store)
    assert before[native_id(edited)][2:4] == (("RJ1",), "positive")
    assert rescored[native_id(edited)][2:4] == (("RR8",), "negative")
    assert rescored[native_id(edited)][4] and rescored[native_id(edited)][1]
    assert rescored[native_id(unedited)] == before[native_id(unedited)]
    with store.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Tombstone)) == 1


def test_an_unlisted_edit_is_followed_and_an_unreadable_one_changes_nothing(lite, monkeypatch, sleeps):
    """A status made unlisted is still kept, so its edit is followed too; an edit that cannot be read as the
    stored post leaves the stored text as it was and does not fail the check."""
    use_case(scenario(), monkeypatch)
    store, build = lite
    with FakeMastodon() as fake:
        unlisted, broken = local_statuses(fake, 2)
        config = build(source(fake))
        collect(store, config)
        before = {n: p.text for n, p in stored_posts(store).items()}
        fake.edit(unlisted["id"], "Now at Leeds General Infirmary")
        unlisted["visibility"] = "unlisted"
        fake.edit(broken["id"], "Edited, but served with no time")
        broken["created_at"] = "not a time"
        done = compliance(config)
    assert done.exit_code == 0, done.output
    assert "2 still on Mastodon, 0 deleted, 1 edited, 2 requests" in done.output
    after = {n: p.text for n, p in stored_posts(store).items()}
    assert after[native_id(unlisted)] == "Now at Leeds General Infirmary #GSTT"
    assert after[native_id(broken)] == before[native_id(broken)]

"""`listener compliance reddit` against a fake Reddit: edits the check finds.

test_deletions.py runs the checks every platform shares (deleted posts vanish for good, a check that cannot
finish changes nothing); these are Reddit's own cases.
"""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from fakes.reddit_api import FakeReddit, make_submission, scenario
from fakes.social_fixtures import lite, post_state, sleeps, source_yaml, stored_posts, use_case  # noqa: F401

from listener.cli import cli
from listener.collectors.runner import collect

NOW = datetime.now(UTC).replace(microsecond=0)


def source(fake: FakeReddit) -> dict:
    return {"name": "rd", "kind": "reddit", **scenario().options(fake.url), "page_size": 100}


def cli_run(config, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config.path), *args])


def info_requests(fake: FakeReddit) -> list:
    return [r for r in fake.log if r.path.startswith("/api/info")]


def test_an_edit_is_followed_by_the_daily_check(store, make_config, monkeypatch, sleeps):
    """A post edited two days after it was collected, long past the hour collection reads again: the daily
    check's lookup already carries its current text, so the stored text becomes it (redacted as at
    collection), and the post is matched to the organisation it now names and scored again. Unedited posts
    are left as they were, deleted ones are still removed, and no request is added."""
    use_case(scenario(), monkeypatch)
    two_days_ago = NOW - timedelta(days=2)
    edited, unedited, deleted = (
        make_submission(two_days_ago + timedelta(minutes=n), f"St Thomas' Hospital ({n})", n, selftext=body)
        for n, body in enumerate(["Lovely staff, thank you so much", "Great care", "Long wait"])
    )
    recent = make_submission(NOW - timedelta(minutes=5), "St Thomas' Hospital today", 3)
    with FakeReddit([edited, unedited, deleted, recent]) as fake:
        config = make_config(source_yaml(source(fake)))
        collect(store, config)
        assert cli_run(config, "score").exit_code == 0
        before = post_state(store)
        fake.edit(
            edited["name"], "Sent on to Leeds General Infirmary, rude staff there, call me on 07700 900123"
        )
        fake.delete(deleted["name"], by="author")
        collect(store, config)  # reads again from an hour before the newest post stored, not two days
        assert post_state(store)[edited["name"]] == before[edited["name"]]
        done = cli_run(config, "compliance", "reddit")
        again = cli_run(config, "compliance", "reddit")
        lookups = info_requests(fake)
    assert done.exit_code == 0, done.output
    assert "4 stored Reddit posts checked, 3 still on Reddit, 1 deleted, 1 edited, 2 requests" in done.output
    assert "edited" not in again.output  # the stored text is the current one now
    assert len(lookups) == 2  # one lookup per check (the other request is the token): the edit came with it
    after = post_state(store)
    assert deleted["name"] not in after
    assert after[unedited["name"]] == before[unedited["name"]]
    text, match_key, _, _, scorings = after[edited["name"]]
    assert (
        text
        == "St Thomas' Hospital (0)\n\nSent on to Leeds General Infirmary, rude staff there, call me on [phone]"
    )
    assert (match_key, scorings) == (None, ())  # pending for matching and every scorer
    assert cli_run(config, "score").exit_code == 0
    rescored = post_state(store)
    assert before[edited["name"]][2] == ("RJ1",)
    assert rescored[edited["name"]][2] == ("RJ1", "RR8")
    assert rescored[edited["name"]][4] and rescored[edited["name"]][1]
    assert rescored[unedited["name"]] == before[unedited["name"]]


def test_collection_follows_an_edit_it_reads_again(lite, monkeypatch, sleeps):
    """A post edited within the hour before the newest one stored is read again by the next run (the overlap):
    its stored text becomes the new one there and then."""
    use_case(scenario(), monkeypatch)
    store, build = lite
    post = make_submission(NOW - timedelta(minutes=30), "A&E at St Thomas'", 1, selftext="Long wait")
    newest = make_submission(NOW - timedelta(minutes=5), "St Thomas' again", 2)
    with FakeReddit([post, newest]) as fake:
        config = build(source(fake))
        collect(store, config)
        fake.edit(post["name"], "Long wait, but kind nurses")
        result = collect(store, config)[0]
    assert result.status == "ok" and result.total("posts_new") == 0
    assert stored_posts(store)[post["name"]].text == "A&E at St Thomas'\n\nLong wait, but kind nurses"


def test_an_unreadable_edit_changes_nothing(lite, monkeypatch, sleeps):
    """An edited post whose answer cannot be read as a post keeps its stored text and fails nothing."""
    use_case(scenario(), monkeypatch)
    store, build = lite
    post = make_submission(NOW - timedelta(days=2), "A&E at St Thomas'", 1, selftext="Long wait")
    with FakeReddit([post]) as fake:
        config = build(source(fake))
        collect(store, config)
        fake.edit(post["name"], "Edited, but served with no time")
        post["created_utc"] = "not a time"
        done = cli_run(config, "compliance", "reddit")
    assert done.exit_code == 0, done.output
    assert "1 still on Reddit, 0 deleted, 2 requests" in done.output
    assert stored_posts(store)[post["name"]].text == "A&E at St Thomas'\n\nLong wait"

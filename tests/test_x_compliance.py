"""`listener compliance x` and `listener status` against the fake X API: deletions cascade, budgets hold."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from listener.cli import cli
from listener.collectors.runner import collect
from listener.collectors.x import XCollector
from listener.compliance import check_x_posts
from listener.errors import UsageError
from listener.matching.runner import match_pending
from listener.scoring import scorer_names
from listener.scoring.runner import score_pending
from listener.store.models import ComplianceCheck, Mention, Post, Scoring, SentimentScore
from tests.fakes.x_api import TOKEN, FakeXApi, x_source_yaml


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setattr(XCollector, "sleep", staticmethod(lambda seconds: None))
    with FakeXApi() as server:
        yield server


def counts(store) -> dict[str, int]:
    """Rows per table; scores are counted per post (every configured scorer writes one row per post)."""
    with store.transaction() as session:
        found = {
            model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Post, Mention, Scoring, SentimentScore)
        }
    scorers = len(scorer_names())
    return found | {name: found[name] // scorers for name in ("scorings", "sentiment_scores")}


def collected(store, make_config, fake, posts=150, **options):
    ids = [fake.add_post(f"Thank you @GSTTnhs ({n})", f"patient{n}") for n in range(posts)]
    config = make_config(x_source_yaml(fake.base_url, **options))
    collect(store, config)
    match_pending(store, config)
    score_pending(store, config)
    return config, ids


def test_posts_x_no_longer_returns_are_deleted_with_their_mentions_and_scores(
    store, make_config, fake, caplog
):
    config, ids = collected(store, make_config, fake)
    assert counts(store) == {"posts": 150, "mentions": 150, "scorings": 150, "sentiment_scores": 150}
    fake.delete(ids[0])
    fake.delete(ids[120])
    fake.delete(ids[7], problem="not-authorized-for-resource")  # made protected
    fake.delete(ids[8], problem="operational-disconnect")  # not a sign the post is gone: kept
    mark = len(fake.served)
    result = check_x_posts(store, config)
    assert (result.status, result.checked, result.read, result.deleted, result.requests) == (
        "ok",
        150,
        146,
        3,
        2,
    )
    assert [len(s.params["ids"].split(",")) for s in fake.served[mark:]] == [100, 50]
    assert counts(store) == {"posts": 147, "mentions": 147, "scorings": 147, "sentiment_scores": 147}
    with store.transaction() as session:
        left = set(session.scalars(sa.select(Post.native_id)))
        check = session.scalars(sa.select(ComplianceCheck)).one()
    assert left == set(ids) - {ids[0], ids[120], ids[7]}
    assert (check.source, check.status, check.posts_checked, check.posts_read, check.posts_deleted) == (
        "x-search",
        "ok",
        150,
        146,
        3,
    )
    assert f"post {ids[8]} kept" in caplog.text
    again = check_x_posts(store, config)  # second run: nothing more to delete
    assert (again.status, again.checked, again.deleted) == ("ok", 147, 0)
    assert counts(store)["posts"] == 147


def test_lookups_count_against_the_monthly_budget(store, make_config, fake):
    config, _ = collected(store, make_config, fake, monthly_post_budget=200)  # collection read 150
    result = check_x_posts(store, config)
    assert result.status == "budget_exhausted" and "monthly_post_budget" in result.error
    assert (result.checked, result.requests, counts(store)["posts"]) == (0, 0, 150)


def test_the_commands_show_budgets_and_run_the_check(store, make_config, fake):
    config, ids = collected(store, make_config, fake, posts=30, monthly_post_budget=1000)
    fake.delete(ids[3])
    runner = CliRunner()
    status = runner.invoke(cli, ["--config", str(config.path), "status"])
    assert status.exit_code == 0, status.output
    assert "budget used: 30 of 1000 posts read this month (UTC), 3%" in status.output
    done = runner.invoke(cli, ["--config", str(config.path), "compliance", "x"])
    assert done.exit_code == 0, done.output
    assert "x-search: ok, 30 stored X posts checked, 29 still on X, 1 deleted, 1 requests" in done.output
    status = runner.invoke(cli, ["--config", str(config.path), "status"])
    assert "59 of 1000 posts read this month" in status.output  # lookups are billed too


def test_the_check_needs_to_know_which_x_source_to_use(make_config, fake):
    two = make_config(
        x_source_yaml(fake.base_url, name="a") + x_source_yaml(fake.base_url, name="b")[len("sources:\n") :]
    )
    with pytest.raises(UsageError, match="X sources in config: a, b"):
        check_x_posts(None, two)
    with pytest.raises(UsageError, match="not x"):
        check_x_posts(None, make_config("sources:\n  - {name: files, kind: file, path: x.jsonl}\n"), "files")


def test_posts_withheld_in_the_uk_are_deleted_and_others_kept(store, make_config, fake):
    config, ids = collected(store, make_config, fake, posts=4)
    fake.withhold(ids[0], ["GB"])
    fake.withhold(ids[1], ["DE", "FR"])  # not withheld here: kept
    fake.withhold(ids[2], [], copyright=True)
    result = check_x_posts(store, config)
    assert (result.status, result.checked, result.read, result.deleted) == ("ok", 4, 4, 2)
    with store.transaction() as session:
        left = set(session.scalars(sa.select(Post.native_id)))
    assert left == {ids[1], ids[3]}


def test_an_imported_post_whose_id_x_would_refuse_leaves_the_others_checked(
    store, make_config, fake, tmp_path
):
    """X refuses a whole lookup (400) for one id that is not a post id, as an export edited in a spreadsheet
    has ("1.58E+18"): that batch failed every daily check and no later post was ever checked."""
    ids = [fake.add_post(f"Thank you @GSTTnhs ({n})", f"patient{n}") for n in range(3)]
    export = tmp_path / "export.jsonl"
    rows = [
        {"id": i, "text": f"Thank you @GSTTnhs ({n})", "created_at": "2026-01-05T10:00:00Z"}
        for n, i in enumerate(ids)
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows))
    files = f"  - {{name: export, kind: file, path: {export}, platform: x}}\n"
    config = make_config(x_source_yaml(fake.base_url) + files)
    collect(store, config, ["export"])
    with store.transaction() as session:  # as file imports stored it before they refused such ids
        created = datetime(2026, 1, 5, 10, tzinfo=UTC)
        session.add(
            Post(platform="x", native_id="1.58E+18", source="export", text="Thanks", created_at=created)
        )
    fake.delete(ids[1])
    result = check_x_posts(store, config)
    assert (result.status, result.checked, result.unchecked, result.deleted) == ("ok", 3, 1, 1), result.error
    with store.transaction() as session:
        assert set(session.scalars(sa.select(Post.native_id))) == {"1.58E+18", ids[0], ids[2]}


def stored_post(store, native_id: str) -> Post:
    with store.transaction() as session:
        post = session.scalars(sa.select(Post).where(Post.native_id == native_id)).one()
        session.expunge(post)
        return post


def test_a_lookup_answered_with_the_newest_version_follows_the_edit_and_deletes_nothing(
    store, make_config, fake
):
    """X's Post lookup pages say the endpoint "always returns the most recent version": asked for an edited
    post's first id, X then answers with a post of another id, the newest version's. The check took the first
    id for gone and deleted every post edited after it was collected; it is the same post, whose stored text
    now becomes the newest version's (redacted as at collection), to be matched and scored again, at no extra
    read."""
    config, ids = collected(store, make_config, fake, posts=3)
    fake.lookup_serves_newest = True
    fake.edit(ids[0], "Rude staff at Leeds General Infirmary, call me on 07700 900123")
    mark = len(fake.served)
    result = check_x_posts(store, config)
    asked = [s.params["ids"].split(",") for s in fake.served[mark:]]
    assert (result.status, result.checked, result.read, result.deleted, result.edited, result.requests) == (
        "ok",
        3,
        3,
        0,
        1,
        1,
    ), result.error
    assert [sorted(a) for a in asked] == [sorted(ids)]  # the stored ids, once each: no read was added
    post = stored_post(store, ids[0])
    assert post.text == "Rude staff at Leeds General Infirmary, call me on [phone]"
    assert post.match_key is None
    assert counts(store) == {"posts": 3, "mentions": 3, "scorings": 2, "sentiment_scores": 3}
    again = check_x_posts(store, config)
    assert (again.deleted, again.edited) == (0, 0)  # the stored text is the newest one now


def test_a_lookup_answered_with_the_version_asked_for_names_the_edit_and_adds_no_read(
    store, make_config, fake, caplog
):
    """X's Edit Posts page says a lookup by id returns that very version: asked for the first id, X answers
    with the first text, and only the chain of ids says a newer version exists. Its text would cost another
    read per post (X bills every post it returns), so the check keeps the stored text, deletes nothing, and
    logs how many stored posts X shows were edited."""
    config, ids = collected(store, make_config, fake, posts=3)
    first_text = stored_post(store, ids[0]).text
    fake.edit(ids[0], "Edited to leave the hospital out")  # search no longer finds it
    mark = len(fake.served)
    with caplog.at_level(logging.INFO, logger="listener.collectors.x"):
        result = check_x_posts(store, config)
    asked = [s.params["ids"].split(",") for s in fake.served[mark:]]
    assert (result.status, result.read, result.deleted, result.edited, result.requests) == ("ok", 3, 0, 0, 1)
    assert [sorted(a) for a in asked] == [sorted(ids)]
    assert stored_post(store, ids[0]).text == first_text
    assert "1 stored X posts were edited on X" in caplog.text

"""`listener compliance bluesky|reddit|mastodon` against the fakes: posts deleted on the platform leave the store for good."""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fakes import bluesky_api, mastodon_api, reddit_api
from fakes.social_fixtures import lite, sleeps, source_yaml  # noqa: F401

from listener.cli import cli
from listener.collectors.runner import collect
from listener.errors import UsageError
from listener.matching.runner import match_pending
from listener.retention import purge
from listener.scheduler import Jobs, build_scheduler
from listener.scoring import scorer_names
from listener.scoring.runner import score_pending
from listener.store.models import ComplianceCheck, Mention, Post, Scoring, SentimentScore, Tombstone

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Platform:
    """A fake platform seeded with posts about St Thomas' Hospital, and a source that reads them all."""

    kind: str
    fake: object
    ids: list[str]

    def source(self, name: str | None = None) -> dict:
        options = OPTIONS[self.kind](self.fake.url)
        page_size = 40 if self.kind == "mastodon" else 100  # the most each API allows
        return {"name": name or self.kind, "kind": self.kind, **options, "page_size": page_size}

    def undelete(self) -> None:
        """Serve the deleted posts in search again, as a search index that lags behind deletions does."""
        if self.kind == "bluesky":
            self.fake.deleted.clear()
            self.fake.deactivated.clear()
            for post in self.fake.posts:
                post["author"]["labels"] = []
        elif self.kind == "mastodon":
            self.fake.deleted.clear()
            for status in self.fake.statuses:
                status["visibility"] = "public"
                status["account"]["noindex"] = False
        else:
            self.fake.purged.clear()
            for post in self.fake.posts:
                post.pop("removed_by_category", None)
                post.update(author="redditor", selftext="Long wait.", over_18=False)

    def lookups(self) -> list[list[str]]:
        """The ids each deletion check request asked about, in order."""
        if self.kind == "bluesky":
            return [r.query["uris"] for r in self.fake.log if r.path.endswith("getPosts")]
        if self.kind == "mastodon":
            keys = {s["id"]: mastodon_api.native_id(s) for s in self.fake.statuses}
            return [[keys[r.path.rsplit("/", 1)[1]]] for r in self.fake.log if r.path.startswith(STATUS_PATH)]
        return [r.arg("id").split(",") for r in self.fake.log if r.path.startswith("/api/info")]


def bluesky_options(url: str) -> dict:
    return {**bluesky_api.scenario().options(url), "lookback": "7d"}


def reddit_options(url: str) -> dict:
    return reddit_api.scenario().options(url)


def mastodon_options(url: str) -> dict:
    return {**mastodon_api.scenario().options(url), "lookback": "7d"}


OPTIONS = {"bluesky": bluesky_options, "reddit": reddit_options, "mastodon": mastodon_options}
STATUS_PATH = "/api/v1/statuses/"


def seeded(kind: str, posts: int) -> Platform:
    times = [NOW - timedelta(minutes=5 * (n + 1)) for n in range(posts)]
    if kind == "bluesky":
        items = [
            bluesky_api.make_post(t, f"Waited ages at St Thomas' Hospital ({n})", n)
            for n, t in enumerate(times)
        ]
        return Platform(kind, bluesky_api.FakeBluesky(items), [p["uri"] for p in items])
    if kind == "mastodon":
        fake = mastodon_api.FakeMastodon().start()  # a status's URI names its instance: known once it listens
        items = [
            fake.local_status(t, f"Waited ages at St Thomas' Hospital ({n})", ["GSTT"], sequence=n)
            for n, t in enumerate(times)
        ]
        fake.add(*items)
        return Platform(kind, fake, [mastodon_api.native_id(s) for s in items])
    items = [
        reddit_api.make_submission(t, f"A&E at St Thomas' Hospital ({n})", n, selftext="Long wait.")
        for n, t in enumerate(times)
    ]
    return Platform(kind, reddit_api.FakeReddit(items), [p["name"] for p in items])


def credentials(monkeypatch) -> None:
    for case in (bluesky_api.scenario(), reddit_api.scenario(), mastodon_api.scenario()):
        for name, value in case.env.items():
            monkeypatch.setenv(name, value)


@pytest.fixture(params=["bluesky", "reddit", "mastodon"])
def platform(request, monkeypatch, sleeps):
    credentials(monkeypatch)
    built = seeded(request.param, 30)
    with built.fake:
        yield built


def delete_some(platform: Platform) -> set[str]:
    """Delete posts on the platform in each way it has; return their ids."""
    fake, ids = platform.fake, platform.ids
    if platform.kind == "bluesky":
        fake.delete(ids[0])
        fake.deactivate(f"did:plc:author{7:020d}")  # the author of post 7 left Bluesky
        opt_out = {"src": fake.posts[20]["author"]["did"], "val": bluesky_api.OPT_OUT, "cts": NOW.isoformat()}
        fake.posts[20]["author"]["labels"] = [opt_out]  # still served, but its author opted out since
        return {ids[0], ids[7], ids[20]}
    if platform.kind == "mastodon":
        statuses = {mastodon_api.native_id(s): s for s in fake.statuses}
        fake.delete(statuses[ids[0]]["id"])  # deleted by its author: 404
        statuses[ids[7]]["visibility"] = "private"  # followers only now: 404 to whoever does not follow
        statuses[ids[20]]["account"]["noindex"] = True  # still served, but its author opted out since
        return {ids[0], ids[7], ids[20]}
    fake.delete(ids[0], by="author")
    fake.delete(ids[7], by="moderator")
    fake.delete(ids[20], by="purge")
    fake.posts[12]["over_18"] = True  # still served, but marked NSFW since
    return {ids[0], ids[7], ids[20], ids[12]}


def counts(store) -> dict[str, int]:
    with store.transaction() as session:
        return {
            model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Post, Mention, Scoring, SentimentScore, Tombstone)
        }


def stored_ids(store) -> set[str]:
    with store.transaction() as session:
        return set(session.scalars(sa.select(Post.native_id)))


def collected(store, make_config, platform: Platform):
    config = make_config(source_yaml(platform.source()))
    assert collect(store, config)[0].status == "ok"
    match_pending(store, config)
    score_pending(store, config)
    return config


def compliance(config, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config.path), "compliance", *args])


def test_posts_deleted_on_the_platform_vanish_and_never_return(store, make_config, platform):
    config = collected(store, make_config, platform)
    scorers = len(scorer_names())  # each scorer stores a scoring and a sentiment per post
    assert counts(store) == {
        "posts": 30,
        "mentions": 30,
        "scorings": 30 * scorers,
        "sentiment_scores": 30 * scorers,
        "tombstones": 0,
    }
    deleted = delete_some(platform)
    done = compliance(config, platform.kind)
    label, left = platform.kind.capitalize(), 30 - len(deleted)
    assert done.exit_code == 0, done.output
    assert f"{platform.kind}: ok, 30 stored {label} posts checked, {left} still on {label}" in done.output
    assert counts(store) == {
        "posts": left,
        "mentions": left,
        "scorings": left * scorers,
        "sentiment_scores": left * scorers,
        "tombstones": len(deleted),
    }
    assert stored_ids(store) == set(platform.ids) - deleted
    with store.transaction() as session:
        reasons = set(session.scalars(sa.select(Tombstone.reason)))
        check = session.scalars(sa.select(ComplianceCheck)).one()
    assert reasons == {f"deleted on {platform.kind}"}
    assert (check.platform, check.status, check.posts_checked, check.posts_deleted) == (
        platform.kind,
        "ok",
        30,
        len(deleted),
    )
    # A search index that lags behind still serves them, and a new source reads everything again: not stored.
    platform.undelete()
    again = collect(store, make_config(source_yaml(platform.source("again"))))[0]
    assert again.status == "ok" and again.total("posts_new") == 0
    assert stored_ids(store) == set(platform.ids) - deleted


def test_the_platform_is_asked_in_its_own_batch_sizes(lite, monkeypatch, sleeps):
    credentials(monkeypatch)
    store, build = lite
    for kind, posts, sizes in (
        ("bluesky", 60, [25, 25, 10]),
        ("reddit", 150, [100, 50]),
        ("mastodon", 5, [1] * 5),
    ):
        platform = seeded(kind, posts)
        with platform.fake:
            config = build(platform.source())
            collect(store, config)
            assert compliance(config, kind).exit_code == 0
            assert [len(ids) for ids in platform.lookups()] == sizes
            assert sorted(i for ids in platform.lookups() for i in ids) == sorted(platform.ids)


@pytest.mark.parametrize("failure", ["auth", "5xx"])
def test_a_check_that_cannot_finish_changes_nothing_and_exits_1(store, make_config, platform, failure):
    config = collected(store, make_config, platform)
    delete_some(platform)
    if failure == "auth":
        platform.fake.reject_credentials()
    else:
        platform.fake.fail_next(503, times=50)
    before = counts(store)
    done = compliance(config, "--source", platform.kind)
    assert done.exit_code == 1, done.output
    assert f"{platform.kind}: failed, 0 stored" in done.output
    assert ("refused" if failure == "auth" else "giving up") in done.output
    assert counts(store) == before
    with store.transaction() as session:
        check = session.scalars(sa.select(ComplianceCheck)).one()
    assert (check.status, check.posts_deleted) == ("failed", 0) and check.error and check.requests > 0


def test_what_was_checked_before_a_failure_stays_done(lite, monkeypatch, sleeps):
    credentials(monkeypatch)
    store, build = lite
    platform = seeded("bluesky", 150)
    fake = platform.fake
    with fake:
        config = build(platform.source())
        collect(store, config)
        fake.delete(platform.ids[0])  # checked in the first batch of a hundred, which is committed
        fake.delete(platform.ids[140])  # in the second, whose check fails
        fake.answer_instead(  # the first hundred posts take 4 getPosts; the 5th and later fail
            lambda request: request.path.endswith("getPosts") and len(platform.lookups()) >= 5,
            lambda _: fake._reply(502, {"error": "InternalServerError", "message": "Internal Server Error"}),
        )
        done = compliance(config, "bluesky")
    assert done.exit_code == 1 and "failed, 100 stored Bluesky posts checked" in done.output, done.output
    assert platform.ids[0] not in stored_ids(store) and platform.ids[140] in stored_ids(store)


def test_the_daily_job_checks_each_platform_once(make_config, store, monkeypatch, sleeps):
    credentials(monkeypatch)
    monkeypatch.setattr("listener.retention.purge", lambda store_, config_: None)
    sky, rd, fedi = seeded("bluesky", 5), seeded("reddit", 5), seeded("mastodon", 5)
    with sky.fake, rd.fake, fedi.fake:
        rss = {"name": "news", "kind": "rss", "feeds": [f"{sky.fake.url}/feed.xml"], "enabled": False}
        config = make_config(
            source_yaml(sky.source(), sky.source("bluesky-2"), rd.source(), fedi.source(), rss)
        )
        collect(store, config, ["bluesky", "reddit", "mastodon"])
        sky.fake.delete(sky.ids[1])
        rd.fake.delete(rd.ids[2], by="purge")
        fedi.fake.delete(fedi.fake.statuses[3]["id"])
        jobs = Jobs(store, config, "test-worker", threading.Event())
        jobs.daily_jobs(build_scheduler(jobs).get_job("daily-jobs").trigger)
    with store.transaction() as session:
        checks = session.execute(sa.select(ComplianceCheck.source, ComplianceCheck.posts_deleted)).all()
    # each platform once, through its first source
    assert sorted(checks) == [("bluesky", 1), ("mastodon", 1), ("reddit", 1)]
    gone = {sky.ids[1], rd.ids[2], mastodon_api.native_id(fedi.fake.statuses[3])}
    assert stored_ids(store) == set(sky.ids + rd.ids + fedi.ids) - gone


def test_usage_errors_name_what_can_be_checked(make_config):
    config = make_config(source_yaml({"name": "f", "kind": "file", "path": "a.jsonl"}))
    for args, message in (
        (
            ["file"],
            "file posts cannot be checked for deletions; platforms that can: bluesky, mastodon, nhs_reviews, reddit, x",
        ),
        (["--source", "f"], "platforms that can: bluesky, mastodon, nhs_reviews, reddit, x"),
        (["bluesky"], "name the Bluesky source to use with --source (Bluesky sources in config: none)"),
    ):
        done = compliance(config, *args)  # the entry point turns a UsageError into exit code 2
        assert isinstance(done.exception, UsageError) and message in str(done.exception), args
    done = compliance(config)
    assert done.exit_code == 0 and "no enabled source can be checked for deleted posts" in done.output


def test_purged_posts_are_not_stored_again_nor_asked_about(store, make_config, platform):
    """After a purge a post keeps only a digest of its id; reading it again from the platform stores nothing,
    and a deletion check does not send the digests to the platform."""
    config = collected(store, make_config, platform)
    purge(store, config, now=NOW + timedelta(days=400))
    assert not stored_ids(store) & set(platform.ids)
    assert all(native_id.startswith("hmac:") for native_id in stored_ids(store))
    again = collect(store, make_config(source_yaml(platform.source("again"))))[0]
    assert again.status == "ok" and again.total("posts_read") == 30 and again.total("posts_new") == 0
    assert counts(store)["posts"] == 30
    platform.fake.log.clear()
    done = compliance(config, platform.kind)
    assert done.exit_code == 0, done.output
    assert platform.lookups() == [] and counts(store)["posts"] == 30

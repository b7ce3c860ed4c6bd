"""The X collector against a fake X API v2 on 127.0.0.1, through tweepy's real requests stack.

Every scenario runs again afterwards: the next run must read no post already stored and add no row.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from listener.collectors import runner
from listener.collectors.runner import collect
from listener.collectors.x import XCollector
from listener.errors import CollectorError
from listener.store.cursors import load_cursor, save_cursor
from listener.store.models import CollectionRun, Post
from listener.store.runs import month_to_date_reads
from tests.fakes.x_api import TOKEN, FakeXApi, Fault, shared_data_dir, x_source_yaml

# Three organisations whose terms do not fit together in a 512-character query: three streams.
LONG_ORGANISATIONS = """
organisations:
  - code: RJ1
    name: Guy's and St Thomas' NHS Foundation Trust
    handles: [GSTTnhs]
    aliases: ["St Thomas' Hospital", "Guy's Hospital", "Evelina London Children's Hospital",
              "Royal Brompton Hospital", "Harefield Hospital", "Guy's Cancer Centre", "St Thomas' A&E"]
  - code: RR8
    name: Leeds Teaching Hospitals NHS Trust
    handles: [LeedsHospitals]
    aliases: [Leeds General Infirmary, "St James's University Hospital", "Chapel Allerton Hospital",
              "Leeds Children's Hospital", "Seacroft Hospital", "Wharfedale Hospital", "Leeds Dental Institute"]
  - code: RRK
    name: University Hospitals Birmingham NHS Foundation Trust
    handles: [uhbtrust]
    aliases: ["Queen Elizabeth Hospital Birmingham", "Heartlands Hospital", "Good Hope Hospital",
              "Solihull Hospital", "Birmingham Chest Clinic"]
"""


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    with FakeXApi() as server:
        yield server


@pytest.fixture(autouse=True)
def sleeps(monkeypatch):
    """Nothing really waits: every sleep the collector asks for is recorded instead."""
    slept: list[float] = []
    monkeypatch.setattr(XCollector, "sleep", staticmethod(slept.append))
    return slept


@pytest.fixture
def error_bodies():
    """The fake answers faults with X's recorded error bodies from ../shared/data."""
    path = shared_data_dir() / "api_payloads" / "x_error_examples.json"
    if not path.exists():
        reason = f"{path} is absent (X's recorded error bodies; set LISTENER_SHARED_DATA to its data folder)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def x_config(make_config, fake, organisations=None, **options):
    body = x_source_yaml(fake.base_url, **options)
    return make_config(body, organisations) if organisations else make_config(body)


def seed(fake, count, text="Thank you @GSTTnhs for the care", start=timedelta(hours=5)):
    """``count`` matching posts, oldest first, a minute apart, the oldest ``start`` ago."""
    return [
        fake.add_post(f"{text} ({n})", f"patient{n % 7}", age=start - timedelta(minutes=n))
        for n in range(count)
    ]


def fresh(fake, count, text="Thank you @GSTTnhs"):
    """``count`` posts created just now, after every post already in the fake."""
    return [fake.add_post(f"{text} (new {n})", f"patient{n}") for n in range(count)]


def run(store, config):
    return collect(store, config)[0]


def stored(store) -> set[str]:
    with store.transaction() as session:
        return set(session.scalars(sa.select(Post.native_id)))


def cursor_of(store, config):
    with store.transaction() as session:
        return {
            stream: load_cursor(session, "x-search", stream)
            for stream in XCollector(config.sources[0], config).streams()
        }


def run_reading_only_new(store, config, fake):
    """Run once; check it read no post stored before and none twice."""
    before, mark = stored(store), len(fake.served)
    result = run(store, config)
    served = fake.served_ids(mark)
    assert not set(served) & before, "a post already stored was read again"
    assert len(served) == len(set(served)), "a post was read twice in one run"
    return result


def assert_next_run_adds_nothing(store, config, fake):
    before, mark = stored(store), len(fake.served)
    result = run(store, config)
    assert result.status == "ok", result.streams
    assert (result.total("posts_read"), result.total("posts_new")) == (0, 0)
    assert fake.served_ids(mark) == [] and stored(store) == before


def test_first_run_backfills_pages_newest_first_and_saves_since_id_at_the_end(store, make_config, fake):
    wanted = seed(fake, 230)
    fake.add_post("Nothing to do with any trust", "bystander")
    fake.add_post("Our new ward opens today at Guy's Hospital", "GSTTnhs")  # the trust's own post
    fake.add_post("Thank you @GSTTnhs, 3 days ago", "patient1", age=timedelta(days=3))  # before backfill
    config = x_config(make_config, fake, backfill="2d")
    result = run_reading_only_new(store, config, fake)
    assert result.status == "ok"
    assert stored(store) == set(wanted)
    assert (result.total("posts_read"), result.total("posts_new"), result.total("requests")) == (230, 230, 3)
    first, *rest = [s for s in fake.served if s.path.endswith("/recent")]
    assert "start_time" in first.params and "since_id" not in first.params
    assert first.params["max_results"] == "100" and "next_token" not in first.params
    assert all("next_token" in s.params for s in rest)
    assert list(cursor_of(store, config).values()) == [{"since_id": max(wanted, key=int)}]
    assert_next_run_adds_nothing(store, config, fake)


def test_posts_are_stored_with_pseudonymous_authors_and_org_handles_in_clear(store, make_config, fake):
    fake.add_post("Proud of our team at @GSTTnhs", "GSTTnhs")
    fake.add_post("Long wait at Leeds General Infirmary", "jane_public", lang="en")
    run(store, x_config(make_config, fake, include_own_posts=True))
    with store.transaction() as session:
        rows = {p.author_handle: p for p in session.scalars(sa.select(Post))}
    assert set(rows) == {"GSTTnhs", None}
    private = rows[None]
    assert private.author_key and "jane" not in private.author_key and "jane" not in (private.url or "")
    assert private.url.startswith("https://x.com/i/web/status/") and private.lang == "en"
    assert (private.like_count, private.reply_count, private.repost_count) == (2, 1, 0)
    assert_next_run_adds_nothing(store, x_config(make_config, fake, include_own_posts=True), fake)


def test_each_run_reads_only_posts_newer_than_the_last(store, make_config, fake):
    config = x_config(make_config, fake)
    seed(fake, 30)
    run(store, config)
    for _ in range(3):
        new = fresh(fake, 4)
        mark = len(fake.served)
        result = run_reading_only_new(store, config, fake)
        assert (result.total("posts_read"), result.total("posts_new"), result.total("requests")) == (4, 4, 1)
        assert sorted(fake.served_ids(mark)) == sorted(new)
    assert_next_run_adds_nothing(store, config, fake)


def test_an_interrupted_run_neither_loses_nor_duplicates_posts(store, make_config, fake):
    """Page 1 is committed, page 2 fails: the next run reads exactly the unread posts, then the new ones."""
    everything = seed(fake, 250)
    config = x_config(make_config, fake, max_retries=1)
    fake.script(None, "server_error", "server_error")
    first = run(store, config)
    assert first.status == "failed" and "503" in first.streams[0].error
    assert (first.total("posts_read"), first.total("posts_new"), first.total("requests")) == (100, 100, 3)
    (cursor,) = cursor_of(store, config).values()
    assert set(cursor) == {"start_time", "until_id", "newest_id"}  # in progress: the lower bound did not move
    assert cursor["newest_id"] == max(everything, key=int) and cursor["until_id"] == min(
        stored(store), key=int
    )
    later = fresh(fake, 3)
    second = run_reading_only_new(store, config, fake)
    assert second.status == "ok"
    assert (second.total("posts_read"), second.total("posts_new")) == (153, 153)
    assert stored(store) == set(everything) | set(later)
    assert list(cursor_of(store, config).values()) == [{"since_id": max(later, key=int)}]
    assert_next_run_adds_nothing(store, config, fake)


def test_until_bounds_a_run_and_the_next_run_reads_only_the_rest(store, make_config, fake):
    older = seed(fake, 30)
    newer = fresh(fake, 5)
    config = x_config(make_config, fake)
    result = collect(store, config, until=datetime.now(UTC) - timedelta(hours=1))[0]
    assert result.status == "ok" and stored(store) == set(older) and "end_time" in fake.served[0].params
    after = run_reading_only_new(store, config, fake)
    assert after.total("posts_read") == 5 and stored(store) == set(older) | set(newer)
    assert_next_run_adds_nothing(store, config, fake)


def test_the_bearer_token_never_reaches_the_log(store, make_config, fake, caplog):
    seed(fake, 3)
    config = x_config(make_config, fake)
    with caplog.at_level(logging.DEBUG):
        run(store, config)
    assert "search_recent_tweets" in caplog.text and TOKEN not in caplog.text
    assert_next_run_adds_nothing(store, config, fake)


def test_a_post_two_queries_return_is_stored_once(store, make_config, fake):
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS)
    assert len(XCollector(config.sources[0], config).streams()) == 3
    every = fake.add_post(
        "Transferred from Seacroft Hospital to Heartlands Hospital and Harefield Hospital", "p"
    )
    result = run(store, config)
    assert stored(store) == {every}
    assert (result.total("posts_read"), result.total("posts_new")) == (
        3,
        1,
    )  # read by each query, stored once
    assert_next_run_adds_nothing(store, config, fake)


def test_a_rate_limit_within_max_wait_is_waited_out(store, make_config, fake, sleeps, error_bodies):
    posts = seed(fake, 20)
    fake.script(Fault("rate_limited", reset_in=120))
    result = run(store, x_config(make_config, fake))
    assert result.status == "ok" and stored(store) == set(posts)
    assert len(sleeps) == 1 and 120 <= sleeps[0] <= 122
    assert_next_run_adds_nothing(store, x_config(make_config, fake), fake)


def test_a_rate_limit_beyond_max_wait_ends_the_run_cleanly(store, make_config, fake, sleeps, error_bodies):
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS, max_wait="15m")
    posts = seed(fake, 20, text="Seen at Heartlands Hospital")
    fake.script(Fault("rate_limited", reset_in=3600))
    result = run(store, config)
    assert [s.status for s in result.streams] == ["rate_limited"] * 3
    assert "resumes on the next run" in result.streams[0].error and not result.failed
    assert len(fake.served) == 1 and sleeps == []  # the other streams did not pay for another 429
    assert stored(store) == set() and all(c is None for c in cursor_of(store, config).values())
    assert run_reading_only_new(store, config, fake).status == "ok" and stored(store) == set(posts)
    assert_next_run_adds_nothing(store, config, fake)


@pytest.mark.parametrize(
    ("fault", "says"), [("usage_capped", "usage cap"), ("credits_depleted", "no credits left")]
)
def test_usage_cap_and_depleted_credits_stop_the_source(store, make_config, fake, error_bodies, fault, says):
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS)
    posts = seed(fake, 15, text="Seen at Heartlands Hospital")
    fake.script(fault)
    result = run(store, config)
    assert [s.status for s in result.streams] == ["budget_exhausted"]  # the other stream was not tried
    assert says in result.streams[0].error and len(fake.served) == 1  # no retry
    with store.transaction() as session:
        assert session.scalar(sa.select(CollectionRun.requests)) == 1
    assert run_reading_only_new(store, config, fake).status == "ok" and stored(store) == set(posts)
    assert_next_run_adds_nothing(store, config, fake)


def test_cron_mode_exits_1_when_credits_run_out(store, make_config, fake, error_bodies):
    from click.testing import CliRunner

    from listener.cli import cli

    config = x_config(make_config, fake)
    seed(fake, 5, text="Seen at Heartlands Hospital")
    fake.script("credits_depleted")
    done = CliRunner().invoke(cli, ["--config", str(config.path), "collect"])
    assert done.exit_code == 1, done.output  # the operator must buy credits: cron must say so
    assert "budget_exhausted" in done.output and "no credits left" in done.output


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("unauthorized", "X_BEARER_TOKEN holds the app's current Bearer Token"),
        ("client_forbidden", "client-not-enrolled"),
    ],
)
def test_refused_credentials_give_a_clear_message(store, make_config, fake, error_bodies, fault, says):
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS)
    posts = seed(fake, 15, text="Seen at Heartlands Hospital")
    fake.script(fault)
    result = run(store, config)
    assert [s.status for s in result.streams] == ["failed"] * 3 and result.failed
    assert says in result.streams[0].error and "not tried" in result.streams[1].error
    assert len(fake.served) == 1
    assert run_reading_only_new(store, config, fake).status == "ok" and stored(store) == set(posts)
    assert_next_run_adds_nothing(store, config, fake)


def test_server_errors_are_retried_with_growing_jittered_backoff(store, make_config, fake, sleeps):
    posts = seed(fake, 20)
    config = x_config(make_config, fake, max_retries=3)
    fake.script("server_error", "server_error", "server_error")
    result = run(store, config)
    assert result.status == "ok" and stored(store) == set(posts) and result.total("requests") == 4
    assert 0.5 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2 and 2 <= sleeps[2] <= 4
    assert_next_run_adds_nothing(store, config, fake)


def test_a_slow_answer_times_out_and_is_retried(store, make_config, fake):
    posts = seed(fake, 5)
    config = x_config(make_config, fake, timeout=0.2)
    fake.script(Fault("slow", delay=0.6))
    result = run(store, config)
    assert result.status == "ok" and stored(store) == set(posts) and result.total("requests") == 2
    assert_next_run_adds_nothing(store, config, fake)


def test_a_page_with_partial_errors_keeps_its_good_data(store, make_config, fake, error_bodies, caplog):
    posts = seed(fake, 12)
    config = x_config(make_config, fake)
    fake.script("partial_errors")
    with caplog.at_level(logging.WARNING, logger="listener.collectors.x"):
        result = run(store, config)
    assert result.status == "ok" and stored(store) == set(posts)
    assert "Could not find tweet with id: [456]" in caplog.text
    assert_next_run_adds_nothing(store, config, fake)


@pytest.mark.parametrize("fault", ["malformed", "truncated", "cut_connection"])
def test_a_broken_body_fails_the_run_without_moving_the_cursor(store, make_config, fake, fault):
    seed(fake, 20)
    config = x_config(make_config, fake, max_retries=1)
    run(store, config)
    (before,) = cursor_of(store, config).values()
    new = fresh(fake, 5)
    fake.script(*[fault] * (2 if fault == "cut_connection" else 1))  # broken connections are retried
    result = run(store, config)
    assert result.status == "failed" and result.total("posts_new") == 0
    assert ("not valid JSON" if fault != "cut_connection" else "failed 2 times") in result.streams[0].error
    assert list(cursor_of(store, config).values()) == [before]
    with store.transaction() as session:
        last = session.scalars(sa.select(CollectionRun).order_by(CollectionRun.id.desc())).first()
    assert (last.status, last.requests) == ("failed", 1 if fault != "cut_connection" else 2)
    assert run_reading_only_new(store, config, fake).total("posts_new") == 5 and set(new) <= stored(store)
    assert_next_run_adds_nothing(store, config, fake)


def test_max_posts_per_run_is_shared_between_streams_and_resumed(store, make_config, fake):
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS, max_posts_per_run=100)
    first = seed(fake, 120, text="Seen at Seacroft Hospital")
    second = seed(fake, 120, text="Seen at Heartlands Hospital")
    reads = []
    while stored(store) != set(first) | set(second):
        result = run_reading_only_new(store, config, fake)
        assert result.status == "ok" and result.total("posts_read") <= 100
        reads.append([s.counts.posts_read for s in result.streams])
    # RJ1's stream found nothing, so the other two shared the run's 100 posts; every post was read once
    assert reads[0] == [0, 50, 50] and sum(map(sum, reads)) == 240
    assert_next_run_adds_nothing(store, config, fake)


def test_a_run_killed_midway_still_counts_what_it_read(store, make_config, fake, monkeypatch):
    """Reads are billed as they happen, so each stored page records them: a run killed before it finishes (here at
    its third page) still counts against monthly_post_budget, short by at most the page it was killed on."""
    config = x_config(make_config, fake, monthly_post_budget=1000)
    seed(fake, 250)
    commit_page, pages = runner._commit_page, []

    def killed_at_the_third_page(*args, **kwargs):
        pages.append(1)
        if len(pages) == 3:
            raise KeyboardInterrupt  # as a SIGKILL: no except clause, no finish_run
        return commit_page(*args, **kwargs)

    monkeypatch.setattr(runner, "_commit_page", killed_at_the_third_page)
    with pytest.raises(KeyboardInterrupt):
        run(store, config)
    with store.transaction() as session:
        (killed,) = session.scalars(sa.select(CollectionRun)).all()
        assert (killed.status, killed.posts_read, killed.posts_new, killed.requests) == (
            "running",
            200,
            200,
            2,
        )
        assert month_to_date_reads(session, "x-search") == 200


def test_the_monthly_budget_stops_a_run_before_it_is_passed(store, make_config, fake):
    config = x_config(make_config, fake, monthly_post_budget=1000)
    seed(fake, 80)
    now = datetime.now(UTC)
    with store.transaction() as session:
        session.add_all(
            [
                CollectionRun(source="x-search", stream="s", started_at=now, status="ok", posts_read=960),
                CollectionRun(
                    source="x-search", stream="s", started_at=now - timedelta(days=40), posts_read=5000
                ),
            ]
        )
    result = run(store, config)
    assert result.status == "budget_exhausted" and "monthly_post_budget reached" in result.streams[0].error
    assert result.total("posts_read") == 40 and fake.served[0].params["max_results"] == "40"
    with store.transaction() as session:
        assert month_to_date_reads(session, "x-search") == 1000
    mark = len(fake.served)
    assert run(store, config).status == "budget_exhausted" and len(fake.served) == mark  # no request at all


def test_a_since_id_older_than_seven_days_becomes_the_window_start(store, make_config, fake):
    config = x_config(make_config, fake)
    old = fake.add_post("Thanks @GSTTnhs", age=timedelta(days=9))
    posts = seed(fake, 3)
    (stream,) = XCollector(config.sources[0], config).streams()
    with store.transaction() as session:
        save_cursor(session, "x-search", stream, {"since_id": old})
    result = run(store, config)
    assert result.status == "ok" and stored(store) == set(posts)
    assert "start_time" in fake.served[0].params and "since_id" not in fake.served[0].params
    assert_next_run_adds_nothing(store, config, fake)


def test_archive_search_uses_the_full_archive_endpoint_and_paces_requests(
    store, make_config, fake, sleeps, monkeypatch
):
    frozen = time.time()  # the pace is read off this clock: a busy machine must not make the wait unneeded
    monkeypatch.setattr(XCollector, "clock", staticmethod(lambda: frozen))
    posts = seed(fake, 150, start=timedelta(days=20))
    config = x_config(make_config, fake, archive=True, backfill="30d")
    result = run(store, config)
    assert result.status == "ok" and stored(store) == set(posts)
    assert {s.path for s in fake.served} == {"/2/tweets/search/all"}
    assert sleeps == [1.0]  # 1 request per second
    assert_next_run_adds_nothing(store, config, fake)


def test_a_missing_bearer_token_names_the_variable(store, make_config, fake, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN")
    config = x_config(make_config, fake)
    with pytest.raises(CollectorError, match="set the environment variable X_BEARER_TOKEN"):
        XCollector(config.sources[0], config)
    result = run(store, config)
    assert result.failed and "X_BEARER_TOKEN" in result.streams[0].error and fake.served == []


def test_recent_search_refuses_a_backfill_beyond_seven_days(make_config, fake):
    from listener.errors import ConfigError

    with pytest.raises(ConfigError, match=r"sources\[0\].*backfill: recent search reaches back 7 days"):
        x_config(make_config, fake, backfill="10d")


def test_the_fake_answers_in_the_shape_x_documents(fake, error_bodies):
    payloads = shared_data_dir() / "api_payloads"
    example = json.loads((payloads / "x_search_recent_docs_example_with_expansions.json").read_text())["body"]
    cassette = json.loads((payloads / "x_search_recent_tweets_tweepy_cassette.json").read_text())
    fake.add_post("Just started learning Python and loving it!", "pythondev")
    params = {
        "query": "python",
        "tweet.fields": "created_at,public_metrics,author_id",
        "expansions": "author_id",
        "user.fields": "username",
        "max_results": 10,
    }
    answer = requests.get(
        f"{fake.base_url}/2/tweets/search/recent", params=params, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    body = answer.json()
    assert body.keys() == example.keys() and body["meta"].keys() == example["meta"].keys()
    assert body["data"][0].keys() == example["data"][0].keys()
    assert set(example["includes"]["users"][0]) - {"verified"} <= set(body["includes"]["users"][0])
    rate_headers = {h for h in cassette["_response_headers"] if h.startswith("x-rate-limit")}
    assert rate_headers and rate_headers <= {h.lower() for h in answer.headers}


def test_an_interrupted_first_run_resumes_without_mixing_ids_and_times(store, make_config, fake):
    """X refuses start_time next to until_id (400): the resumed backfill sends its start as an id instead."""
    everything = seed(fake, 150)
    config = x_config(make_config, fake, max_retries=0)
    fake.script(None, "server_error")
    assert run(store, config).status == "failed"
    (cursor,) = cursor_of(store, config).values()
    assert "start_time" in cursor and "until_id" in cursor
    mark = len(fake.served)
    resumed = run_reading_only_new(store, config, fake)
    assert resumed.status == "ok", resumed.streams[0].error
    assert stored(store) == set(everything)
    first = fake.served[mark].params
    assert {"since_id", "until_id"} <= first.keys() and not {"start_time", "end_time"} & first.keys()
    assert_next_run_adds_nothing(store, config, fake)


def test_an_interrupted_first_run_resumes_from_the_whole_second_it_asked_for(
    store, make_config, fake, monkeypatch
):
    """tweepy sends start_time in whole seconds, so the first run asks for the posts of the whole second its
    backfill starts in: the resumed run must ask for that second too, not from the fraction the clock had."""
    now = int(time.time()) - 0.3  # the clock reads .7 of a second
    monkeypatch.setattr(XCollector, "clock", staticmethod(lambda: now))
    fake.clock = lambda: now
    in_the_fraction = fake.add_post(
        "Thank you @GSTTnhs (at the start)", "early", age=timedelta(days=1, seconds=0.4)
    )
    everything = [in_the_fraction, *seed(fake, 150)]
    config = x_config(make_config, fake, backfill="1d", max_retries=0)
    fake.script(None, "server_error")
    assert run(store, config).status == "failed"
    assert "." not in fake.served[0].params["start_time"]  # tweepy sends whole seconds
    resumed = run_reading_only_new(store, config, fake)
    assert resumed.status == "ok", resumed.streams[0].error
    assert stored(store) == set(everything)
    assert_next_run_adds_nothing(store, config, fake)


def test_until_after_a_run_sends_the_end_as_an_id_next_to_since_id(store, make_config, fake):
    """X refuses since_id next to end_time (400): a bounded run after the first sends until as an id."""
    config = x_config(make_config, fake)
    seed(fake, 5)
    run(store, config)
    older = seed(fake, 4, start=timedelta(minutes=90))
    newer = fresh(fake, 3)
    mark = len(fake.served)
    result = collect(store, config, until=datetime.now(UTC) - timedelta(hours=1))[0]
    assert result.status == "ok", result.streams[0].error
    assert set(older) <= stored(store) and not set(newer) & stored(store)
    assert {"since_id", "until_id"} <= fake.served[mark].params.keys()
    assert run_reading_only_new(store, config, fake).total("posts_new") == 3
    assert_next_run_adds_nothing(store, config, fake)


def test_an_edited_post_is_stored_once_under_its_first_id(store, make_config, fake):
    """An edit gets a new id that search returns on the next run: it is the same post, not a second one."""
    config = x_config(make_config, fake)
    (original,) = seed(fake, 1)
    run(store, config)
    edited = fake.edit(original, "Thank you @GSTTnhs for the care (edited: and the food)")
    again = fresh(fake, 1)
    result = run_reading_only_new(store, config, fake)
    assert result.status == "ok" and edited in fake.served_ids()
    assert (result.total("posts_read"), result.total("posts_new")) == (2, 1)
    assert stored(store) == {original, *again}
    (unread,) = fresh(fake, 1)  # edited twice before any run read it: only the last version is found
    latest = fake.edit(fake.edit(unread, "Thank you @GSTTnhs (edit 1)"), "Thank you @GSTTnhs (edit 2)")
    mark = len(fake.served)
    assert run(store, config).status == "ok" and fake.served_ids(mark) == [latest]
    assert stored(store) == {original, *again, unread}
    assert_next_run_adds_nothing(store, config, fake)


def test_an_edit_replaces_the_stored_text_and_the_post_is_matched_and_scored_again(store, make_config, fake):
    """X asks that stored content follow edits: the newest version's text replaces the stored one."""
    from listener.matching.runner import match_pending
    from listener.scoring.runner import score_pending
    from listener.store.models import Mention, Scoring

    config = x_config(make_config, fake)
    (original,) = seed(fake, 1)
    run(store, config)
    match_pending(store, config)
    score_pending(store, config)
    fake.edit(original, "Rude staff at Leeds General Infirmary today, edited to say where it was")
    run(store, config)
    with store.transaction() as session:
        post = session.scalars(sa.select(Post)).one()
        assert post.native_id == original and "Leeds General Infirmary" in post.text
        assert post.match_key is None
        assert session.scalar(sa.select(sa.func.count()).select_from(Scoring)) == 0
    match_pending(store, config)
    score_pending(store, config)
    with store.transaction() as session:
        assert {m.org_code for m in session.scalars(sa.select(Mention))} == {"RR8"}
        assert session.scalar(sa.select(sa.func.count()).select_from(Scoring)) > 0
    assert_next_run_adds_nothing(store, config, fake)


def test_an_author_sent_as_in_x_docs_example_keeps_the_page(store, make_config, fake, monkeypatch, caplog):
    """X's own recent-search example expands an author to {id, username, verified}, without ``name``: tweepy
    cannot build that User, which failed every run on the same page; now only that author is left out."""
    posts = seed(fake, 5)
    served_user = fake._user
    monkeypatch.setattr(
        fake,
        "_user",
        lambda author, params: {k: v for k, v in served_user(author, params).items() if k != "name"},
    )
    config = x_config(make_config, fake)
    with caplog.at_level(logging.WARNING, logger="listener.collectors.x_api"):
        result = run(store, config)
    assert result.status == "ok", result.streams[0].error
    assert stored(store) == set(posts) and "malformed user" in caplog.text
    assert_next_run_adds_nothing(store, config, fake)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("public_metrics", [1, 2]),
        ("public_metrics", {"like_count": "2"}),
        ("lang", {"en": 1}),
    ],
)
def test_a_post_with_a_field_of_the_wrong_shape_is_skipped_and_the_page_kept(
    store, make_config, fake, caplog, field, value
):
    posts = seed(fake, 5)
    fake.posts[posts[2]][field] = value
    config = x_config(make_config, fake)
    with caplog.at_level(logging.WARNING):
        result = run(store, config)
    assert result.status == "ok", result.streams[0].error
    assert stored(store) == set(posts) - {posts[2]} and "skipped" in caplog.text
    assert list(cursor_of(store, config).values()) == [{"since_id": max(posts, key=int)}]
    assert_next_run_adds_nothing(store, config, fake)


def test_a_run_with_until_after_an_interrupted_run_loses_no_post(store, make_config, fake):
    """An interrupted run leaves (since, until_id) unread; a run with an earlier --until reads only the part
    before it and the next run reads the rest. Finishing the range at --until lost the part after it for good."""
    everything = seed(fake, 250)  # 5 hours ago, then a minute apart
    config = x_config(make_config, fake, max_retries=0)
    fake.script(None, "server_error")
    assert run(store, config).status == "failed" and len(stored(store)) == 100
    unread = set(everything) - stored(store)
    until = datetime.now(UTC) - timedelta(hours=3)  # inside the 150 posts the interrupted run did not read
    mark = len(fake.served)
    bounded = collect(store, config, until=until)[0]
    assert bounded.status == "ok", bounded.streams[0].error
    read_bounded = fake.served_ids(mark)
    assert read_bounded and all(fake.posts[p]["_created"] < until for p in read_bounded)
    later = fresh(fake, 2)
    rest = run_reading_only_new(store, config, fake)
    assert rest.status == "ok" and stored(store) == set(everything) | set(later)
    assert len(read_bounded) + rest.total("posts_read") == len(unread) + 2  # none read twice
    assert_next_run_adds_nothing(store, config, fake)


def test_a_refused_request_says_why_on_one_line(store, make_config, fake, monkeypatch):
    """X puts a 400's reason in errors[].message under a generic detail: the error said only "One or more
    parameters to your request was invalid." Here this machine's clock is 10 minutes slow, so a since_id it
    thinks is inside the 7 days is not, for X."""
    monkeypatch.setattr(XCollector, "clock", staticmethod(lambda: time.time() - 600))
    config = x_config(make_config, fake)
    old = fake.add_post("Thanks @GSTTnhs", age=timedelta(days=7, minutes=3))
    (stream,) = XCollector(config.sources[0], config).streams()
    with store.transaction() as session:
        save_cursor(session, "x-search", stream, {"since_id": old})
    result = run(store, config)
    (error,) = [s.error for s in result.streams]
    assert result.failed and "\n" not in error
    assert (
        "400 Invalid Request: One or more parameters to your request was invalid.; 'since_id' must be"
        in error
    )


def test_a_rate_limit_wait_never_outlasts_the_stream_lease(
    store, make_config, fake, monkeypatch, error_bodies
):
    """The stream's lease is renewed with each page and lapses after scheduler.lease_ttl (5 minutes by
    default), while max_wait is 15 minutes for X: another run took the stream over during the wait, and the
    waiting run then failed with the page it had paid for. A wait that would outlast the lease ends the
    stream as rate limited instead, to resume on the next run."""
    from listener.store.leases import Claim

    config = make_config(x_source_yaml(fake.base_url) + "scheduler: {lease_ttl: 2s}\n")
    posts = seed(fake, 20)
    (stream,) = XCollector(config.sources[0], config).streams()
    taken = []

    def another_run_meanwhile(seconds):
        time.sleep(seconds)  # for real: the lease lapses in the database's clock
        taken.append(
            Claim(f"collect:x-search:{stream}", "cron:2", timedelta(minutes=5)).acquire(store) is None
        )

    monkeypatch.setattr(XCollector, "sleep", staticmethod(another_run_meanwhile))
    fake.script(Fault("rate_limited", reset_in=3))
    result = run(store, config)
    assert (result.streams[0].status, result.failed, taken) == ("rate_limited", False, [])
    assert "lease" in result.streams[0].error and stored(store) == set()
    Claim(f"collect:x-search:{stream}", "cron:2", timedelta(minutes=5)).release(store)
    assert run(store, config).status == "ok" and stored(store) == set(posts)


def test_retweets_are_not_read_and_a_quote_is_stored_with_its_own_words(store, make_config, fake):
    """What the README says: a retweet of a stored post adds no copy of its text; X matches a quote post on
    its own words only (docs.x.com "Build a query", Quote Tweet matching), and it is stored with only those."""
    config = x_config(make_config, fake)
    (original,) = seed(fake, 1)
    run(store, config)
    quoted = [{"type": "quoted", "id": original}]
    fake.add_post(
        f"RT @patient0: {fake.posts[original]['text']}",
        "fan",
        referenced_tweets=[{"type": "retweeted", "id": original}],
    )
    fake.add_post("So true, same for us", "fan2", referenced_tweets=quoted)  # its own words name no trust
    quote = fake.add_post("Same at @GSTTnhs last week", "fan3", referenced_tweets=quoted)
    result = run_reading_only_new(store, config, fake)
    assert (result.total("posts_read"), result.total("posts_new")) == (1, 1)
    with store.transaction() as session:
        texts = {p.native_id: p.text for p in session.scalars(sa.select(Post))}
    assert texts == {original: fake.posts[original]["text"], quote: "Same at @GSTTnhs last week"}
    assert_next_run_adds_nothing(store, config, fake)


def test_a_per_run_budget_too_small_for_a_page_per_query_lets_the_queries_take_turns(
    store, make_config, fake
):
    """max_posts_per_run 20 over three queries gave the first a share of 6, below X's smallest page of 10: it
    read nothing, run after run, while the run said ok. The queries now take turns, a page each."""
    config = x_config(make_config, fake, organisations=LONG_ORGANISATIONS, max_posts_per_run=20)
    posts = [
        p
        for place in ("Harefield", "Seacroft", "Heartlands")
        for p in seed(fake, 15, f"Seen at {place} Hospital")
    ]
    runs = 0
    while stored(store) != set(posts) and runs < 10:
        result = run_reading_only_new(store, config, fake)
        assert result.status == "ok" and result.total("posts_read") <= 20
        runs += 1
    assert stored(store) == set(posts) and runs == 3  # 45 posts, 20 a run
    assert_next_run_adds_nothing(store, config, fake)

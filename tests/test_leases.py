"""Leases in the database: taken atomically, held, expired, once per tick; streams held elsewhere are skipped."""

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fakes.paged_server import FeedServer

from listener.collectors.runner import Leasing, collect
from listener.errors import LeaseLost
from listener.store.leases import Claim, renew, try_acquire
from listener.store.models import CollectionRun, Lease, Post

TTL = timedelta(minutes=5)
TOKEN = "fake-token-7f3a9c"
ROOT = Path(__file__).resolve().parents[1]


def test_a_lease_has_one_holder_until_it_expires(store):
    with store.transaction() as session:
        assert try_acquire(session, "collect:a:s", "w1", TTL) is None
    with store.transaction() as session:
        holder = try_acquire(session, "collect:a:s", "w2", TTL)
    assert holder.owner == "w1" and "held by worker w1 until" in holder.describe()
    with store.transaction() as session:  # the holder's own lease is renewed, not refused
        assert try_acquire(session, "collect:a:s", "w1", TTL) is None
        session.execute(sa.update(Lease).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with store.transaction() as session:  # expired: the holder died; another worker takes over
        assert try_acquire(session, "collect:a:s", "w2", TTL) is None
    with pytest.raises(LeaseLost, match="taken over by worker w2"), store.transaction() as session:
        renew(session, "collect:a:s", "w1", TTL)


def test_a_tick_is_done_once_even_after_release(store):
    tick = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    first = Claim("collect:a:s", "w1", TTL, tick)
    assert first.acquire(store) is None
    first.release(store)
    holder = Claim("collect:a:s", "w2", TTL, tick).acquire(store)
    assert holder.done_for_tick and "already done for this tick by worker w1" in holder.describe()
    assert Claim("collect:a:s", "w2", TTL, tick + timedelta(minutes=15)).acquire(store) is None


def test_only_one_of_many_threads_gets_the_lease(store):
    winners, barrier = [], threading.Barrier(8)

    def take(owner):
        barrier.wait()
        if Claim("collect:race:s", owner, TTL).acquire(store) is None:
            winners.append(owner)

    threads = [threading.Thread(target=take, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def paged_config(make_config, url, streams=("s1", "s2"), extra=""):
    return make_config(f"""
sources:
  - name: feed
    kind: paged
    url: {url}
    streams: [{", ".join(streams)}]
    token_env: FAKE_FEED_TOKEN
    page_size: 5
{extra}""")


@pytest.fixture
def paged(monkeypatch):
    from listener.collectors import COLLECTORS

    monkeypatch.setitem(COLLECTORS, "paged", "fakes.paged_collector:PagedCollector")
    monkeypatch.setenv("FAKE_FEED_TOKEN", TOKEN)


def test_a_stream_held_elsewhere_is_skipped_not_failed(store, make_config, paged):
    server = FeedServer(["s1", "s2"], 12, token=TOKEN).start()
    try:
        config = paged_config(make_config, server.url)
        assert Claim("collect:feed:s1", "other-host:42", TTL).acquire(store) is None
        [result] = collect(store, config, leasing=Leasing("me", TTL))
    finally:
        server.stop()
    s1, s2 = result.streams
    assert (s1.status, s2.status, result.status, result.failed) == ("skipped", "ok", "ok", False)
    assert "held by worker other-host:42 until" in s1.note
    with store.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 12
        workers = session.execute(sa.select(CollectionRun.stream, CollectionRun.worker)).all()
    assert workers == [("s2", "me")]  # a skipped stream is not a run


def test_overlapping_cron_runs_never_collect_a_stream_at_once(tmp_path, paged):
    """A second `listener collect` started while the first runs skips the stream the first is collecting."""
    server = FeedServer(["s1", "s2", "s3"], 40, delay=0.1, token=TOKEN).start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path}/l.db'}}\n"
        "organisations: [{code: RJ1, name: Guy's and St Thomas' NHS Foundation Trust}]\n"
        f"sources:\n  - {{name: feed, kind: paged, "
        f"url: '{server.url}', streams: [s1, s2, s3], token_env: FAKE_FEED_TOKEN, page_size: 5}}\n",
        encoding="utf-8",
    )
    command = [sys.executable, str(ROOT / "tests/fakes/run_listener.py"), "--config", str(config)]
    subprocess.run([*command, "db", "upgrade"], check=True, capture_output=True)
    try:
        runs = [subprocess.Popen([*command, "collect"], stdout=subprocess.PIPE, text=True)]
        deadline = time.monotonic() + 30
        while not server.request_count():  # the first holds s1 (it reads 3 x 8 pages of 0.1 s)
            assert runs[0].poll() is None and time.monotonic() < deadline, runs[0].communicate()
            time.sleep(0.01)
        runs.append(subprocess.Popen([*command, "collect"], stdout=subprocess.PIPE, text=True))
        outputs = [run.communicate(timeout=60)[0] for run in runs]
    finally:
        server.stop()
    assert [run.returncode for run in runs] == [0, 0], outputs
    readers = {}  # who received posts of each stream (the second may look at a finished stream, and get none)
    for request in server.requests:
        if request["ids"]:
            readers.setdefault(request["stream"], set()).add(request["worker"])
    assert all(len(pids) == 1 for pids in readers.values()), readers
    read = sorted((r["stream"], n) for r in server.requests for n in r["ids"])
    assert read == sorted(server.all_posts())  # each post read once, by one of the two
    skipped = sum(line.count("skipped: held by worker") for line in outputs)
    assert skipped >= 1, outputs  # the second run found at least one stream held
    assert all(line.startswith("feed: ") for line in "".join(outputs).splitlines())


def test_wait_is_short_when_the_holder_died(store):
    """A lease held by a process that died expires after its ttl, then another takes over."""
    assert Claim("collect:a:s", "dead", timedelta(seconds=1)).acquire(store) is None
    assert Claim("collect:a:s", "alive", TTL).acquire(store) is not None
    time.sleep(1.1)
    assert Claim("collect:a:s", "alive", TTL).acquire(store) is None

"""Crash safety: SIGKILL at 20 random points of a multi-page collection (and of a scoring run), rerun each time;
the final store equals that of an uninterrupted run, row for row (posts, mentions, cursors, scores; not the
collected_at / scored_at times, the database ids or the collection_runs rows).

Each run is a real `listener` subprocess against a fake paginated API; the kill points are seeded, so a failure can
be replayed. Kills are placed by progress (the server's request count, the number of scored posts), then delayed by a
random fraction of a page, so they land while a page is read, committed, or between the two.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from conftest import TEST_KEY
from fakes.paged_server import FeedServer
from fakes.zygote import Zygote

from listener.collectors.runner import collect
from listener.config import load_config
from listener.matching.runner import match_pending
from listener.scoring.runner import score_pending
from listener.store import open_store

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "crash-token-5a6b7c"
KILLS = 20
SEED = 20261128

SNAPSHOT = {
    "posts": """SELECT platform, native_id, source, text, url, created_at, lang, author_key, author_handle,
                       reply_count, repost_count, like_count, quote_count, match_key FROM posts""",
    "mentions": """SELECT p.native_id, m.org_code, m.method, m.matched_text
                   FROM mentions m JOIN posts p ON p.id = m.post_id""",
    "cursors": "SELECT source, stream, value FROM cursors",
    "scorings": "SELECT p.native_id, s.scorer, s.version FROM scorings s JOIN posts p ON p.id = s.post_id",
    "sentiment_scores": """SELECT p.native_id, s.scorer, s.version, s.score, s.positive, s.neutral, s.negative,
                                  s.label FROM sentiment_scores s JOIN posts p ON p.id = s.post_id""",
}


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = {name: sorted(map(tuple, connection.execute(sa.text(q)))) for name, q in SNAPSHOT.items()}
    engine.dispose()
    return tables


def write_config(folder: Path, url: str, batch_size: int = 1000) -> Path:
    path = folder / "config.yaml"
    path.write_text(
        f"""store: {{url: 'sqlite:///{folder}/listener.db'}}
organisations:
  - {{code: RJ1, name: Guy's and St Thomas' NHS Foundation Trust, aliases: ["St Thomas' Hospital"], handles: [GSTTnhs]}}
  - {{code: RR8, name: Leeds Teaching Hospitals NHS Trust, aliases: [Leeds General Infirmary], hashtags: [LTHT]}}
sources:
  - {{name: feed, kind: paged, url: '{url}', streams: [s1, s2, s3, s4], token_env: FAKE_FEED_TOKEN, page_size: 4}}
scoring: {{batch_size: {batch_size}, scorers: [vader]}}
""",
        encoding="utf-8",
    )
    return path


def zygote() -> Zygote:
    env = {
        **os.environ,
        "FAKE_FEED_TOKEN": TOKEN,
        "LISTENER_PSEUDONYM_KEY": TEST_KEY,
        "LISTENER_WORKER_ID": "crash-test",  # a restarted run takes its own lease back at once
    }
    return Zygote(env)


def kill_at(runs: Zygote, pid: int, reached: Callable[[], bool], jitter: float, rng: random.Random) -> bool:
    """SIGKILL run ``pid`` once ``reached()`` (plus up to ``jitter`` seconds); False if it finished first."""
    while runs.poll(pid) is None and not reached():
        time.sleep(0.001)
    time.sleep(rng.uniform(0, jitter))
    if runs.poll(pid) is not None:
        return False
    os.kill(pid, signal.SIGKILL)
    assert runs.wait(pid) == -signal.SIGKILL
    return True


def crash_repeatedly(config: Path, command: tuple[str, ...], progress: Callable[[], int], steps: int, rng):
    """Run ``command`` KILLS times, killing each run once progress has advanced by 0..steps; then to the end."""
    kills, points = 0, []
    log = config.parent / "runs.log"
    with zygote() as runs:
        while kills < KILLS:
            target = progress() + rng.randint(0, steps)
            pid = runs.run(["--config", str(config), *command], log)
            if kill_at(runs, pid, lambda t=target: progress() >= t, 0.01, rng):
                kills += 1
                points.append(progress())
            else:
                break  # the run completed before its kill point: nothing left to interrupt
        final = runs.wait(runs.run(["--config", str(config), *command], log))
    assert final == 0, log.read_text()
    print(f"killed at progress {points}")
    return kills


def test_collection_killed_at_20_random_points_ends_as_an_uninterrupted_run(tmp_path, monkeypatch):
    from listener.collectors import COLLECTORS

    monkeypatch.setitem(COLLECTORS, "paged", "fakes.paged_collector:PagedCollector")
    monkeypatch.setenv("FAKE_FEED_TOKEN", TOKEN)
    server = FeedServer(["s1", "s2", "s3", "s4"], 64, delay=0.005, token=TOKEN).start()
    try:
        reference, crashed = tmp_path / "reference", tmp_path / "crashed"
        reference.mkdir(), crashed.mkdir()
        config = load_config(write_config(reference, server.url))
        store = open_store(config.store.url)
        collect(store, config)
        match_pending(store, config)
        store.close()
        served_before = sum(len(r["ids"]) for r in server.requests)
        rng = random.Random(SEED)
        kills = crash_repeatedly(
            write_config(crashed, server.url), ("collect", "--score"), server.request_count, 3, rng
        )
    finally:
        server.stop()
    assert kills == KILLS
    expected = snapshot(f"sqlite:///{reference}/listener.db")
    got = snapshot(f"sqlite:///{crashed}/listener.db")
    assert len(expected["posts"]) == 256 and len(expected["cursors"]) == 4 and expected["mentions"]
    for table in ("posts", "mentions", "cursors"):
        assert got[table] == expected[table], table
    # a kill costs at most the page it interrupted, read again by the next run; nothing else is read twice
    read_again = sum(len(r["ids"]) for r in server.requests) - 2 * served_before
    assert 0 <= read_again <= KILLS * 4


def test_scoring_killed_at_20_random_points_ends_as_an_uninterrupted_run(tmp_path, monkeypatch):
    from listener.collectors import COLLECTORS

    monkeypatch.setitem(COLLECTORS, "paged", "fakes.paged_collector:PagedCollector")
    monkeypatch.setenv("FAKE_FEED_TOKEN", TOKEN)
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    reference.mkdir(), crashed.mkdir()
    server = FeedServer(["s1", "s2", "s3", "s4"], 200, token=TOKEN).start()
    try:
        config = load_config(write_config(reference, server.url, batch_size=8))
        store = open_store(config.store.url)
        collect(store, config)
        store.close()
    finally:
        server.stop()
    shutil.copy(reference / "listener.db", crashed / "listener.db")
    store = open_store(config.store.url)
    match_pending(store, config)
    score_pending(store, config)
    store.close()

    engine = sa.create_engine(f"sqlite:///{crashed}/listener.db")

    def scored() -> int:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM scorings"))

    kills = crash_repeatedly(
        write_config(crashed, "http://127.0.0.1:9", batch_size=8), ("score",), scored, 30, random.Random(SEED)
    )
    engine.dispose()
    assert kills == KILLS
    expected = snapshot(f"sqlite:///{reference}/listener.db")
    got = snapshot(f"sqlite:///{crashed}/listener.db")
    assert len(expected["scorings"]) == 800
    for table in SNAPSHOT:
        assert got[table] == expected[table], table

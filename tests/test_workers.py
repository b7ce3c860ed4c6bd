"""Scale-out: three `listener run --worker` processes share one Postgres, and one is SIGKILLed mid-run.

A fake paginated API publishes posts on six streams while the workers collect every 3 seconds. At the end: every
stream was collected at most once per tick, the dead worker's streams were taken over, every published post is
stored once, surviving workers never read or scored the same post twice, and every post is scored.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import TEST_KEY
from fakes.paged_server import FeedServer

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "worker-token-8d9e0f"
STREAMS = [f"s{n}" for n in range(1, 7)]
TICK = 3  # seconds
PAGE = 5
BATCH = 20


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_three_workers_share_streams_and_scoring_and_survive_a_kill(db_url, tmp_path):
    server = FeedServer(STREAMS, 30, per_second=3, delay=0.02, token=TOKEN).start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""store: {{url: '{db_url}'}}
organisations:
  - {{code: RR8, name: Leeds Teaching Hospitals NHS Trust, aliases: [Leeds General Infirmary], hashtags: [LTHT]}}
sources:
  - name: feed
    kind: paged
    url: '{server.url}'
    streams: [{", ".join(STREAMS)}]
    token_env: FAKE_FEED_TOKEN
    page_size: {PAGE}
    schedule: {{every: {TICK}s}}
scheduler: {{lease_ttl: 2s, misfire_grace_time: 2s}}
scoring: {{scorers: [counting], batch_size: {BATCH}}}
""",
        encoding="utf-8",
    )
    scores = tmp_path / "scores"
    scores.mkdir()
    env = {
        **os.environ,
        "FAKE_FEED_TOKEN": TOKEN,
        "LISTENER_PSEUDONYM_KEY": TEST_KEY,
        "LISTENER_TEST_SCORE_LOG": str(scores),
    }
    command = [sys.executable, str(ROOT / "tests/fakes/run_listener.py"), "--config", str(config)]
    subprocess.run([*command, "db", "upgrade"], check=True, env=env, capture_output=True)
    engine = sa.create_engine(db_url)

    def query(sql: str):
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).all()

    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("w1", "w2", "w3")}
    workers = {
        name: subprocess.Popen(
            [*command, "run", "--worker", "--worker-id", name], env=env, stderr=logs[name], stdout=logs[name]
        )
        for name in logs
    }
    try:
        wait_for(
            lambda: query("SELECT count(DISTINCT tick) FROM collection_runs")[0][0] >= 2, 60, "two ticks"
        )
        # kill w1 while it holds a stream's lease, in the middle of collecting it
        wait_for(
            lambda: query(
                "SELECT 1 FROM leases WHERE owner = 'w1' AND expires_at > now() AND name LIKE 'collect:%'"
            ),
            60,
            "w1 to hold a stream",
        )
        held = [  # the streams it was collecting (not its other jobs' leases, such as job:score)
            name
            for (name,) in query(
                "SELECT name FROM leases WHERE owner = 'w1' AND expires_at > now() AND name LIKE 'collect:%'"
            )
        ]
        workers["w1"].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        time.sleep(2 * TICK)
        server.freeze()
        frozen = query("SELECT now()")[0][0]
        # one full tick after the feeds stopped growing, then until everything stored is scored
        wait_for(
            lambda: (
                query(
                    f"SELECT count(DISTINCT stream) FROM collection_runs WHERE tick > '{frozen.isoformat()}' "
                    "AND status = 'ok'"
                )[0][0]
                == len(STREAMS)
            ),
            60,
            "a tick after the freeze",
        )
        wait_for(
            lambda: query("SELECT (SELECT count(*) FROM posts) = (SELECT count(*) FROM scorings)")[0][0],
            60,
            "scoring to catch up",
        )
        for name in ("w2", "w3"):
            workers[name].send_signal(signal.SIGTERM)
        exit_codes = {name: workers[name].wait(timeout=60) for name in ("w2", "w3")}
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        server.stop()
    assert exit_codes == {"w2": 0, "w3": 0}, (tmp_path / "w2.log").read_text()
    assert time.monotonic() - killed_at > 2 * TICK

    # No lost posts, no duplicate rows: the store holds exactly what was published, each post once.
    stored = [native for (native,) in query("SELECT native_id FROM posts")]
    assert len(stored) == len(set(stored))
    assert set(stored) == {f"{s}:{n}" for s, n in server.all_posts()}

    # Every stream at most once per tick; the work was shared.
    assert (
        query(
            "SELECT stream, tick FROM collection_runs WHERE tick IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1"
        )
        == []
    )
    per_worker = Counter(worker for (worker,) in query("SELECT worker FROM collection_runs"))
    assert per_worker["w1"] >= 1 and per_worker["w2"] >= 1 and per_worker["w3"] >= 1, per_worker

    # The dead worker's stream was taken over by another worker, which finished it.
    for lease in held:
        stream = lease.split(":")[-1]
        after = query(
            f"SELECT worker, status FROM collection_runs WHERE stream = '{stream}' AND worker <> 'w1' "
            f"AND id > (SELECT max(id) FROM collection_runs WHERE stream = '{stream}' AND worker = 'w1')"
        )
        assert after and after[0][1] == "ok", after

    # Surviving workers never read the same post twice; the dead one's unfinished page was read again, only it.
    dead = workers["w1"].pid
    served = Counter((r["stream"], n) for r in server.requests if r["worker"] != str(dead) for n in r["ids"])
    assert max(served.values()) == 1
    read_by_dead = {(r["stream"], n) for r in server.requests if r["worker"] == str(dead) for n in r["ids"]}
    assert len(read_by_dead & set(served)) <= PAGE * len(held)

    # Scoring: every post scored once; survivors never scored the same post; the dead one's batch redone at most.
    assert query("SELECT count(*) FROM scorings")[0][0] == len(stored)
    scored = {int(path.stem): path.read_text().split() for path in scores.glob("*.txt")}
    by_survivors = Counter(i for pid, ids in scored.items() if pid != dead for i in ids)
    assert by_survivors and max(by_survivors.values()) == 1
    assert len(set(scored.get(dead, [])) & set(by_survivors)) <= BATCH
    engine.dispose()

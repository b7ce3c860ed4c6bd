"""What the X collector reads for what it stores, against the local fake X API (no network, nothing billed).

X bills every post read, so the figure that matters is **API posts read per new post stored** (1.00 means no post
is ever paid for twice) and, for rate limits, **requests per 100 new posts**. Each scenario makes a first
(backfill) run, then ten runs with a few new posts added before each, and reports the ten runs:

1. incremental: two organisations, packed into one query, since_id cursors;
2. baseline: the same, but every run starts from the backfill window again (a collector without cursors);
3. overlap, packed: three organisations whose posts often name two or three of them, all in one query;
4. overlap, split: the same three with long alias lists, so each has its own query and shared posts are read
   once per query;
5. interrupted: a burst of 250 posts, the run fails after its first page; the next run resumes from the saved
   in-progress cursor, against a restart from the last since_id (what saving nothing until the end costs).

Run from the repository root:  python benchmarks/x_reads.py
"""

from __future__ import annotations

import logging
import os
import random
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's listener and its test fakes, whatever is installed

from listener.collectors.runner import collect  # noqa: E402
from listener.collectors.x import XCollector  # noqa: E402
from listener.config import load_config  # noqa: E402
from listener.store import open_store  # noqa: E402
from listener.store.cursors import all_cursors  # noqa: E402
from tests.fakes.x_api import TOKEN, FakeXApi, x_source_yaml  # noqa: E402

RUNS = 10
SEED = 20261128
TWO_TRUSTS = """
organisations:
  - {code: RJ1, name: Guy's and St Thomas' NHS Foundation Trust, handles: [GSTTnhs], hashtags: [GSTT],
     aliases: ["St Thomas' Hospital", "Guy's Hospital"]}
  - {code: RR8, name: Leeds Teaching Hospitals NHS Trust, handles: [LeedsHospitals], aliases: [LGI]}
"""
SHORT_THREE = """
organisations:
  - {code: RJ1, name: Guy's and St Thomas', handles: [GSTTnhs]}
  - {code: RJZ, name: King's College Hospital, handles: [KingsCollegeNHS]}
  - {code: RYJ, name: Imperial College Healthcare, handles: [ImperialNHS]}
"""
LONG_THREE = """
organisations:
  - {code: RJ1, name: Guy's and St Thomas' NHS Foundation Trust, handles: [GSTTnhs],
     aliases: ["St Thomas' Hospital", "Guy's Hospital", "Evelina London Children's Hospital", "Royal Brompton Hospital",
               "Harefield Hospital", "Guy's Cancer Centre", "St Thomas' A&E", "Guy's and St Thomas'"]}
  - {code: RJZ, name: King's College Hospital NHS Foundation Trust, handles: [KingsCollegeNHS],
     aliases: ["King's College Hospital", "Princess Royal University Hospital", "Orpington Hospital",
               "Queen Mary's Hospital Sidcup", "Beckenham Beacon", "King's A&E", "Denmark Hill hospital"]}
  - {code: RYJ, name: Imperial College Healthcare NHS Trust, handles: [ImperialNHS],
     aliases: ["Imperial College Healthcare", "St Mary's Hospital Paddington", "Charing Cross Hospital",
               "Hammersmith Hospital", "Queen Charlotte's and Chelsea Hospital", "Western Eye Hospital"]}
"""
MENTIONS = {"RJ1": "@GSTTnhs", "RJZ": "@KingsCollegeNHS", "RYJ": "@ImperialNHS", "RR8": "@LeedsHospitals"}


@dataclass
class Totals:
    runs: int = 0
    read: int = 0
    new: int = 0
    requests: int = 0

    def add(self, results) -> None:
        self.runs += 1
        self.read += sum(r.total("posts_read") for r in results)
        self.new += sum(r.total("posts_new") for r in results)
        self.requests += sum(r.total("requests") for r in results)

    def row(self, name: str) -> str:
        per_new = self.read / self.new if self.new else float("nan")
        per_100 = 100 * self.requests / self.new if self.new else float("nan")
        return f"{name:<48} {self.new:>5} {self.read:>6} {self.requests:>5} {per_new:>10.2f} {per_100:>10.1f}"


class Scenario:
    """A fake X API, a fresh SQLite store and a config with one X source pointed at the fake."""

    def __init__(self, folder: Path, organisations: str, **options):
        self.fake = FakeXApi().__enter__()
        path = folder / "config.yaml"
        store = f"store:\n  url: sqlite:///{folder / 'listener.db'}\n"
        path.write_text(store + textwrap.dedent(organisations) + x_source_yaml(self.fake.base_url, **options))
        self.config = load_config(path)
        self.store = open_store(self.config.store.url)

    def collect(self):
        return collect(self.store, self.config)

    def forget_cursors(self, keep_lower_bound: bool = False) -> None:
        """Without cursors (a stateless poller), or back to the last lower bound (no in-progress cursor)."""
        with self.store.transaction() as session:
            for cursor in all_cursors(session):
                if keep_lower_bound and "until_id" in cursor.value:
                    cursor.value = {k: v for k, v in cursor.value.items() if k in ("since_id", "start_time")}
                elif not keep_lower_bound:
                    session.delete(cursor)

    def close(self) -> None:
        self.store.close()
        self.fake.__exit__()


def add_posts(fake: FakeXApi, rng: random.Random, codes: list[str], count: int, overlap: bool) -> None:
    for _ in range(count):
        named = rng.sample(codes, rng.choice([1, 2, 3]) if overlap else 1)
        fake.add_post(
            "Waiting times at " + " and ".join(MENTIONS[c] for c in named), f"user{rng.randrange(500)}"
        )


def repeated_runs(
    folder: Path, organisations: str, codes: list[str], *, overlap=False, stateless=False
) -> Totals:
    rng = random.Random(SEED)
    scenario = Scenario(folder, organisations)
    for n in range(250):  # two days of history for the first run's backfill
        named = rng.sample(codes, rng.choice([1, 2, 3]) if overlap else 1)
        scenario.fake.add_post(" ".join(MENTIONS[c] for c in named), "u", age=timedelta(minutes=10 + 11 * n))
    scenario.collect()
    totals = Totals()
    for _ in range(RUNS):
        add_posts(scenario.fake, rng, codes, rng.randint(3, 12), overlap)
        if stateless:
            scenario.forget_cursors()
        totals.add(scenario.collect())
    scenario.close()
    return totals


def interrupted_burst(folder: Path, resume: bool) -> Totals:
    scenario = Scenario(folder, TWO_TRUSTS, max_retries=0)
    rng = random.Random(SEED)
    add_posts(scenario.fake, rng, ["RJ1", "RR8"], 20, overlap=False)
    scenario.collect()
    totals = Totals()
    add_posts(scenario.fake, rng, ["RJ1", "RR8"], 250, overlap=False)
    scenario.fake.script(None, "server_error")  # page 1 is committed, page 2 fails
    totals.add(scenario.collect())
    if not resume:
        scenario.forget_cursors(keep_lower_bound=True)
    totals.add(scenario.collect())
    scenario.close()
    return totals


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    os.environ["X_BEARER_TOKEN"] = TOKEN
    os.environ.setdefault("LISTENER_PSEUDONYM_KEY", "benchmark-only-pseudonym-key-0123456789")
    XCollector.sleep = staticmethod(lambda seconds: None)
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / str(n) for n in range(7)]
        for folder in folders:
            folder.mkdir()
        rows = [
            ("incremental, 2 organisations, 1 query", repeated_runs(folders[0], TWO_TRUSTS, ["RJ1", "RR8"])),
            (
                "baseline: no cursor (backfill every run)",
                repeated_runs(folders[1], TWO_TRUSTS, ["RJ1", "RR8"], stateless=True),
            ),
            (
                "overlap, 3 organisations packed in 1 query",
                repeated_runs(folders[2], SHORT_THREE, ["RJ1", "RJZ", "RYJ"], overlap=True),
            ),
            (
                "overlap, 3 organisations in 3 queries",
                repeated_runs(folders[3], LONG_THREE, ["RJ1", "RJZ", "RYJ"], overlap=True),
            ),
            ("interrupted burst, resumed (in-progress cursor)", interrupted_burst(folders[4], resume=True)),
            ("interrupted burst, restarted from since_id", interrupted_burst(folders[5], resume=False)),
        ]
    print(f"X collector against the fake X API: {RUNS} runs after a backfill, 3 to 12 new posts before each")
    print(f"{'scenario':<48} {'new':>5} {'read':>6} {'reqs':>5} {'read/new':>10} {'req/100new':>10}")
    for name, totals in rows:
        print(totals.row(name))
    incremental, baseline = rows[0][1], rows[1][1]
    print(
        f"baseline reads {baseline.read / incremental.read:.1f}x as many posts as the incremental collector "
        f"({baseline.read} against {incremental.read}) for the same {incremental.new} new posts"
    )


if __name__ == "__main__":
    main()

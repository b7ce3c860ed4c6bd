"""Benchmark: the weekly report for one organisation with 1,000,000 posts in a SQLite store.

Builds a store (schema by the migrations, rows by bulk insert): 1,000,000 posts over the 52 weeks up to
2026-W47, all mentioning RJ1, each with a VADER score and a `scorings` row; about half have a theme
(a tenth the not-about-care relevance label) and about 1 % a flag. Then times, in the same run:

- the report: `build_weekly_report` (every aggregation in SQL) and writing HTML, Markdown, JSON and CSV;
- the baseline: reading the same 13 weeks of rows from the `organisation_posts` view into pandas, which is
  where aggregating in Python would have to start.

Prints seconds, the ratio, the report's peak Python memory (tracemalloc) and the process's peak RSS.

    python benchmarks/report.py [--posts 1000000] [--dir /tmp/listener-bench] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from listener.config import parse_config  # noqa: E402
from listener.reports import data  # noqa: E402
from listener.reports.render import write_report  # noqa: E402
from listener.reports.weekly import REPORT_WEEKS, build_weekly_report  # noqa: E402
from listener.store import open_store  # noqa: E402
from listener.store.views import organisation_posts  # noqa: E402

WEEK = "2026-W47"
END = datetime(2026, 11, 23, tzinfo=UTC)  # the Monday after week 47 (GMT)
SPAN = timedelta(weeks=52)
THEMES = ["waiting_times", "staff_attitude", "parking", "communication", "clinical_care", "food", "discharge"]
WORDS = [
    "ward",
    "nurse",
    "doctor",
    "wait",
    "hours",
    "appointment",
    "parking",
    "food",
    "clean",
    "kind",
    "rude",
    "cancelled",
    "delayed",
    "ambulance",
    "discharge",
    "pharmacy",
    "letter",
    "phone",
    "midwife",
    "surgery",
    "scan",
    "bed",
    "corridor",
    "visiting",
    "lift",
    "reception",
]
FLAGS = [("needs_response", 0.006), ("safeguarding", 0.0008), ("praise_to_share", 0.005)]


def sqlite_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def post_rows(count: int, rng: random.Random):
    step = SPAN / count
    start = END - SPAN
    for post_id in range(1, count + 1):
        created = sqlite_time(start + step * (post_id - 1))
        text = " ".join(rng.choices(WORDS, k=12)) + f" at St Thomas' #{post_id % 97}"
        yield (
            post_id,
            "x",
            f"n{post_id}",
            "bench",
            text,
            f"https://x.test/{post_id}",
            created,
            created,
            "en",
            f"a{rng.randrange(count // 3)}",
            rng.randrange(5),
            rng.randrange(3),
            rng.randrange(20),
            None,
        )


def score_rows(count: int, rng: random.Random):
    for post_id in range(1, count + 1):
        score = rng.uniform(-1, 1)
        label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        yield post_id, "vader", "3.3.2", score, None, None, None, label


def theme_rows(count: int, rng: random.Random):
    for post_id in range(1, count + 1):
        draw = rng.random()
        if draw < 0.1:
            yield post_id, "sentiment", "not_about_care", "bench", 0.9
        elif draw < 0.5:
            yield post_id, "sentiment", rng.choice(THEMES), "bench", rng.uniform(0.3, 1)


def flag_rows(count: int, rng: random.Random):
    for post_id in range(1, count + 1):
        for flag, share in FLAGS:
            if rng.random() < share:
                yield post_id, "sentiment", flag, "bench", "benchmark flag"


def build_store(path: Path, posts: int) -> None:
    """Schema through the migrations, then rows by executemany on one sqlite3 connection."""
    open_store(f"sqlite:///{path}").close()
    rng = random.Random(47)
    stamp = sqlite_time(END)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.execute(
            "INSERT INTO organisations VALUES ('RJ1', 'Guy''s and St Thomas'' NHS Foundation Trust', "
            "'[]', '[\"GSTTnhs\"]', '[]', ?)",
            (stamp,),
        )
        db.executemany(
            "INSERT INTO posts (id, platform, native_id, source, text, url, created_at, collected_at, lang, "
            "author_key, like_count, repost_count, reply_count, quote_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            post_rows(posts, rng),
        )
        db.executemany(
            "INSERT INTO mentions VALUES (?, 'RJ1', 'name', 'St Thomas''')",
            ((i,) for i in range(1, posts + 1)),
        )
        db.executemany("INSERT INTO sentiment_scores VALUES (?,?,?,?,?,?,?,?)", score_rows(posts, rng))
        db.executemany(
            "INSERT INTO scorings VALUES (?, 'sentiment', 'bench', ?)",
            ((i, stamp) for i in range(1, posts + 1)),
        )
        db.executemany("INSERT INTO theme_scores VALUES (?,?,?,?,?)", theme_rows(posts, rng))
        db.executemany("INSERT INTO flags VALUES (?,?,?,?,?)", flag_rows(posts, rng))
        runs = [
            ("x-search", "mentions", sqlite_time(END - timedelta(hours=h)), None, status, 1, 0, 0, None)
            for h, status in enumerate(["ok"] * 150 + ["failed", "rate_limited"])
        ]
        db.executemany(
            "INSERT INTO collection_runs (source, stream, started_at, finished_at, status, requests, posts_read, "
            "posts_new, error) VALUES (?,?,?,?,?,?,?,?,?)",
            runs,
        )


def time_report(url: str, out: Path, trace: bool = False) -> tuple[float, float, int]:
    """Seconds (wall, CPU) of one report; with ``trace``, also its peak Python memory (tracemalloc slows it)."""
    config = parse_config(
        {"organisations": [{"code": "RJ1", "name": "Guy's and St Thomas'"}], "store": {"url": url}}
    )
    store = open_store(url)
    try:
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        report = build_weekly_report(store.engine, config, "RJ1", WEEK)
        write_report(out, report)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
    finally:
        store.close()
    if not trace:
        print(
            f"  {report.this_week.posts:,} posts this week, {sum(w.posts for w in report.weeks):,} in {REPORT_WEEKS} weeks"
        )
    return seconds, cpu, peak


def time_baseline(url: str) -> tuple[float, float, int]:
    """Read the 13 weeks of rows a Python-side aggregation would need, from the analyst view."""
    weeks = data.weeks_ending(WEEK, parse_config({}).reports.zone, REPORT_WEEKS)
    store = open_store(url)
    view = organisation_posts
    query = view.select().where(
        view.c.org_code == "RJ1", view.c.created_at >= weeks[0].start, view.c.created_at < weeks[-1].end
    )
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with store.engine.connect() as connection:
            frame = pd.read_sql(query, connection)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        store.close()
    return seconds, cpu, len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the database (reused by the next run)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="listener-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{args.posts}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        build_store(path, args.posts)
        print(f"built {path} with {args.posts:,} posts in {time.perf_counter() - started:.1f} s")
    report_s, report_cpu, _ = time_report(url, folder / "reports")
    again_s, again_cpu, _ = time_report(url, folder / "reports")
    _, _, peak = time_report(url, folder / "reports", trace=True)
    report_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline_s, baseline_cpu, rows = time_baseline(url)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    print(
        f"weekly report (SQL aggregation + all files): {report_s:.2f} s wall, {report_cpu:.2f} s CPU (target <= 5 s)"
    )
    print(f"the same report again in this process (warm caches): {again_s:.2f} s wall, {again_cpu:.2f} s CPU")
    print(
        f"baseline, reading the {rows:,} rows of those weeks into pandas: {baseline_s:.2f} s wall, {baseline_cpu:.2f} s CPU"
    )
    print(f"report / baseline: {report_s / baseline_s:.2f} wall, {report_cpu / baseline_cpu:.2f} CPU")
    print(f"machine load average (1 min) at the end: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"report peak Python memory (tracemalloc, a separate run): {peak / 2**20:.1f} MiB")
    print(
        f"process peak RSS after the reports: {report_rss_mib:.0f} MiB; after the baseline: {rss_mib:.0f} MiB"
    )
    if not args.keep and not args.dir:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

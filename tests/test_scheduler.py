"""listener run: jobs built from config, ticks, failures recorded, stop between pages, SIGTERM, hooks."""

import shutil
import signal
import subprocess
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from listener.cli import cli
from listener.collectors.base import CollectedPost, Collector, Page
from listener.collectors.runner import collect_stream
from listener.config import parse_config
from listener.privacy import Pseudonymiser
from listener.scheduler import Jobs, build_scheduler, crontab_trigger, latest_fire_time, source_trigger
from listener.store.cursors import load_cursor
from listener.store.models import CollectionRun, Mention, SentimentScore

ROOT = Path(__file__).resolve().parents[1]
SOURCES = """
sources:
  - {name: every, kind: file, path: a.jsonl, schedule: {every: 15m}}
  - {name: nightly, kind: file, path: b.jsonl, schedule: {cron: "0 2 * * *"}}
  - {name: paused, kind: file, path: c.jsonl, enabled: false}
scheduler: {misfire_grace_time: 2m}
"""


def jobs_for(store, config):
    return Jobs(store, config, "test-worker", threading.Event())


def test_one_job_per_enabled_source_and_the_weekly_and_daily_jobs(store, make_config):
    config = make_config(SOURCES)
    scheduler = build_scheduler(jobs_for(store, config))
    scheduler.start(paused=True)  # job defaults apply once started
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown()
    assert set(jobs) == {"collect:every", "collect:nightly", "weekly-reports", "daily-jobs"}
    for job in jobs.values():
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 120)
    assert "day_of_week='mon', hour='7', minute='0'" in str(jobs["weekly-reports"].trigger)
    assert str(jobs["weekly-reports"].trigger.timezone) == "Europe/London"
    worker = build_scheduler(jobs_for(store, config), worker_only=True)
    assert {job.id for job in worker.get_jobs()} == {"collect:every", "collect:nightly"}


def test_intervals_are_aligned_so_every_worker_shares_the_same_ticks(make_config):
    config = make_config(SOURCES)
    every, nightly = config.sources[0], config.sources[1]
    now = datetime(2026, 11, 20, 10, 7, 30, tzinfo=UTC)
    assert latest_fire_time(source_trigger(every, config), now) == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    # 02:00 in London in November is 02:00 UTC; the tick of a job running late is still last night's
    assert latest_fire_time(source_trigger(nightly, config), now) == datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    next_fire = source_trigger(every, config).get_next_fire_time(None, now)
    assert next_fire == datetime(2026, 11, 20, 10, 15, tzinfo=UTC)


def test_a_failing_job_is_logged_recorded_and_swallowed(store, make_config, monkeypatch, caplog):
    config = make_config(SOURCES)
    jobs = jobs_for(store, config)
    import listener.reports.publish as publish

    monkeypatch.setattr(publish, "build_weekly_report", lambda *a, **k: 1 / 0)
    trigger = build_scheduler(jobs).get_job("weekly-reports").trigger
    jobs.weekly_reports(trigger)  # does not raise
    with store.transaction() as session:
        run = session.scalars(sa.select(CollectionRun)).one()
    assert (run.source, run.stream, run.status, run.worker, run.tick) == (
        "weekly-reports",
        "job",
        "retrying",
        "test-worker",
        latest_fire_time(trigger, datetime.now(UTC)),
    )
    assert "ZeroDivisionError" in run.error
    assert "job weekly-reports failed: ZeroDivisionError: division by zero; retrying at" in caplog.text


def job_runs(store, name="weekly-reports"):
    with store.transaction() as session:
        query = sa.select(CollectionRun).where(CollectionRun.source == name).order_by(CollectionRun.id)
        return [(run.status, run.tick) for run in session.scalars(query)]


def test_every_run_of_a_job_is_recorded_and_status_counts_only_failures_in_a_row(
    store, make_config, tmp_path
):
    config = make_config("reports: {output_dir: out}\nstatus: {alert_after_failures: 3}\n")
    jobs = jobs_for(store, config)  # no scheduler: no retries, every occasion is one attempt
    ticks = [datetime(2026, 11, 23, 7, minute, tzinfo=UTC) for minute in (30, 32, 34, 36)]
    for tick, fails in zip(ticks, (True, False, True, True), strict=True):
        if fails:  # a file where the report folder should be: NotADirectoryError
            (tmp_path / "out").write_text("not a folder")
        jobs.occasion("weekly-reports", jobs._write_weekly_reports, tick)
        shutil.rmtree(tmp_path / "out") if not fails else (tmp_path / "out").unlink()
        if tick == ticks[1]:
            shown = status_of(config)
            assert "weekly-reports (job): last run ok at" in shown.output and shown.exit_code == 0
    assert job_runs(store) == list(zip(["failed", "ok", "failed", "failed"], ticks, strict=True))
    shown = status_of(config)
    assert "2 failures in a row" in shown.output and "3 failures" not in shown.output
    assert "ALERT: weekly-reports failed 1 or more scheduled runs (each retried) in a row" in shown.stderr


def status_of(config):
    return CliRunner().invoke(cli, ["--config", str(config.path), "status"])


def test_a_failed_job_is_retried_after_5_15_and_45_minutes_then_fails(store, make_config, monkeypatch):
    import listener.reports.publish as publish

    monkeypatch.setattr(publish, "build_weekly_report", lambda *a, **k: 1 / 0)
    config = make_config()
    jobs = jobs_for(store, config)
    scheduler = build_scheduler(jobs)
    tick = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    jobs.occasion("weekly-reports", jobs._write_weekly_reports, tick)
    delays = []
    while retry := scheduler.get_job("weekly-reports:retry"):
        delays.append(retry.trigger.run_date - datetime.now(UTC))
        scheduler.remove_job(retry.id)
        retry.func(*retry.args)  # the retry, run now instead of minutes from now
    assert [round(d / timedelta(minutes=1)) for d in delays] == [5, 15, 45]
    assert job_runs(store) == [("retrying", tick)] * 3 + [("failed", tick)]
    shown = status_of(config)
    assert "1 failure in a row" in shown.output and shown.exit_code == 1


def test_a_retry_that_succeeds_clears_the_failure_and_stops_retrying(store, make_config, monkeypatch):
    import listener.reports.publish as publish

    real = publish.build_weekly_report
    monkeypatch.setattr(publish, "build_weekly_report", lambda *a, **k: 1 / 0)
    config = make_config("reports: {output_dir: out}\n")
    jobs = jobs_for(store, config)
    scheduler = build_scheduler(jobs)
    tick = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    jobs.occasion("weekly-reports", jobs._write_weekly_reports, tick)
    assert status_of(config).exit_code == 0  # a failed attempt about to be retried does not alert yet
    monkeypatch.setattr(publish, "build_weekly_report", real)
    retry = scheduler.get_job("weekly-reports:retry")
    scheduler.remove_job(retry.id)
    retry.func(*retry.args)
    assert scheduler.get_job("weekly-reports:retry") is None
    assert job_runs(store) == [("retrying", tick), ("ok", tick)]
    shown = status_of(config)
    assert shown.exit_code == 0 and "last run ok" in shown.output and "failures in a row" not in shown.output
    retry.func(*retry.args)  # a late duplicate of the retry: the occasion is done, nothing more is recorded
    assert job_runs(store) == [("retrying", tick), ("ok", tick)]


def test_a_retry_never_recorded_counts_as_a_failed_occasion_once_its_window_is_over(
    store, make_config, monkeypatch
):
    import listener.reports.publish as publish

    monkeypatch.setattr(publish, "build_weekly_report", lambda *a, **k: 1 / 0)
    config = make_config()
    jobs = jobs_for(store, config)
    build_scheduler(jobs)
    jobs.occasion("weekly-reports", jobs._write_weekly_reports, datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert status_of(config).exit_code == 0
    with store.transaction() as session:  # the database went down before the retries could be recorded
        session.execute(sa.update(CollectionRun).values(started_at=datetime.now(UTC) - timedelta(hours=3)))
    shown = status_of(config)
    assert shown.exit_code == 1 and "1 failure in a row" in shown.output


def test_weekly_reports_are_written_once_per_tick_for_every_organisation(store, make_config, tmp_path):
    config = make_config("reports: {output_dir: out}\n")
    trigger = build_scheduler(jobs_for(store, config)).get_job("weekly-reports").trigger
    jobs_for(store, config).weekly_reports(trigger)
    written = sorted(p.name for p in (tmp_path / "out").rglob("*.html"))
    assert written == ["RJ1-weekly.html", "RR8-weekly.html", "portfolio.html"]
    for path in (tmp_path / "out").rglob("*.html"):
        path.unlink()
    other = Jobs(store, config, "another-worker", threading.Event())
    other.weekly_reports(trigger)  # same tick: already done
    assert not list((tmp_path / "out").rglob("*.html"))


def test_daily_jobs_purge_once_per_tick(store, make_config, monkeypatch):
    config = make_config(SOURCES)
    calls = []
    monkeypatch.setattr("listener.retention.purge", lambda store_, config_: calls.append((store_, config_)))
    trigger = build_scheduler(jobs_for(store, config)).get_job("daily-jobs").trigger
    jobs_for(store, config).daily_jobs(trigger)
    jobs_for(store, config).daily_jobs(trigger)  # the same tick: another worker, or a late duplicate
    assert calls == [(store, config)]


class ThreePages(Collector):
    """Three pages; sets the stop event while the first is being read, as a SIGTERM would."""

    kind = "three"

    def __init__(self, stop):
        self.source = types.SimpleNamespace(name="three")
        self.config = parse_config({})
        self.stop = stop

    def streams(self):
        return ["s"]

    def collect(self, stream, cursor, until):
        for n in range(3):
            self.stop.set()
            post = CollectedPost("test", str(n), f"post {n}", datetime(2026, 11, 1, tzinfo=UTC))
            yield Page(posts=[post], cursor={"n": n + 1}, requests=1, read=1)


def test_stop_ends_a_run_after_the_page_being_committed(store):
    stop = threading.Event()
    result = collect_stream(store, ThreePages(stop), "s", Pseudonymiser(b"k" * 32), stop=stop)
    assert (result.status, result.counts.posts_new) == ("stopped", 1)
    with store.transaction() as session:
        assert load_cursor(session, "three", "s") == {"n": 1}


ONE_ORG = "organisations:\n  - {code: RR8, name: Leeds Teaching Hospitals NHS Trust}\n"


def test_sigterm_stops_listener_run_cleanly(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    config = tmp_path / "config.yaml"
    config.write_text(ONE_ORG + "sources:\n  - {name: a, kind: file, path: a.jsonl, schedule: {every: 1s}}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "listener", "--config", str(config), "run"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (tmp_path / "listener.db").exists():
        time.sleep(0.1)
    time.sleep(2.5)
    process.send_signal(signal.SIGTERM)
    _, logs = process.communicate(timeout=30)
    assert process.returncode == 0, logs
    assert "source a: status=ok new=1 read=1" in logs
    assert "SIGTERM: stopping after the current page" in logs and logs.rstrip().endswith("stopped")


def test_run_worker_refuses_sqlite(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(ONE_ORG + "store: {url: 'sqlite:///x.db'}\n")
    result = subprocess.run(
        [sys.executable, "-m", "listener", "--config", str(config), "run", "--worker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--worker needs a shared Postgres" in result.stderr


def test_latest_fire_time_of_a_weekly_cron(make_config):
    config = make_config()
    trigger = build_scheduler(jobs_for(None, config)).get_job("weekly-reports").trigger
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
    monday = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert latest_fire_time(trigger, now) == monday
    assert latest_fire_time(trigger, monday) == monday  # at the very moment: that tick
    before = monday - timedelta(microseconds=1)
    assert latest_fire_time(trigger, before) == datetime(2026, 11, 16, 7, 0, tzinfo=UTC)


def fire_days(expression: str) -> list[str]:
    """The days of the week a crontab expression fires on, in the week from Sunday 22 November 2026."""
    trigger, moment, days = crontab_trigger(expression), datetime(2026, 11, 22, tzinfo=UTC), []
    while (moment := trigger.get_next_fire_time(None, moment)) < datetime(2026, 11, 29, tzinfo=UTC):
        days.append(f"{moment:%a}")
        moment += timedelta(minutes=1)
    return days


@pytest.mark.parametrize(
    "weekdays, days",
    [
        ("0", ["Sun"]),
        ("7", ["Sun"]),
        ("sun", ["Sun"]),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("5-7", ["Sun", "Fri", "Sat"]),
        ("*/2", ["Sun", "Tue", "Thu", "Sat"]),
        ("1/2", ["Sun", "Mon", "Wed", "Fri"]),
        ("mon,thu", ["Mon", "Thu"]),
    ],
)
def test_crontab_weekdays_count_from_sunday(weekdays, days):
    """crontab numbers Sunday 0 (and 7); APScheduler numbers Monday 0, so a field passed as it is fires a day late."""
    assert fire_days(f"0 7 * * {weekdays}") == days


def test_a_weekday_range_that_runs_backwards_is_refused():
    with pytest.raises(ValueError, match="runs backwards"):
        crontab_trigger("0 7 * * 5-1")


def test_a_collection_job_matches_and_scores_what_it_collected(store, make_config, tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "1", "text": "Brilliant nurses at LGI", "created_at": "2026-11-17T10:00:00Z"}\n'
    )
    config = make_config(SOURCES)
    jobs_for(store, config).collect_source("every", source_trigger(config.sources[0], config))
    with store.transaction() as session:
        assert session.scalars(sa.select(Mention.org_code)).all() == ["RR8"]
        assert session.scalars(sa.select(SentimentScore.scorer).order_by(SentimentScore.scorer)).all() == [
            "sentiment",
            "vader",
        ]

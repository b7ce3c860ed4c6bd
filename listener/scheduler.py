"""``listener run``: APScheduler jobs built from config.

One job per enabled source, on its ``schedule`` (``every``: an interval aligned to midnight UTC, so every worker
fires at the same moments; ``cron``: in ``scheduler.timezone``, else ``reports.timezone``), which collects the
source and then matches and scores what is pending. The weekly reports run on ``scheduler.weekly_reports`` and the
daily jobs (retention, platform deletions) on ``scheduler.daily_jobs``.

Every job runs with ``max_instances=1``, coalesces missed runs into one and may start up to
``scheduler.misfire_grace_time`` late. Every run of the weekly and daily jobs is recorded in ``collection_runs``
(stream "job"), ok or failed; a collection job records only its failures (its streams record their runs). A job's
exception is logged in one line and never stops the scheduler; a failed weekly or daily job is tried again after
each of RETRY_DELAYS (5, 15 and 45 minutes), its earlier attempts recorded as "retrying", the last as "failed".
Setting the stop event (on SIGTERM or SIGINT) ends every job after the page or batch it is committing, then the
scheduler.

Several processes may run the same schedule against one Postgres (``listener run --worker``): each scheduled
moment is a "tick", and every stream and job is taken with a lease for its tick (store/leases.py), so each is done
once per tick, by whichever worker gets to it first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import OperationalError

from listener.collectors.runner import Leasing, collect
from listener.config import Config, SourceConfig
from listener.errors import ListenerError
from listener.store import Store
from listener.store.leases import Claim
from listener.store.models import CollectionRun, utcnow
from listener.store.runs import RunCounts, finish_run, start_run

log = logging.getLogger(__name__)

# Interval schedules count from this moment (a Monday, midnight UTC), so "every: 15m" fires at :00, :15, :30, :45.
INTERVAL_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)
_LOOKBACKS = (
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=8),
    timedelta(days=32),
    timedelta(days=370),
)


# A weekly or daily job that fails is tried again after each of these delays, then not until its next occasion.
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45))

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_trigger(expression: str, timezone: ZoneInfo | str = "UTC") -> CronTrigger:
    """A trigger for a standard five-field crontab expression.

    APScheduler 3 numbers weekdays from Monday = 0, where crontab has Sunday = 0 (and 7): "0 7 * * 1" would fire
    on Tuesdays. The day-of-week field is therefore expanded to the days crontab means and passed by name.
    """
    minute, hour, day, month, day_of_week = expression.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_weekdays(day_of_week),
        timezone=timezone,
    )


def _crontab_weekdays(field: str) -> str:
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = _weekday_number(low)
            last = _weekday_number(high) if high else (7 if step else first)
        if last < first:
            raise ValueError(f"weekday range {part!r} runs backwards")
        days.update(n % 7 for n in range(first, last + 1, int(step or 1)))
    return "*" if len(days) == 7 else ",".join(_DAY_NAMES[n] for n in sorted(days))


def _weekday_number(text: str) -> int:
    if text in _DAY_NAMES:
        return _DAY_NAMES.index(text)
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"expected a weekday 0-7 or sun-sat, got {text!r}")
    return int(text)


def source_trigger(source: SourceConfig, config: Config) -> BaseTrigger:
    """The trigger of a source's ``schedule``."""
    if source.schedule.every is not None:
        seconds = int(source.schedule.every.total_seconds())
        return IntervalTrigger(seconds=seconds, start_date=INTERVAL_EPOCH, timezone=UTC)
    return crontab_trigger(source.schedule.cron, config.schedule_zone)


def cron_trigger(expression: str, config: Config) -> CronTrigger:
    return crontab_trigger(expression, config.schedule_zone)


def next_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now)


def latest_fire_time(trigger: BaseTrigger, now: datetime) -> datetime:
    """The last scheduled moment at or before ``now``: the tick a late or running job belongs to."""
    for lookback in _LOOKBACKS:
        fire = trigger.get_next_fire_time(None, now - lookback)
        if fire is None or fire > now:
            continue
        while (following := trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))) and (
            following <= now
        ):
            fire = following
        return fire
    return now


class Jobs:
    """The jobs of ``listener run``: they share one store, one worker id and one stop event."""

    def __init__(self, store: Store, config: Config, worker_id: str, stop: threading.Event):
        self.store = store
        self.config = config
        self.worker_id = worker_id
        self.stop = stop
        self.scheduler: BackgroundScheduler | None = None  # set by build_scheduler; retries are added to it

    def collect_source(self, name: str, trigger: BaseTrigger) -> None:
        """Collect one source for the current tick, then match and score whatever is pending."""
        tick = latest_fire_time(trigger, datetime.now(UTC))
        leasing = Leasing(self.worker_id, self.config.scheduler.lease_ttl, tick)
        with RecordedJob(self.store, name, self.worker_id, tick, record_success=False):
            collect(self.store, self.config, [name], leasing=leasing, stop=self.stop)
            if not self.stop.is_set():
                self._match_and_score()

    def _match_and_score(self) -> None:
        from listener.matching.runner import match_pending
        from listener.scoring.runner import score_pending

        match_pending(self.store, self.config)
        score_pending(self.store, self.config, stop=self.stop)

    def weekly_reports(self, trigger: BaseTrigger) -> None:
        """Write (and e-mail, when configured) last full week's reports and portfolio, once per tick."""
        self.occasion(
            "weekly-reports", self._write_weekly_reports, latest_fire_time(trigger, datetime.now(UTC))
        )

    def _write_weekly_reports(self, tick: datetime) -> None:
        from listener.reports.publish import last_full_week, publish

        week = last_full_week(self.config, tick)
        for done in publish(self.store, self.config, week):
            log.info("weekly report %s %s: %s", done.org_code or "portfolio", week, done.paths.get("html"))

    def daily_jobs(self, trigger: BaseTrigger) -> None:
        """Retention (purge personal data past retention.posts_days) and platform deletions (``listener
        compliance`` for every platform with an enabled source that can check), once per tick."""
        self.occasion("daily-jobs", self._run_daily_jobs, latest_fire_time(trigger, datetime.now(UTC)))

    def _run_daily_jobs(self, tick: datetime) -> None:
        from listener.compliance import check_deletions, sources_to_check
        from listener.retention import purge

        purge(self.store, self.config)
        for source in sources_to_check(self.config):
            result = check_deletions(self.store, self.config, source)
            log.info("compliance %s: %s, %d deleted", source.name, result.status, result.deleted)

    def occasion(self, name: str, work: Callable[[datetime], None], tick: datetime, attempt: int = 0) -> None:
        """One attempt at a weekly or daily job's scheduled occasion ``tick``: done once per tick, and tried
        again after each of RETRY_DELAYS while it fails (a retry is dropped once the occasion is done or a
        later one has started)."""
        retry_at = self._retry_time(attempt)
        # the first attempt takes the lease for its tick; a retry takes it for now, as that tick is spent
        with (
            RecordedJob(self.store, name, self.worker_id, tick, retry_at=retry_at) as recorded,
            self._once_per_tick(name, None if attempt else tick) as mine,
        ):
            if not mine or (attempt and self._done_or_superseded(name, tick)):
                recorded.skip()
                return
            work(tick)
        if recorded.failed and retry_at is not None:
            self.scheduler.add_job(
                self.occasion,
                DateTrigger(retry_at),
                args=[name, work, tick, attempt + 1],
                id=f"{name}:retry",
                replace_existing=True,
            )

    def _retry_time(self, attempt: int) -> datetime | None:
        if attempt >= len(RETRY_DELAYS) or self.scheduler is None or self.stop.is_set():
            return None
        return datetime.now(UTC) + RETRY_DELAYS[attempt]

    def _done_or_superseded(self, name: str, tick: datetime) -> bool:
        with self.store.transaction() as session:
            done = session.scalar(
                select(CollectionRun.id)
                .where(CollectionRun.source == name, CollectionRun.stream == "job")
                .where(
                    or_(
                        CollectionRun.tick > tick,
                        and_(CollectionRun.tick == tick, CollectionRun.status == "ok"),
                    )
                )
                .limit(1)
            )
        if done is not None:
            log.info("job %s: retry for %s dropped: done, or a later run has started", name, tick)
        return done is not None

    def _once_per_tick(self, name: str, tick: datetime | None) -> TickLease:
        return TickLease(
            self.store, Claim(f"job:{name}", self.worker_id, self.config.scheduler.lease_ttl, tick)
        )


class TickLease:
    """``with TickLease(...) as mine:`` takes a job's lease for its tick; ``mine`` is False if another worker has it."""

    def __init__(self, store: Store, claim: Claim):
        self.store, self.claim, self.held = store, claim, False

    def __enter__(self) -> bool:
        holder = self.claim.acquire(self.store)
        if holder is not None:
            log.info("%s: skipped (%s)", self.claim.name, holder.describe())
        self.held = holder is None
        return self.held

    def __exit__(self, *exc_info) -> None:
        if self.held:
            self.claim.release(self.store)


class RecordedJob:
    """Records one run of a job in ``collection_runs`` (stream "job"): "ok", "failed", or "retrying" when
    ``retry_at`` says it will be tried again. A failure is logged in one line (with a traceback only for an
    unexpected error, which is a bug) and swallowed: the scheduler carries on. ``record_success=False`` records
    failures only (a collection job, whose streams record their own runs)."""

    def __init__(
        self,
        store: Store,
        name: str,
        worker_id: str,
        tick: datetime | None = None,
        *,
        retry_at: datetime | None = None,
        record_success: bool = True,
    ):
        self.store, self.name, self.worker_id, self.tick = store, name, worker_id, tick
        self.retry_at, self.record_success = retry_at, record_success
        self.started, self.skipped, self.failed = utcnow(), False, False

    def skip(self) -> None:
        """Another worker has this run: record nothing."""
        self.skipped = True

    def __enter__(self) -> RecordedJob:
        self.started = utcnow()
        return self

    def __exit__(self, kind, exc, traceback) -> bool:
        if exc is None:
            if self.record_success and not self.skipped:
                not_recorded = self._record("ok", None)
                if not_recorded:
                    log.warning("job %s: ok, but not recorded: %s", self.name, not_recorded)
            return False
        self.failed = True
        expected = isinstance(exc, ListenerError | OperationalError)
        error = str(exc) if isinstance(exc, ListenerError) else f"{kind.__name__}: {exc}"
        status = "failed" if self.retry_at is None else "retrying"
        not_recorded = self._record(status, error)
        if not_recorded == error:
            not_recorded = "the database failed in the same way"
        log.error(
            "job %s failed: %s%s%s",
            self.name,
            error,
            f"; retrying at {self.retry_at:%Y-%m-%d %H:%M:%S} UTC" if self.retry_at else "",
            f" (not recorded: {not_recorded})" if not_recorded else "",
            exc_info=None if expected else (kind, exc, traceback),
        )
        return True  # swallowed: a job's failure never stops the scheduler

    def _record(self, status: str, error: str | None) -> str | None:
        """Record the run; return why it could not be (the database itself may be what failed), else None."""
        try:
            with self.store.transaction() as session:
                run_id = start_run(session, self.name, "job", worker=self.worker_id, tick=self.tick)
                session.get(CollectionRun, run_id).started_at = self.started
                finish_run(session, run_id, status, RunCounts(), error)
        except Exception as exc:
            return str(exc) if isinstance(exc, ListenerError) else f"{type(exc).__name__}: {exc}"
        return None


def build_scheduler(jobs: Jobs, *, worker_only: bool = False) -> BackgroundScheduler:
    """The scheduler with every job; ``worker_only`` leaves out the weekly reports and daily jobs."""
    config = jobs.config
    sources = [s for s in config.sources if s.enabled]
    scheduler = BackgroundScheduler(
        timezone=config.schedule_zone,
        executors={"default": ThreadPoolExecutor(max_workers=len(sources) + 2)},
        job_defaults={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": int(config.scheduler.misfire_grace_time.total_seconds()),
        },
    )
    for source in sources:
        trigger = source_trigger(source, config)
        scheduler.add_job(
            jobs.collect_source, trigger, args=[source.name, trigger], id=f"collect:{source.name}"
        )
    if not worker_only:
        for job_id, function, expression in (
            ("weekly-reports", jobs.weekly_reports, config.scheduler.weekly_reports),
            ("daily-jobs", jobs.daily_jobs, config.scheduler.daily_jobs),
        ):
            trigger = cron_trigger(expression, config)
            scheduler.add_job(function, trigger, args=[trigger], id=job_id)
    jobs.scheduler = scheduler
    return scheduler


def run_until_stopped(jobs: Jobs, *, worker_only: bool = False) -> None:
    """Run the scheduler until ``jobs.stop`` is set, then let running jobs finish their page and return."""
    scheduler = build_scheduler(jobs, worker_only=worker_only)
    scheduler.start()
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time.isoformat())
    try:
        while not jobs.stop.wait(1.0):
            pass
    finally:
        log.info("stopping: waiting for running jobs to commit their current page")
        scheduler.shutdown(wait=True)
        log.info("stopped")

"""What ``listener status`` shows: per source its last run, next run, cursors, last error and budget used, and
whether a stream has failed ``alert_after_failures`` runs in a row (the source's own, else ``status.``'s) (then the command exits non-zero).

Only what can still run alerts: a paused source (``enabled: false``) shows its failures without alerting, and a
stream the source no longer has (a feed or query removed from config, an imported file deleted) is left out, as
nothing could ever clear its failures.

The weekly and daily jobs alert after one failed occasion: ``listener run`` retries a failed job (scheduler.py,
RETRY_DELAYS) and records those attempts as "retrying", so "failed" is an occasion that failed retries included.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.collectors import collector_class
from listener.config import Config, SourceConfig
from listener.store import Store
from listener.store.cursors import all_cursors
from listener.store.leases import held_leases
from listener.store.models import CollectionRun

RECENT_RUNS = 500  # per source: enough to count failures in a row on every stream
# Runs in progress, interrupted by a stop or a crash, or failed attempts about to be retried, are neither
# failures nor successes.
NOT_COUNTED = {"running", "stopped", "abandoned", "retrying"}
JOBS = ("weekly-reports", "daily-jobs")
JOB_ALERT_AFTER = 1  # failed occasions of a weekly or daily job, each already retried
# Failures of a whole source (before its streams were known) or of its scheduled job.
SOURCE_WIDE = {"*", "job"}


@dataclass
class StreamStatus:
    stream: str
    last_run: CollectionRun | None
    cursor: dict[str, Any] | None
    failures_in_a_row: int
    last_error: str | None
    held_by: str | None = None

    @property
    def run_status(self) -> str | None:
        """The last run's status, or "abandoned" for a run still marked running that nobody is doing: its
        lease expired or its worker (a process on this machine) is gone."""
        if self.last_run is None:
            return None
        if self.last_run.status == "running" and self.held_by is None:
            return "abandoned"
        return self.last_run.status


@dataclass
class SourceStatus:
    name: str
    kind: str
    enabled: bool
    next_run: datetime | None
    budget: str | None
    streams: list[StreamStatus] = field(default_factory=list)
    alert: bool = False
    alert_after: int = 0

    @property
    def last_stream(self) -> StreamStatus | None:
        """The stream whose run started last."""
        ran = [s for s in self.streams if s.last_run is not None]
        return max(ran, key=lambda s: s.last_run.id) if ran else None

    @property
    def last_run(self) -> CollectionRun | None:
        return self.last_stream.last_run if self.last_stream else None


def source_statuses(store: Store, config: Config, now: datetime) -> list[SourceStatus]:
    """The status of every configured source (and of the scheduler's jobs that have run)."""
    from listener.scheduler import source_trigger

    with store.transaction() as session:
        cursors = {(c.source, c.stream): c.value for c in all_cursors(session)}
        leases = {lease.name: lease for lease in held_leases(session)}
        statuses = []
        for source in config.sources:
            status = SourceStatus(
                source.name,
                source.kind,
                source.enabled,
                _next_run(source_trigger(source, config), now) if source.enabled else None,
                _budget(session, source),
            )
            alert_after = source.alert_after_failures or config.status.alert_after_failures
            status.streams = _still_configured(
                _streams(session, source.name, cursors, alert_after), source, config
            )
            for stream in status.streams:
                lease = leases.get(f"collect:{source.name}:{stream.stream}")
                stream.held_by = lease.owner if lease and not _worker_gone(lease.owner) else None
            status.alert = source.enabled and any(s.failures_in_a_row >= alert_after for s in status.streams)
            status.alert_after = alert_after
            statuses.append(status)
        for job in JOBS:
            streams = _streams(session, job, {}, JOB_ALERT_AFTER, retries_over=now - _retry_window(config))
            if streams:
                alert = any(s.failures_in_a_row >= JOB_ALERT_AFTER for s in streams)
                statuses.append(SourceStatus(job, "job", True, None, None, streams, alert, JOB_ALERT_AFTER))
    return statuses


def _still_configured(
    streams: list[StreamStatus], source: SourceConfig, config: Config
) -> list[StreamStatus]:
    """The streams the source still has (and its source-wide failures); all of them when a paused source or a
    collector that cannot be built here (a secret missing from this shell) leaves that unknown."""
    current = _configured_streams(source, config) if source.enabled else None
    if current is None:
        return streams
    return [s for s in streams if s.stream in current or s.stream in SOURCE_WIDE]


def _configured_streams(source: SourceConfig, config: Config) -> set[str] | None:
    try:
        collector = collector_class(source.kind)(source, config)
    except Exception:  # whatever stops the collector being built, status still shows every stream it knows
        return None
    try:
        return set(collector.streams())
    except Exception:  # no file matches, no query: the source-wide failure says so
        return None
    finally:
        collector.close()


def _next_run(trigger, now: datetime) -> datetime | None:
    """The source's next scheduled run, in UTC, never before ``now`` (a run due at this moment is due now)."""
    from listener.scheduler import next_fire_time

    fire = next_fire_time(trigger, now)
    return None if fire is None else max(fire.astimezone(UTC), now)


def _worker_gone(worker: str) -> bool:
    """True when ``worker`` is a host:pid of this machine whose process has ended (killed, say)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def _retry_window(config: Config) -> timedelta:
    """How long after a failed attempt its retries are all done: a "retrying" run older than this was the last
    attempt that could be recorded (the database may have been down for the rest), so it counts as failed."""
    from listener.scheduler import RETRY_DELAYS

    return sum(RETRY_DELAYS, timedelta()) + len(RETRY_DELAYS) * config.scheduler.misfire_grace_time


def _streams(
    session: Session,
    source: str,
    cursors: dict[tuple[str, str], Any],
    alert_after: int,
    retries_over: datetime | None = None,
) -> list[StreamStatus]:
    runs = session.scalars(
        select(CollectionRun)
        .where(CollectionRun.source == source)
        .order_by(CollectionRun.id.desc())
        .limit(RECENT_RUNS)
    ).all()
    by_stream: dict[str, list[CollectionRun]] = {}
    for run in runs:
        by_stream.setdefault(run.stream, []).append(run)
    for (cursor_source, stream), _ in cursors.items():
        if cursor_source == source:
            by_stream.setdefault(stream, [])
    return [
        StreamStatus(
            stream,
            stream_runs[0] if stream_runs else None,
            cursors.get((source, stream)),
            failures_in_a_row(_counted_runs(stream, stream_runs, runs), retries_over),
            next((r.error for r in stream_runs if r.error), None),
        )
        for stream, stream_runs in sorted(by_stream.items())
    ]


def _counted_runs(
    stream: str, stream_runs: list[CollectionRun], source_runs: list[CollectionRun]
) -> list[CollectionRun]:
    """A source-wide failure is over once any stream of the source has run well since."""
    if stream not in SOURCE_WIDE:
        return stream_runs
    return [r for r in source_runs if r.stream == stream or r.status != "failed"]


def failures_in_a_row(runs_newest_first: list[CollectionRun], retries_over: datetime | None = None) -> int:
    """Failed runs since the last run that went well.

    With ``retries_over`` (a weekly or daily job), failed occasions instead: attempts for one tick count once,
    and a "retrying" attempt started before ``retries_over`` counts as failed (its retries were never recorded).
    """
    failed: set[object] = set()
    for run in runs_newest_first:
        gave_up = run.status == "retrying" and retries_over is not None and run.started_at < retries_over
        if run.status in NOT_COUNTED and not gave_up:
            continue
        if run.status != "failed" and not gave_up:
            break
        failed.add(run.tick if retries_over is not None and run.tick is not None else run.id)
    return len(failed)


def _budget(session: Session, source: SourceConfig) -> str | None:
    try:
        return collector_class(source.kind).budget_used(session, source)
    except KeyError:
        return None

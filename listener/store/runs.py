"""Collection runs: one row per attempt to collect one stream, written when it starts and when it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from listener.store.models import CollectionRun, ComplianceCheck, utcnow


@dataclass
class RunCounts:
    requests: int = 0
    posts_read: int = 0
    posts_new: int = 0


def start_run(
    session: Session,
    source: str,
    stream: str,
    worker: str | None = None,
    tick: datetime | None = None,
) -> int:
    """Record that a run starts; ``worker`` and ``tick`` say who runs it, for which scheduled time.

    The caller holds the stream's lease, so an earlier run of the stream still marked "running" cannot still be
    going: its process was killed (or lost its lease). It is recorded as "abandoned"."""
    session.execute(
        update(CollectionRun)
        .where(
            CollectionRun.source == source, CollectionRun.stream == stream, CollectionRun.status == "running"
        )
        .values(
            status="abandoned", finished_at=utcnow(), error="the run's process stopped without finishing it"
        )
        .execution_options(synchronize_session=False)
    )
    run = CollectionRun(
        source=source,
        stream=stream,
        worker=worker,
        tick=tick,
        started_at=utcnow(),
        status="running",
        requests=0,
        posts_read=0,
        posts_new=0,
    )
    session.add(run)
    session.flush()
    return run.id


def record_progress(session: Session, run_id: int, counts: RunCounts) -> None:
    """A running run's counts so far, saved with each page: a run killed midway still counts what it read
    (``monthly_post_budget`` sums ``posts_read`` over every run of the month, finished or not)."""
    run = session.get(CollectionRun, run_id)
    run.requests = counts.requests
    run.posts_read = counts.posts_read
    run.posts_new = counts.posts_new


def finish_run(
    session: Session, run_id: int, status: str, counts: RunCounts, error: str | None = None
) -> None:
    record_progress(session, run_id, counts)
    run = session.get(CollectionRun, run_id)
    run.status = status
    run.finished_at = utcnow()
    run.error = error


def month_start(now: datetime | None = None) -> datetime:
    """Midnight UTC on the first day of the month of ``now`` (default: this month)."""
    return (now or utcnow()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_to_date_reads(session: Session, source: str, now: datetime | None = None) -> int:
    """Posts the source read from its API since the 1st of the month (UTC): collection runs plus compliance
    checks, since both are billed."""
    since = month_start(now)
    total = 0
    for table in (CollectionRun, ComplianceCheck):
        query = select(func.coalesce(func.sum(table.posts_read), 0)).where(
            table.source == source, table.started_at >= since
        )
        total += int(session.scalar(query))
    return total


def start_compliance_check(session: Session, source: str, platform: str) -> int:
    check = ComplianceCheck(
        source=source,
        platform=platform,
        started_at=utcnow(),
        status="running",
        requests=0,
        posts_checked=0,
        posts_read=0,
        posts_deleted=0,
    )
    session.add(check)
    session.flush()
    return check.id


def finish_compliance_check(session: Session, check_id: int, **values: object) -> None:
    """Record how a check ended: status, requests, posts_checked, posts_read, posts_deleted, error."""
    check = session.get(ComplianceCheck, check_id)
    check.finished_at = utcnow()
    for key, value in values.items():
        setattr(check, key, value)

"""Collection runs: one row per attempt to collect one stream, written when it starts and when it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.store.models import CollectionRun, utcnow


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
    """Record that a run starts; ``worker`` and ``tick`` say who runs it, for which scheduled time."""
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


def finish_run(
    session: Session, run_id: int, status: str, counts: RunCounts, error: str | None = None
) -> None:
    run = session.get(CollectionRun, run_id)
    run.status = status
    run.finished_at = utcnow()
    run.requests = counts.requests
    run.posts_read = counts.posts_read
    run.posts_new = counts.posts_new
    run.error = error


def latest_runs(session: Session) -> list[CollectionRun]:
    """The most recent run of every (source, stream)."""
    newest = (
        select(CollectionRun.source, CollectionRun.stream, func.max(CollectionRun.id).label("id"))
        .group_by(CollectionRun.source, CollectionRun.stream)
        .subquery()
    )
    query = (
        select(CollectionRun)
        .join(newest, CollectionRun.id == newest.c.id)
        .order_by(CollectionRun.source, CollectionRun.stream)
    )
    return list(session.scalars(query))

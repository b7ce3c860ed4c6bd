"""Leases held in the database: who may work on a stream (or run a daily job) and until when.

A lease is taken atomically by one statement that succeeds only when the lease is free: never taken (INSERT ...
ON CONFLICT DO NOTHING), expired, or already ours. That is atomic on SQLite (one writer at a time) and on Postgres
(a concurrent UPDATE waits for the row lock, then re-checks its WHERE clause against the winner's row), so two
processes can never both hold it. The holder renews it with every page it commits and releases it at the end; if
the holder dies, the lease simply expires.

``tick`` records the scheduled time a lease was last taken for, so that several workers firing the same schedule
do a stream once per tick: the first takes it, the others see it was done for that tick.

On Postgres, lease times come from the database's clock, so workers on different machines agree on expiry.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from listener.errors import LeaseLost
from listener.store.models import Lease, utcnow
from listener.store.posts import _insert

WORKER_ID_ENV = "LISTENER_WORKER_ID"


def default_worker_id() -> str:
    """$LISTENER_WORKER_ID, else host:pid (unique per process, so overlapping cron runs never share leases)."""
    return os.environ.get(WORKER_ID_ENV) or f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Holder:
    """Who holds a lease that could not be taken, and why it could not."""

    owner: str
    expires_at: datetime
    tick: datetime | None
    done_for_tick: bool

    def describe(self) -> str:
        if self.done_for_tick:
            return f"already done for this tick by worker {self.owner}"
        return f"held by worker {self.owner} until {self.expires_at:%Y-%m-%d %H:%M:%S} UTC"


def database_now(session: Session) -> datetime:
    """The time on the database's clock on Postgres (shared by every worker), the local clock on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(select(func.clock_timestamp()))
    return utcnow()


def try_acquire(
    session: Session, name: str, owner: str, ttl: timedelta, tick: datetime | None = None
) -> Holder | None:
    """Take the lease ``name`` for ``ttl``; return None when taken, else who holds it.

    With ``tick``, a lease already taken for that tick (or a later one) is not taken again, even once released.
    """
    now = database_now(session)
    values = {"owner": owner, "acquired_at": now, "expires_at": now + ttl, "tick": tick or now}
    created = session.scalar(
        _insert(session)(Lease)
        .values(name=name, **values)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(Lease.name)
    )
    if created is not None:
        return None
    free = and_(Lease.name == name, or_(Lease.owner == owner, Lease.expires_at <= now))
    if tick is not None:
        free = and_(free, or_(Lease.tick.is_(None), Lease.tick < tick))
    taken = session.execute(
        update(Lease).where(free).values(**values).execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:
        return None
    row = session.execute(select(Lease).where(Lease.name == name)).scalar_one()
    done = tick is not None and row.tick is not None and row.tick >= tick and row.expires_at <= now
    return Holder(row.owner, row.expires_at, row.tick, done or (row.owner == owner))


def renew(session: Session, name: str, owner: str, ttl: timedelta) -> None:
    """Extend our lease; raise LeaseLost when another worker has taken it (ours expired)."""
    now = database_now(session)
    renewed = session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .values(expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount != 1:
        holder = session.scalar(select(Lease.owner).where(Lease.name == name))
        raise LeaseLost(
            f"lease {name} was taken over by worker {holder} after ours expired: "
            "raise scheduler.lease_ttl above the longest wait between two pages"
        )


def release(session: Session, name: str, owner: str) -> None:
    """Give the lease back (its tick is kept, so the stream is not done again in the same tick)."""
    session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .values(expires_at=database_now(session))
        .execution_options(synchronize_session=False)
    )


def held_leases(session: Session) -> list[Lease]:
    """Leases currently held (not expired), by name."""
    now = database_now(session)
    return list(session.scalars(select(Lease).where(Lease.expires_at > now).order_by(Lease.name)))


@dataclass(frozen=True)
class Claim:
    """A lease to take from a Store: its name, the worker taking it, for how long, and for which tick."""

    name: str
    owner: str
    ttl: timedelta
    tick: datetime | None = None

    def acquire(self, store) -> Holder | None:
        with store.transaction() as session:
            return try_acquire(session, self.name, self.owner, self.ttl, self.tick)

    def renew(self, session: Session) -> None:
        renew(session, self.name, self.owner, self.ttl)

    def release(self, store) -> None:
        with store.transaction() as session:
            release(session, self.name, self.owner)

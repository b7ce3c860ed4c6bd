"""Engines and sessions for the SQL store (SQLite by default, Postgres for shared or larger deployments)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from listener.errors import StoreError

SQLITE_BUSY_TIMEOUT = (
    30  # seconds a SQLite write waits for another process's lock before "database is locked"
)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for Postgres whatever spelling the user chose ("postgres://", "postgresql://")."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout so concurrent readers work."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def open_engine(url: str) -> Engine:
    """An engine for ``url`` that has connected once: a database that cannot be opened is a StoreError naming
    it (password hidden) and what to check, not a driver's traceback later."""
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        reason = (str(exc.orig).strip().splitlines() or ["no reason given"])[0]
        if engine.url.get_backend_name() == "sqlite":
            check = "that its folder exists and listener may write there"
        else:
            check = "that the server is running and accepts this user and database"
        raise StoreError(
            f"cannot open the database {where}: {reason}; check store.url (or LISTENER_DATABASE_URL) and {check}"
        ) from None
    return engine


def database_error(exc: OperationalError, url: URL | None = None) -> StoreError:
    """The StoreError an operational failure of the database becomes: one line saying what and where.

    SQLite reports a write lock held past the busy timeout as "database is locked"; anything else (a server gone,
    a connection dropped, a disk full) is said as the driver says it, first line only."""
    where = f" ({url.render_as_string(hide_password=True)})" if url is not None else ""
    reason = (str(exc.orig).strip().splitlines() or ["no reason given"])[0]
    if "database is locked" in reason:
        return StoreError(
            f"the database is locked by another process{where}: still locked after waiting "
            f"{SQLITE_BUSY_TIMEOUT} s; try again, or check for a stuck listener process"
        )
    if "readonly database" in reason or "disk is full" in reason:  # SQLite: the file, not a server
        return StoreError(
            f"the database{where} cannot be written: {reason}; check that listener may write the database file "
            "and its folder, and that the disk has space"
        )
    return StoreError(f"the database{where} failed: {reason}; check that it is running and reachable")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()

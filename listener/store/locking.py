"""Locks that keep writers out of each other's way where rows alone cannot.

SQLite has one writer at a time and a SELECT does not start a transaction, so two processes can both read the
same pending rows before either writes: ``write_first`` makes a transaction the writer before its reads (it
waits for the one before it to commit). Postgres claims rows with ``FOR UPDATE SKIP LOCKED`` instead, and
serialises removals against collection with an advisory lock (``advisory``).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def write_first(session: Session) -> None:
    """On SQLite, make this transaction the writer now, before the reads that decide what it writes; a no-op
    elsewhere. A write that changes nothing takes the write lock, waiting for the writer before it."""
    if is_sqlite(session):
        session.execute(text("UPDATE suppressed_authors SET author_key = author_key WHERE 0"))


def advisory(session: Session, name: str, *, shared: bool) -> None:
    """Postgres: hold the transaction-level advisory lock ``name`` (one per schema: several listener stores may
    share a database) until this transaction ends, shared or exclusive."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"SELECT {function}(hashtext(current_schema() || ' ' || :name))"), {"name": name})

"""The SQL store: one engine, short transactions, and a schema kept by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from listener.store.engine import database_error, open_engine
from listener.store.schema import ensure_schema


class Store:
    """A handle on the database: ``with store.transaction() as session: ...`` commits or rolls back as one."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction. The database failing under it (locked, gone) is a one-line StoreError."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise database_error(exc, self.engine.url) from exc

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, check_schema: bool = True) -> Store:
    """Open the store at ``url``; by default create the schema in an empty database, or insist it is current.

    Raises StoreError when the database cannot be opened or reached."""
    engine = open_engine(url)
    if check_schema:
        ensure_schema(engine)
    return Store(engine)

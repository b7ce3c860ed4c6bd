"""Cursor state: one small JSON bookmark per (source, stream), saved in the same transaction as its posts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.store.models import Cursor, utcnow


def load_cursor(session: Session, source: str, stream: str) -> dict[str, Any] | None:
    return session.scalar(select(Cursor.value).where(Cursor.source == source, Cursor.stream == stream))


def save_cursor(session: Session, source: str, stream: str, value: dict[str, Any]) -> None:
    row = session.get(Cursor, (source, stream))
    if row is None:
        session.add(Cursor(source=source, stream=stream, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()


def all_cursors(session: Session) -> list[Cursor]:
    return list(session.scalars(select(Cursor).order_by(Cursor.source, Cursor.stream)))

"""Cursor state: one small JSON bookmark per (source, stream), saved in the same transaction as its posts."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.store.models import Cursor, utcnow


def load_cursor(session: Session, source: str, stream: str) -> dict[str, Any] | None:
    return session.scalar(select(Cursor.value).where(Cursor.source == source, Cursor.stream == stream))


def save_cursor(
    session: Session, source: str, stream: str, value: dict[str, Any], *, forget: Collection[str] = ()
) -> None:
    """Save a stream's cursor, without the post ids in ``forget`` (posts refused: tombstoned, erased, purged)."""
    value = _without(value, forget)
    row = session.get(Cursor, (source, stream))
    if row is None:
        session.add(Cursor(source=source, stream=stream, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()


def forget_post_ids(session: Session, native_ids: Collection[str]) -> int:
    """Take removed or purged posts' ids out of the lists of ids cursors keep (the posts seen at a stream's
    newest instant); return how many cursors changed.

    A Bluesky id names its author's DID, so an erased author must not stay there. The collector reads such a
    post again next time, and the store refuses it again (tombstone, suppressed author or purged digest).
    An id that is a cursor's position itself (X ``since_id``) stays: without it the stream would start over."""
    if not native_ids:
        return 0
    changed = 0
    for row in session.scalars(select(Cursor)):
        value = _without(row.value, native_ids)
        if value != row.value:
            row.value, row.updated_at = value, utcnow()
            changed += 1
    return changed


def _without(value: dict[str, Any], native_ids: Collection[str]) -> dict[str, Any]:
    if not native_ids:
        return value
    gone = set(native_ids)
    return {
        name: [item for item in part if item not in gone] if isinstance(part, list) else part
        for name, part in value.items()
    }


def all_cursors(session: Session) -> list[Cursor]:
    return list(session.scalars(select(Cursor).order_by(Cursor.source, Cursor.stream)))

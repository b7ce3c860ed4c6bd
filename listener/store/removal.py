"""Removing posts for good: platform deletions and erasure requests leave a tombstone, so they never return."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from listener.store.models import Post, PrivacyAction, SuppressedAuthor, Tombstone, utcnow


def remove_posts(session: Session, post_ids: Iterable[int], reason: str) -> int:
    """Delete the posts (their mentions, scores and flags go with them) and tombstone their platform ids."""
    ids = list(post_ids)
    if not ids:
        return 0
    now = utcnow()
    keys = session.execute(select(Post.platform, Post.native_id).where(Post.id.in_(ids))).all()
    known = (
        set(
            session.execute(
                select(Tombstone.platform, Tombstone.native_id).where(
                    tuple_(Tombstone.platform, Tombstone.native_id).in_(keys)
                )
            ).all()
        )
        if keys
        else set()
    )
    session.add_all(
        Tombstone(platform=p, native_id=n, reason=reason, removed_at=now)
        for p, n in keys
        if (p, n) not in known
    )
    session.execute(delete(Post).where(Post.id.in_(ids)))
    return len(keys)


def remove_by_platform_ids(session: Session, platform: str, native_ids: Iterable[str], reason: str) -> int:
    """Remove stored posts by their platform ids (what a platform's deletion or compliance check returns)."""
    ids = session.scalars(
        select(Post.id).where(Post.platform == platform, Post.native_id.in_(list(native_ids)))
    ).all()
    return remove_posts(session, ids, reason)


def unwanted(session: Session, rows: list[dict]) -> set[tuple[str, str]]:
    """The (platform, native_id) of rows that must not be stored: tombstoned posts or suppressed authors."""
    if not rows:
        return set()
    keys = [(r["platform"], r["native_id"]) for r in rows]
    found = set(
        session.execute(
            select(Tombstone.platform, Tombstone.native_id).where(
                tuple_(Tombstone.platform, Tombstone.native_id).in_(keys)
            )
        ).all()
    )
    authors = {r["author_key"] for r in rows if r.get("author_key")}
    if authors:
        suppressed = set(
            session.scalars(
                select(SuppressedAuthor.author_key).where(SuppressedAuthor.author_key.in_(authors))
            )
        )
        found |= {(r["platform"], r["native_id"]) for r in rows if r.get("author_key") in suppressed}
    return found


def record_action(session: Session, action: str, posts_affected: int, detail: str) -> None:
    session.add(
        PrivacyAction(action=action, posts_affected=posts_affected, detail=detail, performed_at=utcnow())
    )

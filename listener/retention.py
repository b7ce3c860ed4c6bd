"""Retention: personal data is kept only as long as configured (``retention.posts_days``).

A purge keeps each old post's row, its organisation mentions and its scores, so weekly counts and trend charts
stay right, but empties the text and removes the URL, author key, organisation handle and raw payload.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from listener.config import Config
from listener.store import Store
from listener.store.models import Post, utcnow
from listener.store.removal import record_action

log = logging.getLogger(__name__)

PURGED_TEXT = ""


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime | None
    posts: int


def purge(store: Store, config: Config, now: datetime | None = None) -> PurgeResult:
    """Purge the personal data of posts older than ``retention.posts_days`` (nothing when it is not set)."""
    days = config.retention.posts_days
    if days is None:
        log.info("retention: posts_days is not set, nothing purged")
        return PurgeResult(None, 0)
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    with store.transaction() as session:
        old = (Post.created_at < cutoff) & Post.purged_at.is_(None)
        count = session.scalar(select(func.count()).select_from(Post).where(old))
        if count:
            session.execute(
                update(Post)
                .where(old)
                .values(
                    text=PURGED_TEXT,
                    url=None,
                    author_key=None,
                    author_handle_key=None,
                    author_handle=None,
                    raw=None,
                    purged_at=now,
                )
            )
            record_action(
                session,
                "purge",
                count,
                f"text, URLs, author keys and payloads of posts created before {cutoff:%Y-%m-%d %H:%M} UTC "
                f"(retention.posts_days = {days})",
            )
    log.info("retention: purged %d posts created before %s", count, cutoff.isoformat())
    return PurgeResult(cutoff, count)

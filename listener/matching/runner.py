"""Match stored posts to organisations: posts whose match_key differs from the current matcher's are pending.

Changing the organisations in config changes the key, so every stored post is matched again on the next run and
reports follow. Mentions a source gave directly (method "source", e.g. Care Opinion) are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update

from listener.config import Config
from listener.matching.matcher import Matcher
from listener.store import Store
from listener.store.locking import write_first
from listener.store.models import Mention, Post
from listener.store.posts import sync_organisations

log = logging.getLogger(__name__)


@dataclass
class MatchResult:
    posts: int = 0
    matched: int = 0
    mentions: int = 0


def match_pending(
    store: Store, config: Config, *, rematch: bool = False, batch_size: int = 2000
) -> MatchResult:
    """Match every post not matched with the current organisations (all posts with ``rematch``)."""
    matcher = Matcher(config.organisations)
    result = MatchResult()
    with store.transaction() as session:
        sync_organisations(session, config.organisations)
        if rematch:
            session.execute(update(Post).where(Post.purged_at.is_(None)).values(match_key=None))
    last_id = 0
    while True:
        with store.transaction() as session:
            write_first(session)  # SQLite: one matching process at a time reads what is pending
            batch = session.execute(
                select(Post.id, Post.text)
                .where(
                    or_(Post.match_key.is_(None), Post.match_key != matcher.key),
                    Post.id > last_id,
                    Post.purged_at.is_(None),
                )  # purged posts keep their mentions: their text is gone
                .order_by(Post.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True, key_share=True)  # workers on Postgres share the work
            ).all()
            if not batch:
                break
            ids = [post_id for post_id, _ in batch]
            session.execute(delete(Mention).where(Mention.post_id.in_(ids), Mention.method != "source"))
            kept = {
                (m.post_id, m.org_code)
                for m in session.scalars(select(Mention).where(Mention.post_id.in_(ids)))
            }
            for post_id, text in batch:
                found = [m for m in matcher.find(text) if (post_id, m.org_code) not in kept]
                session.add_all(
                    Mention(
                        post_id=post_id, org_code=m.org_code, method=m.method, matched_text=m.matched_text
                    )
                    for m in found
                )
                result.mentions += len(found)
                result.matched += bool(found)
            session.execute(update(Post).where(Post.id.in_(ids)).values(match_key=matcher.key))
            result.posts += len(batch)
            last_id = ids[-1]
    log.info(
        "matched %d posts: %d mention an organisation (%d mentions)",
        result.posts,
        result.matched,
        result.mentions,
    )
    return result


def count_unmatched(store: Store) -> int:
    """Stored posts that mention no configured organisation: matched, kept out of reports, but counted."""
    with store.transaction() as session:
        mentioned = select(Mention.post_id).where(Mention.post_id == Post.id).exists()
        return session.scalar(select(func.count()).select_from(Post).where(~mentioned)) or 0

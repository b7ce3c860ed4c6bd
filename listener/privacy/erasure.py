"""Erasure requests: remove everything listener holds from one author, and keep it out from now on.

Authors are stored only as keyed hashes of (platform, handle), so an erasure needs the handle (or the platform's
account id): listener computes the author's key for each platform and removes every post with that key. The key
is kept in ``suppressed_authors`` so later collection never stores the author's posts again.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from listener.config import Config
from listener.privacy.pseudonyms import Pseudonymiser
from listener.store import Store
from listener.store.models import Post, SuppressedAuthor, utcnow
from listener.store.removal import record_action, remove_posts

log = logging.getLogger(__name__)


def erase_author(
    store: Store, config: Config, identifiers: list[str], platforms: list[str] | None = None
) -> int:
    """Remove every post by the author known by ``identifiers`` (handles or account ids); return how many."""
    pseudonymiser = Pseudonymiser.for_config(config)
    with store.transaction() as session:
        known_platforms = platforms or list(session.scalars(select(Post.platform).distinct()))
        keys = {
            pseudonymiser.author_key(platform, identifier)
            for platform in known_platforms
            for identifier in identifiers
        }
        keys.discard(None)
        ids = session.scalars(select(Post.id).where(Post.author_key.in_(keys))).all()
        removed = remove_posts(session, ids, reason="erasure")
        stored = set(
            session.scalars(select(SuppressedAuthor.author_key).where(SuppressedAuthor.author_key.in_(keys)))
        )
        session.add_all(SuppressedAuthor(author_key=key, suppressed_at=utcnow()) for key in keys - stored)
        record_action(
            session,
            "erasure",
            removed,
            f"an author's posts on {', '.join(sorted(known_platforms)) or 'no platform'} "
            "(identity not recorded)",
        )
    log.info("erasure: removed %d posts", removed)
    return removed

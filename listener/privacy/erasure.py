"""Erasure requests: remove everything listener holds from one author, and keep it out from now on.

Authors are stored only as keyed hashes: ``author_key`` of (platform, account id) when the platform gives an id
(so it survives a change of handle), else of (platform, handle), and ``author_handle_key`` of (platform, handle)
beside an id key. An erasure computes the key of every identifier given (handles, account ids) on each platform and
removes every post with one of them in either column. Those keys, and the keys of the posts removed (so an erasure
by handle also covers the account id), are kept in ``suppressed_authors``; collection stores no post whose author
key or handle key is suppressed.

The platforms are those of stored posts and of configured sources; a platform outside them is refused, because a
misspelt one ("twitter" for ``x``) would match nothing and suppress nothing, silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from listener.config import Config
from listener.errors import UsageError
from listener.privacy.pseudonyms import Pseudonymiser
from listener.store import Store
from listener.store.models import Post, SuppressedAuthor, utcnow
from listener.store.removal import hold_off_collection, record_action, remove_posts

log = logging.getLogger(__name__)

# the kinds whose posts are stored under another platform name (the others use their kind, or options.platform)
_PLATFORM_OF_KIND = {"nhs_reviews": "nhs_website"}


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: how many stored posts it removed, on which platforms it looked."""

    posts: int
    platforms: tuple[str, ...]


def known_platforms(store: Store, config: Config) -> list[str]:
    """The platforms an author's posts can be stored under: those of stored posts and of configured sources."""
    with store.transaction() as session:
        stored = set(session.scalars(select(Post.platform).distinct()))
    configured = {
        getattr(source.options, "platform", None) or _PLATFORM_OF_KIND.get(source.kind, source.kind)
        for source in config.sources
    }
    return sorted(stored | configured)


def platforms_to_erase(store: Store, config: Config, requested: list[str] | None) -> list[str]:
    """``requested`` (default: every known platform), refusing a platform listener does not know."""
    known = known_platforms(store, config)
    if not requested:
        return known
    requested = [platform.strip().lower() for platform in requested]
    unknown = [platform for platform in requested if platform not in known]
    if unknown:
        raise UsageError(
            f"unknown platform {', '.join(map(repr, unknown))}: the platforms of stored posts and configured "
            f"sources are {', '.join(known) or 'none yet'}"
        )
    return requested


def erase_author(
    store: Store,
    config: Config,
    identifiers: list[str],
    platforms: list[str] | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> Erasure:
    """Remove every post by the author known by ``identifiers`` (handles or account ids) on ``platforms``
    (default: every known platform), and keep their later posts out.

    Refuses (PseudonymKeyMismatch) a key other than the one the store's author keys were made with: it would
    match nothing."""
    pseudonymiser = pseudonymiser or Pseudonymiser.for_store(store, config)
    platforms = platforms_to_erase(store, config, platforms)
    keys = {
        pseudonymiser.author_key(platform, identifier) for platform in platforms for identifier in identifiers
    }
    keys.discard(None)
    with store.transaction() as session:
        hold_off_collection(session)  # a page being stored is committed first, and none stored meanwhile
        found = _posts_of(session, keys)
        keys |= {key for _, *both in found for key in both if key}  # the id behind a handle, and the reverse
        found = _posts_of(session, keys)  # the author's posts under their other handles, through the id
        removed = remove_posts(
            session, [post_id for post_id, *_ in found], reason="erasure", key=pseudonymiser.key
        )
        stored = set(
            session.scalars(select(SuppressedAuthor.author_key).where(SuppressedAuthor.author_key.in_(keys)))
        )
        session.add_all(SuppressedAuthor(author_key=key, suppressed_at=utcnow()) for key in keys - stored)
        record_action(
            session,
            "erasure",
            removed,
            f"an author's posts on {', '.join(sorted(platforms)) or 'no platform'} (identity not recorded)",
        )
    log.info("erasure: removed %d posts", removed)
    return Erasure(removed, tuple(sorted(platforms)))


def _posts_of(session: Session, keys: set[str]) -> list:
    """(id, author key, handle key) of the posts with one of ``keys`` as author key or handle key."""
    return session.execute(
        select(Post.id, Post.author_key, Post.author_handle_key).where(
            or_(Post.author_key.in_(keys), Post.author_handle_key.in_(keys))
        )
    ).all()

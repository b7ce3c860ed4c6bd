"""Removing posts for good: platform deletions and erasure requests leave a tombstone, so they never return.

A tombstone, like a purged post, keeps the post's id only as a digest: a keyed hash (HMAC-SHA256, with the
pseudonymisation key of author keys) of its platform and id. A post id leads to its author on the platform, so the
id itself is not kept; the digest still recognises the post when a collector reads it again, but the store alone
cannot be turned back into ids. Tombstones written by earlier versions hold the raw id until ``listener purge``
rewrites them (:func:`digest_tombstones`); until then both forms are checked.

A collection page checks what it must not store (:func:`unwanted`), then stores the rest, in one transaction; an
erasure, a purge or a deletion check reads the posts it acts on, then changes them. Run side by side, an erasure
could miss a post a page was storing and the page store an author just erased. So the page and the removal
each take a lock before they read (:func:`wait_for_removals`, :func:`hold_off_collection`): on Postgres an
advisory lock that pages share and a removal holds alone, on SQLite the write lock.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from listener.store.cursors import forget_post_ids
from listener.store.locking import advisory, is_sqlite, write_first
from listener.store.models import Post, PrivacyAction, SuppressedAuthor, Tombstone, utcnow

DIGEST_PREFIX = "hmac:"  # no platform's post id starts so: a stored id with it is a digest


def id_digest(key: bytes, platform: str, native_id: str) -> str:
    """The digest kept in place of a post's id: ``hmac:`` and 32 hex digits; a digest is returned as it is."""
    if native_id.startswith(DIGEST_PREFIX):
        return native_id
    message = f"post\x1f{platform}\x1f{native_id}".encode()  # "post": never equal to an author key's message
    return DIGEST_PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def remove_posts(session: Session, post_ids: Iterable[int], reason: str, *, key: bytes) -> int:
    """Delete the posts (their mentions, scores and flags go with them), tombstone their ids' digests and take
    their ids out of cursors."""
    ids = list(post_ids)
    if not ids:
        return 0
    now = utcnow()
    keys = session.execute(select(Post.platform, Post.native_id).where(Post.id.in_(ids))).all()
    digests = {(p, id_digest(key, p, n)) for p, n in keys}
    known = _existing(session, Tombstone.platform, Tombstone.native_id, digests)
    session.add_all(
        Tombstone(platform=p, native_id=d, reason=reason, removed_at=now) for p, d in digests - known
    )
    session.execute(delete(Post).where(Post.id.in_(ids)))
    forget_post_ids(session, {native_id for _, native_id in keys})
    return len(keys)


def remove_by_platform_ids(
    session: Session, platform: str, native_ids: Iterable[str], reason: str, *, key: bytes
) -> int:
    """Remove stored posts by their platform ids (what a platform's deletion or compliance check returns),
    purged posts (stored by digest) included."""
    hold_off_collection(session)
    native_ids = list(native_ids)
    forms = native_ids + [id_digest(key, platform, n) for n in native_ids]
    ids = session.scalars(select(Post.id).where(Post.platform == platform, Post.native_id.in_(forms))).all()
    return remove_posts(session, ids, reason, key=key)


def unwanted(
    session: Session, rows: list[dict], key: bytes, former: Mapping[tuple[str, str], str] | None = None
) -> set[tuple[str, str]]:
    """The (platform, native_id) of rows that must not be stored: tombstoned posts, posts already stored and
    purged since (kept by digest, so the unique (platform, native_id) no longer catches them), and posts of
    suppressed authors (by author key or handle key). ``former`` maps a row's (platform, native_id) to the id an
    earlier version stored the same post under (RSS before revision 0010): a tombstone or purged post under that
    id, which no migration can rewrite from its digest, refuses the row too."""
    if not rows:
        return set()
    wait_for_removals(session)  # held until the page is committed, so no removal runs in between
    former = former or {}
    known_as = {}  # each row -> the (platform, id) a tombstone or a purged post may hold it under
    for row in rows:
        platform, native_id = row["platform"], row["native_id"]
        ids = {native_id, former.get((platform, native_id), native_id)}
        known_as[(platform, native_id)] = {(platform, i) for i in ids} | {
            (platform, id_digest(key, platform, i)) for i in ids
        }
    forms = set().union(*known_as.values())
    digests = {(p, i) for p, i in forms if i.startswith(DIGEST_PREFIX)}
    removed = _existing(session, Tombstone.platform, Tombstone.native_id, forms)
    removed |= _existing(session, Post.platform, Post.native_id, digests)  # purged: no stored id is a digest
    found = {row for row, names in known_as.items() if names & removed}
    return found | _suppressed(session, rows)


def _suppressed(session: Session, rows: list[dict]) -> set[tuple[str, str]]:
    """Rows whose author key or handle key is suppressed (an erased author). A row caught by its handle key
    alone has its author key (of the account id) suppressed too, so a later change of handle does not let the
    author back in."""
    keys = {r[column] for r in rows for column in ("author_key", "author_handle_key") if r.get(column)}
    if not keys:
        return set()
    suppressed = set(
        session.scalars(select(SuppressedAuthor.author_key).where(SuppressedAuthor.author_key.in_(keys)))
    )
    hits = [r for r in rows if {r.get("author_key"), r.get("author_handle_key")} & suppressed]
    learnt = {r["author_key"] for r in hits if r.get("author_key")} - suppressed
    session.add_all(SuppressedAuthor(author_key=key, suppressed_at=utcnow()) for key in learnt)
    return {(r["platform"], r["native_id"]) for r in hits}


def digest_tombstones(session: Session, key: bytes) -> int:
    """Rewrite tombstones that still hold a raw post id (written before ids were digested); return how many."""
    raw = session.execute(
        select(Tombstone.platform, Tombstone.native_id).where(
            Tombstone.native_id.not_like(f"{DIGEST_PREFIX}%")
        )
    ).all()
    digested = {(p, n): (p, id_digest(key, p, n)) for p, n in raw}
    present = _existing(session, Tombstone.platform, Tombstone.native_id, set(digested.values()))
    for (platform, native_id), (_, digest) in digested.items():
        old = (Tombstone.platform == platform) & (Tombstone.native_id == native_id)
        if (platform, digest) in present:  # the same post tombstoned in both forms: one is enough
            session.execute(delete(Tombstone).where(old))
        else:
            session.execute(update(Tombstone).where(old).values(native_id=digest))
            present.add((platform, digest))
    return len(raw)


def hold_off_collection(session: Session) -> None:
    """Wait for the collection pages being stored to be committed, and keep new ones waiting until this
    transaction ends: call it before an erasure, a purge or a deletion reads the posts it will change."""
    _lock(session, shared=False)


def wait_for_removals(session: Session) -> None:
    """Wait for a running erasure, purge or deletion, and keep new ones waiting until this transaction ends
    (other collection pages go on): call it before a page checks what it must not store."""
    _lock(session, shared=True)


def _lock(session: Session, *, shared: bool) -> None:
    if is_sqlite(session):
        write_first(session)  # SQLite has one writer: being it now keeps pages and removals apart
    else:
        advisory(session, "listener removals", shared=shared)


def record_action(session: Session, action: str, posts_affected: int, detail: str) -> None:
    session.add(
        PrivacyAction(action=action, posts_affected=posts_affected, detail=detail, performed_at=utcnow())
    )


def _existing(
    session: Session, platform_column, id_column, pairs: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Those of the (platform, id) ``pairs`` present in the table of the two columns."""
    if not pairs:
        return set()
    return set(
        session.execute(
            select(platform_column, id_column).where(tuple_(platform_column, id_column).in_(list(pairs)))
        ).all()
    )

"""Post ids and links without authors' handles: Mastodon ids and links, Bluesky links.

Before this revision a Mastodon post's native id was its ActivityPub URI (``https://host/users/NAME/statuses/ID``)
and its link its ``url`` (``https://host/@NAME/ID``); a Bluesky post's link was
``https://bsky.app/profile/HANDLE/post/RKEY``. All three named the author. This revision rewrites stored posts
and tombstones to the forms the collectors now store (docs/data-protection.md, "Post ids and links"):

- Mastodon id: ``host/ID`` for Mastodon's URI shapes, ``host/uri-sha256:<hash>`` for any other URI;
- Mastodon link: ``https://host/web/statuses/ID`` on the server the post is from, when its URI says which id
  it has there, otherwise none (the id on the instance that served it was not stored);
- Bluesky link: ``https://bsky.app/profile/DID/post/RKEY``, from the at:// URI.

The old values are not kept anywhere, so downgrading cannot bring them back: it leaves the new forms in place.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30
"""

import hashlib
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out here, not imported from the collector, so this revision keeps its meaning if the collector changes.
MASTODON_STATUS_PATH = re.compile(r"/(?:(?:ap/)?users/[^/]+/)?statuses/(\d+)")

posts = sa.table(
    "posts",
    sa.column("id", sa.Integer),
    sa.column("platform", sa.String),
    sa.column("native_id", sa.String),
    sa.column("url", sa.Text),
)
tombstones = sa.table("tombstones", sa.column("platform", sa.String), sa.column("native_id", sa.String))


def mastodon_key(uri: str) -> str | None:
    """The new id of a Mastodon post stored by its URI; None when it is not a URI (already rewritten)."""
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.lower()
    match = MASTODON_STATUS_PATH.fullmatch(parts.path)
    if match:
        return f"{host}/{match.group(1)}"
    return f"{host}/uri-sha256:{hashlib.sha256(uri.encode('utf-8')).hexdigest()[:32]}"


def mastodon_link(uri: str) -> str | None:
    parts = urlsplit(uri)
    match = MASTODON_STATUS_PATH.fullmatch(parts.path)
    return f"{parts.scheme}://{parts.netloc}/web/statuses/{match.group(1)}" if match else None


def bluesky_link(uri: str) -> str | None:
    did, _, rest = uri.removeprefix("at://").partition("/")
    return (
        f"https://bsky.app/profile/{did}/post/{rest.rsplit('/', 1)[-1]}" if did.startswith("did:") else None
    )


def upgrade() -> None:
    connection = op.get_bind()
    _rewrite_mastodon_posts(connection)
    _rewrite_mastodon_tombstones(connection)
    rows = connection.execute(
        sa.select(posts.c.id, posts.c.native_id).where(
            posts.c.platform == "bluesky", posts.c.url.is_not(None)
        )
    ).all()
    for post_id, uri in rows:
        connection.execute(sa.update(posts).where(posts.c.id == post_id).values(url=bluesky_link(uri)))


def _rewrite_mastodon_posts(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.select(posts.c.id, posts.c.native_id, posts.c.url).where(posts.c.platform == "mastodon")
    ).all()
    taken = {native_id for _, native_id, _ in rows}
    for post_id, uri, url in rows:
        key = mastodon_key(uri)
        if key is None:
            continue
        values = {"url": mastodon_link(uri) if url is not None else None}  # a purged post keeps no link
        if key not in taken:  # one status has one URI, so two rows never share a key; if they did, keep both
            values["native_id"] = key
            taken.add(key)
        connection.execute(sa.update(posts).where(posts.c.id == post_id).values(**values))


def _rewrite_mastodon_tombstones(connection: sa.Connection) -> None:
    uris = connection.scalars(
        sa.select(tombstones.c.native_id).where(tombstones.c.platform == "mastodon")
    ).all()
    taken = set(uris)
    for uri in uris:
        key = mastodon_key(uri)
        if key is None:
            continue
        old = sa.and_(tombstones.c.platform == "mastodon", tombstones.c.native_id == uri)
        if key in taken:  # the same post tombstoned twice: one tombstone is enough
            connection.execute(sa.delete(tombstones).where(old))
        else:
            connection.execute(sa.update(tombstones).where(old).values(native_id=key))
            taken.add(key)


def downgrade() -> None:
    """Nothing to undo: the handles were never kept, so the old ids and links cannot be rebuilt."""

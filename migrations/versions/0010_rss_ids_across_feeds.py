"""RSS and Atom ids are unique across feeds: a short guid is qualified by its publisher's host.

Before this revision an entry's id was its guid as the feed gave it. A plain guid ("12345") is unique only within
one feed, and every feed of a source stores under one platform (``news`` by default), so a second publisher's
article with the same guid was taken for the first and dropped. The collector now keeps a guid that is globally
unique by its form (a URL, a ``tag:`` or ``urn:`` URI, 32 characters or more) as it is, and qualifies any other
with the host of the entry's link, else of the feed's URL: ``www.leeds-live.example/12345``. This revision
rewrites the ids stored before, so no stored article is stored again under its new id.

Feed entries are recognised by their payload (``raw`` with listener's ``dated`` key beside the entry's ``id``,
``link`` and ``published``), since a source may store them under any platform name. An entry stored without a
link is qualified by its feed's host when every feed its source has read (its cursors) is on one host; otherwise
it is left as it was, as are entries stored without their payload (``store.keep_raw`` off, the default): the
collector gives such a post its new id when its feed offers it again. Purged posts and tombstones hold only a
digest of the old id and cannot be rewritten: the collector checks entries under their old id too.
Downgrading leaves the new ids in place: they are still unique, and the old collector reads them as it would
any stored id.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import hashlib
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written out here, not imported from the collector, so this revision keeps its meaning if the collector changes.
GLOBAL_GUID = re.compile(r"(?:[a-z][a-z0-9+.-]*://[^/\s]+|tag:|urn:)", re.IGNORECASE)
LONG_OPAQUE_GUID = 32
MAX_NATIVE_ID = 200
FEED_PAYLOAD = {"id", "link", "title", "published", "dated", "source"}

posts = sa.table(
    "posts",
    sa.column("id", sa.Integer),
    sa.column("platform", sa.String),
    sa.column("native_id", sa.String),
    sa.column("source", sa.String),
    sa.column("url", sa.Text),
    sa.column("raw", sa.JSON),
)
cursors = sa.table("cursors", sa.column("source", sa.String), sa.column("stream", sa.String))


def host(url: str | None) -> str:
    return urlsplit(url or "").netloc.rpartition("@")[2].lower()


def qualified(guid: str, link: str | None, feed_host: str | None) -> str | None:
    """The id the collector now gives an entry stored under ``guid``; None when it keeps ``guid``."""
    if GLOBAL_GUID.match(guid) or len(guid) >= LONG_OPAQUE_GUID or guid.startswith(("sha256:", "hmac:")):
        return None
    scope = host(link) or feed_host
    if not scope:
        return None
    value = f"{scope}/{guid}"
    return value if len(value) <= MAX_NATIVE_ID else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def feed_hosts(connection: sa.Connection) -> dict[str, str]:
    """source -> the one host all its streams are on (sources whose feeds are on several hosts are left out)."""
    hosts: dict[str, set[str]] = {}
    for source, stream in connection.execute(sa.select(cursors.c.source, cursors.c.stream)):
        hosts.setdefault(source, set()).add(host(stream))
    return {source: found.pop() for source, found in hosts.items() if len(found) == 1 and "" not in found}


def upgrade() -> None:
    connection = op.get_bind()
    candidates = connection.execute(
        sa.select(
            posts.c.id, posts.c.platform, posts.c.native_id, posts.c.source, posts.c.url, posts.c.raw
        ).where(
            sa.func.length(posts.c.native_id) < LONG_OPAQUE_GUID,
            sa.cast(posts.c.raw, sa.Text).like('%"dated"%'),
        )
    ).all()
    entries = [  # stored under their guid (an entry without one was stored under its link, which stays)
        row
        for row in candidates
        if isinstance(row.raw, dict)
        and set(row.raw) == FEED_PAYLOAD
        and str(row.raw.get("id") or "").strip() == row.native_id
    ]
    if not entries:
        return
    by_source = feed_hosts(connection)
    taken = {
        (platform, native_id)
        for platform, native_id in connection.execute(
            sa.select(posts.c.platform, posts.c.native_id).where(
                posts.c.platform.in_({row.platform for row in entries})
            )
        )
    }
    for row in entries:
        new = qualified(row.native_id, row.url or row.raw.get("link"), by_source.get(row.source))
        if new is None or (row.platform, new) in taken:
            continue
        connection.execute(sa.update(posts).where(posts.c.id == row.id).values(native_id=new))
        taken.add((row.platform, new))


def downgrade() -> None:
    """Nothing to undo: the qualified ids are still unique, and earlier versions read them as any stored id."""

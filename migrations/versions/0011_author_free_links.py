"""Links stored by file imports that name their author are rewritten to the collectors' author-free forms.

Until this revision a file import stored an export's links as written, and exports write the platforms' usual
links, which name the author: ``x.com/NAME/status/ID``, ``server/@NAME/ID``, ``bsky.app/profile/NAME/post/KEY``,
``reddit.com/user/NAME``. The collector now stores ``https://x.com/i/web/status/ID`` and
``server/web/statuses/ID``, as the X and Mastodon collectors do, and no link for the other two (an author-free
Bluesky link needs the DID). This revision does the same to the links already stored. Links the collectors built
already have those forms and are not touched. Downgrading cannot bring back the names, and does nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Written out here, not imported from listener.collectors.export_links, so this revision keeps its meaning if that changes.
X_STATUS = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?!i/)[A-Za-z0-9_]+/status(?:es)?/(\d+)", re.IGNORECASE
)
MASTODON_STATUS = re.compile(r"(https?://[^/\s]+)/(?:@[^/\s]+|users/[^/\s]+/statuses)/(\d+)", re.IGNORECASE)
BLUESKY_BY_HANDLE = re.compile(r"https?://bsky\.app/profile/(?!did:)[^/\s]+", re.IGNORECASE)
REDDIT_USER = re.compile(r"https?://(?:[a-z]+\.)?reddit\.com/(?:u|user)/", re.IGNORECASE)

posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("url", sa.Text))


def without_author(url: str) -> str | None:
    if found := X_STATUS.match(url):
        return f"https://x.com/i/web/status/{found[1]}"
    if found := MASTODON_STATUS.match(url):
        return f"{found[1]}/web/statuses/{found[2]}"
    if BLUESKY_BY_HANDLE.match(url) or REDDIT_USER.match(url):
        return None
    return url


def upgrade() -> None:
    connection = op.get_bind()
    candidates = connection.execute(
        sa.select(posts.c.id, posts.c.url).where(
            sa.or_(
                *(
                    posts.c.url.like(pattern)
                    for pattern in (
                        "%x.com/%/status%",
                        "%twitter.com/%/status%",
                        "%/@%/%",
                        "%/users/%/statuses/%",
                    )
                ),
                posts.c.url.like("%bsky.app/profile/%"),
                posts.c.url.like("%reddit.com/u%/%"),
            )
        )
    ).all()
    for row_id, url in candidates:
        rewritten = without_author(url)
        if rewritten != url:
            connection.execute(posts.update().where(posts.c.id == row_id).values(url=rewritten))


def downgrade() -> None:
    """Nothing to undo: the names are gone."""

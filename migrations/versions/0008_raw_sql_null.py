"""Posts without a raw payload hold SQL NULL in ``posts.raw``, not the JSON value ``null``.

Before this revision the column stored the JSON text ``null`` for every post collected with
``store.keep_raw: false`` and for every purged post, so ``raw IS NULL`` missed them all. The model now writes SQL
NULL (``JSON(none_as_null=True)``); this revision turns the JSON nulls already stored into SQL NULL. Downgrading
leaves SQL NULL in place: it means the same thing to every version.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

posts = sa.table("posts", sa.column("raw", sa.JSON))


def upgrade() -> None:
    # The JSON null is the text "null" on SQLite and the json value null on Postgres: as text it reads "null" on both.
    op.execute(sa.update(posts).where(sa.cast(posts.c.raw, sa.Text) == "null").values(raw=sa.null()))


def downgrade() -> None:
    """Nothing to undo: earlier versions read SQL NULL as "no payload" too."""

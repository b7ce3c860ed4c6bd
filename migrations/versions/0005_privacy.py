"""Privacy: purged posts, tombstones for removed posts, suppressed authors and the privacy audit trail.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (SQLite >= 3.35 adds and drops columns in place), so the analyst view over posts stays.
    op.add_column("posts", sa.Column("purged_at", UTCDateTime))
    op.create_table(
        "tombstones",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("native_id", sa.String(200), primary_key=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("removed_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "suppressed_authors",
        sa.Column("author_key", sa.String(64), primary_key=True),
        sa.Column("suppressed_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "privacy_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("posts_affected", sa.Integer, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("performed_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_actions")
    op.drop_table("suppressed_authors")
    op.drop_table("tombstones")
    op.execute("ALTER TABLE posts DROP COLUMN purged_at")

"""The pseudonymisation key's fingerprint, so a changed or lost key is refused instead of silently breaking erasure;
and posts' author_handle_key, because authors are now keyed by their account id and erasure by handle must still
find their posts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (SQLite >= 3.35 adds and drops columns in place), so the analyst view over posts stays.
    op.add_column("posts", sa.Column("author_handle_key", sa.String(64)))
    op.create_table(
        "pseudonym_key_check",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_key_check")
    op.execute("ALTER TABLE posts DROP COLUMN author_handle_key")

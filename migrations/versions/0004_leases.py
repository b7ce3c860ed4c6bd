"""Leases, so overlapping runs and workers never collect a stream at once; the worker and tick of a run.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(800), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("acquired_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("tick", UTCDateTime),
    )
    with op.batch_alter_table("collection_runs") as batch:
        batch.add_column(sa.Column("worker", sa.String(200)))
        batch.add_column(sa.Column("tick", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.drop_column("tick")
        batch.drop_column("worker")
    op.drop_table("leases")

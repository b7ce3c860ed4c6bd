"""compliance_checks: what each `listener compliance` run checked, read and deleted.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compliance_checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("posts_checked", sa.Integer, nullable=False),
        sa.Column("posts_read", sa.Integer, nullable=False),
        sa.Column("posts_deleted", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_compliance_checks_source_started", "compliance_checks", ["source", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_compliance_checks_source_started", table_name="compliance_checks")
    op.drop_table("compliance_checks")

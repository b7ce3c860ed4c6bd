"""Reports: a row for each report generated.

Revision ID: 0002
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0002"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("org_code", sa.String(16)),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("generated_at", UTCDateTime, nullable=False),
        sa.Column("paths", sa.JSON, nullable=False),
        sa.Column("emailed", sa.Boolean, nullable=False),
        sa.Column("email_error", sa.Text),
    )
    op.create_index("ix_reports_org_week", "reports", ["org_code", "week"])


def downgrade() -> None:
    op.drop_index("ix_reports_org_week", table_name="reports")
    op.drop_table("reports")

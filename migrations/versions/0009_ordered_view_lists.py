"""The analyst view lists a post's themes and flags in alphabetical order on SQLite too, as it does on Postgres.

``organisation_posts`` built ``themes`` and ``flags`` on SQLite with ``group_concat(DISTINCT ...)``, which joins
values in no promised order, so the same post could read "praise_to_share;safeguarding" on Postgres and
"safeguarding;praise_to_share" on SQLite, and a query grouping by the list split the same combination in two.
SQLite's ``group_concat`` has no ORDER BY before 3.44, so each list is built from an ordered subquery. The rest
of the view is the baseline's, read from that revision so the two cannot drift.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LISTS = {  # the baseline's SQLite expression -> one with a fixed order, for themes and for flags
    f"(SELECT replace(group_concat(DISTINCT {column}), ',', ';') FROM {table} {alias} WHERE {alias}.post_id = p.id)": (
        f"(SELECT group_concat({column}, ';') FROM "
        f"(SELECT DISTINCT {column} FROM {table} {alias} WHERE {alias}.post_id = p.id ORDER BY {column}))"
    )
    for column, table, alias in (("theme", "theme_scores", "t"), ("flag", "flags", "f"))
}


def _baseline_view() -> str:
    path = Path(__file__).with_name("0001_baseline.py")
    spec = importlib.util.spec_from_file_location("listener_migration_0001", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.organisation_posts_view("sqlite")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # Postgres already orders them (string_agg ... ORDER BY)
    view = _baseline_view()
    for unordered, ordered in _LISTS.items():
        if unordered not in view:
            raise RuntimeError(f"0009: the baseline view no longer contains {unordered}")
        view = view.replace(unordered, ordered)
    op.execute("DROP VIEW IF EXISTS organisation_posts")
    op.execute(view)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP VIEW IF EXISTS organisation_posts")
    op.execute(_baseline_view())

"""docs/schema.md's "posts and net sentiment per report week" SQL gives the report's own figures, on both backends."""

import re
from pathlib import Path

from report_data import NOW, load_report_dataset
from test_report_honesty import add_own_and_other_org_posts

from listener.reports.weekly import build_weekly_report

SCHEMA_DOC = Path(__file__).parent.parent / "docs" / "schema.md"


def documented_query(dialect: str) -> str:
    blocks = re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.S)
    wanted = "(SQLite)" if dialect == "sqlite" else "(Postgres)"
    (query,) = [
        b for b in blocks if b.splitlines()[0].startswith("-- Posts and net") and wanted in b.splitlines()[0]
    ]
    return query


def test_documented_week_query_matches_the_report(store, make_config):
    config = make_config()
    load_report_dataset(store)
    add_own_and_other_org_posts(store)  # own posts the report leaves out, and another trust's post it keeps
    report = build_weekly_report(store.engine, config, "RJ1", "2026-W47", now=NOW)
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(documented_query(store.engine.dialect.name)).all()
    found = {week: (posts, net) for code, week, posts, net in rows if code == "RJ1"}
    for week in report.history:
        posts, net = found[week.week]
        assert posts == week.posts, week.week
        assert abs(float(net) - week.net) <= 0.5, week.week
    assert "2026-W46" in found and found["2026-W47"][0] == 32


def test_documented_query_uses_london_iso_weeks(store, make_config):
    """A post at 23:30 UTC on Sunday 28 June 2026 is Monday 00:30 in London (BST): ISO week 27, not 26."""
    from datetime import UTC, datetime

    from listener.store.models import Mention, Organisation, Post

    with store.transaction() as session:
        session.add(
            Organisation(
                code="RJ1", name="GSTT", aliases=[], handles=["GSTTnhs"], hashtags=[], updated_at=NOW
            )
        )
        moments = [datetime(2026, 6, 28, 23, 30, tzinfo=UTC), datetime(2026, 1, 4, 23, 30, tzinfo=UTC)]
        for post_id, moment in enumerate(moments, start=1):
            session.add(
                Post(
                    id=post_id, platform="x", native_id=str(post_id), source="t", text="t", created_at=moment
                )
            )
        session.flush()
        session.add_all([Mention(post_id=i, org_code="RJ1", method="name", matched_text="x") for i in (1, 2)])
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(documented_query(store.engine.dialect.name)).all()
    assert sorted(week for _, week, _, _ in rows) == ["2026-W01", "2026-W27"]  # GMT in January: still Sunday


def test_every_documented_query_runs(store, make_config):
    """Each SQL example of docs/schema.md runs on the backend it is written for (both, when it names neither)."""
    load_report_dataset(store)
    dialect = "(SQLite)" if store.engine.dialect.name == "sqlite" else "(Postgres)"
    blocks = re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.S)
    ran = 0
    for block in blocks:
        first = block.splitlines()[0]
        if ("(SQLite)" in first or "(Postgres)" in first) and dialect not in first:
            continue
        for statement in filter(str.strip, block.split(";\n")):
            with store.engine.connect() as connection:
                connection.exec_driver_sql(statement).all()
            ran += 1
    assert ran == 4

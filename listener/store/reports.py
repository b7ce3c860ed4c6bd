"""The ``reports`` table: one row for each report written, with its files and whether it was e-mailed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.store.models import Report


def record_report(
    session: Session,
    *,
    kind: str,
    org_code: str | None,
    week: str,
    generated_at: datetime,
    paths: dict[str, Path],
    emailed: bool,
    email_error: str | None = None,
) -> int:
    row = Report(
        kind=kind,
        org_code=org_code,
        week=week,
        generated_at=generated_at,
        paths={name: str(path) for name, path in paths.items()},
        emailed=emailed,
        email_error=email_error,
    )
    session.add(row)
    session.flush()
    return row.id


def reports_for_week(session: Session, week: str) -> list[Report]:
    return list(session.scalars(select(Report).where(Report.week == week).order_by(Report.id)))

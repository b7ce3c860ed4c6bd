"""The only SQL of reports: each function returns a pandas DataFrame read from the analyst view."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, func, select

from listener.errors import UsageError
from listener.store.views import organisation_posts as op


def parse_week(week: str) -> tuple[int, int]:
    """ "2026-W47" -> (2026, 47); raises ListenerError with the expected form otherwise."""
    try:
        year_text, week_text = week.upper().split("-W")
        year, number = int(year_text), int(week_text)
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f'--week: expected an ISO week like "2026-W47", got {week!r}') from None
    return year, number


def week_bounds(year: int, week: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in ``zone`` (so the week is local, as the reader lives it)."""
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    return start, end


def week_posts(engine: Engine, org_code: str, start: datetime, end: datetime) -> pd.DataFrame:
    """Every post of the week that mentions the organisation, with its labels."""
    query = (
        select(op)
        .where(op.c.org_code == org_code, op.c.created_at >= start, op.c.created_at < end)
        .order_by(op.c.created_at)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in op.columns])


def weekly_sentiment_counts(
    engine: Engine, org_code: str, weeks: list[tuple[datetime, datetime]]
) -> pd.DataFrame:
    """Posts per sentiment label for each week: columns week_start, negative, neutral, positive, unscored."""
    records = []
    with engine.connect() as connection:
        for start, end in weeks:
            query = (
                select(op.c.sentiment_label, func.count())
                .where(op.c.org_code == org_code, op.c.created_at >= start, op.c.created_at < end)
                .group_by(op.c.sentiment_label)
            )
            counts = {label or "unscored": n for label, n in connection.execute(query)}
            records.append({"week_start": start.date(), **counts})
    frame = pd.DataFrame(records, columns=["week_start", "negative", "neutral", "positive", "unscored"])
    return frame.fillna(0).astype({c: int for c in ("negative", "neutral", "positive", "unscored")})

"""ISO weeks as reports read them: Monday 00:00 to the next Monday 00:00 in ``reports.timezone``, with the
parsing of "2026-W47" that every command taking ``--week`` shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from listener.errors import UsageError


@dataclass(frozen=True)
class Week:
    """One ISO week: its label ("2026-W47") and its bounds as aware datetimes in the report's zone."""

    label: str
    start: datetime
    end: datetime

    @property
    def monday(self) -> date:
        return self.start.date()


def parse_week(week: str) -> tuple[int, int]:
    """ "2026-W47" -> (2026, 47); raises UsageError with the expected form otherwise."""
    try:
        year_text, week_text = week.upper().split("-W")
        year, number = int(year_text), int(week_text)
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f'--week: expected an ISO week like "2026-W47", got {week!r}') from None
    return year, number


def normalise_week(week: str) -> str:
    """ "2026-w7" -> "2026-W07" (raises UsageError for anything that is not an ISO week)."""
    year, number = parse_week(week)
    return f"{year}-W{number:02d}"


def week_bounds(year: int, week: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in ``zone`` (so the week is local, as the reader lives it)."""
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    return start, end


def weeks_ending(week: str, zone: ZoneInfo, count: int) -> list[Week]:
    """``count`` consecutive ISO weeks, oldest first, the last being ``week``."""
    year, number = parse_week(week)
    last_monday = date.fromisocalendar(year, number, 1)
    weeks = []
    for back in range(count - 1, -1, -1):
        monday = last_monday - timedelta(weeks=back)
        iso = monday.isocalendar()
        start, end = week_bounds(iso.year, iso.week, zone)
        weeks.append(Week(f"{iso.year}-W{iso.week:02d}", start, end))
    return weeks

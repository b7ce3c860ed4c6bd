"""The bounds of an X search request: where a stream's cursor says reading starts, and how a request sends it.

A lower bound is the cursor's ``since_id`` (exclusive), else a ``start_time`` (inclusive): ``backfill`` ago on a
stream's first run. Recent search reaches back 7 days, so a bound older than that is moved up to what it reaches
(and logged: those posts are out of reach without ``archive: true``). An upper bound is an ``until_id`` (an
interrupted run's oldest post) or an ``end_time`` (the run's ``until``). X refuses an id bound next to a time bound,
so such a request sends the time as an id: ids are time-ordered ("snowflakes", see x_posts.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from listener.collectors.x_posts import snowflake_at, snowflake_time

log = logging.getLogger("listener.collectors.x")  # logged as the X collector's

RECENT_WINDOW = timedelta(days=7)
WINDOW_MARGIN = timedelta(minutes=2)  # keep bounds safely inside the window X checks with its own clock


def lower_bound(
    cursor: dict[str, Any], *, now: datetime, backfill: timedelta, archive: bool, source: str
) -> dict[str, Any]:
    """``since_id`` from the cursor, else ``start_time``; kept inside the 7 days recent search reaches.

    A start_time is a whole second, as tweepy sends it: a resumed run sends it as a since_id (to the
    millisecond) and would otherwise skip the fraction of a second the first request read."""
    now = now.replace(microsecond=0)
    window_start = None if archive else now - RECENT_WINDOW + WINDOW_MARGIN
    if "since_id" in cursor:
        since = snowflake_time(cursor["since_id"])
        if window_start is None or since >= window_start:
            return {"since_id": cursor["since_id"]}
        log.warning(
            "%s: last read post is from %s, older than recent search reaches; posts before %s are "
            "out of reach (a source with archive: true can fetch them)",
            source,
            since.isoformat(),
            window_start.isoformat(),
        )
        return {"start_time": window_start}
    start = datetime.fromisoformat(cursor["start_time"]) if "start_time" in cursor else now - backfill
    start = start.replace(microsecond=0)
    return {"start_time": max(start, window_start) if window_start else start}


def request_bounds(lower: dict[str, Any], until_id: str | None, until: datetime | None) -> dict[str, Any]:
    """X takes one of since_id/start_time and one of until_id/end_time, and refuses an id next to a time (400
    "Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or 'end_time'"). So when the bounds
    are of two kinds, the time is sent as an id: ids are time-ordered, so the same posts are asked for."""
    upper: dict[str, Any] = {}
    if until_id:
        upper = {"until_id": until_id}
    elif until is not None:
        upper = {"end_time": until}
    if "start_time" in lower and "until_id" in upper:  # start_time is inclusive, since_id exclusive
        lower = {"since_id": str(snowflake_at(lower["start_time"]) - 1)}
    if "since_id" in lower and "end_time" in upper:  # both exclusive
        upper = {"until_id": str(snowflake_at(until))}
    return {**lower, **upper}


def stored_bound(lower: dict[str, Any]) -> dict[str, Any]:
    """A lower bound as the cursor stores it (JSON: times as ISO 8601 text)."""
    if "start_time" in lower:
        return {"start_time": lower["start_time"].isoformat()}
    return dict(lower)

"""The headline: each measure this week against last week and against its usual range, in plain words.

The usual range of a measure is the range ordinary week-to-week variation stayed within over the baseline weeks
(the 12 weeks before the report's week): the process limits of an XmR chart of those weeks, clipped to what the
measure can be (no fewer than 0 posts, no more than 100 %). So "above their usual range" means the same as a
point above the upper limit of a Making Data Count chart drawn on the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from listener.reports.spc import MIN_POINTS, xmr_chart

UNITS = {"count": (0.0, None), "percent": (0.0, 100.0), "score": (-100.0, 100.0)}


@dataclass(frozen=True)
class Measure:
    """One headline figure. ``plural`` decides "their" or "its" in sentences."""

    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    usual_low: float | None = None
    usual_high: float | None = None
    baseline_weeks: int = 0
    plural: bool = True

    @property
    def position(self) -> str | None:
        """ "above", "below" or "within" the usual range; None without a value or a range."""
        if self.value is None or self.usual_low is None or self.usual_high is None:
            return None
        if self.value > self.usual_high:
            return "above"
        if self.value < self.usual_low:
            return "below"
        return "within"

    @property
    def sentence(self) -> str:
        return describe(self)


def measure(
    key: str, label: str, unit: str, values: Sequence[float | None], *, plural: bool = True
) -> Measure:
    """A measure from its weekly values, oldest first: the last is this week, the rest are the baseline."""
    *baseline, value = values
    previous = baseline[-1] if baseline else None
    history = [v for v in baseline if v is not None]
    low = high = None
    if len(history) >= MIN_POINTS:
        chart = xmr_chart(history)
        low, high = clip(chart.lower_limit, unit), clip(chart.upper_limit, unit)
    return Measure(key, label, unit, value, previous, low, high, len(history), plural)


def clip(value: float, unit: str) -> float:
    """``value`` kept within what a measure of ``unit`` can be (a limit below 0 posts is shown as 0)."""
    floor, ceiling = UNITS[unit]
    value = max(value, floor) if floor is not None else value
    return min(value, ceiling) if ceiling is not None else value


def show(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.0f} %"
    if unit == "score":
        return f"{value:+.0f}" if round(value) else "0"
    return f"{value:,.0f}"


def show_range(low: float, high: float, unit: str) -> str:
    if unit == "score" or low < 0:
        return f"{show(low, unit)} to {show(high, unit)}"
    if unit == "percent":
        return f"{low:.0f}-{high:.0f} %"
    return f"{show(low, unit)}-{show(high, unit)}"


def change_words(m: Measure) -> str:
    """ "up 12 % from 368 last week", "22 % last week", or "" when there is nothing to compare with."""
    if m.value is None or m.previous is None:
        return ""
    if m.unit == "count":
        if m.previous == 0:
            return "none last week" if m.value else "none last week either"
        change = 100 * (m.value - m.previous) / m.previous
        if round(change) == 0:
            return f"about the same as the {show(m.previous, m.unit)} last week"
        way = "up" if change > 0 else "down"
        return f"{way} {abs(change):.0f} % from {show(m.previous, m.unit)} last week"
    return f"{show(m.previous, m.unit)} last week"


def describe(m: Measure) -> str:
    """E.g. "Negative posts rose to 31 % (22 % last week), above their usual range of 12-24 %." """
    their = "their" if m.plural else "its"
    if m.value is None:
        return f"{m.label}: not available this week (no scored posts)."
    value = show(m.value, m.unit)
    change = change_words(m)
    if m.previous is None or m.value == m.previous:
        verb = "were" if m.plural else "was"
    else:
        verb = "rose to" if m.value > m.previous else "fell to"
    head = f"{m.label} {verb} {value}" + (f" ({change})" if change else "")
    position = m.position
    if position is None:
        return f"{head}; no usual range yet (it needs at least {MIN_POINTS} earlier weeks with posts)."
    usual = show_range(m.usual_low, m.usual_high, m.unit)
    if position == "within":
        return f"{head}, within {their} usual range of {usual}."
    return f"{head}, {position} {their} usual range of {usual}."

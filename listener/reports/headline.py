"""The headline: each measure this week against last week and against its usual range, in plain words.

The usual range of a measure is the range ordinary week-to-week variation stayed within over the baseline weeks
(the up to 12 weeks before the report's week, from the first with posts): the process limits of an XmR chart of
those weeks, clipped to what the measure can be (no fewer than 0 posts, no more than 100 %). ``usual_range`` is
the one definition: the headline, the trends charts and the portfolio all use it, so they cannot disagree.

A range that covers most of what a share can be (more than three-quarters of 0-100 % or of -100 to +100) says
nothing; it comes from too few posts a week for a share to settle, and the report says so instead of printing it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from listener.reports.spc import MIN_POINTS, xmr_chart

UNITS = {"count": (0.0, None), "percent": (0.0, 100.0), "score": (-100.0, 100.0)}
MAX_SCALE_COVERED = 0.75  # a usual range wider than this share of a bounded scale says nothing

NO_RANGE_YET = f"no usual range yet (it needs at least {MIN_POINTS} earlier weeks with posts)"
TOO_FEW_POSTS = "too few posts each week to say what is usual"


@dataclass(frozen=True)
class UsualRange:
    """The usual range of a measure from its baseline values; ``low``/``high`` None with the ``reason`` why."""

    low: float | None
    high: float | None
    reason: str | None = None

    def position(self, value: float | None) -> str | None:
        """ "above", "below" or "within" the range; None without a value or a range."""
        if value is None or self.low is None or self.high is None:
            return None
        if value > self.high:
            return "above"
        if value < self.low:
            return "below"
        return "within"


def usual_range(baseline: Sequence[float], unit: str) -> UsualRange:
    """The usual range of a measure of ``unit`` given its baseline weekly values (weeks without a value left out)."""
    if len(baseline) < MIN_POINTS:
        return UsualRange(None, None, NO_RANGE_YET)
    chart = xmr_chart(baseline)
    low, high = clip(chart.lower_limit, unit), clip(chart.upper_limit, unit)
    floor, ceiling = UNITS[unit]
    if ceiling is not None and high - low > MAX_SCALE_COVERED * (ceiling - floor):
        return UsualRange(None, None, TOO_FEW_POSTS)
    return UsualRange(low, high)


@dataclass(frozen=True)
class Measure:
    """One headline figure. ``plural`` decides "their" or "its" in sentences."""

    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    usual: UsualRange = UsualRange(None, None, NO_RANGE_YET)
    baseline_weeks: int = 0
    plural: bool = True

    @property
    def usual_low(self) -> float | None:
        return self.usual.low

    @property
    def usual_high(self) -> float | None:
        return self.usual.high

    @property
    def position(self) -> str | None:
        """ "above", "below" or "within" the usual range; None without a value or a range."""
        return self.usual.position(self.value)

    @property
    def status(self) -> str:
        """This week against the usual range in a few words, for a table cell: "above usual range", "no data"."""
        if self.value is None:
            return "no scored posts"
        if self.position is None:
            return "too few posts to say" if self.usual.reason == TOO_FEW_POSTS else "no usual range yet"
        return f"{self.position} usual range"

    @property
    def sentence(self) -> str:
        return describe(self)

    @property
    def shown(self) -> str:
        """This week's figure as the sentence prints it (with the decimals that set it apart from its range)."""
        return "n/a" if self.value is None else show(self.value, self.unit, decimals_needed(self))


def measure(
    key: str, label: str, unit: str, values: Sequence[float | None], *, plural: bool = True
) -> Measure:
    """A measure from its weekly values, oldest first: the last is this week, the rest are the baseline."""
    *baseline, value = values
    previous = baseline[-1] if baseline else None
    history = [v for v in baseline if v is not None]
    return Measure(key, label, unit, value, previous, usual_range(history, unit), len(history), plural)


def clip(value: float, unit: str) -> float:
    """``value`` kept within what a measure of ``unit`` can be (a limit below 0 posts is shown as 0)."""
    floor, ceiling = UNITS[unit]
    value = max(value, floor) if floor is not None else value
    return min(value, ceiling) if ceiling is not None else value


def show(value: float, unit: str, decimals: int = 0) -> str:
    if unit == "percent":
        return f"{value:.{decimals}f} %"
    if unit == "score":
        return f"{value:+.{decimals}f}" if round(value, decimals) else "0"
    return f"{value:,.{decimals}f}"


def shown_ends(low: float, high: float, unit: str) -> tuple[float, float]:
    """The ends of a usual range as the report prints them. A count is a whole number, so a range of counts is
    printed as the whole numbers it holds (9.2 to 27.1 posts is "10-27"): rounding each end instead would print 9
    posts, below the range, as if on its edge ("fell to 9, below their usual range of 9-27")."""
    if unit != "count" or math.ceil(low) > math.floor(high):
        return low, high
    return math.ceil(low), math.floor(high)


def show_range(low: float, high: float, unit: str, decimals: int = 0) -> str:
    """ "8-14", "12-24 %", "-0.10 to +0.25"; one figure ("2") when both ends print the same (a baseline that
    never varied)."""
    low, high, decimals = _printed_ends(low, high, unit, decimals)
    if show(low, unit, decimals) == show(high, unit, decimals):
        return show(low, unit, decimals) + (" %" if unit == "percent" else "")
    if unit == "score" or low < 0:
        return f"{show(low, unit, decimals)} to {show(high, unit, decimals)}"
    if unit == "percent":
        return f"{low:.{decimals}f}-{high:.{decimals}f} %"
    return f"{show(low, unit, decimals)}-{show(high, unit, decimals)}"


def usual_words(low: float, high: float, unit: str, decimals: int = 0) -> str:
    """ "usual range of 8-14", or "usual level of 2" when the range prints as one figure."""
    low, high, decimals = _printed_ends(low, high, unit, decimals)
    kind = "level" if show(low, unit, decimals) == show(high, unit, decimals) else "range"
    return f"usual {kind} of {show_range(low, high, unit, decimals)}"


def _printed_ends(low: float, high: float, unit: str, decimals: int) -> tuple[float, float, int]:
    low, high = shown_ends(low, high, unit)
    if unit == "count" and (low != int(low) or high != int(high)):
        decimals = max(decimals, 1)  # no whole number is in the range: say so rather than print "3-2"
    return low, high, decimals


def decimals_needed(m: Measure) -> int:
    """Decimal places that print this week's share or score apart from the edge of the range it is outside.

    Whole numbers can print a share just above its range as on the range's edge ("48 %, above their usual range of
    12-48 %"); one or two decimals tell them apart. Counts need none: their ranges hold whole numbers."""
    if m.unit == "count" or m.position not in ("above", "below"):
        return 0
    edge = m.usual_high if m.position == "above" else m.usual_low
    decimals = 0
    while decimals < 2 and show(m.value, m.unit, decimals) == show(edge, m.unit, decimals):
        decimals += 1
    return decimals


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
    decimals = decimals_needed(m)
    value = show(m.value, m.unit, decimals)
    change = change_words(m)
    if m.previous is None or m.value == m.previous:
        verb = "were" if m.plural else "was"
    else:
        verb = "rose to" if m.value > m.previous else "fell to"
    head = f"{m.label} {verb} {value}" + (f" ({change})" if change else "")
    position = m.position
    if position is None:
        return f"{head}; {m.usual.reason}."
    usual = usual_words(m.usual_low, m.usual_high, m.unit, decimals)
    if position == "within":
        at = "at" if usual.startswith("usual level") else "within"
        return f"{head}, {at} {their} {usual}."
    return f"{head}, {position} {their} {usual}."

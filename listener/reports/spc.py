"""Making Data Count statistical process control: XmR charts and their four special-cause rules.

Pure functions, no I/O. The conventions follow NHS England's Making Data Count and its reference implementation
NHSRplotthedots:

- the centre line is the mean of the points; the moving range is the absolute difference between consecutive
  points; the process limits are ``mean ± 2.66 × mean moving range`` (2.66 = 3 / 1.128, i.e. three sigma), and the
  two-sigma lines are ``mean ± (2/3) × 2.66 × mean moving range``;
- special cause is any of: a point outside the process limits; a run of 7 or more points on one side of the mean
  (a "shift"); 7 or more points each higher (or each lower) than the one before (a "trend"); two out of three
  consecutive points beyond the same two-sigma line.

Two choices the guidance leaves open, made here: a point exactly on the mean breaks a shift, and a point equal to
the one before breaks a trend; and "beyond two sigma" includes points that are also outside the limits.
Limits are calculated from the baseline points, by default every point given; reports pass the weeks before the
reported week as the baseline, so this week is judged against the weeks before it (Making Data Count's fixed
baseline). With fewer than 12 baseline points they are trial limits and the caller should say so.

The words for readers say "usual range" for the process limits and never "special cause" or "sigma".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7
MIN_POINTS = 2
STABLE_POINTS = 12

RULES = ("outside_limits", "shift", "trend", "two_of_three")


@dataclass(frozen=True)
class Signal:
    """A special cause: which rule, which way (``high``/``low``, or ``up``/``down`` for a trend), which points."""

    rule: str
    direction: str
    first: int
    last: int

    @property
    def points(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def high(self) -> bool:
        return self.direction in ("high", "up")


@dataclass(frozen=True)
class XmRChart:
    values: tuple[float, ...]
    mean: float
    mean_moving_range: float
    signals: tuple[Signal, ...]
    baseline: int | None = None  # how many leading points the limits come from (None: all of them)

    @property
    def upper_limit(self) -> float:
        return self.mean + LIMIT_FACTOR * self.mean_moving_range

    @property
    def lower_limit(self) -> float:
        return self.mean - LIMIT_FACTOR * self.mean_moving_range

    @property
    def upper_two_sigma(self) -> float:
        return self.mean + 2 / 3 * LIMIT_FACTOR * self.mean_moving_range

    @property
    def lower_two_sigma(self) -> float:
        return self.mean - 2 / 3 * LIMIT_FACTOR * self.mean_moving_range

    @property
    def baseline_points(self) -> int:
        return len(self.values) if self.baseline is None else self.baseline

    @property
    def trial_limits(self) -> bool:
        return self.baseline_points < STABLE_POINTS

    def signals_at(self, index: int) -> list[Signal]:
        return [s for s in self.signals if index in s.points]


def xmr_chart(values: Sequence[float], baseline: int | None = None) -> XmRChart:
    """The XmR chart of ``values`` (oldest first) with every special-cause signal found in it.

    The mean and limits come from the first ``baseline`` points (all of them when None); signals are looked for
    in every point against those limits.
    """
    points = tuple(float(v) for v in values)
    fixed = points if baseline is None else points[:baseline]
    if len(fixed) < MIN_POINTS:
        raise ValueError(f"an XmR chart needs at least {MIN_POINTS} points, got {len(fixed)}")
    mean = sum(fixed) / len(fixed)
    moving_ranges = [abs(b - a) for a, b in zip(fixed, fixed[1:], strict=False)]
    mean_mr = sum(moving_ranges) / len(moving_ranges)
    chart = XmRChart(points, mean, mean_mr, (), baseline)
    signals = (
        outside_limits(chart)
        + shifts(points, mean)
        + trends(points)
        + two_of_three(points, chart.upper_two_sigma, chart.lower_two_sigma)
    )
    ordered = tuple(sorted(signals, key=lambda s: (s.first, RULES.index(s.rule))))
    return XmRChart(points, mean, mean_mr, ordered, baseline)


def outside_limits(chart: XmRChart) -> list[Signal]:
    """Points above the upper or below the lower process limit; neighbouring points on one side form one signal."""
    sides = [
        "high" if v > chart.upper_limit else "low" if v < chart.lower_limit else None for v in chart.values
    ]
    return [Signal("outside_limits", side, first, last) for side, first, last in _runs(sides) if side]


def shifts(values: Sequence[float], mean: float) -> list[Signal]:
    """Runs of RUN_LENGTH or more points all above (or all below) the mean."""
    sides = ["high" if v > mean else "low" if v < mean else None for v in values]
    return [
        Signal("shift", side, first, last)
        for side, first, last in _runs(sides)
        if side and last - first + 1 >= RUN_LENGTH
    ]


def trends(values: Sequence[float]) -> list[Signal]:
    """TREND_LENGTH or more points in a row, each higher (or each lower) than the one before."""
    steps = ["up" if b > a else "down" if b < a else None for a, b in zip(values, values[1:], strict=False)]
    # step i joins point i and i + 1, so a run of steps first..last covers points first..last + 1
    return [
        Signal("trend", direction, first, last + 1)
        for direction, first, last in _runs(steps)
        if direction and last + 2 - first >= TREND_LENGTH
    ]


def two_of_three(values: Sequence[float], upper: float, lower: float) -> list[Signal]:
    """Two out of three consecutive points beyond the same two-sigma line; overlapping windows merge."""
    signals = []
    for side, beyond in (("high", [v > upper for v in values]), ("low", [v < lower for v in values])):
        marked = [False] * len(values)
        for start in range(len(values) - 2):
            window = range(start, start + 3)
            if sum(beyond[i] for i in window) >= 2:
                for i in window:
                    marked[i] = marked[i] or beyond[i]
        signals += [Signal("two_of_three", side, first, last) for hit, first, last in _runs(marked) if hit]
    return _merge_close(signals)


def _merge_close(signals: list[Signal]) -> list[Signal]:
    """Two-of-three points may skip one point in between: join marks of one side that are at most 2 apart."""
    merged: list[Signal] = []
    for signal in sorted(signals, key=lambda s: (s.direction, s.first)):
        last = merged[-1] if merged else None
        if last and last.direction == signal.direction and signal.first - last.last <= 2:
            merged[-1] = Signal(last.rule, last.direction, last.first, signal.last)
        else:
            merged.append(signal)
    return merged


def _runs(items: Sequence) -> list[tuple[object, int, int]]:
    """Maximal runs of equal items as (item, first index, last index)."""
    runs: list[tuple[object, int, int]] = []
    for index, item in enumerate(items):
        if runs and runs[-1][0] == item:
            runs[-1] = (item, runs[-1][1], index)
        else:
            runs.append((item, index, index))
    return runs


_WORDS = {
    ("outside_limits", "high"): "above the usual range: higher than ordinary week-to-week variation explains",
    ("outside_limits", "low"): "below the usual range: lower than ordinary week-to-week variation explains",
    ("shift", "high"): "all above the average: a sustained shift up",
    ("shift", "low"): "all below the average: a sustained shift down",
    ("trend", "up"): "each higher than the week before: a steady upward trend",
    ("trend", "down"): "each lower than the week before: a steady downward trend",
    (
        "two_of_three",
        "high",
    ): "two of three weeks near the top of the usual range or above it: an early sign of a rise",
    (
        "two_of_three",
        "low",
    ): "two of three weeks near the bottom of the usual range or below it: an early sign of a fall",
}

RULE_NAMES = {
    "outside_limits": "Outside the usual range",
    "shift": "7 weeks in a row on one side of the average",
    "trend": "7 weeks in a row rising or falling",
    "two_of_three": "2 of 3 weeks near the edge of the usual range",
}


def describe(signal: Signal, labels: Sequence[str]) -> str:
    """The signal in plain words, naming the points by ``labels`` (e.g. "week of 16 Nov")."""
    what = _WORDS[(signal.rule, signal.direction)]
    count = signal.last - signal.first + 1
    span = f"{labels[signal.first]} to {labels[signal.last]}"
    if count > 1 and signal.rule in ("shift", "trend"):
        return f"The {count} weeks from {span} were {what}."
    text = f"{labels[signal.first] if count == 1 else span}: {what}."
    return text[:1].upper() + text[1:]

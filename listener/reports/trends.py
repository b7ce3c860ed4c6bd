"""Section 5: Making Data Count XmR charts of weekly volume and net sentiment, with each signal in words.

A chart covers the weeks the headline uses: the baseline weeks and this week. Its average and limits come from the
baseline weeks only, and the limits shown are the headline's usual range (``headline.usual_range``), so this
section and the headline always say the same about this week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from listener.reports.headline import MIN_POINTS, UsualRange, show, usual_range, usual_words
from listener.reports.spc import Signal, XmRChart, describe, xmr_chart


@dataclass(frozen=True)
class SpcSeries:
    """One chart: the weeks with a value, the XmR chart (None with too few baseline weeks) and its signals in words.

    ``improvement`` is "increase" when higher is better (net sentiment) and None when neither way is better
    (volume); it decides whether a signal is shown as improvement, concern or neutral. ``current`` says whether
    the last point is this week (it is not when this week has no value, e.g. no scored posts).
    """

    key: str
    title: str
    unit: str
    improvement: str | None
    weeks: list[str]
    mondays: list[date]
    chart: XmRChart | None
    usual: UsualRange
    current: bool = True

    @property
    def labels(self) -> list[str]:
        return [f"week of {m.day} {m:%b}" for m in self.mondays]

    @property
    def limits(self) -> tuple[float, float] | None:
        """The usual range (the process limits kept within what the measure can be); None when it says nothing."""
        return None if self.usual.low is None else (self.usual.low, self.usual.high)

    @property
    def baseline_weeks(self) -> int:
        return 0 if self.chart is None else self.chart.baseline_points

    @property
    def range_words(self) -> str | None:
        """E.g. "Usual range 10-29 (average 19), from the 12 weeks before this one."; None without a chart."""
        if self.chart is None:
            return None
        weeks = f"the {self.baseline_weeks} weeks before this one"
        if self.limits is None:
            return f"Average {show(self.chart.mean, self.unit)} over {weeks}; {self.usual.reason}."
        usual = usual_words(*self.limits, self.unit).capitalize().replace(" of ", " ", 1)
        return f"{usual} (average {show(self.chart.mean, self.unit)}), from {weeks}."

    @property
    def signals(self) -> list[tuple[Signal, str, str]]:
        """(signal, its kind: improvement/concern/neutral, its description), oldest first.

        None when the usual range says nothing: signals judged against it would say nothing either."""
        if self.chart is None or self.limits is None:
            return []
        return [(s, self.kind(s), describe(s, self.labels)) for s in self.chart.signals]

    def kind(self, signal: Signal) -> str:
        if self.improvement is None:
            return "neutral"
        return "improvement" if signal.high == (self.improvement == "increase") else "concern"

    def point_kind(self, index: int) -> str:
        """What a point shows: the first signal it is part of, else ordinary variation ("common")."""
        found = [s for s, _, _ in self.signals if index in s.points]
        return self.kind(found[0]) if found else "common"

    @property
    def summary(self) -> str:
        if self.chart is None:
            return f"Not enough weeks yet to say what is usual: it needs at least {MIN_POINTS} earlier weeks with posts."
        if not self.current:
            return "No figure this week (no scored posts), so nothing to compare."
        value = self.chart.values[-1]
        position = self.usual.position(value)
        if position is None:
            return f"This week: {show(value, self.unit)}; {self.usual.reason}."
        last = len(self.chart.values) - 1
        found = [(s, kind) for s, kind, _ in self.signals if last in s.points]
        if position == "within":
            patterns = [s for s, _ in found if s.rule in ("shift", "trend", "two_of_three")]
            if not patterns:
                return "This week is within the usual range: nothing unusual."
            kind = self.kind(patterns[0])
            how = "" if kind == "neutral" else f" ({_KIND_WORDS[kind]})"
            return f"This week is within the usual range, but part of a pattern worth a look{how}: see below."
        kind = self.kind(found[0][0]) if found else "neutral"
        return f"This week is {position} the usual range: {_KIND_WORDS[kind]}."

    @property
    def note(self) -> str | None:
        if self.chart is not None and self.limits is not None and self.chart.trial_limits:
            return (
                f"Only {self.baseline_weeks} earlier weeks of data: the usual range will move as weeks are added "
                "(12 or more weeks make it steadier)."
            )
        return None


_KIND_WORDS = {
    "improvement": "a change for the better",
    "concern": "a change to look into",
    "neutral": "an unusual change (neither better nor worse in itself)",
}


def series(key: str, title: str, unit: str, improvement: str | None, points: Sequence) -> SpcSeries:
    """``points`` are (week label, monday, value), the last being this week; weeks without a value are skipped.

    Every point but this week's is the baseline the average and the usual range come from."""
    *baseline, this = points
    kept = [(label, monday, value) for label, monday, value in baseline if value is not None]
    history = [value for _, _, value in kept]
    usual = usual_range(history, unit)
    current = this[2] is not None
    if current:
        kept.append(this)
    values = [value for _, _, value in kept]
    chart = xmr_chart(values, baseline=len(history)) if len(history) >= MIN_POINTS else None
    return SpcSeries(
        key, title, unit, improvement, [k[0] for k in kept], [k[1] for k in kept], chart, usual, current
    )


def build_spc(weeks: Sequence) -> list[SpcSeries]:
    """Charts of posts per week and net sentiment per week over ``weeks`` (rows with week, monday, posts, net),
    the last being the report's week and the others its baseline."""
    return [
        series("posts", "Posts per week", "count", None, [(w.week, w.monday, w.posts) for w in weeks]),
        series(
            "net_sentiment",
            "Net sentiment per week",
            "score",
            "increase",
            [(w.week, w.monday, w.net) for w in weeks],
        ),
    ]

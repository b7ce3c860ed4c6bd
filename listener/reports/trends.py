"""Section 5: Making Data Count XmR charts of weekly volume and net sentiment, with each signal in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from listener.reports.headline import clip
from listener.reports.spc import RULE_NAMES, Signal, XmRChart, describe, xmr_chart


@dataclass(frozen=True)
class SpcSeries:
    """One chart: the weeks it covers, the XmR chart (None with too few weeks) and its signals in words.

    ``improvement`` is "increase" when higher is better (net sentiment) and None when neither way is better
    (volume); it decides whether a signal is shown as improvement, concern or neutral.
    """

    key: str
    title: str
    unit: str
    improvement: str | None
    weeks: list[str]
    mondays: list[date]
    chart: XmRChart | None

    @property
    def labels(self) -> list[str]:
        return [f"week of {m.day} {m:%b}" for m in self.mondays]

    @property
    def limits(self) -> tuple[float, float]:
        """The process limits as shown: kept within what the measure can be (no fewer than 0 posts)."""
        return clip(self.chart.lower_limit, self.unit), clip(self.chart.upper_limit, self.unit)

    @property
    def signals(self) -> list[tuple[Signal, str, str]]:
        """(signal, its kind: improvement/concern/neutral, its description), oldest first."""
        if self.chart is None:
            return []
        return [(s, self.kind(s), describe(s, self.labels)) for s in self.chart.signals]

    def kind(self, signal: Signal) -> str:
        if self.improvement is None:
            return "neutral"
        return "improvement" if signal.high == (self.improvement == "increase") else "concern"

    def point_kind(self, index: int) -> str:
        """What a point shows: the first special cause it is part of, else common cause."""
        found = self.chart.signals_at(index) if self.chart else []
        return self.kind(found[0]) if found else "common"

    @property
    def summary(self) -> str:
        if self.chart is None:
            return f"Not enough weeks yet for a chart: it needs at least 2 weeks with data ({len(self.weeks)} so far)."
        last = len(self.chart.values) - 1
        now = self.chart.signals_at(last)
        if not now:
            return "This week is within ordinary week-to-week variation (common cause): nothing unusual."
        rules = ", ".join(dict.fromkeys(RULE_NAMES[s.rule].lower() for s in now))
        return f"This week shows special cause variation ({rules}): {_KIND_WORDS[self.kind(now[0])]}."

    @property
    def note(self) -> str | None:
        if self.chart is not None and self.chart.trial_limits:
            return (
                f"Only {len(self.chart.values)} weeks of data: these are trial limits, which will move as weeks "
                "are added (Making Data Count suggests at least 12)."
            )
        return None


_KIND_WORDS = {
    "improvement": "a change for the better",
    "concern": "a change to look into",
    "neutral": "an unusual change (neither better nor worse in itself)",
}


def series(key: str, title: str, unit: str, improvement: str | None, points: Sequence) -> SpcSeries:
    """``points`` are (week label, monday, value) with value None for weeks without data, which are skipped."""
    kept = [(label, monday, value) for label, monday, value in points if value is not None]
    values = [value for _, _, value in kept]
    chart = xmr_chart(values) if len(values) >= 2 else None
    return SpcSeries(key, title, unit, improvement, [k[0] for k in kept], [k[1] for k in kept], chart)


def build_spc(weeks: Sequence) -> list[SpcSeries]:
    """Charts of posts per week and net sentiment per week over ``weeks`` (rows with week, monday, posts, net)."""
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

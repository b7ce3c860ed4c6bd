"""Inline SVG charts: no scripts, no external requests, a title and description for screen readers.

Colour is never the only signal: special-cause points are larger, drawn as diamonds and numbered, and the
numbers refer to the list of signals in words under each chart.

An SVG chart scales to the width it is given, its labels with it: drawn for a desktop and shrunk to a phone's
width, its labels were 5 px high. So each chart is drawn twice, wide (desktops and paper) and narrow (phones, and
desktops zoomed in), and the page's CSS shows one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from listener.reports.headline import show, shown_ends
from listener.reports.trends import SpcSeries

# Making Data Count's variation colours; common cause grey, and the NHS palette for lines and text.
KIND_COLOURS = {"common": "#768692", "improvement": "#0072C6", "concern": "#E46C0A", "neutral": "#490092"}
# The numbers beside unusual points are text, so they need 4.5:1 on white (WCAG 1.4.3): the concern orange has
# 3.3:1 (enough for the diamond itself, a graphic), so its numbers are a darker shade of the same orange.
NUMBER_COLOURS = {**KIND_COLOURS, "concern": "#AD5208"}
KIND_NAMES = {
    "common": "Ordinary variation",
    "improvement": "Unusual: a change for the better",
    "concern": "Unusual: a change to look into",
    "neutral": "Unusual (neither better nor worse)",
}


@dataclass(frozen=True)
class Frame:
    """Where a chart draws, in SVG units: its size, the margins for the labels, and how many weeks to name."""

    name: str  # its CSS class, which decides where it is shown
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    week_labels: int
    style: str = ""  # its own style attribute, for mail programs that drop the page's styles


WIDE = Frame("wide", 680, 270, left=46, right=128, top=14, bottom=40, week_labels=7)
# Half as wide, so drawn twice as large; its labels are larger too (the page's CSS), so the margins are wider.
# Hidden by its own style, which the page's styles override on a phone: a mail program that drops the page's
# styles (and so its media queries) shows the wide chart alone, not both.
NARROW = Frame("narrow", 340, 260, left=40, right=116, top=14, bottom=40, week_labels=3, style="display:none")


def spc_charts(series: SpcSeries, chart_id: str) -> Markup:
    """The chart for wide screens and paper, then for phones: the page shows one, so it is read once."""
    narrow = spc_chart(series, f"{chart_id}-narrow", NARROW)
    return Markup(spc_chart(series, chart_id, WIDE) + narrow)


def spc_chart(series: SpcSeries, chart_id: str, frame: Frame = WIDE) -> Markup:
    """An XmR chart: the weekly values, the average and the usual range (when it says anything), signals numbered."""
    chart = series.chart
    values = list(chart.values)
    bounds = list(series.limits or ())
    low = min([*values, *bounds, chart.mean])
    high = max([*values, *bounds, chart.mean])
    pad = (high - low) * 0.08 or 1

    def y(value: float) -> float:
        plot = frame.height - frame.top - frame.bottom
        return frame.top + plot * (1 - (value - (low - pad)) / ((high + pad) - (low - pad)))

    step = (frame.width - frame.left - frame.right) / max(len(values) - 1, 1)

    def x(index: int) -> float:
        return frame.left + index * step

    parts = [_open(series, chart_id, frame), *_grid(series, frame, y, low, high)]
    parts += _lines(series, frame, x, y)
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#425563" stroke-width="1.5"/>')
    parts += _points(series, x, y)
    parts += _week_axis(series, frame, x)
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(series: SpcSeries, chart_id: str, frame: Frame) -> str:
    chart = series.chart
    values = "; ".join(
        f"{label}: {show(v, series.unit)}" for label, v in zip(series.labels, chart.values, strict=True)
    )
    desc = f"{series.summary} {series.range_words} {values}."
    style = f' style="{frame.style}"' if frame.style else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f'class="chart {frame.name}"{style} '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(series.title)}, with its usual range</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _grid(series: SpcSeries, frame: Frame, y, low: float, high: float) -> list[str]:
    parts = []
    for tick in _ticks(low, high):
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"'
            ' stroke="#E8EDEE"/>'
            f'<text x="{frame.left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(show(tick, series.unit))}</text>"
        )
    return parts


def _lines(series: SpcSeries, frame: Frame, x, y) -> list[str]:
    chart = series.chart
    end = x(len(chart.values) - 1)
    lines = [(chart.mean, chart.mean, "Average", None)]
    if series.limits is not None:
        lower, upper = series.limits
        shown_low, shown_high = shown_ends(lower, upper, series.unit)  # as the words under the chart say them
        lines = [(upper, shown_high, "Usual high", "6 4"), *lines, (lower, shown_low, "Usual low", "6 4")]
    parts = []
    for value, label, name, dash in lines:
        style = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{frame.left}" x2="{end:.1f}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#425563"'
            f' stroke-width="{1 if dash else 1.5}"{style}/>'
            f'<text x="{end + 8:.1f}" y="{y(value) + 4:.1f}" class="axis">{name} '
            f"{escape(show(label, series.unit))}</text>"
        )
    return parts


def _points(series: SpcSeries, x, y) -> list[str]:
    parts = []
    for index, value in enumerate(series.chart.values):
        kind = series.point_kind(index)
        cx, cy = x(index), y(value)
        colour = KIND_COLOURS[kind]
        tip = f"<title>{escape(series.labels[index])}: {escape(show(value, series.unit))}</title>"
        if kind == "common":
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{colour}">{tip}</circle>')
        else:
            d = 6.5
            parts.append(
                f'<path d="M{cx:.1f} {cy - d:.1f} L{cx + d:.1f} {cy:.1f} L{cx:.1f} {cy + d:.1f} '
                f'L{cx - d:.1f} {cy:.1f} Z" fill="{colour}" stroke="#fff" stroke-width="1.5">{tip}</path>'
            )
    numbers: dict[int, list[tuple[int, str, bool]]] = {}
    for number, (signal, kind, _) in enumerate(series.signals, start=1):
        numbers.setdefault(signal.last, []).append((number, kind, signal.high))
    for index, marks in numbers.items():
        cx, cy = x(index), y(series.chart.values[index])
        label = ",".join(str(number) for number, _, _ in marks)
        # above a high point; to the left of a low one, clear of the week labels under the chart
        where = f'x="{cx:.1f}" y="{cy - 12:.1f}" text-anchor="middle"'
        if not marks[0][2]:
            where = f'x="{cx - 11:.1f}" y="{cy + 5:.1f}" text-anchor="end"'
        parts.append(f'<text {where} class="marker" fill="{NUMBER_COLOURS[marks[0][1]]}">{label}</text>')
    return parts


def _week_axis(series: SpcSeries, frame: Frame, x) -> list[str]:
    count = len(series.mondays)
    every = max(1, round(count / frame.week_labels))
    shown = [i for i in range(count) if (count - 1 - i) % every == 0]
    baseline = frame.height - frame.bottom
    parts = [
        f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{baseline}" y2="{baseline}" stroke="#AEB7BD"/>'
    ]
    for index in shown:
        monday = series.mondays[index]
        parts.append(
            f'<text x="{x(index):.1f}" y="{baseline + 16}" text-anchor="middle" class="axis">'
            f"{monday.day} {monday:%b}</text>"
        )
    parts.append(f'<text x="{frame.left}" y="{frame.height - 4}" class="axis">Week beginning (Monday)</text>')
    return parts


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = (low // step + 1) * step if low % step else low
    ticks = []
    value = first
    while value <= high:
        ticks.append(value)
        value += step
    return ticks

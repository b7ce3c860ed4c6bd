"""Inline SVG charts: no scripts, no external requests, with a title and description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

# NHS identity colours; each series is also told apart by its position and by the table under the chart.
COLOURS = {"negative": "#DA291C", "neutral": "#AEB7BD", "positive": "#009639", "unscored": "#E8EDEE"}


def stacked_weekly_bars(
    weeks: Sequence, *, title: str, description: str, width: int = 640, height: int = 220
) -> Markup:
    """Stacked bars, one per week, bottom to top: negative, neutral, positive, unscored."""
    left, bottom, top = 36, 28, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((w.total for w in weeks), default=0) or 1
    slot = plot_w / max(len(weeks), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#425563"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="axis">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="axis">0</text>',
    ]
    for index, week in enumerate(weeks):
        x = left + index * slot + slot * 0.15
        y = top + plot_h
        for label in ("negative", "neutral", "positive", "unscored"):
            value = getattr(week, label)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[label]}"><title>{week.week_start:%d %b}: {value} {label}</title></rect>'
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 10}" text-anchor="middle" class="axis">'
            f"{week.week_start:%d %b}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))

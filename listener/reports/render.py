"""Turn a report object into files: a self-contained HTML page and Markdown, with stable names."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from listener.reports.charts import stacked_weekly_bars
from listener.reports.weekly import WeeklyReport

_env = Environment(
    loader=PackageLoader("listener.reports", "templates"),
    autoescape=select_autoescape(["html", "html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["pct"] = lambda value: f"{value:.0f} %"
_env.filters["signed"] = lambda value: "n/a" if value is None else f"{value:+.0f}"


def render_html(report: WeeklyReport) -> str:
    chart = stacked_weekly_bars(
        report.trend,
        title=f"Posts per week for {report.org_name}, by sentiment",
        description="; ".join(
            f"week of {w.week_start:%d %B}: {w.total} posts ({w.negative} negative, "
            f"{w.neutral} neutral, {w.positive} positive)"
            for w in report.trend
        ),
    )
    return _env.get_template("weekly.html.j2").render(r=report, chart=chart)


def render_markdown(report: WeeklyReport) -> str:
    return _env.get_template("weekly.md.j2").render(r=report)


def report_paths(output_dir: Path, report: WeeklyReport) -> dict[str, Path]:
    """Stable file names: reports/2026-W47/RJ1-weekly.html and .md."""
    folder = output_dir / report.week
    return {fmt: folder / f"{report.org_code}-weekly.{fmt}" for fmt in ("html", "md")}


def write_report(output_dir: Path, report: WeeklyReport) -> dict[str, Path]:
    paths = report_paths(output_dir, report)
    paths["html"].parent.mkdir(parents=True, exist_ok=True)
    paths["html"].write_text(render_html(report), encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    return paths

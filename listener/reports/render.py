"""Turn report objects into files: self-contained HTML, Markdown, CSV tables and a JSON summary, stable names.

Files for one organisation: ``<output_dir>/<week>/<CODE>-weekly.html``, ``.md``, ``.json`` and
``<CODE>-weekly-<table>.csv``; the portfolio of every organisation: ``<output_dir>/<week>/portfolio.html`` (and
``.md``, ``.csv``, ``.json``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from listener.errors import ReportWriteError
from listener.reports import tables
from listener.reports.charts import KIND_COLOURS, KIND_NAMES, spc_charts
from listener.reports.headline import Measure, show
from listener.reports.languages import PAGE_LANGUAGE
from listener.reports.portfolio import Portfolio, portfolio_csv, portfolio_json
from listener.reports.weekly import WeeklyReport

_env = Environment(
    loader=PackageLoader("listener.reports", "templates"),
    autoescape=select_autoescape(["html", "html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,  # a text file ends with a newline
)
_env.filters["pct"] = lambda value: "n/a" if value is None else f"{value:.0f} %"
_env.filters["signed"] = lambda value: "n/a" if value is None else show(value, "score")
_env.filters["num"] = lambda value: f"{value:,.0f}"
_env.filters["plural"] = lambda count, word: f"{count:,} {word}{'' if count == 1 else 's'}"


def when(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def markdown_meta(post, detail: bool = False) -> str:
    """The line under a quote in Markdown: where and when, with age, reach and reason when ``detail``."""
    line = f"*{post.platform_name}, {when(post.created_at)}"
    line += f" ({post.age} ago), reach {post.reach}*" if detail else "*"
    if post.url:
        line += f" · [open the post]({post.url})"
    if detail and post.reason:
        line += f" · why: {' '.join(post.reason.split())}"
    return line


_env.filters["when"] = when
_env.filters["md_meta"] = markdown_meta
_env.filters["day"] = lambda moment: f"{moment:%A} {moment.day} {moment:%B %Y}"
_env.filters["oneline"] = lambda text: " ".join(str(text).split())
# Post text quoted in Markdown: a post's own link, image or HTML syntax would render in a Markdown viewer as a
# clickable link with a hidden address, so it is broken with a backslash. Redaction markers ("[name]") and plain
# brackets stay as they are, so the e-mailed plain text reads as written.
_MARKDOWN_ACTIVE = re.compile(r"\\|<|\](?=[(\[:])")
_env.filters["mdquote"] = lambda text: _MARKDOWN_ACTIVE.sub(
    lambda m: "\\" + m.group(), " ".join(str(text).split())
)
_env.filters["mdcell"] = lambda text: " ".join(str(text).split()).replace("|", "\\|")
_env.globals.update(kind_colours=KIND_COLOURS, kind_names=KIND_NAMES, page_language=PAGE_LANGUAGE)

# Which way is bad news, for the colour and wording of a headline card.
_WORSE = {"negative_share": "above", "net_sentiment": "below"}


def tone(m: Measure) -> str:
    """ "concern", "good", "unusual" or "usual": how a headline card is drawn (always with words too)."""
    if m.position in (None, "within"):
        return "usual"
    worse = _WORSE.get(m.key)
    if worse is None:
        return "unusual"
    return "concern" if m.position == worse else "good"


_env.filters["tone"] = tone


def share(part: int, whole: int) -> float:
    return 0.0 if not whole else 100 * part / whole


_env.globals["share"] = share


def render_html(report: WeeklyReport, *, emailed: bool = False) -> str:
    """The report as one self-contained page; ``emailed``, as the body of its e-mail: with no skip link, which
    jumps nowhere in most mail programs and shows as a stray link in those that drop the page's styles, and no
    script (mail programs do not run it, and mail filters may hold back a message that has one)."""
    charts = {s.key: spc_charts(s, f"spc-{s.key}") for s in report.spc if s.chart is not None}
    return _env.get_template("weekly.html.j2").render(r=report, charts=charts, emailed=emailed)


def render_markdown(report: WeeklyReport) -> str:
    return _env.get_template("weekly.md.j2").render(r=report)


def render_portfolio_html(portfolio: Portfolio, *, emailed: bool = False) -> str:
    """The portfolio page; ``emailed`` as for ``render_html``."""
    return _env.get_template("portfolio.html.j2").render(p=portfolio, emailed=emailed)


def render_portfolio_markdown(portfolio: Portfolio) -> str:
    return _env.get_template("portfolio.md.j2").render(p=portfolio)


def report_paths(output_dir: Path, report: WeeklyReport) -> dict[str, Path]:
    """Stable file names: reports/2026-W47/RJ1-weekly.html, .md, .json and RJ1-weekly-<table>.csv."""
    folder = output_dir / report.week
    stem = f"{report.org_code}-weekly"
    paths = {fmt: folder / f"{stem}.{fmt}" for fmt in ("html", "md", "json")}
    paths.update({name: folder / f"{stem}-{name}.csv" for name in tables.TABLES})
    return paths


def write_report(output_dir: Path, report: WeeklyReport) -> dict[str, Path]:
    paths = report_paths(output_dir, report)
    contents = {
        paths["html"]: render_html(report),
        paths["md"]: render_markdown(report),
        paths["json"]: tables.summary_json(report),
    }
    contents.update({paths[name]: table(report) for name, table in tables.TABLES.items()})
    _write_all(contents)
    return paths


def write_portfolio(output_dir: Path, portfolio: Portfolio) -> dict[str, Path]:
    folder = output_dir / portfolio.week
    paths = {fmt: folder / f"portfolio.{fmt}" for fmt in ("html", "md", "csv", "json")}
    _write_all(
        {
            paths["html"]: render_portfolio_html(portfolio),
            paths["md"]: render_portfolio_markdown(portfolio),
            paths["csv"]: portfolio_csv(portfolio),
            paths["json"]: portfolio_json(portfolio),
        }
    )
    return paths


def _write_all(contents: dict[Path, str]) -> None:
    """Write every file, or none: each goes to a ``.partial`` file first, and only when all are written are they
    renamed into place. So a full disk never leaves a report half-written or an earlier one half-replaced."""
    partials = {path: path.with_name(path.name + ".partial") for path in contents}
    try:
        for path, text in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            partials[path].write_text(text, encoding="utf-8")
        for path, partial in partials.items():
            partial.replace(path)
    except OSError as exc:
        for partial in partials.values():
            if partial.exists():  # not when the folder itself is what could not be made
                partial.unlink()
        folder = next(iter(contents)).parent
        raise ReportWriteError(
            f"cannot write the report files in {folder} ({exc.strerror or exc}): check the disk has space and "
            "that reports.output_dir may be written"
        ) from None


def generated_line(version: str, when: datetime) -> str:
    return f"Made by listener {version} on {when.day} {when:%B %Y at %H:%M}."


_env.globals["generated_line"] = generated_line

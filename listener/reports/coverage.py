"""Section 8: what the numbers miss. Collection problems in the week, sources missing, scoring gaps, relevance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from listener.collectors import collector_kinds
from listener.config import Config
from listener.reports import data, names

if TYPE_CHECKING:
    from listener.reports.weekly import WeeklyReport

PROBLEM_STATUSES = ("failed", "rate_limited", "budget_exhausted")
# kinds that read files an analyst imports rather than a platform, so "no source of this kind" means nothing
IMPORT_KINDS = frozenset({"file"})

STANDARD_CAVEATS = (
    "Only public posts that name the organisation, one of its other names, handles or hashtags are counted, "
    "and not the organisation's own posts: the report is about what others say.",
    "Sentiment, themes and flags are found automatically and will be wrong for some posts (sarcasm especially): "
    "read the posts before acting on them.",
    "Quotes have e-mail addresses, phone numbers and the handles of private individuals removed.",
)


@dataclass(frozen=True)
class RunRow:
    source: str
    status: str
    runs: int
    streams: int
    last_error: str | None

    @property
    def problem(self) -> bool:
        return self.status in PROBLEM_STATUSES


@dataclass(frozen=True)
class Coverage:
    runs: list[RunRow]
    caveats: list[str]
    about_care: tuple[int, int] | None = (
        None  # (posts about care, posts checked) when a relevance label exists
    )

    @property
    def problems(self) -> list[RunRow]:
        return [r for r in self.runs if r.problem]


def build_coverage(
    engine: Engine, config: Config, scope: data.OrgScope, week: data.Week, report: WeeklyReport
) -> Coverage:
    frame = data.collection_runs(engine, week)
    runs = [RunRow(**record) for record in frame.to_dict("records")]
    found = data.platform_sources(engine, scope, week)
    # what the imports bring, from the report's weeks: a quiet week for this organisation does not mean that
    # the imported file has no posts from a platform
    since = week.start - timedelta(weeks=len(report.weeks) - 1)
    imports = {s.name for s in config.sources if s.kind in IMPORT_KINDS}
    via_import = data.imported_platforms(engine, imports, since, week.end)
    caveats = run_caveats(runs) + source_caveats(config, {r.source for r in runs}, found, via_import)
    caveats += own_posts_caveat(report.own_posts) + scoring_caveats(report)
    not_care, checked = data.relevance_counts(engine, scope, week, names.RELEVANCE_THEMES)
    about_care = (checked - not_care, checked) if checked else None
    if about_care:
        caveats.append(care_caveat(*about_care))
    return Coverage(runs, caveats + list(STANDARD_CAVEATS), about_care)


def run_caveats(runs: list[RunRow]) -> list[str]:
    said = []
    for run in runs:
        times = "once" if run.runs == 1 else f"{run.runs} times"
        error = f" (last error: {run.last_error})" if run.last_error else ""
        if run.status == "failed":
            said.append(
                f"Collection from {run.source} failed {times} this week{error}: some posts may be missing."
            )
        elif run.status == "rate_limited":
            said.append(
                f"{run.source} was rate-limited by the platform {times} this week: collection resumes where it "
                "stopped, so posts may arrive late and later reports may count more."
            )
        elif run.status == "budget_exhausted":
            said.append(
                f"{run.source} used up its API budget this week{error}: posts after that point were not collected."
            )
    return said


def source_caveats(
    config: Config,
    ran: set[str],
    found: dict[str, set[str]] | None = None,
    via_import: set[str] | None = None,
) -> list[str]:
    """What the configured sources miss. ``found``: per platform, the sources of the week's posts;
    ``via_import``: the platforms the file imports brought over the report's weeks (else those of ``found``)."""
    if not config.sources:
        return ["No sources are configured, so these figures come only from posts already stored."]
    said = []
    for source in config.sources:
        if not source.enabled:
            said.append(f"{source.name} is paused (enabled: false), so nothing was collected from it.")
        elif source.name not in ran and source.kind not in IMPORT_KINDS:
            said.append(f"{source.name} did not run this week: its posts for the week may be missing.")
    configured = {s.kind for s in config.sources if s.enabled}
    imports = {s.name for s in config.sources if s.kind in IMPORT_KINDS}
    imported = sorted(p for p, sources in (found or {}).items() if sources & imports)
    uncollected = [k for k in collector_kinds() if k not in IMPORT_KINDS and k not in configured]
    via_file = [
        k for k in uncollected if set(names.kind_platforms(k)) & (set(imported) | (via_import or set()))
    ]
    if imported:
        platforms = _listed(names.platform_name(p) for p in imported)
        files = _listed(sorted(imports & set().union(*(found[p] for p in imported))))
        said.append(
            f"Posts from {platforms} came via file import ({files}), not from the platforms directly."
        )
    missing = [names.platform_name(k) for k in uncollected if k not in via_file]
    if missing:
        said.append(
            f"Not collected (no source configured): {', '.join(missing)}. Posts there are not counted."
        )
    return said


def _listed(items) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def own_posts_caveat(own_posts: int) -> list[str]:
    if not own_posts:
        return []
    posts = "1 post" if own_posts == 1 else f"{own_posts} posts"
    were = "was" if own_posts == 1 else "were"
    return [f"{posts} by the organisation's own accounts this week {were} left out of every figure above."]


def scoring_caveats(report: WeeklyReport) -> list[str]:
    said = []
    unscored = report.this_week.unscored
    if unscored:
        posts = "1 post this week is" if unscored == 1 else f"{unscored} posts this week are"
        said.append(f"{posts} not scored yet: run `listener score`.")
    if report.themes is None:
        said.append("No theme scores yet, so there are no themes: they appear once a theme scorer has run.")
    if not report.attention.available:
        said.append(
            "No triage flags yet (safeguarding, needs a response, praise to share): nothing has been flagged "
            "because no scorer that sets flags has run, not because there was nothing to flag."
        )
    return said


def care_caveat(about_care: int, checked: int) -> str:
    share = 100 * about_care / checked
    other = checked - about_care
    counts = "counts" if other == 1 else "count"
    # not "but not in themes": such a post keeps its themes (jobs, campaigns, industrial action...)
    return (
        f"Of the {checked} {'post' if checked == 1 else 'posts'} checked for relevance, {about_care} ({share:.0f} %) were about care; the other "
        f"{other} (news, jobs, fundraising, campaigns and the like) {counts} in the figures above too."
    )

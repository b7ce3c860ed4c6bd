"""Section 8: what the numbers miss. Collection problems in the week, sources missing, scoring gaps, relevance."""

from __future__ import annotations

from dataclasses import dataclass
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
    "Only public posts that name the organisation, one of its other names, handles or hashtags are counted.",
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
    engine: Engine, config: Config, org_code: str, week: data.Week, report: WeeklyReport
) -> Coverage:
    frame = data.collection_runs(engine, week)
    runs = [RunRow(**record) for record in frame.to_dict("records")]
    caveats = run_caveats(runs) + source_caveats(config, {r.source for r in runs})
    caveats += scoring_caveats(report)
    not_care, checked = data.relevance_counts(engine, org_code, week, names.RELEVANCE_THEMES)
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


def source_caveats(config: Config, ran: set[str]) -> list[str]:
    if not config.sources:
        return ["No sources are configured, so these figures come only from posts already stored."]
    said = []
    for source in config.sources:
        if not source.enabled:
            said.append(f"{source.name} is paused (enabled: false), so nothing was collected from it.")
        elif source.name not in ran and source.kind not in IMPORT_KINDS:
            said.append(f"{source.name} did not run this week: its posts for the week may be missing.")
    configured = {s.kind for s in config.sources if s.enabled}
    missing = [
        names.platform_name(k) for k in collector_kinds() if k not in IMPORT_KINDS and k not in configured
    ]
    if missing:
        imported = " except what is imported from files" if configured & set(IMPORT_KINDS) else ""
        said.append(
            f"Not collected (no source configured): {', '.join(missing)}. Posts there are not counted{imported}."
        )
    return said


def scoring_caveats(report: WeeklyReport) -> list[str]:
    said = []
    if report.this_week.unscored:
        said.append(f"{report.this_week.unscored} posts this week are not scored yet: run `listener score`.")
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
    return (
        f"Of the {checked} posts checked for relevance, {about_care} ({share:.0f} %) were about care; the other "
        f"{checked - about_care} (news, fundraising, campaigns and the like) count in volume and sentiment "
        "but not in themes."
    )

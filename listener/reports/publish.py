"""Write reports, e-mail them when ``reports.email`` is set, and record each one in the ``reports`` table."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from listener.config import Config
from listener.errors import DeliveryError, UsageError
from listener.reports import data, mail
from listener.reports.portfolio import build_portfolio
from listener.reports.render import (
    render_html,
    render_markdown,
    render_portfolio_html,
    render_portfolio_markdown,
    write_portfolio,
    write_report,
)
from listener.reports.weekly import build_weekly_report
from listener.store import Store
from listener.store.reports import record_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """One report written: ``kind`` is "weekly" (one organisation) or "portfolio" (every organisation)."""

    kind: str
    org_code: str | None
    week: str
    paths: dict[str, Path]
    posts: int
    emailed: bool
    email_error: str | None = None


def last_full_week(config: Config, now: datetime | None = None) -> str:
    """The ISO week before the current one, in ``reports.timezone`` (what a Monday-morning run reports on)."""
    moment = (now or datetime.now(config.reports.zone)).astimezone(config.reports.zone) - timedelta(days=7)
    year, number, _ = moment.isocalendar()
    return f"{year}-W{number:02d}"


def check_week_is_over(config: Config, week: str, now: datetime | None = None) -> str:
    """``week`` normalised ("2026-w7" -> "2026-W07"); a UsageError if it has not ended in ``reports.timezone``.

    A week still running (or not begun) has too few posts to compare with the weeks before: every figure would
    look "below the usual range". Reports are for weeks that are over; the default is the last full week.
    """
    zone = config.reports.zone
    moment = (now or datetime.now(zone)).astimezone(zone)
    (bounds,) = data.weeks_ending(data.normalise_week(week), zone, 1)
    if moment >= bounds.end:
        return bounds.label
    hint = f"report on a week that is over, e.g. {last_full_week(config, moment)} (the default: the last full week)"
    if moment < bounds.start:
        when = f"it begins on {_day(bounds.start)}, {config.reports.timezone}"
        raise UsageError(f"--week {bounds.label} has not started yet ({when}): {hint}")
    when = f"it ends on {_day(bounds.end - timedelta(days=1))}, {config.reports.timezone}"
    raise UsageError(
        f"--week {bounds.label} is still in progress ({when}), so its figures are incomplete: {hint}"
    )


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def publish(
    store: Store,
    config: Config,
    week: str,
    org_codes: list[str] | None = None,
    *,
    output_dir: Path | None = None,
    send_email: bool = True,
    now: datetime | None = None,
) -> list[Published]:
    """Reports for ``org_codes`` (None: every organisation, plus the portfolio page) for ``week``, which must be
    over (see ``check_week_is_over``)."""
    week = check_week_is_over(config, week, now)
    output_dir = output_dir or config.reports.output_dir
    everyone = org_codes is None
    codes = [o.code for o in config.organisations] if everyone else org_codes
    email = config.reports.email if send_email else None
    reports = [build_weekly_report(store.engine, config, code, week, now) for code in codes]
    done = []
    for report in reports:
        paths = write_report(output_dir, report)
        subject = f"Social listening report: {report.org_name}, week {report.week}"
        message = (
            mail.build_message(
                email, subject, render_markdown(report), render_html(report, emailed=True), paths["html"]
            )
            if email
            else None
        )
        done.append(
            _deliver(
                store,
                "weekly",
                report.org_code,
                report.week,
                paths,
                report.this_week.posts,
                message,
                email,
                report.generated_at,
            )
        )
    if everyone and reports:
        scopes = [data.OrgScope(o.code, o.handles) for o in config.organisations]
        (bounds,) = data.weeks_ending(week, config.reports.zone, 1)
        posts = data.distinct_post_count(store.engine, scopes, bounds)
        portfolio = build_portfolio(reports, posts)
        paths = write_portfolio(output_dir, portfolio)
        subject = f"Social listening report: all organisations, week {portfolio.week}"
        message = (
            mail.build_message(
                email,
                subject,
                render_portfolio_markdown(portfolio),
                render_portfolio_html(portfolio, emailed=True),
                paths["html"],
            )
            if email
            else None
        )
        done.append(
            _deliver(
                store, "portfolio", None, portfolio.week, paths, posts, message, email, portfolio.generated_at
            )
        )
    return done


def _deliver(store, kind, org_code, week, paths, posts, message, email, generated_at) -> Published:
    error = None
    if message is not None:
        try:
            mail.send(email, message)
        except DeliveryError as exc:
            log.error("%s", exc)
            error = str(exc)
    emailed = message is not None and error is None
    with store.transaction() as session:
        record_report(
            session,
            kind=kind,
            org_code=org_code,
            week=week,
            generated_at=generated_at,
            paths=paths,
            emailed=emailed,
            email_error=error,
        )
    return Published(kind, org_code, week, paths, posts, emailed, error)

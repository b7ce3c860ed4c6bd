"""Running listener unattended: the service, its status, the schema, and platform compliance."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import click

from listener.cli.base import EXIT_FAILED, Context, cli, log, pass_context, stop_on_signals
from listener.errors import UsageError


@cli.command()
@click.option(
    "--worker", is_flag=True, help="Join other workers on a shared Postgres: collect and score only."
)
@click.option(
    "--worker-id",
    metavar="ID",
    help="This worker's name in leases and runs (default: $LISTENER_WORKER_ID, else host:pid). "
    "Give each running process its own.",
)
@pass_context
def run(ctx: Context, worker: bool, worker_id: str | None) -> None:
    """Run as a service: collect every source on its schedule, then match and score; write the weekly
    reports and run the daily jobs (retention, platform deletions). Runs until SIGTERM or Ctrl-C, which stop
    it after the page being committed.

    With --worker, several processes (on several machines) share one Postgres: each stream is collected
    by one of them per scheduled run, scoring batches are shared, and the streams of a worker that dies
    are taken over once its lease expires. Workers leave reports and daily jobs to `listener run`.

    \b
    Example:
      listener run
      listener run --worker --worker-id "$(hostname)-1"
    """
    from sqlalchemy.engine import make_url

    from listener.scheduler import Jobs, run_until_stopped
    from listener.store.engine import normalise_url
    from listener.store.leases import default_worker_id

    config = ctx.pipeline_config
    if worker and make_url(normalise_url(config.store.url)).get_backend_name() != "postgresql":
        raise UsageError(
            "--worker needs a shared Postgres store (store.url or LISTENER_DATABASE_URL): "
            "SQLite has one writer at a time, so run a single `listener run` instead"
        )
    if ctx.verbose == 0:
        logging.getLogger().setLevel(logging.INFO)  # a service logs one line per run
    store = ctx.store()
    try:
        with stop_on_signals() as stop:
            jobs = Jobs(store, config, worker_id or default_worker_id(), stop)
            log.info(
                "listener run: worker %s, %d sources", jobs.worker_id, sum(s.enabled for s in config.sources)
            )
            run_until_stopped(jobs, worker_only=worker)
    finally:
        store.close()


@cli.command()
@pass_context
def status(ctx: Context) -> None:
    """Show each source's last run, next run, cursor, last error and budget used.

    Exits 1 when a stream has failed status.alert_after_failures runs in a row (default 3), or the weekly
    reports or daily jobs failed on their last scheduled run (retries included), so monitoring can alert on
    the exit code.

    \b
    Example:
      listener status || echo "listener needs attention"
    """
    from listener.status import source_statuses

    config = ctx.config
    store = ctx.store()
    try:
        statuses = source_statuses(store, config, datetime.now(UTC))
    finally:
        store.close()
    for status in statuses:
        for line in _status_lines(status):
            click.echo(line)
    alerts = [s for s in statuses if s.alert]
    for alert in alerts:
        runs = "scheduled runs (each retried)" if alert.kind == "job" else "runs"
        click.echo(f"ALERT: {alert.name} failed {alert.alert_after} or more {runs} in a row", err=True)
    if alerts:
        sys.exit(EXIT_FAILED)


def _status_lines(status) -> list[str]:
    def when(moment: datetime | None) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "none"

    def next_run(moment: datetime | None) -> str:
        return "due now" if moment is not None and moment <= now else when(moment)

    now = datetime.now(UTC)
    last = status.last_stream
    head = f"{status.name} ({status.kind}{'' if status.enabled else ', disabled'}): "
    head += f"last run {last.run_status} at {when(last.last_run.started_at)}" if last else "never run"
    if status.kind != "job":
        head += f"; next run {next_run(status.next_run)}; budget used: {status.budget or 'n/a'}"
    lines = [head]
    for stream in status.streams:
        run = stream.last_run
        line = f"  [{stream.stream}] " + (
            f"{stream.run_status} at {when(run.started_at)}, {run.posts_new} new, {run.posts_read} read, "
            f"{run.requests} requests"
            if run
            else "never run"
        )
        line += f"; cursor {stream.cursor if stream.cursor is not None else 'none'}"
        if stream.held_by:
            line += f"; being collected by {stream.held_by}"
        if stream.failures_in_a_row:
            count = stream.failures_in_a_row
            line += f"; {count} failure{'' if count == 1 else 's'} in a row"
        if stream.last_error:
            line += f"; last error: {stream.last_error}"
        lines.append(line)
    return lines


@cli.group()
def db() -> None:
    """Create, upgrade or downgrade the database schema.

    \b
    Example:
      listener db upgrade
    """


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Upgrade the schema (default: to the newest revision).

    \b
    Example:
      listener db upgrade
    """
    from listener.store.engine import open_engine
    from listener.store.schema import current_revision, upgrade

    engine = open_engine(ctx.config.store.url)
    upgrade(engine, revision)
    click.echo(f"schema at {current_revision(engine)}")


@db.command("downgrade")
@click.argument("revision", default="-1")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def db_downgrade(ctx: Context, revision: str, yes: bool) -> None:
    """Downgrade the schema (default: one revision; "base" removes every table). The tables and columns the
    undone revisions added are dropped with what they hold, so it asks first unless --yes.

    \b
    Example:
      listener db downgrade base --yes
    """
    from listener.store.engine import open_engine
    from listener.store.schema import current_revision, downgrade, downgrade_target

    engine = open_engine(ctx.config.store.url)
    if not yes:
        target = downgrade_target(engine, revision)
        if target == "base":
            target = "base, dropping every table and every stored post"
        click.confirm(
            f"Downgrade the schema of {engine.url.render_as_string(hide_password=True)} from {current_revision(engine) or 'empty'} to "
            f"{target}? What the undone revisions added is dropped with its data",
            abort=True,
        )
    downgrade(engine, revision)
    click.echo(f"schema at {current_revision(engine) or 'base (empty)'}")


@db.command("current")
@pass_context
def db_current(ctx: Context) -> None:
    """Show the schema revision of the database and the one this listener needs.

    \b
    Example:
      listener db current
    """
    from listener.store.engine import open_engine
    from listener.store.schema import current_revision, head_revision

    engine = open_engine(ctx.config.store.url)
    click.echo(f"database: {current_revision(engine) or 'empty'}; listener needs: {head_revision(engine)}")


@cli.command()
@click.argument("platform", required=False)
@click.option(
    "--source", "source_name", metavar="NAME", help="The source whose credentials (and budget) to use."
)
@pass_context
def compliance(ctx: Context, platform: str | None, source_name: str | None) -> None:
    """Delete stored posts their platform no longer serves (deleted, removed, hidden); follow edits.

    Re-checks the stored posts of PLATFORM (x, bluesky, reddit, mastodon or nhs_reviews) in batches, through
    one of its sources, and deletes those the platform no longer returns, with their mentions and scores; a
    tombstone keeps them from being stored again. X, Bluesky and Reddit all require deleted posts to be removed.
    Mastodon posts are asked about one by one on the instance they are from; posts from servers the source does
    not read cannot be asked about and are reported as not checked. A Mastodon or Reddit post the answer says
    was edited gets its new text (redacted as at collection), to be matched and scored again by the next
    listener score; an X post too, when X answers with its newest version (see docs/data-protection.md). NHS website reviews are deleted when the API lists them as removed by moderation. Without
    PLATFORM or --source, checks every platform that has an enabled source that can be checked, as the daily
    job does. X lookups are billed like search reads and count against the source's monthly_post_budget. Each
    check is recorded in the compliance_checks table. Exits 1 if a check could not finish.

    \b
    Examples:
      listener compliance x --source x-search
      listener compliance bluesky
      listener compliance mastodon --source fediverse
      listener compliance
    """
    from listener.compliance import check_deletions, checking_kinds, compliance_source, sources_to_check

    if platform or source_name:
        sources = [compliance_source(ctx.config, platform, source_name)]
    else:
        sources = sources_to_check(ctx.config)
        if not sources:
            kinds = ", ".join(checking_kinds())
            click.echo(
                f"no enabled source can be checked for deleted posts (sources of these kinds can: {kinds})"
            )
    store = ctx.store()
    try:
        results = [check_deletions(store, ctx.config, source) for source in sources]
    finally:
        store.close()
    for result in results:
        click.echo(
            f"{result.source}: {result.status}, {result.checked} stored {result.label} posts checked, "
            f"{result.read} still on {result.label}, {result.deleted} deleted, "
            + (f"{result.edited} edited, " if result.edited else "")
            + f"{result.requests} requests"
            + (f", {result.unchecked} not checked (see the log)" if result.unchecked else "")
            + (f": {result.error}" if result.error else "")
        )
    if any(result.status != "ok" for result in results):
        sys.exit(EXIT_FAILED)

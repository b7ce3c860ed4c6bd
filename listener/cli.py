"""The command line: the only place that prints, parses arguments and chooses exit codes.

Exit codes: 0 all went well; 1 something failed (a source, a command); 2 the configuration or the arguments are
wrong.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from listener.config import Config, load_config
from listener.errors import ConfigError, ListenerError, UsageError

log = logging.getLogger("listener")

EXIT_FAILED = 1
EXIT_CONFIG = 2


class Context:
    def __init__(self, config_path: str | None, verbose: int = 0, log_format: str | None = None):
        self.config_path = config_path
        self.verbose = verbose
        self.log_format = log_format
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from listener.logs import add_secrets, secrets_of, use_format

            self._config = load_config(self.config_path)
            add_secrets(secrets_of(self._config))
            if self.log_format is None:
                use_format(self._config.logging.format)
        return self._config

    def store(self):
        from listener.store import open_store

        return open_store(self.config.store.url)


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    envvar="LISTENER_CONFIG",
    help="config.yaml to use (default: $LISTENER_CONFIG, then ./config.yaml).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    help="Log lines as text or JSON objects (default: logging.format in config, else text).",
)
@click.version_option(package_name="listener")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, log_format: str | None) -> None:
    """Social listening for NHS organisations: collect public posts, match them to organisations, score
    sentiment and themes, and write weekly reports.

    \b
    Example:
      listener demo                       # the whole pipeline on a synthetic sample
      listener --config config.yaml collect --score
    """
    from listener.logs import configure_logging

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    configure_logging(level, log_format or "text")
    for noisy in ("alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.WARNING)
    ctx.obj = Context(config_path, verbose, log_format)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT: work stops after the page or batch being committed.

    A second SIGINT (Ctrl-C twice) stops at once. The previous handlers are restored afterwards.
    """
    stop = threading.Event()

    def handle(signum: int, _frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("%s: stopping after the current page", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("listener-demo"),
    show_default=True,
    help="Folder for the demo's config, database and reports.",
)
def demo(folder: Path) -> None:
    """Run the whole pipeline offline on the bundled synthetic sample and print the report's path.

    \b
    Example:
      listener demo --dir /tmp/listener-demo
    """
    from listener.demo.run import run_demo

    result = run_demo(folder)
    click.echo(f"Stored {result.posts_new} new posts in {result.database}")
    click.echo(f"Config written to {result.config_path}")
    for code, paths in result.reports.items():
        click.echo(f"Report for {code}: {paths['html']}")
    first = next(iter(result.reports.values()))
    click.echo(str(first["html"]))


@cli.command()
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Collect only this source (repeatable)."
)
@click.option("--score", is_flag=True, help="Match and score the new posts afterwards.")
@click.option("--until", type=click.DateTime(), help="Only posts created before this UTC time.")
@pass_context
def collect(ctx: Context, sources: tuple[str, ...], score: bool, until: datetime | None) -> None:
    """Collect new posts from every enabled source (or the named ones), once.

    Prints one line per source and exits 0 when all went well, 1 when a source failed, 2 when the
    configuration is wrong. Suits cron: a stream that another run or worker is collecting is skipped (it
    holds a lease in the database) and not counted as a failure. SIGTERM stops after the current page.

    \b
    Example:
      listener collect --source x-search --score
    """
    from listener.collectors.runner import collect as run_collect

    config = ctx.config
    store = ctx.store()
    try:
        with _stop_on_signals() as stop:
            until_utc = until.replace(tzinfo=UTC) if until else None
            results = run_collect(store, config, sources or None, until_utc, stop=stop)
            for result in results:
                click.echo(_source_line(result))
            if score and not stop.is_set():
                _match_and_score(store, config, stop)
    finally:
        store.close()
    if any(r.failed for r in results):
        sys.exit(EXIT_FAILED)


def _source_line(result) -> str:
    """One line per source: status, counts, duration, then why streams were skipped or failed."""
    notes = [f"{s.stream} skipped: {s.note}" for s in result.streams if s.note]
    notes += [f"{s.stream}: {s.error}" if s.stream != "*" else s.error for s in result.streams if s.error]
    return (
        f"{result.source}: {result.status}, {result.total('posts_new')} new, "
        f"{result.total('posts_read')} read, {result.total('requests')} requests, {result.seconds:.1f}s"
        + (f"; {'; '.join(notes)}" if notes else "")
    )


@cli.command()
@click.option("--rematch", is_flag=True, help="Match every stored post again, not just new ones.")
@pass_context
def match(ctx: Context, rematch: bool) -> None:
    """Link stored posts to the organisations in config they mention.

    Posts are matched again automatically when the organisations in config change.

    \b
    Example:
      listener match --rematch
    """
    from listener.matching.runner import match_pending

    store = ctx.store()
    try:
        result = match_pending(store, ctx.config, rematch=rematch)
    finally:
        store.close()
    click.echo(
        f"matched {result.posts} posts: {result.matched} mention an organisation ({result.mentions} mentions)"
    )


@cli.command()
@pass_context
def score(ctx: Context) -> None:
    """Match, then score every post not yet scored by the current version of each scorer.

    \b
    Example:
      listener score
    """
    store = ctx.store()
    try:
        with _stop_on_signals() as stop:
            _match_and_score(store, ctx.config, stop)
    finally:
        store.close()


def _match_and_score(store, config: Config, stop: threading.Event | None = None) -> None:
    from listener.matching.runner import match_pending
    from listener.scoring.runner import score_pending

    matched = match_pending(store, config)
    click.echo(f"matched {matched.posts} posts ({matched.matched} mention an organisation)")
    for name, count in score_pending(store, config, stop=stop).items():
        click.echo(f"scored {count} posts with {name}")


@cli.command()
@click.option("--org", "org_code", required=True, metavar="CODE", help="ODS code of the organisation.")
@click.option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 (default: the last full week).")
@click.option(
    "--out",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: reports.output_dir).",
)
@pass_context
def report(ctx: Context, org_code: str, week: str | None, output_dir: Path | None) -> None:
    """Write the weekly report for one organisation as HTML and Markdown.

    \b
    Example:
      listener report --org RJ1 --week 2026-W47
    """
    from listener.reports.render import write_report
    from listener.reports.weekly import build_weekly_report

    config = ctx.config
    if week is None:
        last_week = datetime.now(config.reports.zone) - timedelta(days=7)
        year, number, _ = last_week.isocalendar()
        week = f"{year}-W{number:02d}"
    store = ctx.store()
    try:
        result = build_weekly_report(store.engine, config, org_code, week)
    finally:
        store.close()
    paths = write_report(output_dir or config.reports.output_dir, result)
    click.echo(f"{result.org_code} {result.week}: {result.this_week.total} posts")
    for path in paths.values():
        click.echo(str(path))


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
    from listener.store.engine import make_engine
    from listener.store.schema import current_revision, upgrade

    engine = make_engine(ctx.config.store.url)
    upgrade(engine, revision)
    click.echo(f"schema at {current_revision(engine)}")


@db.command("downgrade")
@click.argument("revision", default="-1")
@pass_context
def db_downgrade(ctx: Context, revision: str) -> None:
    """Downgrade the schema (default: one revision; "base" removes every table).

    \b
    Example:
      listener db downgrade base
    """
    from listener.store.engine import make_engine
    from listener.store.schema import current_revision, downgrade

    engine = make_engine(ctx.config.store.url)
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
    from listener.store.engine import make_engine
    from listener.store.schema import current_revision, head_revision

    engine = make_engine(ctx.config.store.url)
    click.echo(f"database: {current_revision(engine) or 'empty'}; listener needs: {head_revision(engine)}")


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
    reports and run the daily jobs (retention, X compliance). Runs until SIGTERM or Ctrl-C, which stop
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

    config = ctx.config
    if worker and make_url(normalise_url(config.store.url)).get_backend_name() != "postgresql":
        raise UsageError(
            "--worker needs a shared Postgres store (store.url or LISTENER_DATABASE_URL): "
            "SQLite has one writer at a time, so run a single `listener run` instead"
        )
    if ctx.verbose == 0:
        logging.getLogger().setLevel(logging.INFO)  # a service logs one line per run
    store = ctx.store()
    try:
        with _stop_on_signals() as stop:
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

    Exits 1 when a stream has failed status.alert_after_failures runs in a row (default 3), so monitoring
    can alert on the exit code.

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
    alerts = [s.name for s in statuses if s.alert]
    if alerts:
        click.echo(
            f"ALERT: {', '.join(alerts)} failed {config.status.alert_after_failures} or more runs in a row",
            err=True,
        )
        sys.exit(EXIT_FAILED)


def _status_lines(status) -> list[str]:
    def when(moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "none"

    last = status.last_run
    head = f"{status.name} ({status.kind}{'' if status.enabled else ', disabled'}): "
    head += f"last run {last.status} at {when(last.started_at)}" if last else "never run"
    if status.kind != "job":
        head += f"; next run {when(status.next_run)}; budget used: {status.budget or 'n/a'}"
    lines = [head]
    for stream in status.streams:
        run = stream.last_run
        line = f"  [{stream.stream}] " + (
            f"{run.status} at {when(run.started_at)}, {run.posts_new} new, {run.posts_read} read, "
            f"{run.requests} requests"
            if run
            else "never run"
        )
        line += f"; cursor {stream.cursor if stream.cursor is not None else 'none'}"
        if stream.held_by:
            line += f"; being collected by {stream.held_by}"
        if stream.failures_in_a_row:
            line += f"; {stream.failures_in_a_row} failures in a row"
        if stream.last_error:
            line += f"; last error: {stream.last_error}"
        lines.append(line)
    return lines


def main() -> None:
    """Entry point: turn listener's errors into one-line messages and exit codes."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_CONFIG)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILED)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_CONFIG)
    except UsageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except ListenerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)

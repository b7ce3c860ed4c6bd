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
from datetime import UTC, datetime
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
    first = result.reports[next(iter(result.reports))]
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
@click.option(
    "--evaluate",
    "labelled",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="Instead, measure the matcher on posts labelled by hand (JSONL) and print precision and recall.",
)
@pass_context
def match(ctx: Context, rematch: bool, labelled: Path | None) -> None:
    """Link stored posts to the organisations in config they mention.

    Posts are matched again automatically when the organisations in config change. Posts that mention no
    configured organisation stay out of reports; their number is printed.

    \b
    Example:
      listener match --rematch
      listener --config tests/data/matching_eval_config.yaml match --evaluate tests/data/matching_eval.jsonl
    """
    if labelled is not None:
        _print_evaluation(ctx.config, labelled)
        return
    from listener.matching.runner import count_unmatched, match_pending

    store = ctx.store()
    try:
        result = match_pending(store, ctx.config, rematch=rematch)
        unmatched = count_unmatched(store)
    finally:
        store.close()
    click.echo(
        f"matched {result.posts} posts: {result.matched} mention an organisation ({result.mentions} mentions)"
    )
    click.echo(f"{unmatched} stored posts mention no configured organisation (kept out of reports)")


def _print_evaluation(config: Config, labelled: Path) -> None:
    from listener.matching import Matcher
    from listener.matching.evaluate import evaluate, load_labelled

    result = evaluate(Matcher(config.organisations), load_labelled(labelled))
    for mistake in result.mistakes:
        expected = ",".join(sorted(mistake.post.orgs)) or "-"
        found = ",".join(sorted(mistake.found)) or "-"
        click.echo(f"  {mistake.post.id}: expected {expected}, found {found}: {mistake.post.text[:100]}")
    click.echo(
        f"{'tag':<16} {'precision':>9} {'recall':>7} {'F1':>6} {'right':>6} {'wrong':>6} {'missed':>6}"
    )
    for tag, c in sorted(result.by_tag.items()):
        click.echo(
            f"{tag:<16} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>6.3f} "
            f"{c.true_positives:>6} {c.false_positives:>6} {c.false_negatives:>6}"
        )
    overall = result.overall
    click.echo(
        f"{result.posts} posts, {len(result.mistakes)} with a mistake: precision {overall.precision:.3f}, "
        f"recall {overall.recall:.3f}, F1 {overall.f1:.3f} "
        f"({overall.true_positives} right, {overall.false_positives} wrong, {overall.false_negatives} missed)"
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
@click.option(
    "--org", "org_codes", multiple=True, metavar="CODE", help="ODS code of an organisation (repeatable)."
)
@click.option("--all", "everyone", is_flag=True, help="Every organisation in config, plus a portfolio page.")
@click.option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 (default: the last full week).")
@click.option(
    "--out",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: reports.output_dir).",
)
@click.option("--no-email", is_flag=True, help="Do not e-mail the reports even when reports.email is set.")
@pass_context
def report(
    ctx: Context,
    org_codes: tuple[str, ...],
    everyone: bool,
    week: str | None,
    output_dir: Path | None,
    no_email: bool,
) -> None:
    """Write the weekly report (HTML, Markdown, CSV tables, JSON) for one organisation or all of them.

    Files go to reports.output_dir/<week>/ with stable names; with reports.email set, each report is also
    e-mailed. Every report written is recorded in the reports table. Exits 1 if an e-mail could not be sent.

    \b
    Example:
      listener report --org RJ1 --week 2026-W47
      listener report --all
    """
    from listener.reports.publish import last_full_week, publish

    if everyone == bool(org_codes):
        raise UsageError("report: give either --org CODE (one or more) or --all")
    config = ctx.config
    codes = None if everyone else [config.organisation(code).code for code in org_codes]
    store = ctx.store()
    try:
        done = publish(
            store,
            config,
            week or last_full_week(config),
            codes,
            output_dir=output_dir,
            send_email=not no_email,
        )
    finally:
        store.close()
    for item in done:
        name = item.org_code or "all organisations"
        mailed = (
            ", e-mailed"
            if item.emailed
            else f", NOT e-mailed: {item.email_error}"
            if item.email_error
            else ""
        )
        click.echo(f"{name} {item.week}: {item.posts} posts{mailed}")
        click.echo(f"  {item.paths['html']}")
    if any(item.email_error for item in done):
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 (default: the last full week).")
@click.option("--org", "org_code", metavar="CODE", help="Only posts that mention this organisation.")
@click.option(
    "--out",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: reports.output_dir).",
)
@pass_context
def export(ctx: Context, week: str | None, org_code: str | None, output_dir: Path | None) -> None:
    """Write a week's posts with their labels to CSV (and Parquet when pyarrow is installed), for analysts.

    One row per post and organisation it mentions; quotes are redacted and author pseudonyms, platform ids
    and post addresses are left out.

    \b
    Example:
      listener export --week 2026-W47 --org RJ1
    """
    from listener.reports.data import normalise_week
    from listener.reports.export import export_frame, write_export
    from listener.reports.publish import last_full_week

    config = ctx.config
    week = normalise_week(week or last_full_week(config))
    store = ctx.store()
    try:
        frame = export_frame(store.engine, config, week, org_code)
    finally:
        store.close()
    code = config.organisation(org_code).code if org_code else None
    paths = write_export(frame, output_dir or config.reports.output_dir, week, code)
    click.echo(f"{len(frame)} rows for {week}")
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


@cli.group()
def compliance() -> None:
    """Keep stored posts in step with the platforms: delete what their authors deleted or hid.

    \b
    Example:
      listener compliance x
    """


@compliance.command("x")
@click.option("--source", "source_name", metavar="NAME", help="The X source whose token and budget to use.")
@pass_context
def compliance_x(ctx: Context, source_name: str | None) -> None:
    """Re-check stored X posts, 100 per request, and delete those X no longer returns.

    X's developer policy requires deleting posts that were deleted, protected, suspended or withheld on X.
    Lookups are billed like search reads and count against the source's monthly_post_budget. Each check is
    recorded in the compliance_checks table. Exits 1 if the check could not finish.

    \b
    Example:
      listener compliance x --source x-search
    """
    from listener.compliance import check_x_posts

    store = ctx.store()
    try:
        result = check_x_posts(store, ctx.config, source_name)
    finally:
        store.close()
    click.echo(
        f"{result.source}: {result.status}, {result.checked} stored X posts checked, {result.read} still on X, "
        f"{result.deleted} deleted, {result.requests} requests"
        + (f": {result.error}" if result.error else "")
    )
    if result.status != "ok":
        sys.exit(EXIT_FAILED)


@cli.group()
def orgs() -> None:
    """The NHS organisation directory (ODS): search it, add an organisation to config, refresh it.

    \b
    Example:
      listener orgs search whittington
      listener orgs add RKE --config config.yaml
    """


@orgs.command("search")
@click.argument("text", nargs=-1, required=True)
def orgs_search(text: tuple[str, ...]) -> None:
    """Find NHS trusts by ODS code, name, town, hospital or postcode district.

    \b
    Example:
      listener orgs search leeds
      listener orgs search NW3
    """
    from listener.orgs.aliases import title_case
    from listener.orgs.directory import load_directory

    directory = load_directory()
    found = directory.search(" ".join(text))
    for trust in found:
        click.echo(
            f"{trust.code:<6} {title_case(trust.name)} | {title_case(trust.town)} {trust.postcode} | "
            f"{trust.region}" + _closed_note(directory, trust)
        )
    click.echo(f"{len(found)} found in {directory.source}")


def _closed_note(directory, trust) -> str:
    status = trust.status()
    if status == "open":
        return ""
    if status == "not yet open":
        return f" | NOT YET OPEN: opens {trust.opened}"
    successors = ", ".join(
        f"{c} {directory.trusts[c].name if c in directory.trusts else ''}".strip() for c in trust.successors
    )
    return f" | CLOSED {trust.closed}" + (
        f"; successor: {successors}" if successors else "; successor not recorded"
    )


@orgs.command("add")
@click.argument("code")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The config.yaml to add to (default: the global --config, $LISTENER_CONFIG, then ./config.yaml).",
)
@pass_context
def orgs_add(ctx: Context, code: str, config_file: Path | None) -> None:
    """Add an NHS trust to config.yaml with a generated set of aliases to review; comments are kept.

    \b
    Example:
      listener orgs add RAL --config config.yaml
    """
    from listener.config import find_config_path
    from listener.orgs.aliases import suggest
    from listener.orgs.config_edit import add_organisation
    from listener.orgs.directory import load_directory

    directory = load_directory()
    trust = directory.get(code)
    path = config_file or find_config_path(ctx.config_path) or Path("config.yaml")
    entry = suggest(trust)
    note = _closed_note(directory, trust)
    comment = (
        f"{trust.code}: added by `listener orgs add` from ODS; review the aliases, add handles and hashtags"
    )
    if note:
        comment += f"\nWARNING{note}"
    add_organisation(path, entry, comment)
    click.echo(f"added {trust.code} {entry['name']} to {path}")
    for key in ("aliases", "ambiguous_aliases"):
        if entry[key]:
            click.echo(f"  {key}: {', '.join(entry[key])}")
    if note:
        click.echo(f"warning: {trust.code} is{note.replace(' | ', ' ')}", err=True)
        if trust.status() == "closed" and not trust.successors:
            click.echo(
                "  (the ODS etr file records closures, not successors: import succession pairs with "
                "`listener orgs import-ods --kind successors FILE`)",
                err=True,
            )


@orgs.command("import-ods")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["trusts", "icbs", "successors"]),
    default="trusts",
    show_default=True,
    help="trusts: the ODS etr file; icbs: the ONS ICB list or ODS eccg file; successors: code pairs.",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the copy (default: $LISTENER_ORGS_DIR, else ~/.local/share/listener/orgs).",
)
def orgs_import_ods(file: Path, kind: str, folder: Path | None) -> None:
    """Refresh the directory from a newer ODS file (27-field standard format, or the headed copy).

    \b
    Example:
      listener orgs import-ods etr.csv
      listener orgs import-ods eccg.csv --kind icbs
    """
    from listener.orgs.directory import user_directory
    from listener.orgs.ods import import_ods

    target, rows = import_ods(file, kind, folder or user_directory())
    click.echo(f"wrote {rows} {kind} to {target}")


@cli.command()
@pass_context
def purge(ctx: Context) -> None:
    """Purge personal data older than retention.posts_days, keeping counts for trends.

    Old posts keep their organisation, time and scores; their text, URL, author key and payload are removed.

    \b
    Example:
      listener purge
    """
    from listener.retention import purge as run_purge

    store = ctx.store()
    try:
        result = run_purge(store, ctx.config)
    finally:
        store.close()
    if result.cutoff is None:
        click.echo("retention.posts_days is not set: nothing purged")
    else:
        click.echo(f"purged {result.posts} posts created before {result.cutoff:%Y-%m-%d %H:%M} UTC")


@cli.command()
@click.option(
    "--author",
    "authors",
    multiple=True,
    required=True,
    metavar="HANDLE",
    help="The author's handle (or account id) on the platform; repeat for several.",
)
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    metavar="NAME",
    help="Only on this platform (default: every platform in the store).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def erase(ctx: Context, authors: tuple[str, ...], platforms: tuple[str, ...], yes: bool) -> None:
    """Erase everything from one author (a data subject's erasure request).

    Removes their posts with every score and mention, and keeps their future posts out. Handles are
    matched without "@" and case-insensitively.

    \b
    Example:
      listener erase --author jane_doe85 --platform x
    """
    from listener.privacy.erasure import erase_author

    if not yes:
        click.confirm(f"Erase every stored post by {', '.join(authors)}? This cannot be undone", abort=True)
    store = ctx.store()
    try:
        removed = erase_author(store, ctx.config, list(authors), list(platforms) or None)
    finally:
        store.close()
    click.echo(f"erased {removed} posts; later posts by this author will not be stored")


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

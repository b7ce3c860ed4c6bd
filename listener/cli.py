"""The command line: the only place that prints, parses arguments and chooses exit codes.

Exit codes: 0 all went well; 1 something failed (a source, a command); 2 the configuration or the arguments are
wrong.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from listener.config import Config, load_config
from listener.errors import ConfigError, ListenerError, UsageError

log = logging.getLogger("listener")

EXIT_FAILED = 1
EXIT_CONFIG = 2


class Context:
    def __init__(self, config_path: str | None):
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
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
@click.version_option(package_name="listener")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """Social listening for NHS organisations: collect public posts, match them to organisations, score
    sentiment and themes, and write weekly reports.

    \b
    Example:
      listener demo                       # the whole pipeline on a synthetic sample
      listener --config config.yaml collect --score
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("alembic").setLevel(logging.INFO if verbose > 1 else logging.WARNING)
    ctx.obj = Context(config_path)


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

    Prints one line per source; exits 1 if any source failed. Suits cron.

    \b
    Example:
      listener collect --source x-search --score
    """
    from listener.collectors.runner import collect as run_collect

    config = ctx.config
    store = ctx.store()
    try:
        results = run_collect(store, config, sources or None, until.replace(tzinfo=UTC) if until else None)
        for result in results:
            error = next((s.error for s in result.streams if s.error), None)
            click.echo(
                f"{result.source}: {result.status}, {result.total('posts_new')} new, "
                f"{result.total('posts_read')} read, {result.total('requests')} requests"
                + (f": {error}" if error else "")
            )
        if score:
            _match_and_score(store, config)
    finally:
        store.close()
    if any(r.failed for r in results):
        sys.exit(EXIT_FAILED)


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
        _match_and_score(store, ctx.config)
    finally:
        store.close()


def _match_and_score(store, config: Config) -> None:
    from listener.matching.runner import match_pending
    from listener.scoring.runner import score_pending

    matched = match_pending(store, config)
    click.echo(f"matched {matched.posts} posts ({matched.matched} mention an organisation)")
    for name, count in score_pending(store, config).items():
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
@pass_context
def status(ctx: Context) -> None:
    """Show each source's last run, cursor and last error.

    \b
    Example:
      listener status
    """
    from listener.store.cursors import all_cursors
    from listener.store.runs import latest_runs

    store = ctx.store()
    try:
        with store.transaction() as session:
            runs = latest_runs(session)
            cursors = {(c.source, c.stream): c.value for c in all_cursors(session)}
    finally:
        store.close()
    configured = [s.name for s in ctx.config.sources]
    seen = {run.source for run in runs}
    for name in configured:
        if name not in seen:
            click.echo(f"{name}: never run")
    for run in runs:
        when = run.started_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(
            f"{run.source} [{run.stream}]: {run.status} at {when}, {run.posts_new} new, "
            f"{run.posts_read} read, {run.requests} requests; cursor "
            f"{cursors.get((run.source, run.stream), 'none')}"
            + (f"; last error: {run.error}" if run.error else "")
        )


@cli.command("score-file")
@click.argument(
    "input_path", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--text-column", required=True, metavar="COL", help="The column holding the text to score.")
@click.option(
    "--question-column", metavar="COL", help="The column holding the feedback question, if any (FFT exports)."
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The CSV to write."
)
@pass_context
def score_file(
    ctx: Context, input_path: Path, text_column: str, question_column: str | None, output: Path
) -> None:
    """Score any CSV: keep its columns and add sentiment, VADER, themes, flags and organisations.

    Adds sentiment_label, sentiment_score (-1 to 1), vader_compound, themes and flags (ids separated by ";")
    and organisations (ODS codes of the organisations in config that the text mentions).

    \b
    Example:
      listener score-file feedback.csv --text-column "FFT answer" --question-column "FFT question" -o scored.csv
    """
    from listener.matching import Matcher
    from listener.scoring.nhs import NhsScorer
    from listener.scoring.scorefile import score_csv

    config = ctx.config
    scorer = NhsScorer(config.scoring)
    size = input_path.stat().st_size
    with click.progressbar(length=size, label="scoring", file=sys.stderr) as bar:
        seen = [0]

        def advance(position: int, rows: int) -> None:
            bar.update(max(position - seen[0], 0))
            seen[0] = max(position, seen[0])

        result = score_csv(
            input_path,
            output,
            text_column,
            scorer,
            Matcher(config.organisations),
            question_column=question_column,
            progress=advance,
        )
    click.echo(f"scored {result.rows} rows into {output}")


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the shared labelled data (default: $LISTENER_SHARED_DATA, then ../shared/data).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the model (default: the package's listener/scoring/models).",
)
def train(data_dir: Path | None, out_dir: Path | None) -> None:
    """Rebuild the NHS-aware scorer's model from the labelled data (needs scikit-learn).

    \b
    Example:
      listener train --data ../shared/data
    """
    from listener.scoring.linear import MODELS_DIR

    _require_training_tools()
    from listener.scoring.training.data import default_data_dir
    from listener.scoring.training.train import train_and_save

    model, paths = train_and_save(data_dir or default_data_dir(), out_dir or MODELS_DIR)
    click.echo(f"vocabulary {len(model.vocabulary)} features; heads {', '.join(model.heads)}")
    for path in paths:
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the shared labelled data (default: $LISTENER_SHARED_DATA, then ../shared/data).",
)
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds on FFT train.csv.")
@click.option("--no-cv", is_flag=True, help="Skip the cross-validation (the slow part).")
def evaluate(data_dir: Path | None, folds: int, no_cv: bool) -> None:
    """Print every figure of the NHS-aware scorer next to its target (needs scikit-learn).

    \b
    Example:
      listener evaluate --data ../shared/data
    """
    _require_training_tools()
    from listener.scoring.training.data import default_data_dir
    from listener.scoring.training.evaluate import evaluate_all

    for name, value, target in evaluate_all(data_dir or default_data_dir(), folds=folds, cv=not no_cv).rows:
        shown = f"{value:.4f}" if value != int(value) or abs(value) <= 1 else f"{int(value)}"
        click.echo(f"{name:<60} {shown:>8}  {target}".rstrip())


def _require_training_tools() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise ListenerError(
            "training and evaluation need scikit-learn: pip install 'listener[train]'"
        ) from None


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

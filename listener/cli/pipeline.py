"""The pipeline's commands: demo, collect, match, score, report and export."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import click

from listener.cli.base import EXIT_FAILED, Context, cli, output_folder, pass_context, stop_on_signals
from listener.config import Config
from listener.errors import ListenerError, UsageError


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

    config = ctx.pipeline_config
    store = ctx.store()
    try:
        with stop_on_signals() as stop:
            until_utc = until.replace(tzinfo=UTC) if until else None
            results = run_collect(store, config, sources or None, until_utc, stop=stop)
            for result in results:
                click.echo(_source_line(result))
            if score and not stop.is_set():
                match_and_score(store, config, stop)
    finally:
        store.close()
    if any(r.failed for r in results):
        sys.exit(EXIT_FAILED)


def _source_line(result) -> str:
    """One line per source: status, counts, duration, then why streams were skipped or failed."""
    notes = [f"{s.stream} skipped: {s.note}" for s in result.streams if s.note]
    notes += _stream_errors(result.streams)
    return (
        f"{result.source}: {result.status}, {result.total('posts_new')} new, "
        f"{result.total('posts_read')} read, {result.total('requests')} requests, {result.seconds:.1f}s"
        + (f"; {'; '.join(notes)}" if notes else "")
    )


def _stream_errors(streams) -> list[str]:
    """Each error once, after the stream it failed (or how many streams, when several failed alike)."""
    failed: dict[str, list[str]] = {}
    for stream in streams:
        if stream.error:
            failed.setdefault(stream.error, []).append(stream.stream)
    notes = []
    for error, names in failed.items():
        if names == ["*"]:
            notes.append(error)
        elif len(names) == 1:
            notes.append(f"{names[0]}: {error}")
        else:
            shown = ", ".join(names[:3]) + ("..." if len(names) > 3 else "")
            notes.append(f"{len(names)} streams ({shown}): {error}")
    return notes


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
        _print_evaluation(ctx.pipeline_config, labelled)
        return
    from listener.matching.runner import count_unmatched, match_pending

    store = ctx.store()
    try:
        result = match_pending(store, ctx.pipeline_config, rematch=rematch)
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
        with stop_on_signals() as stop:
            match_and_score(store, ctx.pipeline_config, stop)
    finally:
        store.close()


def match_and_score(store, config: Config, stop: threading.Event | None = None) -> None:
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
    config = ctx.pipeline_config
    codes = None if everyone else [config.organisation(code).code for code in org_codes]
    folder = output_folder(output_dir, config)
    store = ctx.store()
    try:
        done = publish(
            store,
            config,
            week or last_full_week(config),
            codes,
            output_dir=folder,
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

    config = ctx.pipeline_config
    week = normalise_week(week or last_full_week(config))
    code = config.organisation(org_code).code if org_code else None
    folder = output_folder(output_dir, config)
    store = ctx.store()
    try:
        frame = export_frame(store.engine, config, week, org_code)
    finally:
        store.close()
    try:
        paths = write_export(frame, folder, week, code)
    except OSError as exc:
        raise ListenerError(
            f"cannot write the export files in {folder / week} ({exc.strerror or exc}): check the disk has "
            "space and that the folder may be written"
        ) from None
    click.echo(f"{len(frame)} rows for {week}")
    for path in paths.values():
        click.echo(str(path))

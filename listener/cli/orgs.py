"""The NHS organisation directory: search it, add an organisation to config, refresh it from ODS."""

from __future__ import annotations

from pathlib import Path

import click

from listener.cli.base import Context, cli, pass_context


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
    from listener.orgs.aliases import describe, suggest
    from listener.orgs.config_edit import add_organisation
    from listener.orgs.directory import load_directory

    directory = load_directory()
    trust = directory.get(code)
    path = config_file or find_config_path(ctx.config_path) or Path("config.yaml")
    entry = suggest(trust, directory)
    note = _closed_note(directory, trust)
    comment = (
        f"{trust.code}: added by `listener orgs add` from ODS; review the aliases, add handles and hashtags"
    )
    if note:
        comment += f"\nWARNING{note}"
    ctx.log_as_configured(add_organisation(path, entry, comment))
    click.echo(f"added {trust.code} {entry['name']} to {path}")
    for key in ("aliases", "ambiguous_aliases"):
        if entry[key]:
            click.echo(f"  {key}: {', '.join(map(describe, entry[key]))}")
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

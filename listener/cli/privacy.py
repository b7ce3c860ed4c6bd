"""Data-protection commands: purging past retention and erasing an author."""

from __future__ import annotations

import click

from listener.cli.base import Context, cli, pass_context


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

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
    matched without "@" and case-insensitively. A platform listener does not know (not among stored posts or
    configured sources) is refused, exit 2; a handle with no stored posts is said so, exit 0, and is still kept
    out of later collection.

    \b
    Example:
      listener erase --author jane_doe85 --platform x
    """
    from listener.privacy.erasure import erase_author, platforms_to_erase

    store = ctx.store()
    try:
        chosen = platforms_to_erase(store, ctx.config, list(platforms))
        if not yes:
            click.confirm(
                f"Erase every stored post by {', '.join(authors)} on {', '.join(chosen) or 'no platform'}? "
                "This cannot be undone",
                abort=True,
            )
        erasure = erase_author(store, ctx.config, list(authors), chosen)
    finally:
        store.close()
    on = ", ".join(erasure.platforms) or "any platform"
    if erasure.posts:
        click.echo(
            f"erased {erasure.posts} posts (searched {on}); later posts by this author will not be stored"
        )
    else:
        click.echo(
            f"no stored posts by that author on {on}; nothing erased; later posts by this author will not be stored"
        )

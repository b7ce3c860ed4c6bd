"""Data-protection commands: purging past retention and erasing an author."""

from __future__ import annotations

import click

from listener.cli.base import Context, cli, pass_context


@cli.command()
@pass_context
def purge(ctx: Context) -> None:
    """Purge personal data older than retention.posts_days, keeping counts for trends.

    Old posts keep their organisation, time and scores; their text, URL, author key and payload are removed,
    their id is replaced by a keyed digest and their flags' reasons lose the words they quoted. Report folders
    (reports.output_dir/<week>/, with quotes and exports) of weeks that ended before then are deleted.

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
        if result.tombstones:
            click.echo(f"rewrote {result.tombstones} tombstones from post ids to digests")
        if result.earlier:
            click.echo(
                f"digested the ids and cut the flag quotes of {result.earlier} posts purged by an earlier version"
            )
        for folder in result.report_folders:
            click.echo(f"deleted report folder {folder}")


@cli.command()
@click.option(
    "--author",
    "authors",
    multiple=True,
    required=True,
    metavar="HANDLE",
    help="The author's handle or account id (X user id, Bluesky DID) on the platform; repeat for several.",
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
    from listener.privacy import Pseudonymiser
    from listener.privacy.erasure import erase_author, platforms_to_erase

    store = ctx.store()
    try:
        pseudonymiser = Pseudonymiser.for_store(store, ctx.config)  # a changed key would erase nothing
        chosen = platforms_to_erase(store, ctx.config, list(platforms))
        if not yes:
            click.confirm(
                f"Erase every stored post by {', '.join(authors)} on {', '.join(chosen) or 'no platform'}? "
                "This cannot be undone",
                abort=True,
            )
        erasure = erase_author(store, ctx.config, list(authors), chosen, pseudonymiser)
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


@cli.command("accept-new-key")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def accept_new_key(ctx: Context, yes: bool) -> None:
    """Use a new pseudonymisation key with this database, because the old one is lost for good.

    Author keys are one-way hashes, so stored posts cannot be moved to the new key: posts stored under the old
    key can no longer be erased by author (retention still purges them), and authors erased before are no
    longer recognised, so erase them again. Restore the old key instead if you can.

    \b
    Example:
      listener accept-new-key --yes
    """
    from listener.privacy.pseudonyms import accept_new_key as accept

    if not yes:
        click.confirm(
            "Accept the configured key as this database's pseudonymisation key? Posts stored under the old key "
            "can then no longer be erased by author",
            abort=True,
        )
    store = ctx.store()
    try:
        changed = accept(store, ctx.config)
    finally:
        store.close()
    if changed:
        click.echo("the configured key is now this database's key; erase again any author erased before")
    else:
        click.echo("the configured key already is this database's key: nothing changed")

"""The command line: the only place that prints, parses arguments and chooses exit codes.

Exit codes: 0 all went well; 1 something failed (a source, a command); 2 the configuration or the arguments are
wrong. The commands live in modules by theme; importing them registers them on the ``listener`` group.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import OperationalError

from listener.cli import operations, orgs, pipeline, privacy, scoring  # noqa: F401 - registers the commands
from listener.cli.base import EXIT_CONFIG, EXIT_FAILED, cli, log
from listener.errors import ConfigError, ListenerError, UsageError
from listener.store.engine import database_error

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point: turn listener's errors into one-line messages and exit codes."""
    try:
        cli.main(standalone_mode=False, prog_name="listener")
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
    except OperationalError as exc:  # the database failed outside a store transaction (a locked SQLite file)
        click.echo(f"error: {database_error(exc)}", err=True)
        sys.exit(EXIT_FAILED)
    except OSError as exc:  # a folder or file listener needed and could not use, where no command expected it
        log.debug("file system error", exc_info=True)  # the traceback, with -vv
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_FAILED)

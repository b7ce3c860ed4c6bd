"""Schema versions: upgrade, downgrade and check, through Alembic.

Policy (documented in the README): a command run against an empty database creates the schema; a command run
against an out-of-date schema stops and says exactly what to run (``listener db upgrade``), because on a shared
Postgres the operator should choose when the schema changes.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect

from listener.errors import SchemaError


def migrations_dir() -> Path:
    """The migrations folder: inside the installed package, or at the root of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_migrations", package.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise SchemaError(
        f"cannot find listener's migrations (looked in {package / '_migrations'} and "
        f"{package.parent / 'migrations'}); reinstall listener"
    )


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_dir()))
    # configparser interpolates "%", which URLs (and passwords) may contain.
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    _run(engine, command.downgrade, revision)


def downgrade_target(engine: Engine, revision: str) -> str:
    """The revision ``downgrade(engine, revision)`` leaves the schema at, in words an operator can check before
    saying yes: a relative step ("-1") is resolved against the database's current revision."""
    if revision == "base":
        return "base"
    script = ScriptDirectory.from_config(alembic_config(engine))
    current = current_revision(engine)
    try:
        if revision.startswith("-") and revision[1:].isdigit() and current is not None:
            found = script.get_revision(current)
            for _ in range(int(revision[1:])):
                found = script.get_revision(found.down_revision) if found and found.down_revision else None
            return found.revision if found else "base"
        found = script.get_revision(revision)
    except CommandError:
        return revision  # downgrade itself says what is wrong with it
    return found.revision if found else revision


def _run(engine: Engine, action, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def _known_revision(engine: Engine, revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision) is not None
    except CommandError:
        return False


def ensure_schema(engine: Engine) -> None:
    """Create the schema in an empty database; refuse to work on an out-of-date or newer one."""
    current = current_revision(engine)
    head = head_revision(engine)
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if not tables:
            upgrade(engine)
            return
        raise SchemaError(
            f"the database at {where} has tables but no listener schema version; "
            "point store.url at an empty database or a listener database"
        )
    if not _known_revision(engine, current):
        raise SchemaError(
            f"the database at {where} is at schema {current}, newer than this listener knows "
            f"({head}): upgrade listener"
        )
    raise SchemaError(
        f"the database at {where} is at schema {current}, this listener needs {head}: "
        "run `listener db upgrade`"
    )

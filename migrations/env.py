"""Alembic environment: the engine comes from listener (config.attributes["connection"]) or from the URL."""

from alembic import context
from sqlalchemy import create_engine

from listener.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from listener.store.engine import normalise_url

    url = config.get_main_option("sqlalchemy.url") or "sqlite:///listener.db"
    with create_engine(normalise_url(url)).connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("listener's migrations run online only: use `listener db upgrade`")
run_migrations_online()

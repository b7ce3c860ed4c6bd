"""The schema: Alembic up, down and up again on both backends, and the models agree with the migrations."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from listener.errors import SchemaError
from listener.store import open_store
from listener.store.engine import make_engine
from listener.store.models import Base
from listener.store.schema import current_revision, downgrade, ensure_schema, head_revision, upgrade

TABLES = {
    "organisations",
    "posts",
    "mentions",
    "scorings",
    "sentiment_scores",
    "theme_scores",
    "flags",
    "collection_runs",
    "cursors",
    "reports",
}


def test_up_down_up(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    assert "organisation_posts" in sa.inspect(engine).get_view_names()
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_models_match_migrations(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_empty_database_is_created_and_old_one_refused(db_url):
    store = open_store(db_url)  # empty: created
    assert current_revision(store.engine) == head_revision(store.engine)
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaError, match="newer than this listener knows"):
        ensure_schema(store.engine)
    store.close()


def test_out_of_date_schema_says_what_to_run(db_url, monkeypatch):
    engine = make_engine(db_url)
    upgrade(engine)
    monkeypatch.setattr("listener.store.schema.head_revision", lambda engine: "9999")
    monkeypatch.setattr("listener.store.schema._known_revision", lambda engine, rev: True)
    with pytest.raises(SchemaError, match=r"run `listener db upgrade`"):
        ensure_schema(engine)
    engine.dispose()


def test_foreign_tables_are_not_touched(db_url):
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE somebody_elses (id integer)"))
    with pytest.raises(SchemaError, match="has tables but no listener schema version"):
        ensure_schema(engine)
    engine.dispose()

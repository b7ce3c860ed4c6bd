"""Shared fixtures: every store test runs against a fresh SQLite file and a fresh Postgres schema.

Postgres is the server on 127.0.0.1:5432 (override with LISTENER_TEST_POSTGRES_URL). Without it the Postgres
half of the suite is skipped locally, but under CI (CI=true) a missing server is a failure.
"""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from listener.config import Config, load_config
from listener.store import Store, open_store

POSTGRES_URL = os.environ.get(
    "LISTENER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEST_KEY = "test-pseudonym-key-0123456789abcdef"


def _postgres_problem() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any reason at all: report it
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {type(exc).__name__}: {exc}"
    return None


_PG_PROBLEM = _postgres_problem()


def require_postgres() -> None:
    if _PG_PROBLEM is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{_PG_PROBLEM} (under CI the Postgres tests must run)")
    pytest.skip(_PG_PROBLEM)


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.delenv("LISTENER_DATABASE_URL", raising=False)
    monkeypatch.delenv("LISTENER_CONFIG", raising=False)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """The URL of a fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'listener.db'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(db_url) -> Store:
    store = open_store(db_url)
    yield store
    store.close()


ORGANISATIONS = """
organisations:
  - code: RJ1
    name: Guy's and St Thomas' NHS Foundation Trust
    aliases: ["St Thomas' Hospital", "Guy's Hospital"]
    handles: [GSTTnhs]
    hashtags: [GSTT]
  - code: RR8
    name: Leeds Teaching Hospitals NHS Trust
    aliases: [Leeds General Infirmary, LGI]
    handles: [LeedsHospitals]
"""


def write_config(
    folder: Path, body: str = "", *, db_url: str | None = None, organisations: str = ORGANISATIONS
) -> Path:
    """Write a config.yaml into ``folder`` and return its path."""
    text = textwrap.dedent(body)
    if db_url:
        text = f"store:\n  url: {db_url}\n" + text
    path = folder / "config.yaml"
    path.write_text(textwrap.dedent(organisations) + text, encoding="utf-8")
    return path


@pytest.fixture
def make_config(tmp_path, db_url):
    """Build a Config on the test database from a YAML fragment (sources, reports...)."""

    def build(body: str = "", organisations: str = ORGANISATIONS) -> Config:
        return load_config(write_config(tmp_path, body, db_url=db_url, organisations=organisations))

    return build

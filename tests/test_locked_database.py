"""A SQLite file locked by another process is one line: on the command line, and per job in the service."""

import sqlite3
import sys

import pytest
from conftest import write_config

import listener.store.engine
from listener.cli import main
from listener.store import open_store


@pytest.fixture
def locked(tmp_path, monkeypatch):
    """A SQLite database with the schema, held under BEGIN EXCLUSIVE by another connection; short busy wait."""
    path = tmp_path / "l.db"
    open_store(f"sqlite:///{path}").close()
    monkeypatch.setattr(listener.store.engine, "SQLITE_BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def test_collect_against_a_locked_database_is_one_line(tmp_path, locked, monkeypatch, capsys):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    config = write_config(
        tmp_path, "sources:\n  - {name: a, kind: file, path: a.jsonl}\n", db_url=f"sqlite:///{locked}"
    )
    monkeypatch.setattr(sys, "argv", ["listener", "--config", str(config), "collect"])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err.strip().splitlines()
    assert exited.value.code == 1
    assert err == [
        f"error: the database is locked by another process (sqlite:///{locked}): still locked after waiting "
        "0.2 s; try again, or check for a stuck listener process"
    ]

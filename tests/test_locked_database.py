"""A SQLite file locked by another process is one line: on the command line, and per job in the service."""

import sqlite3
import sys
import threading

import pytest
from conftest import write_config

import listener.store.engine
from listener.cli import main
from listener.config import load_config
from listener.scheduler import Jobs, build_scheduler
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


def test_a_job_blocked_by_the_lock_logs_one_line(tmp_path, locked, caplog):
    config = load_config(write_config(tmp_path, db_url=f"sqlite:///{locked}"))
    store = open_store(f"sqlite:///{locked}", check_schema=False)
    jobs = Jobs(store, config, "test-worker", threading.Event())
    trigger = build_scheduler(jobs).get_job("daily-jobs").trigger
    caplog.clear()
    jobs.daily_jobs(trigger)  # does not raise, and is tried again in 5 minutes
    assert jobs.scheduler.get_job("daily-jobs:retry") is not None
    store.close()
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and errors[0].exc_info is None, caplog.text
    assert "job daily-jobs failed: the database is locked by another process" in errors[0].getMessage()
    assert "; retrying at " in errors[0].getMessage() and "(not recorded: " in errors[0].getMessage()
    assert errors[0].getMessage().count("locked by another process") == 1  # said once, not twice

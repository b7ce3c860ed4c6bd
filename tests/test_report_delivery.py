"""Delivery: `listener report --org/--all` files and the reports table, e-mail through a local SMTP server, export."""

from __future__ import annotations

import errno
import socket
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from report_data import NOW, load_report_dataset
from sqlalchemy import select

from listener.cli import cli
from listener.errors import ConfigError, ReportWriteError
from listener.reports.export import export_frame, parquet_available, write_export
from listener.reports.publish import last_full_week, publish
from listener.store.models import Report

WEEK = "2026-W47"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield controller.port, inbox, logins
    controller.stop()


def email_config(port: int) -> str:
    return f"""
reports:
  email:
    host: 127.0.0.1
    port: {port}
    starttls: false
    from: listener@trust.nhs.test
    to: [comms@trust.nhs.test, pals@trust.nhs.test]
    username: listener
    password_env: TEST_SMTP_PASSWORD
"""


def test_report_is_emailed_and_recorded(store, make_config, smtp_server, monkeypatch):
    port, inbox, logins = smtp_server
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    config = make_config(email_config(port))
    load_report_dataset(store)
    (done,) = publish(store, config, WEEK, ["RJ1"], now=NOW)
    assert done.emailed and done.email_error is None
    assert logins == [(b"listener", b"s3cret")]
    ((sender, recipients, content),) = inbox.messages
    assert sender == "listener@trust.nhs.test" and recipients == [
        "comms@trust.nhs.test",
        "pals@trust.nhs.test",
    ]
    message = message_from_bytes(content, policy=default)
    assert (
        message["Subject"]
        == "Social listening report: Guy's and St Thomas' NHS Foundation Trust, week 2026-W47"
    )
    assert "## 1. This week at a glance" in message.get_body(("plain",)).get_content()
    body = message.get_body(("html",)).get_content()
    assert (
        '<h2 id="headline">' in body and "Skip to the report" not in body and "<script" not in body
    )  # it jumps nowhere in a mail program
    (attached,) = message.iter_attachments()
    assert attached.get_filename() == "RJ1-weekly.html" and "Skip to the report" in attached.get_content()
    with store.transaction() as session:
        (row,) = session.scalars(select(Report)).all()
    assert (row.kind, row.org_code, row.week, row.emailed) == ("weekly", "RJ1", WEEK, True)
    assert row.paths["html"].endswith("2026-W47/RJ1-weekly.html")


def test_email_failure_is_recorded_and_the_command_fails(store, make_config, monkeypatch, tmp_path):
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    config = make_config(email_config(free_port()))  # nothing listens there
    load_report_dataset(store)
    (done,) = publish(store, config, WEEK, ["RJ1"], now=NOW)
    assert not done.emailed and "could not send" in done.email_error and "s3cret" not in done.email_error
    assert done.paths["html"].exists()
    with store.transaction() as session:
        assert session.scalars(select(Report.email_error)).one() == done.email_error
    result = CliRunner().invoke(cli, ["--config", str(config.path), "report", "--org", "RJ1", "--week", WEEK])
    assert result.exit_code == 1 and "NOT e-mailed" in result.output


def test_missing_smtp_password_is_a_config_error(store, make_config, monkeypatch):
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    config = make_config(email_config(free_port()))
    with pytest.raises(ConfigError, match="TEST_SMTP_PASSWORD is not set"):
        publish(store, config, WEEK, ["RJ1"], now=NOW)


def test_report_all_writes_every_organisation_and_the_portfolio(store, make_config):
    config = make_config()
    load_report_dataset(store)
    result = CliRunner().invoke(cli, ["--config", str(config.path), "report", "--all", "--week", WEEK])
    assert result.exit_code == 0, result.output
    folder = config.reports.output_dir / WEEK
    names = {p.name for p in folder.iterdir()}
    for stem in ("RJ1-weekly", "RR8-weekly"):
        assert {
            f"{stem}.html",
            f"{stem}.md",
            f"{stem}.json",
            f"{stem}-themes.csv",
            f"{stem}-weeks.csv",
        } <= names
    assert {"portfolio.html", "portfolio.md", "portfolio.csv", "portfolio.json"} <= names
    portfolio = (folder / "portfolio.csv").read_text(encoding="utf-8").splitlines()
    assert portfolio[1].startswith("RJ1,") and portfolio[2].startswith("RR8,")  # busiest first
    assert portfolio[1].endswith("above usual range,below usual range")
    assert portfolio[2].endswith("no usual range yet,no scored posts")
    assert '<a href="RJ1-weekly.html">' in (folder / "portfolio.html").read_text(encoding="utf-8")
    with store.transaction() as session:
        kinds = [(r.kind, r.org_code) for r in session.scalars(select(Report).order_by(Report.id))]
    assert kinds == [("weekly", "RJ1"), ("weekly", "RR8"), ("portfolio", None)]


def test_report_needs_org_or_all(make_config):
    config = make_config()
    result = CliRunner().invoke(cli, ["--config", str(config.path), "report"], standalone_mode=False)
    assert "give either --org CODE" in str(result.exception)


def test_last_full_week_is_local(make_config):
    assert last_full_week(make_config(), NOW) == "2026-W47"


def test_export_redacts_and_writes_csv_and_parquet(store, make_config, tmp_path):
    config = make_config()
    load_report_dataset(store)
    frame = export_frame(store.engine, config, "2026-w47", "rj1")
    assert len(frame) == 30 and set(frame["week"]) == {WEEK}
    assert not {"author_key", "native_id", "url"} & set(frame.columns)
    assert {"sentiment_label", "themes", "flags", "text", "created_at"} <= set(frame.columns)
    text = " ".join(frame["text"])
    assert "jo@example.com" not in text and "07700" not in text and "[email]" in text
    paths = write_export(frame, tmp_path / "out", WEEK, "RJ1")
    assert paths["csv"].name == "RJ1-posts.csv"
    assert len(pd.read_csv(paths["csv"])) == 30
    if parquet_available():
        assert pd.read_parquet(paths["parquet"])["post_id"].tolist() == frame["post_id"].tolist()


def test_an_export_that_fails_half_way_leaves_the_last_one_whole(store, make_config, tmp_path, monkeypatch):
    """A full disk left a half-written CSV where the last good export was."""
    load_report_dataset(store)
    frame = export_frame(store.engine, make_config(), WEEK, "RJ1")
    paths = write_export(frame, tmp_path, WEEK, "RJ1")
    before = paths["csv"].read_bytes()

    def fail_half_way(self, handle, **_):
        handle.write("post_id,text\n1,half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_half_way)
    with pytest.raises(OSError):
        write_export(frame, tmp_path, WEEK, "RJ1")
    assert paths["csv"].read_bytes() == before
    assert [p.name for p in paths["csv"].parent.iterdir() if p.suffix == ".partial"] == []


def test_export_command(store, make_config):
    config = make_config()
    load_report_dataset(store)
    result = CliRunner().invoke(cli, ["--config", str(config.path), "export", "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert "30 rows for 2026-W47" in result.output
    assert (config.reports.output_dir / WEEK / "all-posts.csv").exists()


def test_a_full_disk_leaves_the_earlier_report_whole_and_is_one_clear_error(
    store, make_config, tmp_path, monkeypatch
):
    config = make_config()
    load_report_dataset(store)
    publish(store, config, WEEK, ["RJ1"], output_dir=tmp_path, send_email=False, now=NOW)
    folder = tmp_path / WEEK
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    written = Path.write_text

    def disk_fills_up(path, text, *args, **kwargs):
        if path.name.startswith("RJ1-weekly.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return written(path, text.replace("Guy", "GUY"), *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_fills_up)
    with pytest.raises(ReportWriteError, match="No space left on device"):
        publish(store, config, WEEK, ["RJ1"], output_dir=tmp_path, send_email=False, now=NOW)
    assert {
        path.name: path.read_bytes() for path in folder.iterdir()
    } == before  # no partial file, nothing replaced


def test_export_has_one_schema_whatever_the_week_holds(store, make_config, tmp_path):
    config = make_config()
    load_report_dataset(store)
    busy, empty = export_frame(store.engine, config, WEEK), export_frame(store.engine, config, "2026-W30")
    assert len(busy) and not len(empty)
    assert busy.dtypes.to_dict() == empty.dtypes.to_dict()
    assert str(busy["created_at"].dtype) == "datetime64[us, UTC]"
    paths = write_export(busy, tmp_path, WEEK, None)
    assert pd.read_csv(paths["csv"])["created_at"].str.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$").all()
    if parquet_available():
        empty_paths = write_export(empty, tmp_path, "2026-W30", None)
        schemas = [pd.read_parquet(p["parquet"]).dtypes.to_dict() for p in (paths, empty_paths)]
        assert schemas[0] == schemas[1]

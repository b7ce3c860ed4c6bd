"""Mistakes an operator makes reach them as one line on stderr and a non-zero exit code, never a traceback."""

import io
import sys

import pytest
from conftest import write_config

from listener.cli import main


def run(monkeypatch, capsys, config, *args):
    """Run ``listener --config CONFIG ARGS`` through main(); return (exit code, stdout, stderr lines)."""
    monkeypatch.setattr(sys, "argv", ["listener", "--config", str(config), *args])
    try:
        main()
        code = 0
    except SystemExit as exited:
        code = exited.code
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


def test_an_unreachable_postgres_is_one_line_without_the_password(tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path, db_url="postgresql://nobody:hunter2@127.0.0.1:1/x")
    for args in (["status"], ["db", "current"]):
        code, _, err = run(monkeypatch, capsys, config, *args)
        assert code == 1 and len(err) == 1, err
        assert err[0].startswith(
            "error: cannot open the database postgresql+psycopg://nobody:***@127.0.0.1:1/x"
        )
        assert "the server is running" in err[0] and "hunter2" not in err[0]


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LISTENER_DATABASE_URL", "sqlite:////nonexistent/dir/x.db")
    code, _, err = run(monkeypatch, capsys, write_config(tmp_path), "status")
    assert code == 1 and len(err) == 1
    assert (
        "cannot open the database sqlite:////nonexistent/dir/x.db" in err[0] and "its folder exists" in err[0]
    )


@pytest.mark.parametrize("url", ["garbage", "sqlite:garbage", "postgresql://u:hunter2@h:port/x"])
def test_a_malformed_database_url_in_the_environment_is_a_config_error(tmp_path, monkeypatch, capsys, url):
    monkeypatch.setenv("LISTENER_DATABASE_URL", url)
    code, _, err = run(monkeypatch, capsys, write_config(tmp_path), "status")
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: LISTENER_DATABASE_URL: expected a SQLAlchemy URL like")
    assert "hunter2" not in err[0]


def test_a_report_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    blocked = tmp_path / "a-file" / "reports"
    config = write_config(tmp_path, db_url=f"sqlite:///{tmp_path / 'l.db'}")
    for args in (["report", "--org", "RJ1", "--out", str(blocked)], ["export", "--out", str(blocked)]):
        code, _, err = run(monkeypatch, capsys, config, *args)
        assert code == 2 and err == [
            f"error: cannot create the folder {blocked} (Not a directory): set --out to a folder listener may write"
        ]
    config = write_config(
        tmp_path, f"reports:\n  output_dir: {blocked}\n", db_url=f"sqlite:///{tmp_path / 'l.db'}"
    )
    code, _, err = run(monkeypatch, capsys, config, "report", "--all")
    assert code == 2 and len(err) == 1 and "set reports.output_dir to a folder" in err[0]


@pytest.mark.parametrize(
    "text", ["store:\n  url: sqlite:///x.db\n", ""], ids=["no organisations", "empty file"]
)
def test_commands_that_need_organisations_refuse_a_config_without_one(tmp_path, monkeypatch, capsys, text):
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    for args in (["collect"], ["match"], ["score"], ["report", "--all"], ["export"], ["run"]):
        code, out, err = run(monkeypatch, capsys, config, *args)
        assert code == 2 and out == "", args
        assert err == [
            f"error: {config}: organisations: at least one is required; add one with `listener orgs add CODE` "
            "(find codes with `listener orgs search NAME`)"
        ]
    # commands about the store, not the organisations, still work
    for args in (["status"], ["db", "current"], ["purge"]):
        code, _, err = run(monkeypatch, capsys, config, *args)
        assert code == 0, (args, err)


def test_erase_names_the_known_platforms_and_says_when_nothing_matched(tmp_path, monkeypatch, capsys):
    (tmp_path / "p.jsonl").write_text(
        '{"id": "1", "platform": "x", "author": "jane_doe", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n'
    )
    config = write_config(tmp_path, "sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    assert run(monkeypatch, capsys, config, "collect")[0] == 0
    code, out, err = run(
        monkeypatch, capsys, config, "erase", "--author", "jane_doe", "--platform", "twitter", "--yes"
    )
    assert (code, out) == (2, "")
    assert err == [
        "error: unknown platform 'twitter': the platforms of stored posts and configured sources are import, x"
    ]
    code, out, _ = run(
        monkeypatch, capsys, config, "erase", "--author", "someone_else", "--platform", "x", "--yes"
    )
    assert code == 0
    assert (
        out
        == "no stored posts by that author on x; nothing erased; later posts by this author will not be stored\n"
    )
    code, out, _ = run(monkeypatch, capsys, config, "erase", "--author", "jane_doe", "--yes")
    assert code == 0 and out.startswith("erased 1 posts (searched import, x)")


def test_a_changed_pseudonym_key_is_refused_before_it_breaks_erasure(tmp_path, monkeypatch, capsys):
    (tmp_path / "p.jsonl").write_text(
        '{"id": "1", "platform": "x", "author": "kemi_j82", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n'
    )
    config = write_config(tmp_path, "sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    assert run(monkeypatch, capsys, config, "collect")[0] == 0  # first use: the key's fingerprint is recorded
    assert run(monkeypatch, capsys, config, "collect")[0] == 0  # the same key passes
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", "b" * 32)
    for args in (["collect"], ["erase", "--author", "kemi_j82", "--yes"]):
        code, out, err = run(monkeypatch, capsys, config, *args)
        assert (code, out, len(err)) == (2, "", 1), (args, out, err)
        assert err[0].startswith(
            "error: the pseudonymisation key in LISTENER_PSEUDONYM_KEY is not the one this database's authors "
            "were pseudonymised with"
        )
        assert "restore the original key" in err[0] and "listener accept-new-key" in err[0]
    code, out, _ = run(monkeypatch, capsys, config, "accept-new-key", "--yes")
    assert code == 0 and out.startswith("the configured key is now this database's key")
    code, out, _ = run(monkeypatch, capsys, config, "erase", "--author", "kemi_j82", "--yes")
    assert (
        code == 0 and "nothing erased" in out
    )  # the old key's posts are out of reach: what the error warned


def test_a_week_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, capsys):
    """The output folder is writable but the week's folder is not (here: a file in its way)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "2026-W47").write_text("not a folder", encoding="utf-8")
    config = write_config(tmp_path, db_url=f"sqlite:///{tmp_path / 'l.db'}")
    for args in (["report", "--org", "RJ1"], ["export"]):
        code, _, err = run(monkeypatch, capsys, config, *args, "--week", "2026-W47", "--out", str(out))
        assert code == 1 and len(err) == 1, err
        assert err[0].startswith(f"error: cannot write the {args[0]} files in {out / '2026-W47'}"), err


def test_a_file_system_error_anywhere_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    blocked = tmp_path / "a-file" / "demo"
    code, _, err = run(monkeypatch, capsys, write_config(tmp_path), "demo", "--dir", str(blocked))
    assert code == 1 and err == [f"error: {blocked}: Not a directory"], err


def test_an_error_every_stream_shares_is_printed_once():
    """A missing secret fails each of a source's streams alike: the cron line says it once, not once a query."""
    from listener.cli.pipeline import _source_line
    from listener.collectors.runner import SourceResult, StreamResult

    secret = "no Bluesky app password: set the environment variable BSKY_PW"
    result = SourceResult(
        "bsky",
        [StreamResult("bsky", f'"query {n}"', "failed", error=secret) for n in range(5)]
        + [StreamResult("bsky", "#GSTT", "failed", error="HTTP 500")],
    )
    line = _source_line(result)
    assert line.count(secret) == 1 and "\n" not in line
    assert line.endswith(f'5 streams ("query 0", "query 1", "query 2"...): {secret}; #GSTT: HTTP 500'), line


def test_a_downgrade_asks_before_dropping_stored_data(tmp_path, monkeypatch, capsys):
    """`db downgrade base` drops every table and every stored post: like erase, it asks unless --yes."""
    import sqlalchemy as sa

    database = tmp_path / "l.db"
    config = write_config(tmp_path, db_url=f"sqlite:///{database}")
    assert run(monkeypatch, capsys, config, "db", "upgrade")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    code, out, err = run(monkeypatch, capsys, config, "db", "downgrade", "base")
    assert code == 1 and "Downgrade the schema" in out and err == ["aborted"], (out, err)
    assert "posts" in sa.inspect(sa.create_engine(f"sqlite:///{database}")).get_table_names()
    code, out, _ = run(monkeypatch, capsys, config, "db", "downgrade", "base", "--yes")
    assert code == 0 and "base (empty)" in out


def test_a_downgrade_names_the_revision_it_goes_to(tmp_path, monkeypatch, capsys):
    """The question names the revision the schema goes back to, not alembic's relative "-1"."""
    from alembic.script import ScriptDirectory

    from listener.store.schema import migrations_dir

    script = ScriptDirectory(str(migrations_dir()))
    head = script.get_revision(script.get_current_head())
    one_back = script.get_revision(head.down_revision)
    config = write_config(tmp_path, db_url=f"sqlite:///{tmp_path / 'l.db'}")
    assert run(monkeypatch, capsys, config, "db", "upgrade")[0] == 0
    for args, target in (([], one_back.revision), ([one_back.down_revision], one_back.down_revision)):
        monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
        code, out, _ = run(monkeypatch, capsys, config, "db", "downgrade", *args)
        assert code == 1 and f"from {head.revision} to {target}?" in out, out


def test_a_database_listener_may_not_write_says_what_to_check(tmp_path, monkeypatch, capsys):
    """A SQLite file listener may read but not write (owned by another user; here opened read-only)."""
    database = tmp_path / "l.db"
    config = write_config(tmp_path, db_url=f"sqlite:///{database}")
    assert run(monkeypatch, capsys, config, "db", "upgrade")[0] == 0
    monkeypatch.setenv("LISTENER_DATABASE_URL", f"sqlite:///file:{database}?mode=ro&uri=true")
    code, _, err = run(monkeypatch, capsys, config, "collect")  # it writes the organisations first
    assert code == 1 and len(err) == 1, err
    assert "attempt to write a readonly database" in err[0]
    assert "may write the database file and its folder" in err[0] and "running and reachable" not in err[0]

"""The demo end to end, and every command's help."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli import cli


def test_demo_end_to_end(tmp_path, monkeypatch):
    monkeypatch.delenv("LISTENER_PSEUDONYM_KEY")
    folder = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "listener", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    html_path = done.stdout.strip().splitlines()[-1]
    assert html_path.endswith("RJ1-weekly.html")
    html = Path(html_path).read_text(encoding="utf-8")
    assert "synthetic" in html
    assert re.search(r'<p class="label">Posts</p>\s*<p class="value">\d+</p>', html)
    assert (Path(html_path).parent / "portfolio.html").exists()
    assert not re.search(r"<(link|img)\b|<script\b[^>]*\bsrc=", html)  # one inline script: tables' Tab stops
    assert (folder / "listener.db").exists() and (folder / "pseudonym.key").exists()
    again = subprocess.run(
        [sys.executable, "-m", "listener", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and "Stored 0 new posts" in again.stdout


def test_the_demo_never_writes_into_the_database_named_by_the_environment(tmp_path, monkeypatch):
    """On a production machine LISTENER_DATABASE_URL names the real store: synthetic posts must not go there."""
    from listener.demo.run import run_demo

    production = tmp_path / "production.db"
    monkeypatch.setenv("LISTENER_DATABASE_URL", f"sqlite:///{production}")
    result = run_demo(tmp_path / "demo")
    assert not production.exists()
    assert result.database == tmp_path / "demo" / "listener.db" and result.posts_new > 0


def commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in commands(cli)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_status_and_db_commands(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("store:\n  url: sqlite:///x.db\n", encoding="utf-8")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "listener", "--config", str(config), *args], capture_output=True, text=True
        )

    assert "listener needs" in run("db", "current").stdout
    assert run("db", "upgrade").returncode == 0
    assert "base (empty)" in run("db", "downgrade", "base", "--yes").stdout
    assert run("status").returncode == 0


def test_the_shipped_config_works_as_it_is(tmp_path):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "LISTENER_DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "listener", "--config", str(root / "config.yaml"), "collect", "--score"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "imports: ok, 828 new" in done.stdout

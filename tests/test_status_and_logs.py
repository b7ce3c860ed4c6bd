"""listener status (next run, failures in a row -> exit 1) and log lines (one per source, JSON, secrets masked)."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fakes.careopinion_api import KEY, CareOpinionServer
from fakes.paged_server import FeedServer

from listener.cli import cli
from listener.collectors.runner import collect
from listener.logs import add_secrets, mask

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "s3cret-token-1f2e3d4c"
ONE_ORG = "organisations:\n  - {code: RR8, name: Leeds Teaching Hospitals NHS Trust}\n"


def status(config_path):
    return CliRunner().invoke(cli, ["--config", str(config_path), "status"])


def test_status_alerts_after_failures_in_a_row(store, make_config, tmp_path):
    config = make_config("""
sources:
  - {name: broken, kind: file, path: nothing/*.jsonl, schedule: {every: 15m}}
status: {alert_after_failures: 2}
""")
    collect(store, config)
    first = status(config.path)
    assert first.exit_code == 0, first.output
    assert "broken (file): last run failed at" in first.output and "next run " in first.output
    assert "budget used: n/a" in first.output and "1 failure in a row" in first.output
    assert "last error: source broken: no file matches" in first.output
    collect(store, config)
    second = status(config.path)
    assert second.exit_code == 1
    assert "2 failures in a row" in second.output
    assert "ALERT: broken failed 2 or more runs in a row" in second.output


def test_a_source_may_set_its_own_threshold(store, make_config):
    config = make_config("""
sources:
  - {name: critical, kind: file, path: nothing/*.jsonl, alert_after_failures: 1}
  - {name: tolerant, kind: file, path: none/*.jsonl}
status: {alert_after_failures: 5}
""")
    collect(store, config)
    result = status(config.path)
    assert result.exit_code == 1
    assert "ALERT: critical failed 1 or more runs in a row" in result.output
    assert "tolerant failed" not in result.output


def test_a_success_resets_the_count(store, make_config, tmp_path):
    config = make_config("""
sources:
  - {name: flaky, kind: file, path: in/*.jsonl}
status: {alert_after_failures: 2}
""")
    collect(store, config)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        '{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n'
    )
    collect(store, config)
    result = status(config.path)
    assert result.exit_code == 0 and "failures in a row" not in result.output


def run_paged(tmp_path, *args, env_token=TOKEN, extra=""):
    server = FeedServer(["s1", "s2"], 12, token=TOKEN).start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"{ONE_ORG}store: {{url: 'sqlite:///{tmp_path}/l.db'}}\nsources:\n  - {{name: feed, kind: paged, "
        f"url: '{server.url}', streams: [s1, s2], token_env: FAKE_FEED_TOKEN, page_size: 5}}\n{extra}",
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "FAKE_FEED_TOKEN": env_token, "LISTENER_PSEUDONYM_KEY": "k" * 32}
    try:
        return subprocess.run(
            [sys.executable, str(ROOT / "tests/fakes/run_listener.py"), "--config", str(config), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        server.stop()


def test_secrets_never_reach_the_logs(tmp_path):
    result = run_paged(tmp_path, "-vv", "collect")
    assert result.returncode == 0, result.stderr
    logs = result.stdout + result.stderr
    assert "access_token=***" in logs  # the collector logged its URL: the token was masked
    assert TOKEN not in logs
    assert "k" * 32 not in logs  # nor the pseudonymisation key
    assert "source feed: status=ok new=24 read=24 requests=6 seconds=" in logs
    assert result.stdout.startswith("feed: ok, 24 new, 24 read, 6 requests, ")


def test_a_failing_request_with_a_wrong_token_is_masked_too(tmp_path):
    result = run_paged(tmp_path, "-v", "collect", env_token="wrong-token-99")
    assert result.returncode == 1
    assert "wrong-token-99" not in result.stdout + result.stderr
    assert "HTTP Error 401" in result.stdout


def test_each_request_is_logged_once(make_config, monkeypatch):
    """httpx's own line ("HTTP Request: GET <whole URL>") doubled every request's log line under -v."""
    monkeypatch.setenv("CARE_OPINION_SUBSCRIPTION_KEY", KEY)
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", "k" * 32)
    server = CareOpinionServer().start()
    try:
        config = make_config(
            f"sources:\n  - {{name: co, kind: careopinion, base_url: '{server.base_url}/api/v2'}}\n"
        )
        result = CliRunner().invoke(cli, ["-v", "--config", str(config.path), "collect"])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert "HTTP Request:" not in result.output
    assert result.output.count("co: GET ") == len(server.requests)  # the collector's own line, once each


def test_json_log_lines(tmp_path):
    result = run_paged(tmp_path, "-v", "collect", extra="logging: {format: json}\n")
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["message"].startswith("source feed: status=ok") for e in entries)
    assert TOKEN not in result.stderr


def test_mask_replaces_longer_secrets_first():
    add_secrets(["abcd1234", "abcd1234-long-version", "xy"])  # "xy" is too short to mask
    assert mask("a abcd1234-long-version b abcd1234 c xy") == "a *** b *** c xy"


def test_cron_mode_exit_codes(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    config = tmp_path / "config.yaml"
    config.write_text(
        ONE_ORG
        + "sources:\n  - {name: good, kind: file, path: a.jsonl}\n  - {name: bad, kind: file, path: none/*.csv}\n"
    )

    def collect_(*args):
        command = [sys.executable, "-m", "listener", "--config", str(config), "collect", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)

    ok, failed, wrong = collect_("--source", "good"), collect_(), collect_("--source", "nope")
    assert ok.returncode == 0 and ok.stdout.startswith("good: ok, 1 new, 1 read, 1 requests, ")
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[1].startswith("bad: failed, 0 new, 0 read, 0 requests, ")
    assert wrong.returncode == 2 and "source 'nope' is not in the config" in wrong.stderr


def killed_run(store, source, stream, worker, lease_for):
    """What a SIGKILLed run leaves: its run row still "running" and its stream's lease."""
    from datetime import UTC, datetime

    from listener.store.leases import try_acquire
    from listener.store.runs import start_run

    with store.transaction() as session:
        start_run(session, source, stream, worker=worker)
        try_acquire(session, f"collect:{source}:{stream}", worker, lease_for)
    return datetime.now(UTC)


def test_a_run_of_a_killed_process_on_this_machine_is_shown_as_abandoned(store, make_config, tmp_path):
    import socket
    from datetime import timedelta

    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    config = make_config("sources:\n  - {name: a, kind: file, path: a.jsonl}\n")
    stream = str(tmp_path / "a.jsonl")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed_run(store, "a", stream, f"{socket.gethostname()}:{dead.pid}", timedelta(minutes=5))
    shown = status(config.path)
    assert "a (file): last run abandoned at" in shown.output, shown.output
    assert "being collected by" not in shown.output and "running" not in shown.output


def test_a_run_whose_lease_expired_is_abandoned_and_the_next_run_records_it(store, make_config, tmp_path):
    from datetime import timedelta

    import sqlalchemy as sa

    from listener.store.models import CollectionRun

    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    config = make_config("sources:\n  - {name: a, kind: file, path: a.jsonl}\n")
    stream = str(tmp_path / "a.jsonl")
    killed_run(store, "a", stream, "elsewhere:1234", timedelta(seconds=-1))
    shown = status(config.path)
    assert f"[{stream}] abandoned at" in shown.output and "being collected" not in shown.output
    assert shown.exit_code == 0  # an interrupted run is not a failure
    collect(store, config)
    with store.transaction() as session:
        runs = session.scalars(sa.select(CollectionRun).order_by(CollectionRun.id)).all()
    assert [r.status for r in runs] == ["abandoned", "ok"]
    assert runs[0].finished_at is not None and "without finishing" in runs[0].error


def test_status_never_shows_a_next_run_in_the_past(make_config, store):
    from datetime import UTC, datetime

    config = make_config("""
scheduler: {timezone: America/New_York}
sources:
  - {name: hourly, kind: file, path: a.jsonl, schedule: {cron: "0 * * * *"}}
""")
    before = datetime.now(UTC).replace(microsecond=0)
    shown = status(config.path)
    printed = shown.output.split("next run ")[1].split(";")[0]
    assert (
        printed == "due now"
        or datetime.strptime(printed, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC) >= before
    )


def alerting_after_one_failure(store, make_config, source: str):
    """The config of one source that has just failed once, with status alerting after one failure."""
    config = make_config(f"sources:\n  - {source}\nstatus: {{alert_after_failures: 1}}\n")
    collect(store, config)
    assert status(config.path).exit_code == 1
    return config


def test_a_stream_removed_from_config_no_longer_alerts(store, make_config, tmp_path):
    """A failing feed or file the operator has removed can never run again: it must not alert for ever."""
    (tmp_path / "in").mkdir()
    good, bad = tmp_path / "in" / "good.jsonl", tmp_path / "in" / "bad.jsonl"
    good.write_text('{"id": "1", "text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')
    bad.write_text('{"text": "LGI", "created_at": "2026-11-17T10:00:00Z"}\n')  # no record has an id
    config = alerting_after_one_failure(store, make_config, "{name: imports, kind: file, path: in/*.jsonl}")
    bad.unlink()
    shown = status(config.path)
    assert shown.exit_code == 0, shown.output
    assert "bad.jsonl" not in shown.output and "good.jsonl] ok" in shown.output


def test_a_paused_source_does_not_alert(store, make_config):
    alerting_after_one_failure(store, make_config, "{name: broken, kind: file, path: nothing/*.jsonl}")
    paused = make_config(
        "sources:\n  - {name: broken, kind: file, path: nothing/*.jsonl, enabled: false}\n"
        "status: {alert_after_failures: 1}\n"
    )
    shown = status(paused.path)
    assert shown.exit_code == 0, shown.output
    assert "broken (file, disabled): last run failed" in shown.output
    assert "1 failure in a row" in shown.output

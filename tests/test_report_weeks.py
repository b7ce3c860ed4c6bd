"""Reports are for weeks that are over: a week in progress or in the future is refused with a clear message."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from listener.errors import UsageError
from listener.reports.publish import check_week_is_over


@pytest.fixture
def config(make_config):
    return make_config()


def test_weeks_not_over_are_refused(config):
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with pytest.raises(
        UsageError, match=r"2026-W48 is still in progress \(it ends on Sunday 29 November 2026"
    ):
        check_week_is_over(config, "2026-W48", saturday)
    with pytest.raises(UsageError, match=r"2027-W01 has not started yet .* e\.g\. 2026-W47 \(the default"):
        check_week_is_over(config, "2027-W01", saturday)
    assert check_week_is_over(config, "2026-w47", saturday) == "2026-W47"
    monday_london = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # GMT: the week ended this very moment
    assert check_week_is_over(config, "2026-W47", monday_london) == "2026-W47"


def test_report_command_refuses_a_future_week_and_writes_nothing(store, config):
    command = [sys.executable, "-m", "listener", "--config", str(config.path), "report", "--org", "RJ1"]
    done = subprocess.run([*command, "--week", "2099-W01"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "error: --week 2099-W01 has not started yet" in done.stderr
    assert not (config.reports.output_dir / "2099-W01").exists()

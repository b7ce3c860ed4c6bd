"""Config: broken files give one line per problem naming the key path, and exit code 2 from the CLI."""

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from pydantic import ValidationError

from listener.config import load_config, parse_config, parse_duration
from listener.errors import ConfigError

GOOD_SOURCE = """
sources:
  - name: imports
    kind: file
    path: posts.jsonl
"""

BROKEN = [
    # (yaml, text the error must contain)
    ("store:\n  url: mysql://x\n", "store.url: expected a SQLAlchemy URL"),
    ("store:\n  urll: sqlite:///x.db\n", "store.urll: unknown key (expected one of: url, keep_raw)"),
    ("store:\n  keep_raw: maybe\n", "store.keep_raw: expected true or false, got 'maybe'"),
    ("organisations:\n  - name: Some Trust\n", "organisations[0].code: required key is missing"),
    (
        "organisations:\n  - code: not a code\n    name: X Trust\n",
        "organisations[0].code: expected text matching the pattern",
    ),
    ("organisations:\n  - code: RJ1\n    name: A\n    alias: [x]\n", "organisations[0].alias: unknown key"),
    (
        "organisations:\n  - {code: RJ1, name: A Trust}\n  - {code: rj1, name: B Trust}\n",
        "organisations[1].code: expected a unique value, got 'RJ1' twice",
    ),
    (
        "organisations:\n  - code: RJ1\n    name: A Trust\n    handles: GSTT\n",
        "organisations[0].handles: expected a list of text like [a, b], got 'GSTT'",
    ),
    ("sources:\n  - name: a\n    kind: twiter\n", "sources[0].kind: expected one of "),
    ("sources:\n  - name: a\n    kind: file\n", "sources[0].path: required key is missing"),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x.jsonl\n    formt: csv\n",
        "sources[0].formt: unknown key",
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x.jsonl\n    format: xml\n",
        "sources[0].format: expected 'jsonl', 'csv' or 'auto'",
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x\n    schedule: {every: 15}\n",
        'sources[0].schedule.every: expected a duration like "15m"',
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x\n    schedule: {every: 1h, cron: '0 * * * *'}\n",
        'sources[0].schedule: expected exactly one of "every" or "cron", got both',
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x\n    schedule: {}\n",
        'sources[0].schedule: expected exactly one of "every" or "cron", got neither',
    ),
    (
        "sources:\n  - name: a\n    kind: rss\n",
        'sources[0]: expected at least one of "feeds", "searches" or "search_organisations: true"',
    ),
    (
        "scoring:\n  scorers: [vadr]\n",
        "scoring.scorers: expected scorer names from vader, sentiment, got 'vadr'",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust, aliases: }\n",
        "organisations[0].aliases: expected a list of text like [a, b], got nothing",
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x\n    schedule: {cron: '0 * *'}\n",
        "sources[0].schedule.cron: expected a cron expression with five fields",
    ),
    (
        "sources:\n  - name: Bad Name\n    kind: file\n    path: x\n",
        "sources[0].name: expected text matching the pattern",
    ),
    (
        "sources:\n  - {name: a, kind: file, path: x}\n  - {name: a, kind: file, path: y}\n",
        "sources[1].name: expected a unique value",
    ),
    (
        "sources:\n  - name: a\n    kind: file\n    path: x\n    fields: {txt: body}\n",
        "sources[0].fields.txt: unknown key",
    ),
    ("scoring:\n  batch_size: 0\n", "scoring.batch_size: expected a value greater than 0, got 0"),
    ("scoring:\n  batch_size: lots\n", "scoring.batch_size: expected a whole number, got 'lots'"),
    ("store: 5\n", "store: expected a mapping (keys url, keep_raw), got 5"),
    ("reports:\n  output_dir: [a, b]\n", "reports.output_dir: expected the path of a folder, got a list"),
    (
        "privacy:\n  pseudonym_key_file: {a: 1}\n",
        "privacy.pseudonym_key_file: expected the path of a file, got a mapping",
    ),
    ("privacy:\n  redact: phone\n", "privacy.redact: expected a list of items from 'nhs_number', 'phone', "),
    (
        "reports:\n  email: {host: h, from: a@b.uk, to: []}\n",
        "reports.email.to: expected at least 1 item, got an empty list",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust, ambiguous_aliases: [5]}\n",
        "organisations[0].ambiguous_aliases[0]: expected text or a mapping (keys alias, context), got 5",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust, ambiguous_aliases: [{alias: St Mary's}]}\n",
        "organisations[0].ambiguous_aliases[0].context: required key is missing",
    ),
    (
        "reports:\n  timezone: Europe/Londn\n",
        "reports.timezone: expected an IANA time zone like \"Europe/London\", got 'Europe/Londn'",
    ),
    (
        "report:\n  timezone: UTC\n",
        "report: unknown key (expected one of: store, privacy, organisations, sources, scoring, reports",
    ),
    (
        "privacy:\n  pseudonym_key_env: my secret value\n",
        "privacy.pseudonym_key_env: expected the name of an environment variable",
    ),
    ("- just\n- a list\n", "expected a mapping of sections at the top level, got a list"),
    ("store:\n  url: [unclosed\n", "not valid YAML"),
    (
        "store:\n  url: sqlite:///a.db\nscoring: {}\nstore:\n  url: sqlite:///b.db\n",
        "line 4, column 1: not valid YAML (the key 'store' appears twice in one mapping, first on line 1)",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust}\n"
        "sources:\n  - {name: co, kind: careopinion, organisations: [RJ1, rr8]}\n",
        "sources[0].organisations[1]: unknown organisation 'RR8' (expected one of: RJ1)",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust}\nsources:\n  - {name: n, kind: nhs_reviews, organisations: [RX9]}\n",
        "sources[0].organisations[0]: unknown organisation 'RX9' (expected one of: RJ1)",
    ),
    (
        "organisations:\n  - {code: RJ1, name: A Trust}\nsources:\n  - {name: x, kind: x, extra_terms: {rr8: [LGI]}}\n",
        "sources[0].extra_terms.RR8: unknown organisation 'RR8' (expected one of: RJ1)",
    ),
    (
        "sources:\n  - {name: co, kind: careopinion, organisations: [RJ1]}\n",
        "sources[0].organisations[0]: unknown organisation 'RJ1' (no organisations are configured)",
    ),
    (
        "organisations:\n  - code: RJ1\n    name: A Trust\n    name: B Trust\n",
        "line 4, column 5: not valid YAML (the key 'name' appears twice in one mapping, first on line 3)",
    ),
]


@pytest.mark.parametrize("text, expected", BROKEN, ids=[e for _, e in BROKEN])
def test_broken_config_names_the_key(tmp_path, text, expected):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value)
    for line in caught.value.problems:
        assert line.startswith(str(path)), line
        assert "\n" not in line


def test_a_model_level_problem_never_says_got_a_mapping(tmp_path):
    path = tmp_path / "config.yaml"
    for source in ("{name: a, kind: rss}", "{name: b, kind: file, path: x, schedule: {}}"):
        path.write_text(f"sources:\n  - {source}\n")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert "mapping" not in str(caught.value), source


def test_an_empty_section_is_the_same_as_no_section(tmp_path):
    """A section whose every line is commented out is YAML null: it means the defaults, as if it were absent."""
    path = tmp_path / "config.yaml"
    path.write_text(
        "organisations:\n  # - {code: RJ1, name: A Trust}\nscoring:\n  # batch_size: 10\nsources:\n"
    )
    config = load_config(path)
    assert config.organisations == () and config.sources == () and config.scoring.batch_size == 1000


def test_keys_merged_with_an_anchor_may_still_be_overridden(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "organisations:\n  - &trust {code: RJ1, name: A Trust}\n  - <<: *trust\n    code: RR8\n",
        encoding="utf-8",
    )
    assert [org.code for org in load_config(path).organisations] == ["RJ1", "RR8"]


def test_messages_speak_yaml_not_python(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "store: {keep_raw: maybe}\nreports: {output_dir: [1], timezone: 5}\nprivacy: {redact: phone}\n"
        "organisations:\n  - {code: RJ1, name: A Trust, handles: x, ambiguous_aliases: [5, {alias: ab}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    for python_word in (
        "tuple",
        "dictionary",
        "valid",
        "Input",
        "class",
        "pathlib",
        "AmbiguousAlias",
        ".str",
    ):
        assert python_word not in text, python_word


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("store:\n  url: mysql://x\nscoring:\n  batch_size: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(caught.value.problems) == 2


def test_the_shipped_example_config_is_valid():
    config = load_config("config.yaml")
    assert config.organisations and config.sources
    assert config.reports.timezone == "Europe/London"


def test_defaults_and_database_override(tmp_path, monkeypatch):
    path = tmp_path / "config.yaml"
    path.write_text(GOOD_SOURCE, encoding="utf-8")
    config = load_config(path)
    assert config.store.url == f"sqlite:///{tmp_path / 'listener.db'}"
    assert config.sources[0].options.path == str(tmp_path / "posts.jsonl")
    assert config.reports.output_dir == tmp_path / "reports"
    assert config.sources[0].schedule.every == timedelta(hours=1)
    monkeypatch.setenv("LISTENER_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert load_config(path).store.url == "postgresql://postgres@127.0.0.1/test"


def test_config_found_through_environment(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.yaml"
    path.write_text("reports:\n  timezone: UTC\n", encoding="utf-8")
    monkeypatch.setenv("LISTENER_CONFIG", str(path))
    assert load_config().reports.timezone == "UTC"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path / "nope.yaml")


def test_config_is_frozen():
    config = parse_config({})
    with pytest.raises(ValidationError):
        config.store.url = "sqlite:///other.db"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15m", timedelta(minutes=15)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


ZERO_WINDOWS = [  # the windows of each kind that may be zero, with what else the kind requires
    (
        {"kind": "reddit", "subreddits": ["NHS"], "user_agent": "script:listener:1.0 (by u/someone)"},
        "overlap",
    ),
    ({"kind": "mastodon", "instances": ["mastodon.example"]}, "overlap"),
    ({"kind": "bluesky", "handle": "someone.bsky.social"}, "overlap"),
    ({"kind": "rss", "feeds": ["https://news.example/feed"]}, "lookback"),
]


@pytest.mark.parametrize("source, key", ZERO_WINDOWS, ids=[s["kind"] for s, _ in ZERO_WINDOWS])
def test_a_window_that_may_be_zero_takes_0_and_durations(source, key):
    for value, expected in [(0, timedelta(0)), ("0", timedelta(0)), ("90m", timedelta(minutes=90))]:
        config = parse_config({"sources": [{"name": "s", **source, key: value}]})
        assert getattr(config.sources[0].options, key) == expected
    with pytest.raises(ConfigError, match=f"sources\\[0\\].{key}: expected a duration"):
        parse_config({"sources": [{"name": "s", **source, key: "soon"}]})


def test_cli_prints_one_line_and_exits_2(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        textwrap.dedent("""
        sources:
          - name: a
            kind: file
            path: x
            schedule: {every: 15}
    """),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "listener", "--config", str(path), "status"], capture_output=True, text=True
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "sources[0].schedule.every" in lines[0] and "got 15" in lines[0]

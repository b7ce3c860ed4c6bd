"""The collector contract, checked for EVERY kind registered in ``listener.collectors.COLLECTORS``.

Each kind needs a *contract case*: a module in ``tests/fakes/`` with a function ``contract_case()`` returning an
object with these members (duck-typed: do not import anything from this file to build one):

    kind: str                               the COLLECTORS key
    not_applicable: dict[str, str]          check name -> reason; reported as a skip with that reason
    start(folder) / stop()                  start the fake (127.0.0.1, port 0, a thread) / stop it (idempotent)
    source_config() -> dict                 one source pointed at the fake, without "name"; it must allow a
                                            wait of 5 s and refuse one of 3600 s, and use small pages
    env() -> dict[str, str]                 environment variables (credentials) the fake accepts
    install_sleep(monkeypatch, sleep)       route every wait between retries through ``sleep(seconds)``
    seed(posts)                             serve these posts (attributes key, text, created_at UTC)
    add_malformed()                         add one malformed item among the valid ones
    set_failure(mode, times=None, retry_after=5)
                                            "rate_limit" (429 + Retry-After), "server_error" (5xx), "bad_auth",
                                            "unreachable" (nothing answers); None clears; times=None: until cleared

A registered kind with no case FAILS here: registering a collector means writing its contract case.
The checks are named in CHECKS; /work/CONTRACT_CASE.md (outside the repository) has the same text for the
engineers building collectors in parallel.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from conftest import write_config

from listener.cli import cli
from listener.collectors import collector_class, collector_kinds
from listener.collectors.runner import collect
from listener.config import load_config
from listener.errors import AuthenticationError
from listener.store import open_store
from listener.store.models import Post

FAKES = Path(__file__).resolve().parent / "fakes"
SOURCE = "under-test"
CHECKS = ("second_run", "until", "utc", "malformed", "rate_limit", "server_error", "bad_auth", "isolation")
BASE = (datetime.now(UTC) - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
UNTIL = BASE + timedelta(hours=1)


@dataclass(frozen=True)
class SeedPost:
    key: str
    text: str
    created_at: datetime


def seeds(keys: range, start: datetime = BASE) -> list[SeedPost]:
    return [
        SeedPost(
            f"c{n}",
            f"c{n} Great care from the nurses at St Thomas' Hospital, visit {n}",
            start + timedelta(minutes=7 * n),
        )
        for n in keys
    ]


def find_cases() -> dict[str, object]:
    cases = {}
    for info in pkgutil.iter_modules([str(FAKES)]):
        factory = getattr(importlib.import_module(f"fakes.{info.name}"), "contract_case", None)
        if factory is not None:
            case = factory()
            cases[case.kind] = factory
    return cases


CASES = find_cases()


class Harness:
    """A started case, a fresh SQLite store and the config of one source pointed at the fake."""

    def __init__(self, case, folder: Path):
        self.case, self.folder = case, folder
        self.sleeps: list[float] = []
        self.db_url = f"sqlite:///{folder / 'contract.db'}"
        self.store = open_store(self.db_url)

    def config(self, extra_sources: list[dict] | None = None):
        sources = [{"name": SOURCE, **self.case.source_config()}, *(extra_sources or [])]
        return load_config(
            write_config(self.folder, yaml.safe_dump({"sources": sources}), db_url=self.db_url)
        )

    def run(self, until: datetime | None = None):
        (result,) = collect(self.store, self.config(), [SOURCE], until)
        return result

    def stored(self) -> list[str]:
        with self.store.transaction() as session:
            return list(session.scalars(sa.select(Post.text).where(Post.source == SOURCE)))

    def stored_keys(self, posts: list[SeedPost]) -> set[str]:
        texts = self.stored()
        return {p.key for p in posts if any(p.text in text for text in texts)}

    def collector(self):
        config = self.config()
        return collector_class(self.case.kind)(config.source(SOURCE), config)


@contextmanager
def harness(kind: str, check: str, tmp_path: Path, monkeypatch):
    if kind not in CASES:
        pytest.fail(
            f"collector kind {kind!r} is registered but no module in tests/fakes/ defines contract_case() "
            f"for it: write one (see the docstring of tests/test_collector_contract.py)"
        )
    case = CASES[kind]()
    reason = getattr(case, "not_applicable", {}).get(check)
    if reason:
        pytest.skip(f"{kind}: {check} does not apply: {reason}")
    h = Harness(case, tmp_path)
    case.install_sleep(monkeypatch, h.sleeps.append)
    for name, value in case.env().items():
        monkeypatch.setenv(name, value)
    case.start(tmp_path)
    try:
        yield h
    finally:
        case.stop()
        h.store.close()


def ok(result) -> bool:
    return [s.status for s in result.streams] == ["ok"] * len(result.streams) and result.streams


kinds = pytest.mark.parametrize("kind", collector_kinds())


@kinds
def test_second_run_adds_nothing(kind, tmp_path, monkeypatch):
    with harness(kind, "second_run", tmp_path, monkeypatch) as h:
        posts = seeds(range(5))
        h.case.seed(posts)
        first = h.run()
        assert ok(first), first
        assert h.stored_keys(posts) == {p.key for p in posts}
        second = h.run()
        assert ok(second), second
        assert second.total("posts_new") == 0 and len(h.stored()) == 5


@kinds
def test_until_is_respected_and_the_cursor_does_not_pass_it(kind, tmp_path, monkeypatch):
    with harness(kind, "until", tmp_path, monkeypatch) as h:
        before, after = seeds(range(5)), seeds(range(5, 7), start=UNTIL + timedelta(minutes=30))
        h.case.seed(before + after)
        assert ok(h.run(until=UNTIL))
        assert h.stored_keys(before + after) == {p.key for p in before}
        assert ok(h.run())
        assert h.stored_keys(before + after) == {p.key for p in before + after}


@kinds
def test_timestamps_are_utc(kind, tmp_path, monkeypatch):
    with harness(kind, "utc", tmp_path, monkeypatch) as h:
        posts = seeds(range(4))
        h.case.seed(posts)
        collector = h.collector()
        try:
            collected = [
                post
                for stream in collector.streams()
                for page in collector.collect(stream, None, None)
                for post in page.posts
            ]
        finally:
            collector.close()
        assert collected
        for post in collected:
            assert post.created_at.tzinfo is not None and post.created_at.utcoffset() == timedelta(0)
            seed = next(p for p in posts if p.text in post.text)
            assert post.created_at == seed.created_at, (post.native_id, post.created_at, seed.created_at)


@kinds
def test_malformed_item_is_skipped_and_logged(kind, tmp_path, monkeypatch, caplog):
    with harness(kind, "malformed", tmp_path, monkeypatch) as h:
        posts = seeds(range(4))
        h.case.seed(posts)
        h.case.add_malformed()
        with caplog.at_level(logging.WARNING, logger="listener"):
            result = h.run()
        assert ok(result), result
        assert h.stored_keys(posts) == {p.key for p in posts}
        warnings = [
            r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("listener.")
        ]
        assert warnings, "the malformed item was not logged"


@kinds
def test_rate_limit_is_waited_out_or_reported(kind, tmp_path, monkeypatch):
    with harness(kind, "rate_limit", tmp_path, monkeypatch) as h:
        h.case.seed(seeds(range(3)))
        h.case.set_failure("rate_limit", times=1, retry_after=5)
        assert ok(h.run())
        assert len(h.stored()) == 3 and max(h.sleeps, default=0) >= 5
        h.sleeps.clear()
        h.case.seed(seeds(range(3, 4)))
        h.case.set_failure("rate_limit", retry_after=3600)
        result = h.run()
        assert "rate_limited" in {s.status for s in result.streams}, result
        assert max(h.sleeps, default=0) < 3600


@kinds
def test_server_errors_are_retried_then_reported(kind, tmp_path, monkeypatch):
    with harness(kind, "server_error", tmp_path, monkeypatch) as h:
        h.case.seed(seeds(range(3)))
        h.case.set_failure("server_error", times=1)
        assert ok(h.run())
        assert len(h.stored()) == 3 and h.sleeps
        h.case.set_failure("server_error")
        result = h.run()
        assert result.failed
        assert re.search(r"\b5\d\d\b", result.streams[-1].error or ""), result.streams[-1].error


@kinds
def test_authentication_failure_is_clear(kind, tmp_path, monkeypatch):
    with harness(kind, "bad_auth", tmp_path, monkeypatch) as h:
        h.case.seed(seeds(range(2)))
        h.case.set_failure("bad_auth")
        names = list(h.case.env())
        assert names, "a kind with credentials must name them in env()"
        collector = h.collector()
        try:
            with pytest.raises(AuthenticationError) as raised:
                for stream in collector.streams():
                    for _page in collector.collect(stream, None, None):
                        pass
        finally:
            collector.close()
        assert any(name in str(raised.value) for name in names), str(raised.value)


@kinds
def test_a_failing_source_never_stops_the_others(kind, tmp_path, monkeypatch):
    with harness(kind, "isolation", tmp_path, monkeypatch) as h:
        h.case.seed(seeds(range(2)))
        h.case.set_failure("unreachable")
        good = tmp_path / "good.jsonl"
        good.write_text('{"id": "g1", "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z"}\n')
        config_path = h.config([{"name": "good", "kind": "file", "path": str(good)}]).path
        outcome = CliRunner().invoke(cli, ["--config", str(config_path), "collect"])
        assert outcome.exit_code == 1, outcome.output
        assert "good: ok, 1 new" in outcome.output
        assert f"{SOURCE}: failed" in outcome.output


def test_every_case_names_only_known_checks():
    for kind, factory in CASES.items():
        unknown = set(getattr(factory(), "not_applicable", {})) - set(CHECKS)
        assert not unknown, f"{kind}: not_applicable names unknown checks {sorted(unknown)}"

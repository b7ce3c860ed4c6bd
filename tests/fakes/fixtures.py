"""Fixtures the platform collector tests share (import them into a test module to use them)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from listener.config import Config, load_config
from listener.store import Store, open_store


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Record every wait (collectors and client libraries wait through time.sleep) instead of waiting."""
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


@pytest.fixture
def lite(tmp_path) -> tuple[Store, Callable[[dict], Config]]:
    """A SQLite store and a builder of configs with one source on it, for tests of a collector's
    behaviour (errors, options) that need not run on both backends."""
    url = f"sqlite:///{tmp_path / 'lite.db'}"
    store = open_store(url)

    def build(source: dict) -> Config:
        from conftest import write_config

        return load_config(write_config(tmp_path, source_yaml(source), db_url=url))

    yield store, build
    store.close()


def source_yaml(*sources: dict) -> str:
    """A config's sources section from source mappings (JSON is YAML)."""
    return "sources:\n" + "".join(f"  - {json.dumps(s)}\n" for s in sources)

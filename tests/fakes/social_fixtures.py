"""Fixtures the platform collector tests share (import them into a test module to use them)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from fakes.social_fake import install_sleep
from listener.config import Config, load_config
from listener.store import Store, open_store


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Record every wait instead of waiting."""
    waited: list[float] = []
    install_sleep(monkeypatch, waited.append)
    return waited


@pytest.fixture
def lite(tmp_path) -> tuple[Store, Callable[[dict], Config]]:
    """A SQLite store and a builder of configs with one source on it, for tests of a collector's
    behaviour (errors, options) that need not run on both backends."""
    url = f"sqlite:///{tmp_path / 'lite.db'}"
    store = open_store(url)

    def build(source: dict, organisations: str | None = None) -> Config:
        from conftest import ORGANISATIONS, write_config

        body = source_yaml(source)
        return load_config(
            write_config(tmp_path, body, db_url=url, organisations=organisations or ORGANISATIONS)
        )

    yield store, build
    store.close()


def source_yaml(*sources: dict) -> str:
    """A config's sources section from source mappings (JSON is YAML)."""
    return "sources:\n" + "".join(f"  - {json.dumps(s)}\n" for s in sources)


def use_case(case, monkeypatch):
    """Set the environment a contract case's source needs (its fake credentials); return the case."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    return case


def stored_posts(store: Store) -> dict:
    """Every stored post by native id."""
    import sqlalchemy as sa

    from listener.store.models import Post

    with store.transaction() as session:
        return {p.native_id: p for p in session.scalars(sa.select(Post))}


def post_state(store) -> dict[str, tuple]:
    """Each stored post's text, match key, organisations, sentiment label and scoring marks, by native id."""
    import sqlalchemy as sa

    from listener.store.models import Mention, Post, Scoring, SentimentScore

    state = {}
    with store.transaction() as session:
        for post in session.scalars(sa.select(Post)):
            orgs = session.scalars(sa.select(Mention.org_code).where(Mention.post_id == post.id)).all()
            labels = session.scalars(sa.select(SentimentScore.label).where(SentimentScore.post_id == post.id))
            marks = session.execute(
                sa.select(Scoring.scorer, Scoring.version, Scoring.scored_at).where(
                    Scoring.post_id == post.id
                )
            )
            state[post.native_id] = (
                post.text,
                post.match_key,
                tuple(sorted(orgs)),
                next(iter(labels), None),
                tuple(sorted(tuple(m) for m in marks)),
            )
    return state


def recorded_payload(name: str) -> dict:
    """A recorded API payload from ../shared/data/api_payloads (or $LISTENER_SHARED_DATA/api_payloads);
    skips the test when the shared data is absent, except under CI, where it must be there."""
    import os
    from pathlib import Path

    root = (
        os.environ.get("LISTENER_SHARED_DATA")
        or Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
    path = Path(root) / "api_payloads" / name
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{path} is missing (under CI the shared data must be present)")
        pytest.skip(f"shared payloads not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))

"""``listener demo``: the whole pipeline on the bundled synthetic sample, offline, in a folder of its own."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from listener.collectors.runner import collect
from listener.config import load_config
from listener.matching.runner import match_pending
from listener.reports.publish import publish
from listener.scoring.runner import score_pending
from listener.store import open_store

DEMO_WEEK = "2026-W47"


@dataclass
class DemoResult:
    config_path: Path
    database: Path
    posts_new: int
    reports: dict[str, dict[str, Path]]


def sample_path() -> Path:
    return Path(str(files("listener.demo") / "sample_posts.jsonl"))


def run_demo(folder: Path) -> DemoResult:
    """Write a config, a key and a database into ``folder``; collect, match, score and report on the sample."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "config.yaml"
    template = (files("listener.demo") / "config.yaml.template").read_text(encoding="utf-8")
    config_path.write_text(
        template.format(config_path=config_path, sample_path=sample_path()), encoding="utf-8"
    )
    key_path = folder / "pseudonym.key"
    if not key_path.exists():
        key_path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        key_path.chmod(0o600)
    database = folder / "listener.db"
    config = load_config(config_path)
    # always the demo's own file: LISTENER_DATABASE_URL may name a production store, which synthetic posts
    # about real trusts must never enter
    config = config.model_copy(
        update={"store": config.store.model_copy(update={"url": f"sqlite:///{database}"})}
    )
    store = open_store(config.store.url)
    try:
        results = collect(store, config)
        match_pending(store, config)
        score_pending(store, config)
        published = publish(store, config, DEMO_WEEK, send_email=False)
        reports = {item.org_code or "portfolio": item.paths for item in published}
    finally:
        store.close()
    return DemoResult(config_path, database, sum(r.total("posts_new") for r in results), reports)

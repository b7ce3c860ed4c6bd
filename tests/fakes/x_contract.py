"""The collector contract case for ``kind: x``, over the fake X API v2 in x_api.py."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from tests.fakes.x_api import TOKEN, FakeXApi, Fault

TOKEN_ENV = "X_CONTRACT_BEARER_TOKEN"
MODES = {"rate_limit": "rate_limited", "server_error": "server_error", "bad_auth": "unauthorized"}


class XContractCase:
    kind = "x"

    def __init__(self):
        self.frozen: float | None = None  # the fake's clock stands still while posts are seeded
        self.fake: FakeXApi | None = None
        self.running = False

    def clock(self) -> float:
        return self.frozen if self.frozen is not None else time.time()

    def start(self, folder: Path) -> None:
        self.fake = FakeXApi(clock=self.clock).__enter__()
        self.running = True

    def stop(self) -> None:
        if self.fake is not None and self.running:
            self.running = False
            self.fake.__exit__(None, None, None)

    def source_config(self) -> dict:
        return {
            "kind": "x",
            "api_base_url": self.fake.base_url,
            "bearer_token_env": TOKEN_ENV,
            "max_wait": "60s",
            "max_retries": 3,
            "timeout": 5,
        }

    def env(self) -> dict[str, str]:
        return {TOKEN_ENV: TOKEN}

    def install_sleep(self, monkeypatch, sleep) -> None:
        monkeypatch.setattr("listener.collectors.http.sleep", sleep)

    def seed(self, posts) -> None:
        self.frozen = time.time()
        served_now = datetime.fromtimestamp(self.frozen, UTC)
        for post in posts:
            self.fake.add_post(post.text, username=f"author_{post.key}", age=served_now - post.created_at)
        self.frozen = None

    def add_malformed(self) -> None:
        # the newest post, so it shares the first page with the others
        post_id = self.fake.add_post("Thanks to St Thomas' Hospital, a post X sent without its time")
        self.fake.posts[post_id]["created_at"] = "yesterday at noon"

    def set_failure(self, mode: str | None, times: int | None = None, retry_after: int = 5) -> None:
        self.fake.faults.clear()
        if mode is None:
            return
        if mode == "unreachable":
            self.stop()
            return
        self.fake.script(*[Fault(MODES[mode], reset_in=retry_after) for _ in range(times or 100)])


def contract_case() -> XContractCase:
    return XContractCase()

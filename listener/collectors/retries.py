"""Bounded retries and rate-limit waits for collectors that call a platform's API over HTTP.

A collector turns each library error into one of three outcomes: ``RateLimitHit`` (wait for the reset the
platform announced, if that is within the source's ``max_wait``, else end the stream as ``rate_limited``),
``TransientError`` (a 5xx or a network error: retry a few times with exponential backoff, then fail), or its
own ``ListenerError`` (authentication, bad request: fail at once). ``Patience.call`` applies the policy, so
no collector can loop forever on a 429 or a dead server.

Waits go through ``Patience.sleep``, which calls ``time.sleep`` through the module attribute: tests replace
either to run without waiting.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import Field, field_validator

from listener.collectors.base import SourceOptions
from listener.config import Section, parse_duration
from listener.errors import CollectorError, RateLimited

log = logging.getLogger(__name__)

T = TypeVar("T")

# A platform that keeps answering 429 after we waited as told is not going to let us in this run.
MAX_RATE_LIMIT_WAITS = 3


class RateLimitHit(Exception):
    """The platform said "too many requests"; ``wait`` is the seconds until its reset, when it said."""

    def __init__(self, wait: float | None, detail: str = ""):
        super().__init__(detail or "rate limited")
        self.wait = wait


class TransientError(Exception):
    """A failure worth retrying: a 5xx answer or a network error."""


class HttpSourceOptions(SourceOptions, Section):
    """Options every API collector shares: how long to wait for rate limits and how often to retry.

    Section brings config.yaml's rule that a key ending in ``_env`` names an environment variable."""

    max_wait: timedelta = timedelta(minutes=5)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(2.0, ge=0, le=300)
    timeout: float = Field(30.0, gt=0, le=600)

    @field_validator("max_wait", mode="before")
    @classmethod
    def _max_wait_duration(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return timedelta(seconds=value)
        return parse_duration(value)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class Patience:
    """Runs one API call under a source's retry and rate-limit policy."""

    def __init__(self, source: str, options: HttpSourceOptions, sleep: Callable[[float], None] = _sleep):
        self.source = source
        self.options = options
        self.sleep = sleep

    def call(self, what: str, attempt: Callable[[], T]) -> T:
        """Return ``attempt()``, retrying transient failures and waiting out short rate limits."""
        failures = waits = 0
        while True:
            try:
                return attempt()
            except RateLimitHit as hit:
                waits += 1
                self._wait_for_reset(what, hit, waits)
            except TransientError as problem:
                failures += 1
                if failures > self.options.retries:
                    raise CollectorError(
                        f"{self.source}: {what} failed {failures} times, last with {problem}; "
                        "the platform may be down: the next run tries again"
                    ) from None
                delay = self.options.backoff * 2 ** (failures - 1)
                log.warning(
                    "%s: %s failed (%s); retry %d in %.1fs", self.source, what, problem, failures, delay
                )
                self.sleep(delay)

    def _wait_for_reset(self, what: str, hit: RateLimitHit, waits: int) -> None:
        limit = self.options.max_wait.total_seconds()
        seconds = hit.wait if hit.wait is not None else self.options.backoff * 2 ** (waits - 1)
        seconds = float(math.ceil(max(0.0, seconds)))  # whole seconds, never a hair before the reset
        if seconds > limit or waits > MAX_RATE_LIMIT_WAITS:
            reason = (
                f"the platform asks to wait {seconds:.0f}s, more than max_wait ({limit:.0f}s)"
                if seconds > limit
                else f"still limited after {waits - 1} waits"
            )
            raise RateLimited(f"{self.source}: {what}: rate limited ({reason}); the next run resumes here")
        log.info("%s: %s rate limited; waiting %.1fs for the reset", self.source, what, seconds)
        self.sleep(seconds)


class RequestCounter:
    """Counts HTTP responses; install it as a requests response hook or an httpx response event hook."""

    def __init__(self) -> None:
        self.total = 0
        self._taken = 0

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        self.total += 1
        return response

    def take(self) -> int:
        """The responses counted since the last take (what a page cost)."""
        taken, self._taken = self.total - self._taken, self.total
        return taken

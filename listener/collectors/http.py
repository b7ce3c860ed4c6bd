"""HTTP for collectors that call a web API or fetch a feed themselves (rss, careopinion, nhs_reviews).

One ``ApiClient`` per collector wraps an ``httpx.Client`` and applies the same rules everywhere:

- 429: wait for ``Retry-After`` (seconds or an HTTP date) when it is no longer than ``max_wait``, otherwise stop
  the stream with ``errors.RateLimited`` so it resumes on the next run; no header means exponential backoff.
- 5xx and connection failures: bounded retries with exponential backoff, then ``errors.CollectorError``
  naming the status and the URL.
- 401 and 403: ``errors.AuthenticationError`` with the collector's hint (which environment variable to fix).
- Every wait goes through ``sleep`` (module attribute, looked up at call time), so tests replace it.

URLs are logged without query strings that could hold keys; secrets travel only in headers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import Field, field_validator

from listener import __version__
from listener.collectors.base import SourceOptions
from listener.config import parse_duration
from listener.errors import AuthenticationError, CollectorError, RateLimited

log = logging.getLogger(__name__)

USER_AGENT = f"listener/{__version__} (NHS social listening; +https://github.com/nhs-listener/listener)"
BACKOFF_SECONDS = 2.0


def sleep(seconds: float) -> None:
    """Wait between attempts (tests replace this attribute)."""
    time.sleep(seconds)


class HttpOptions(SourceOptions):
    """Options every HTTP-based kind shares: patience with a slow or busy server."""

    max_wait: timedelta = timedelta(minutes=2)
    max_attempts: int = Field(4, ge=1, le=10)
    timeout: timedelta = timedelta(seconds=30)
    user_agent: str = Field(USER_AGENT, min_length=3)

    @field_validator("max_wait", "timeout", mode="before")
    @classmethod
    def _http_duration(cls, value: Any) -> Any:
        return parse_duration(value)


class ApiClient:
    """GET with the retry, rate-limit and authentication rules above; counts the requests it makes."""

    def __init__(
        self,
        source: str,
        options: HttpOptions,
        *,
        headers: Mapping[str, str] | None = None,
        auth_hint: str = "",
        min_interval: float = 0.0,
    ):
        self.source = source
        self.options = options
        self.auth_hint = auth_hint
        self.min_interval = min_interval
        self.requests = 0
        self._last_sent: float | None = None
        self._call_start = 0
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent, **(headers or {})},
            timeout=options.timeout.total_seconds(),
            follow_redirects=False,
        )

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: Callable[[httpx.Response], None] | None = None,
    ) -> httpx.Response:
        """GET ``url``; ``check`` may raise on a response the API uses to signal failure (a login redirect)."""
        self._call_start = self.requests
        for attempt in range(1, self.options.max_attempts + 1):
            last = attempt == self.options.max_attempts
            response = self._send(url, params, headers, attempt)
            if response is None:
                continue
            if check is not None:
                check(response)
            if response.status_code in (401, 403):
                raise AuthenticationError(
                    f"source {self.source}: {url} refused the credentials "
                    f"(HTTP {response.status_code}{_detail(response)}). {self.auth_hint}".strip(),
                    requests=self.requests - self._call_start,
                )
            if response.status_code == 429:
                self._wait_for_rate_limit(url, response, attempt, last)
                continue
            if response.status_code >= 500:
                if last:
                    raise CollectorError(
                        f"source {self.source}: {url} answered HTTP {response.status_code}"
                        f"{_detail(response)} {attempt} times; giving up until the next run",
                        requests=self.requests - self._call_start,
                    )
                self._backoff(url, f"HTTP {response.status_code}", attempt)
                continue
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None, attempt: int
    ) -> httpx.Response | None:
        self._pace()
        self.requests += 1
        try:
            response = self._client.get(url, params=params, headers=headers)
        except httpx.TransportError as exc:
            if attempt == self.options.max_attempts:
                raise CollectorError(
                    f"source {self.source}: cannot reach {url} ({type(exc).__name__}: {exc})",
                    requests=self.requests - self._call_start,
                ) from None
            self._backoff(url, type(exc).__name__, attempt)
            return None
        log.info("%s: GET %s %s -> %d", self.source, url, _safe(params), response.status_code)
        return response

    def _pace(self) -> None:
        """Keep at least ``min_interval`` seconds between requests (Care Opinion allows 5 a second)."""
        if self.min_interval and self._last_sent is not None:
            wait = self.min_interval - (time.monotonic() - self._last_sent)
            if wait > 0:
                sleep(wait)
        self._last_sent = time.monotonic()

    def _wait_for_rate_limit(self, url: str, response: httpx.Response, attempt: int, last: bool) -> None:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        allowed = self.options.max_wait.total_seconds()
        if last or (wait is not None and wait > allowed):
            when = f"in {wait:.0f}s" if wait is not None else "later"
            raise RateLimited(
                f"source {self.source}: {url} is rate limited (HTTP 429, retry {when}; "
                f"max_wait is {allowed:.0f}s); the stream resumes on the next run",
                requests=self.requests - self._call_start,
            )
        if wait is None:
            self._backoff(url, "HTTP 429", attempt)
            return
        log.warning("%s: %s rate limited; waiting %.0fs as Retry-After asks", self.source, url, wait)
        sleep(wait)

    def _backoff(self, url: str, reason: str, attempt: int) -> None:
        wait = min(BACKOFF_SECONDS * 2 ** (attempt - 1), self.options.max_wait.total_seconds())
        log.warning("%s: %s failed (%s); retrying in %.0fs", self.source, url, reason, wait)
        sleep(wait)

    def close(self) -> None:
        self._client.close()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _detail(response: httpx.Response) -> str:
    """A short excerpt of a JSON error body, for the operator; never the whole page."""
    if "json" not in response.headers.get("Content-Type", ""):
        return ""
    text = " ".join(response.text.split())
    return f": {text[:200]}" if text else ""


def _safe(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    return " ".join(f"{k}={v}" for k, v in params.items() if "key" not in k.lower())

"""What every collector that calls the web shares: the options operators set, the retry and rate-limit policy,
and an httpx GET client (``ApiClient``) that applies it.

A collector turns each failure of a call into one of three outcomes, and ``Patience.call`` applies the policy,
so no collector can loop forever on a 429 or a dead server:

- ``RateLimitHit`` (HTTP 429): wait for the reset the server announced (``Retry-After`` in seconds or as an HTTP
  date, or a platform's own header) when it is within ``max_wait``; otherwise, or after a few waits that did not
  help, stop the stream with ``errors.RateLimited`` so it resumes on the next run. No announced reset means
  exponential backoff.
- ``TransientError`` (5xx, a connection failure, an unreadable answer): up to ``max_retries`` retries with
  exponential backoff (2 s, 4 s, 8 s..., capped by ``max_wait``), then ``errors.CollectorError``.
- its own ``ListenerError`` (authentication, a bad request): fail at once.

Every wait goes through ``sleep`` (module attribute, looked up at call time), so tests replace it; a stop request
(SIGTERM) ends a wait at once and the stream with ``errors.Interrupted``. ``ApiClient``
logs URLs without query parameters that could hold keys; secrets travel only in headers.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Any, TypeVar

import httpx
from pydantic import Field, field_validator

from listener import __version__
from listener.collectors.base import Collector, SourceOptions
from listener.config import Section, parse_duration
from listener.errors import AuthenticationError, CollectorError, Interrupted, RateLimited

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = f"listener/{__version__} (NHS social listening; +https://github.com/nhs-listener/listener)"
BACKOFF_SECONDS = 2.0
# A server that keeps answering 429 after we waited as told is not going to let us in this run.
MAX_RATE_LIMIT_WAITS = 3


# The stop request (SIGTERM, Ctrl-C) of the stream being collected in this thread: collectors.runner sets it, so
# a wait for a rate-limit reset (X's can be 15 minutes) ends when the service is stopped rather than outlasting
# systemd's TimeoutStopSec and being killed.
_STOP: ContextVar[threading.Event | None] = ContextVar("listener_stop", default=None)


@contextmanager
def waits_stopped_by(stop: threading.Event | None) -> Iterator[None]:
    """Within this block, ``sleep`` ends early, raising ``Interrupted``, once ``stop`` is set."""
    token = _STOP.set(stop)
    try:
        yield
    finally:
        _STOP.reset(token)


def sleep(seconds: float) -> None:
    """Wait between attempts (tests replace this attribute), unless a stop is requested first."""
    stop = _STOP.get()
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise Interrupted(
            f"stopped while waiting {seconds:.0f}s to retry; the next run resumes from the saved cursor"
        )


class RetryOptions(SourceOptions, Section):
    """Patience with a slow or busy server: the options every web source takes.

    Section brings config.yaml's rule that a key ending in ``_env`` names an environment variable."""

    max_wait: timedelta = timedelta(minutes=5)
    max_retries: int = Field(3, ge=0, le=10)
    timeout: timedelta = timedelta(seconds=30)

    @field_validator("max_wait", "timeout", mode="before")
    @classmethod
    def _duration_or_seconds(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value < 0:
                raise ValueError(f"expected a duration or a number of seconds, got {value!r}")
            return timedelta(seconds=value)
        return parse_duration(value)

    @field_validator("timeout")
    @classmethod
    def _some_time(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("expected a timeout longer than zero")
        return value


class HttpOptions(RetryOptions):
    """RetryOptions plus the ``User-Agent`` the collector sends."""

    user_agent: str = Field(USER_AGENT, min_length=3)


class ResponseTooLarge(CollectorError):
    """An answer longer than the client's ``max_bytes``; it was not read further."""

    def __init__(self, message: str, url: str, max_bytes: int):
        super().__init__(message)
        self.url = url
        self.max_bytes = max_bytes


class RateLimitHit(Exception):
    """The server said "too many requests"; ``wait`` is the seconds until its reset, when it said."""

    def __init__(self, wait: float | None, detail: str = ""):
        super().__init__(detail or "rate limited")
        self.wait = wait


class TransientError(Exception):
    """A failure worth retrying: a 5xx answer, a network error, an answer that could not be read."""


def backoff_seconds(failures: int, options: RetryOptions) -> float:
    """The wait before retry number ``failures``: 2 s, 4 s, 8 s..., never more than ``max_wait``."""
    return min(BACKOFF_SECONDS * 2 ** (failures - 1), options.max_wait.total_seconds())


class Patience:
    """Runs one call under a source's retry and rate-limit policy. With a ``counter`` (the collector's
    RequestCounter), an error that ends the call carries the requests it cost since the counter was last taken."""

    def __init__(self, source: str, options: RetryOptions, counter: RequestCounter | None = None):
        self.source = source
        self.options = options
        self.counter = counter

    def call(self, what: str, attempt: Callable[[], T]) -> T:
        """Return ``attempt()``, retrying transient failures and waiting out short rate limits."""
        try:
            return self._call(what, attempt)
        except CollectorError as exc:
            if self.counter is not None:
                exc.requests += self.counter.take()  # a failed page still cost its requests
            raise

    def _call(self, what: str, attempt: Callable[[], T]) -> T:
        failures = waits = 0
        while True:
            try:
                return attempt()
            except RateLimitHit as hit:
                waits += 1
                self._wait_for_reset(what, hit, waits)
            except TransientError as problem:
                failures += 1
                self._back_off(what, problem, failures)

    def _back_off(self, what: str, problem: TransientError, failures: int) -> None:
        if failures > self.options.max_retries:
            raise CollectorError(
                f"source {self.source}: {what} failed {failures} times, last with {problem}; "
                "giving up until the next run"
            ) from None
        delay = backoff_seconds(failures, self.options)
        log.warning("%s: %s failed (%s); retry %d in %.1fs", self.source, what, problem, failures, delay)
        sleep(delay)

    def _wait_for_reset(self, what: str, hit: RateLimitHit, waits: int) -> None:
        limit = self.options.max_wait.total_seconds()
        seconds = hit.wait if hit.wait is not None else backoff_seconds(waits, self.options)
        seconds = float(math.ceil(max(0.0, seconds)))  # whole seconds, never a hair before the reset
        if seconds > limit or waits > MAX_RATE_LIMIT_WAITS:
            raise self.rate_limited(what, seconds, limit, waits)
        log.info("%s: %s rate limited; waiting %.1fs for the reset", self.source, what, seconds)
        sleep(seconds)

    def rate_limited(self, what: str, seconds: float, limit: float, waits: int) -> RateLimited:
        """The error that ends the stream when waiting is not allowed or did not help."""
        reason = (
            f"the platform asks to wait {seconds:.0f}s, more than max_wait ({limit:.0f}s)"
            if seconds > limit
            else f"still limited after {waits - 1} waits"
        )
        return RateLimited(
            f"source {self.source}: {what}: rate limited ({reason}); the next run resumes here"
        )


class _UrlPatience(Patience):
    """The policy as ``ApiClient`` applies it: its rate-limit message speaks of URLs and Retry-After."""

    def rate_limited(self, what: str, seconds: float, limit: float, waits: int) -> RateLimited:
        when = f"retry in {seconds:.0f}s" if seconds > limit else f"still limited after {waits - 1} waits"
        return RateLimited(
            f"source {self.source}: {what} is rate limited (HTTP 429, {when}; max_wait is {limit:.0f}s); "
            "the stream resumes on the next run"
        )


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


class ApiClient:
    """GET under the policy above, with 401 and 403 as ``AuthenticationError``; counts the requests it makes
    (failed connections included), and every error it raises carries what the call cost. With ``max_bytes``, an
    answer is streamed and read only up to that many bytes (as unpacked); a longer one raises ``ResponseTooLarge``."""

    def __init__(
        self,
        source: str,
        options: HttpOptions,
        *,
        headers: Mapping[str, str] | None = None,
        auth_hint: str = "",
        min_interval: float = 0.0,
        follow_redirects: bool = False,
        max_bytes: int | None = None,
    ):
        self.source = source
        self.max_bytes = max_bytes
        self.options = options
        self.auth_hint = auth_hint
        self.min_interval = min_interval
        self.requests = 0
        self.patience = _UrlPatience(source, options)
        self._last_sent: float | None = None
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent, **(headers or {})},
            timeout=options.timeout.total_seconds(),
            follow_redirects=follow_redirects,
        )

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: Callable[[httpx.Response], None] | None = None,
    ) -> httpx.Response:
        """GET ``url``; ``check`` may raise on a response the API uses to signal failure (a login redirect)."""
        start = self.requests
        try:
            return self.patience.call(url, lambda: self._attempt(url, params, headers, check))
        except CollectorError as exc:
            exc.requests = self.requests - start
            raise

    def _attempt(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        check: Callable[[httpx.Response], None] | None,
    ) -> httpx.Response:
        self._pace()
        self.requests += 1
        try:
            if self.max_bytes is None:
                response = self._client.get(url, params=params, headers=headers)
            else:
                response = self._get_capped(url, params, headers, self.max_bytes)
        except httpx.TransportError as exc:
            raise TransientError(f"cannot reach it ({type(exc).__name__}: {exc})") from None
        except httpx.TooManyRedirects:
            raise CollectorError(f"source {self.source}: {url} redirects in a loop") from None
        self.requests += len(response.history)  # each redirect followed was a request too
        log.info("%s: GET %s %s -> %d", self.source, url, _safe(params), response.status_code)
        if any(hop.status_code in (301, 308) for hop in response.history):
            log.warning(
                "%s: %s has moved for good to %s; update it in config", self.source, url, response.url
            )
        if check is not None:
            check(response)
        if response.status_code in (401, 403):
            raise AuthenticationError(
                f"source {self.source}: {url} refused the credentials "
                f"(HTTP {response.status_code}{_detail(response)}). {self.auth_hint}".strip()
            )
        if response.status_code == 429:
            raise RateLimitHit(retry_after_seconds(response.headers.get("Retry-After")), "HTTP 429")
        if response.status_code >= 500:
            raise TransientError(f"HTTP {response.status_code}{_detail(response)}")
        return response

    def _get_capped(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None, max_bytes: int
    ) -> httpx.Response:
        """GET, reading no more than ``max_bytes`` of the body as unpacked (a small gzip answer can unpack to far
        more than its Content-Length)."""
        request = self._client.build_request("GET", url, params=params, headers=headers)
        streamed = self._client.send(request, stream=True)
        try:
            announced = streamed.headers.get("Content-Length", "")
            packed = "Content-Encoding" in streamed.headers
            if not packed and announced.isdigit() and int(announced) > max_bytes:
                raise self._too_large(url, max_bytes)
            chunks, size = [], 0
            for chunk in streamed.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise self._too_large(url, max_bytes)
                chunks.append(chunk)
        finally:
            streamed.close()
        # The body is unpacked already: without Content-Encoding, httpx would try to unpack it again.
        kept = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() != "content-encoding"]
        return httpx.Response(
            streamed.status_code,
            headers=kept,
            content=b"".join(chunks),
            request=streamed.request,  # after redirects: its URL is where the answer came from
            history=streamed.history,
            extensions=streamed.extensions,
        )

    def _too_large(self, url: str, max_bytes: int) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"source {self.source}: {url} is larger than {max_bytes} bytes", url, max_bytes
        )

    def _pace(self) -> None:
        """Keep at least ``min_interval`` seconds between requests (Care Opinion allows 5 a second)."""
        if self.min_interval and self._last_sent is not None:
            wait = self.min_interval - (time.monotonic() - self._last_sent)
            if wait > 0:
                sleep(wait)
        self._last_sent = time.monotonic()

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


class ApiCollector(Collector):
    """A collector that reads one HTTP API through an ``ApiClient``, made on first use and closed at the end."""

    def make_client(self) -> ApiClient:
        """The client for this source: credentials, headers and pacing (called once, on first use)."""
        return ApiClient(self.name, self.options)

    @cached_property
    def client(self) -> ApiClient:
        return self.make_client()

    def close(self) -> None:
        if "client" in self.__dict__:  # made only if a request was needed
            self.client.close()

"""Calls to the X API v2 through tweepy, with the error handling X's billing needs.

- **Base URL.** tweepy 4.17's ``BaseClient.request()`` builds every URL as ``"https://api.twitter.com" + route``
  with the host in a local variable, and has no parameter for it. ``XClient`` gives the tweepy client a
  ``requests.Session`` that swaps that prefix for ``api_base_url`` (and applies a timeout, which tweepy never
  sets). Everything else is tweepy's own code: parameters, the status-to-exception mapping, response parsing. A
  proxy, a compatible endpoint and the local test server therefore go through exactly the production path.
- **Rate limits.** tweepy's ``wait_on_rate_limit`` is never used: it retries a usage-capped 429 forever and, when
  the reset header is missing, retries at once without limit. A 429 is handled here: wait until
  ``x-rate-limit-reset`` when that is within ``max_wait`` (which the collector keeps inside the stream's
  lease), else stop the stream (``RateLimited``) to resume on the
  next run. A usage-capped 429 or a 402 (credits depleted) stops the source (``BudgetExhausted``): no retry can
  help until the operator acts.
- **Transient failures.** 5xx answers, timeouts and broken connections are retried a bounded number of times
  with exponential backoff and jitter. A 200 whose body is not valid JSON is not retried: the run fails, and since
  nothing from that page reaches the store, the cursor does not move.
- ``sleep``, ``clock`` and ``rng`` are injected so tests never really wait.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy

from listener.errors import AuthenticationError, BudgetExhausted, CollectorError, RateLimited

log = logging.getLogger(__name__)
# tweepy logs every request's headers, bearer token included, at DEBUG: never let `-vv` write it to a log.
logging.getLogger("tweepy").setLevel(logging.INFO)

TWEEPY_HOST = "https://api.twitter.com"
TRANSIENT = (
    tweepy.TwitterServerError,
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
)
MAX_RATE_LIMIT_WAITS = 3
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0
ARCHIVE_MIN_INTERVAL_SECONDS = 1.0
LOGGED_PARAMS = (
    "since_id",
    "start_time",
    "until_id",
    "end_time",
    "next_token",
    "max_results",
)  # full-archive search allows 1 request per second per app


class RebasedSession(requests.Session):
    """A requests session that sends tweepy's ``https://api.twitter.com`` URLs to another base URL."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if url.startswith(TWEEPY_HOST):
            url = self.base_url + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


class XClient(tweepy.Client):
    """``tweepy.Client`` pointed at ``api_base_url``; never waits on rate limits by itself."""

    def __init__(self, bearer_token: str, *, api_base_url: str, timeout: float):
        super().__init__(bearer_token, wait_on_rate_limit=False)
        self.session = RebasedSession(api_base_url, timeout)

    def _process_data(self, data: Any, data_type: Any = None) -> Any:
        """Build tweepy's objects item by item: a malformed post (no text, a bad time) is skipped and logged,
        and the rest of the page is kept. tweepy itself would fail the whole page on one bad item."""
        if data_type is None or not isinstance(data, list):
            return super()._process_data(data, data_type)
        return _each(data, data_type, "post")

    def _process_includes(self, includes: Any) -> dict[str, Any]:
        """The expanded objects, item by item too: an author without a ``name`` (X's own example has none)
        or with a bad id is left out, and only its post loses its author's handle."""
        if not isinstance(includes, dict):
            return {}
        built = dict(includes)
        for key, data_type in INCLUDED_TYPES.items():
            if key in built:
                items = built[key] if isinstance(built[key], list) else []
                built[key] = _each(items, data_type, INCLUDED_NAMES[key])
        return built


INCLUDED_TYPES = {
    "users": tweepy.User,
    "tweets": tweepy.Tweet,
    "media": tweepy.Media,
    "places": tweepy.Place,
    "polls": tweepy.Poll,
}
INCLUDED_NAMES = {
    "users": "user",
    "tweets": "post",
    "media": "media item",
    "places": "place",
    "polls": "poll",
}


def _each(items: list[Any], data_type: Any, what: str) -> list[Any]:
    """``data_type(item)`` for every item that can be read; the others are skipped and logged."""
    built = []
    for item in items:
        try:
            built.append(data_type(item))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            # a post's id names the post the operator may look up; other ids (an author's) stay out of logs
            ident = f" (id {item.get('id')})" if what == "post" and isinstance(item, dict) else ""
            log.warning("X returned a malformed %s%s, skipped: %s %s", what, ident, type(exc).__name__, exc)
    return built


class XApi:
    """Search and lookup calls with retries, rate-limit waits and operator-friendly errors.

    ``requests`` counts every HTTP request made, retries included, so the runner can record what a run cost.
    """

    def __init__(
        self,
        client: tweepy.Client,
        *,
        token_env: str,
        max_retries: int,
        max_wait: timedelta,
        min_interval: float = 0.0,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        rng: random.Random | None = None,
    ):
        self.client = client
        self.token_env = token_env
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.min_interval = min_interval
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.requests = 0
        self._last_request: float | None = None

    def search(self, query: str, *, archive: bool, **params: Any) -> tweepy.Response:
        method = self.client.search_all_tweets if archive else self.client.search_recent_tweets
        return self.call(method, query=query, **params)

    def lookup(self, ids: list[str], **params: Any) -> tweepy.Response:
        return self.call(self.client.get_tweets, ids=ids, **params)

    def call(self, method: Callable[..., tweepy.Response], **params: Any) -> tweepy.Response:
        """Make one API call, retrying transient failures; raise a CollectorError the operator can act on."""
        failures = waits = 0
        while True:
            self._pace()
            self.requests += 1
            log.info("X %s %s", method.__name__, _loggable(params))
            try:
                return method(**params)
            except tweepy.TooManyRequests as exc:
                waits += 1
                self._wait_for_reset(exc, waits)
            except TRANSIENT as exc:
                failures += 1
                self._back_off(exc, failures)
            except tweepy.HTTPException as exc:
                raise self._refusal(exc) from None
            except requests.JSONDecodeError as exc:
                raise CollectorError(
                    f"X returned a body that is not valid JSON ({exc.msg} at character {exc.pos} of "
                    f"{len(exc.doc)}); nothing from this page was stored and the cursor did not move"
                ) from None

    def _pace(self) -> None:
        if self.min_interval and self._last_request is not None:
            gap = self._last_request + self.min_interval - self.clock()
            if gap > 0:
                self.sleep(gap)
        self._last_request = self.clock()

    def _wait_for_reset(self, exc: tweepy.TooManyRequests, waits: int) -> None:
        body = _problem(exc.response)
        if "usage-capped" in str(body.get("type", "")):
            raise BudgetExhausted(
                f"X usage cap reached (429 {body.get('title', 'UsageCapExceeded')}: {body.get('detail', '')}); "
                "collection from this source stops until the cap resets or is raised in the X developer "
                "console"
            )
        if exc.reset_time is None:
            raise RateLimited(
                "X rate limit reached and X gave no reset time; this stream resumes on the next run"
            )
        wait = max(exc.reset_time - self.clock(), 0) + 1
        resets = datetime.fromtimestamp(exc.reset_time, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if wait > self.max_wait.total_seconds() or waits > MAX_RATE_LIMIT_WAITS:
            raise RateLimited(
                f"X rate limit reached; it resets at {resets}, later than this run may wait ({self.max_wait}: "
                "max_wait, kept under four fifths of scheduler.lease_ttl so that the stream's lease holds); "
                "this stream resumes on the next run"
            )
        log.warning("X rate limit reached: waiting %.0f s, until %s", wait, resets)
        self.sleep(wait)

    def _back_off(self, exc: Exception, failures: int) -> None:
        what = _describe(exc)
        if failures > self.max_retries:
            where = getattr(self.client.session, "base_url", TWEEPY_HOST)
            raise CollectorError(
                f"X at {where} failed {failures} times in a row ({what}); giving up until the next run"
            )
        delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (failures - 1))
        delay = self.rng.uniform(delay / 2, delay)  # jitter: many clients retrying do not retry together
        log.warning(
            "X request failed (%s): retry %d of %d in %.1f s", what, failures, self.max_retries, delay
        )
        self.sleep(delay)

    def _refusal(self, exc: tweepy.HTTPException) -> CollectorError:
        status = exc.response.status_code
        body = _problem(exc.response)
        said = _said(
            status, body.get("title") or exc.response.reason, [body.get("detail"), *exc.api_messages]
        )
        if status == 401:
            return AuthenticationError(
                f"X rejected the bearer token ({said}); check that the environment variable {self.token_env} "
                "holds the app's current Bearer Token (regenerate it in the X developer console if needed)"
            )
        if status == 403:
            return AuthenticationError(
                f"X refused access ({said}); the app must belong to a Project with API access (pay-per-use "
                f"credits or a plan that includes this endpoint){_enrolment(body)}"
            )
        if status == 402:
            return BudgetExhausted(
                f"X account has no credits left ({said}); buy credits in the X developer console, collection "
                "from this source stops until then"
            )
        return CollectorError(f"X refused the request ({said})")


def _loggable(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters that say which page was asked for (the query is logged once per stream by the collector)."""
    shown = {k: v for k, v in params.items() if k in LOGGED_PARAMS}
    if "ids" in params:
        shown["ids"] = f"{len(params['ids'])} ids"
    return shown


def _problem(response: requests.Response) -> dict[str, Any]:
    """The JSON problem body of an error response, or {} when it has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _said(status: int, title: str, reasons: list[Any]) -> str:
    """What X said, on one line. A 400's ``detail`` is generic ("One or more parameters to your request was
    invalid.") and its reason is in ``errors[].message`` ("'since_id' must be a tweet id created after..."),
    which tweepy gathers in ``api_messages``: keep every distinct one."""
    texts = dict.fromkeys(" ".join(str(r).split()) for r in reasons if r and isinstance(r, str | int))
    said = "; ".join(t for t in texts if t)
    return f"{status} {title}: {said}" if said else f"{status} {title}"


def _enrolment(body: dict[str, Any]) -> str:
    parts = []
    if body.get("reason"):
        parts.append(f"reason: {body['reason']}")
    if body.get("required_enrollment"):
        parts.append(f"required enrolment: {body['required_enrollment']}")
    if body.get("registration_url"):
        parts.append(f"see {body['registration_url']}")
    return f" ({'; '.join(parts)})" if parts else ""


def _describe(exc: Exception) -> str:
    if isinstance(exc, tweepy.TwitterServerError):
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    return f"connection failed: {type(exc).__name__}"

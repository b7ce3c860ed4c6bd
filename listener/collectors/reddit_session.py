"""The Reddit session the Reddit collector talks through: PRAW's OAuth client for the source's app (its client id
and secret from the environment), created once and reused, and the mapping of prawcore's errors onto what the
retry policy understands (rate limits, server errors, refusals, subreddits Reddit will not show).

PRAW fetches the OAuth token and paces requests with the ``x-ratelimit-*`` headers; ``RateBudget`` reads the same
headers, so that a request PRAW would make wait longer than ``max_wait`` stops the stream instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests

from listener.collectors.base import secret_from_env
from listener.collectors.http import RateLimitHit, RequestCounter, TransientError
from listener.errors import AuthenticationError, CollectorError, RateLimited

if TYPE_CHECKING:
    from listener.collectors.reddit import RedditOptions

SUBREDDIT_CLOSED = {  # the reason Reddit's 403 (404 when banned) gives for a subreddit it will not show
    "private": "private (only its approved members can read it)",
    "quarantined": "quarantined (Reddit shows it only to accounts that opt in; listener does not collect it)",
    "banned": "banned by Reddit",
    "gold_only": "open only to Reddit Premium members",
}


class RateBudget:
    """What the last ``x-ratelimit-*`` headers said (a requests response hook)."""

    def __init__(self) -> None:
        self.remaining: float | None = None
        self.reset_at = 0.0

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        headers = response.headers
        try:
            self.remaining = float(headers["x-ratelimit-remaining"])
            self.reset_at = time.monotonic() + float(headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            pass
        return response

    def wait_needed(self) -> float:
        """Seconds PRAW will sleep before the next request (0 when requests are left)."""
        if self.remaining is None or self.remaining >= 1:
            return 0.0
        return max(0.0, self.reset_at - time.monotonic())


class RedditSession:
    """One source's PRAW client, created when first opened; ``counter`` counts every response it gets."""

    def __init__(self, source: str, options: RedditOptions, counter: RequestCounter):
        self.name = source
        self.options = options
        self.counter = counter
        self.budget = RateBudget()
        self._reddit: Any = None

    def open(self) -> Any:
        """The PRAW client, created the first time: a missing credential fails here, before any request."""
        if self._reddit is None:
            import praw  # imported here: only sources of this kind need it

            client_id, secret = (
                self._secret(env) for env in (self.options.client_id_env, self.options.client_secret_env)
            )
            session = requests.Session()
            session.hooks["response"].extend([self.counter, self.budget])
            self._reddit = praw.Reddit(
                client_id=client_id,
                client_secret=secret,
                user_agent=self.options.user_agent,
                oauth_url=self.options.oauth_url,
                reddit_url=self.options.reddit_url,
                short_url=self.options.short_url,
                check_for_updates=False,
                check_for_async=False,
                requestor_kwargs={"session": session, "timeout": self.options.timeout.total_seconds()},
            )
        return self._reddit

    def get(self, path: str, params: dict[str, Any], what: str) -> Any:
        """One GET (a search page, an info lookup), with prawcore's errors turned into the retry policy's outcomes."""
        import prawcore

        reddit = self.open()
        wait = self.budget.wait_needed()
        if wait > self.options.max_wait.total_seconds():
            raise RateLimited(
                f"source {self.name}: Reddit's rate limit is used up for {wait:.0f}s more, longer than max_wait "
                f"({self.options.max_wait.total_seconds():.0f}s); the next run resumes here"
            )
        try:
            return reddit.request(method="GET", path=path, params=params)
        except prawcore.TooManyRequests as exc:
            raise RateLimitHit(_reset_seconds(exc.response), str(exc)) from None
        except prawcore.ServerError as exc:
            raise TransientError(f"{exc.response.status_code} {exc.response.reason}") from None
        except prawcore.RequestException as exc:
            raise TransientError(
                f"{type(exc.original_exception).__name__}: {exc.original_exception}"
            ) from None
        except prawcore.Redirect:
            raise CollectorError(f"source {self.name}: {what} does not exist (Reddit redirected)") from None
        except (prawcore.InvalidToken, prawcore.OAuthException) as exc:
            raise self._auth_error(str(exc)) from None
        except prawcore.Forbidden as exc:
            reason = _reason(exc.response)
            if reason in SUBREDDIT_CLOSED:  # the subreddit, not the app, is refused: say which and why
                raise CollectorError(
                    f"source {self.name}: {what} is {SUBREDDIT_CLOSED[reason]}: remove it from subreddits"
                ) from None
            raise AuthenticationError(
                f"source {self.name}: Reddit refused {what} (403): a subreddit may be private, or the "
                f"app in {self.options.client_id_env} is not approved for Data API access"
            ) from None
        except prawcore.BadJSON as exc:  # a proxy's or a bot challenge's web page: unreadable, worth a retry
            raise TransientError(f"the answer is not JSON (HTTP {exc.response.status_code})") from None
        except prawcore.ResponseException as exc:
            if exc.response.status_code == 404 and _reason(exc.response) == "banned":
                raise CollectorError(f"source {self.name}: {what} is {SUBREDDIT_CLOSED['banned']}") from None
            if exc.response.status_code == 401:
                raise self._auth_error(f"{exc.response.status_code} from {exc.response.url}") from None
            raise CollectorError(f"source {self.name}: {what}: {exc}") from None

    def _auth_error(self, detail: str) -> AuthenticationError:
        return AuthenticationError(
            f"source {self.name}: Reddit refused the app's credentials ({detail}): check the client id and "
            f"secret in the environment variables {self.options.client_id_env} and "
            f"{self.options.client_secret_env}"
        )

    def _secret(self, env: str) -> str:
        hint = "Reddit approves Data API access per app; see the README"
        return secret_from_env(self.name, env, "Reddit app credentials", hint)


def _reason(response: Any) -> str | None:
    """The ``reason`` of a Reddit error body (``{"reason": "private", "message": "Forbidden", "error": 403}``)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("reason") if isinstance(body, Mapping) else None


def _reset_seconds(response: Any) -> float | None:
    for header in ("x-ratelimit-reset", "retry-after"):
        try:
            return float(response.headers[header])
        except (KeyError, ValueError):
            continue
    return None

"""Talking to Mastodon instances through Mastodon.py: one client per instance, and its errors as the outcomes of
the retry policy (collectors/http.py), so ``Patience`` decides what is retried and how long to wait.

Every client shares one ``requests`` session whose hook counts the source's requests. Mastodon.py is told not to
sleep on a rate limit (``ratelimit_method="throw"``): a 429 becomes ``RateLimitHit`` with the reset the instance
announced, and ``max_wait`` decides. A server error, a network failure or a success answer that is not JSON (a
proxy's page, a bot challenge) is transient; a refused token names the variable to check; anything else fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import requests

from listener.collectors.base import secret_from_env
from listener.collectors.http import RateLimitHit, RequestCounter, TransientError
from listener.errors import AuthenticationError, CollectorError

if TYPE_CHECKING:
    from listener.collectors.mastodon import MastodonOptions


class MastodonClients:
    """The Mastodon.py clients of one source, one per instance, created when first used."""

    def __init__(self, source_name: str, options: MastodonOptions, counter: RequestCounter):
        self.name = source_name
        self.options = options
        self.counter = counter
        self._clients: dict[str, Any] = {}

    def client(self, instance: str) -> Any:
        if instance not in self._clients:
            from mastodon import Mastodon  # imported here: only sources of this kind need it

            session = requests.Session()
            session.hooks["response"].append(self.counter)
            self._clients[instance] = Mastodon(
                access_token=self._access_token(),
                api_base_url=instance,
                ratelimit_method="throw",  # we decide how long to wait (max_wait), not the library
                request_timeout=self.options.timeout.total_seconds(),
                mastodon_version="4.5.0",  # no version probe: saves a request per instance
                version_check_mode="none",
                session=session,
                user_agent=self.options.user_agent,
            )
        return self._clients[instance]

    def call(self, instance: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Call Mastodon.py, turning its errors into the retry policy's outcomes."""
        with self.outcomes(instance, method.__self__):
            return method(*args, **kwargs)

    def served_status(self, instance: str, status_id: str) -> Mapping[str, Any] | None:
        """The status as its instance serves it now, or None when the instance says there is no such status."""
        from mastodon import errors

        api = self.client(instance)
        with self.outcomes(instance, api):
            try:
                status = api.status(status_id)
            except errors.MastodonAPIError as exc:
                if _no_such_status(exc):
                    return None
                raise
        if not isinstance(status, Mapping) or str(status.get("id")) != status_id:
            raise TransientError(f"the answer is not status {status_id}")  # never read as "deleted"
        return status

    @contextmanager
    def outcomes(self, instance: str, api: Any) -> Iterator[None]:
        """Mastodon.py's errors as the retry policy's outcomes; a 429 waits for the reset ``api`` last read."""
        from mastodon import errors

        try:
            yield
        except errors.MastodonRatelimitError as exc:
            reset = getattr(api, "ratelimit_reset", None)
            wait = reset - datetime.now(UTC).timestamp() if reset else None
            raise RateLimitHit(wait, str(exc)) from None
        except (errors.MastodonServerError, errors.MastodonNetworkError) as exc:
            raise TransientError(_describe(exc)) from None
        except errors.MastodonAPIError as exc:
            if _unreadable(exc):  # a proxy's or a bot challenge's web page: worth a retry, never quoted
                raise TransientError("the answer is not JSON") from None
            raise self._api_error(instance, exc) from None

    def _access_token(self) -> str | None:
        env = self.options.access_token_env
        if env is None:
            return None
        return secret_from_env(self.name, env, "Mastodon access token", "named by access_token_env")

    def _api_error(self, instance: str, exc: Exception) -> CollectorError:
        if _http_status(exc) in (401, 403):
            env = self.options.access_token_env
            fix = (
                f"check the token in the environment variable {env} (named by access_token_env)"
                if env
                else "this instance needs a login: set access_token_env to the variable holding an app token"
            )
            return AuthenticationError(
                f"source {self.name}: {instance} refused access ({_describe(exc)}): {fix}"
            )
        return CollectorError(f"source {self.name}: {instance}: {_describe(exc)}")


def _describe(exc: Exception) -> str:
    args = [a for a in exc.args[1:] if a not in (None, "")] if len(exc.args) > 1 else [exc]
    return " ".join(str(a) for a in args)


def _http_status(exc: Exception) -> int | None:
    """The HTTP status of a Mastodon.py API error (its second argument)."""
    return exc.args[1] if len(exc.args) > 1 else None


def _unreadable(exc: Exception) -> bool:
    """Mastodon.py's error for a success answer it could not parse (its message quotes the whole body)."""
    return str(exc.args[0] if exc.args else "").startswith("Could not parse response as JSON")


def _no_such_status(exc: Exception) -> bool:
    """A 404 with Mastodon's error body ("Record not found"), or a 410. A 404 without a JSON error (a proxy's page,
    a server that is not Mastodon) proves nothing: Mastodon.py then puts "Endpoint not found." in its place."""
    status = _http_status(exc)
    detail = exc.args[3] if len(exc.args) > 3 else None
    return status == 410 or (status == 404 and detail not in (None, "", "Endpoint not found."))

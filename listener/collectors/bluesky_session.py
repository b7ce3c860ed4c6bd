"""The XRPC session the Bluesky collector talks through: an app-password login (``createSession``), reused for
every request of a run and refreshed (``refreshSession``) when its access token expires, and the mapping of XRPC
answers onto what the retry policy understands (rate limits, server errors, refusals)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from listener.collectors.base import secret_from_env
from listener.collectors.http import RateLimitHit, TransientError
from listener.errors import AuthenticationError, CollectorError

if TYPE_CHECKING:
    from listener.collectors.bluesky import BlueskyOptions

log = logging.getLogger("listener.collectors.bluesky")


class XrpcSession:
    """An app-password session: created once, reused, refreshed when the access token expires."""

    def __init__(self, http: httpx.Client, source: str, options: BlueskyOptions):
        self.http = http
        self.source = source
        self.options = options
        self.base = options.service_url.rstrip("/")
        self.access: str | None = None
        self.refresh_token: str | None = None

    def get(self, nsid: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET an XRPC query; returns its JSON body or raises what the retry policy understands."""
        if self.access is None:
            self._create()
        response = self._send("GET", nsid, params=params, token=self.access)
        if _error(response) == "ExpiredToken":
            log.info("%s: Bluesky access token expired; refreshing the session", self.source)
            self._refresh()
            response = self._send("GET", nsid, params=params, token=self.access)
        if response.status_code == 403 and not _is_json(response):
            # not an XRPC refusal: a proxy or firewall in front of the service answered with a web page
            raise CollectorError(
                f"source {self.source}: {self.base} answered {nsid} with HTTP 403 and a web page, not a Bluesky "
                "error: that service does not offer it to this client (search may be switched off there, or a "
                "firewall blocks it); check service_url"
            )
        if response.status_code in (401, 403):
            self.access = None  # a revoked session: log in again next time
            raise AuthenticationError(
                f"source {self.source}: Bluesky refused the session ({response.status_code} "
                f"{_error(response) or ''}): check the app password in {self._password_env()}"
            )
        return self._checked(response, nsid)

    def _create(self) -> None:
        identifier, password = self._credentials()
        body = {"identifier": identifier, "password": password}
        response = self._send("POST", "com.atproto.server.createSession", json=body)
        if response.status_code in (400, 401, 403) and _error(response) != "RateLimitExceeded":
            raise AuthenticationError(
                f"source {self.source}: Bluesky refused the login for {identifier} ({_error(response)}): "
                f"check the handle and the app password in the environment variable {self._password_env()}"
            )
        self._keep(self._checked(response, "createSession"))
        log.info("%s: Bluesky session created", self.source)

    def _refresh(self) -> None:
        response = self._send("POST", "com.atproto.server.refreshSession", token=self.refresh_token)
        if response.status_code in (400, 401):
            self._create()  # the refresh token expired too
            return
        self._keep(self._checked(response, "refreshSession"))

    def _keep(self, session: Mapping[str, Any]) -> None:
        self.access, self.refresh_token = session.get("accessJwt"), session.get("refreshJwt")
        if not self.access or not self.refresh_token:
            raise CollectorError(f"source {self.source}: Bluesky's session answer has no tokens")
        pds = _pds_endpoint(session.get("didDoc"))
        if pds:
            self.base = pds.rstrip("/")  # the account's own server, as the official clients do

    def _send(self, method: str, nsid: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self.http.request(method, f"{self.base}/xrpc/{nsid}", headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from None
        log.info(
            "%s: %s %s -> %d", self.source, method, nsid, response.status_code
        )  # no query: it may name people
        return response

    def _checked(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code == 429:
            raise RateLimitHit(_seconds_to_reset(response), f"{what}: {_error(response)}")
        if response.status_code >= 500:
            raise TransientError(f"{response.status_code} {_error(response) or response.reason_phrase}")
        if response.status_code != 200:
            raise CollectorError(
                f"source {self.source}: Bluesky {what} answered {response.status_code} {_error(response)}: "
                f"{_message(response)}"
            )
        try:
            body = response.json()
        except ValueError:
            raise TransientError(f"{what}: the answer is not JSON") from None
        if not isinstance(body, dict):
            raise TransientError(f"{what}: expected a JSON object")
        return body

    def _credentials(self) -> tuple[str, str]:
        options = self.options
        handle = options.handle or os.environ.get(options.handle_env or "", "").strip()
        if not handle:
            raise AuthenticationError(
                f"source {self.source}: no Bluesky handle: set the environment variable {options.handle_env} "
                "(named by handle_env)"
            )
        hint = "named by app_password_env; create one under Settings, Privacy and security, App passwords"
        return handle, secret_from_env(self.source, options.app_password_env, "Bluesky app password", hint)

    def _password_env(self) -> str:
        return self.options.app_password_env


def _pds_endpoint(did_doc: Any) -> str | None:
    services = did_doc.get("service") if isinstance(did_doc, Mapping) else None
    for service in services or []:
        if isinstance(service, Mapping) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            return endpoint if isinstance(endpoint, str) and endpoint.startswith("http") else None
    return None


def _seconds_to_reset(response: httpx.Response) -> float | None:
    reset = response.headers.get("ratelimit-reset")  # epoch seconds
    if reset and reset.strip().isdigit():
        return int(reset) - datetime.now(UTC).timestamp()
    after = response.headers.get("retry-after")
    return float(after) if after and after.strip().isdigit() else None


def _json(response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, Mapping) else {}


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _error(response: httpx.Response) -> str | None:
    return _json(response).get("error")


def _message(response: httpx.Response) -> str:
    return str(_json(response).get("message") or response.text[:200])

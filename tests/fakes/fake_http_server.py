"""What every fake API here shares: a real HTTP server on 127.0.0.1 in a thread, a log of the requests it
answered, failure modes switched on by tests, and the common half of a collector contract case.

A fake subclasses ``FakeServer`` and implements ``handle(request) -> Reply``; it may override
``failure_reply(mode)`` to answer failures the way its API does (error body, headers, login redirect).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, value: Any, headers: dict[str, str] | None = None) -> Reply:
        return cls(
            status,
            json.dumps(value).encode(),
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )


class FakeServer:
    """Serve ``handle`` over HTTP; ``set_failure`` answers the next requests with a failure instead."""

    def __init__(self):
        self.requests: list[Request] = []
        self._failure: str | None = None
        self._failures_left: int | None = None
        self._retry_after = 5
        self._lock = threading.Lock()
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                request = Request("GET", parts.path, query, dict(self.headers.items()))
                reply = fake._answer(request)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- failures --------------------------------------------------------------------------------------
    def set_failure(self, mode: str | None, times: int | None = None, retry_after: int | None = 5) -> None:
        """Answer the next ``times`` requests (None: all, until cleared) with ``mode``; ``retry_after=None``
        sends a 429 without a Retry-After header."""
        if mode == "unreachable":
            self.stop()  # connection refused from now on
            return
        with self._lock:
            self._failure, self._failures_left, self._retry_after = mode, times, retry_after

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            mode = self._failure
            if mode is not None and self._failures_left is not None:
                self._failures_left -= 1
                if self._failures_left <= 0:
                    self._failure = None
        if mode is not None:
            return self.failure_reply(mode, request)
        return self.handle(request)

    def failure_reply(self, mode: str, request: Request) -> Reply:
        if mode == "rate_limit":
            headers = {} if self._retry_after is None else {"Retry-After": str(self._retry_after)}
            return Reply(429, b"Too Many Requests", headers)
        if mode == "server_error":
            return Reply(503, b"Service Unavailable", {"Content-Type": "text/plain"})
        if mode == "bad_auth":
            return Reply.json(401, {"error": "unauthorized"})
        raise ValueError(f"unknown failure mode {mode!r}")

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError


class HttpContractCase:
    """The parts of a contract case (see /work/CONTRACT_CASE.md) that are the same for every HTTP fake."""

    kind = ""
    not_applicable: dict[str, str] = {}

    def __init__(self, server: FakeServer):
        self.server = server

    def start(self, folder: Path) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def env(self) -> dict[str, str]:
        return {}

    def install_sleep(self, monkeypatch, sleep) -> None:
        monkeypatch.setattr("listener.collectors.http.sleep", sleep)

    def set_failure(self, mode: str | None, times: int | None = None, retry_after: int = 5) -> None:
        self.server.set_failure(mode, times, retry_after)

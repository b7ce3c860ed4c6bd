"""A real HTTP server on 127.0.0.1 in a thread, the base of the fake platform APIs.

Each fake subclasses ``FakeAPI`` and answers ``route(request)`` with a ``Reply``; the base runs the server,
counts and logs requests, and keeps the script the contract test drives: failures to answer next
(``fail_next``), a malformed item to slip into listings (``add_malformed_item``), and credentials to refuse
(``reject_credentials``). See /work/CONTRACT_CASE.md for what the contract test expects of them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def install_sleep(monkeypatch, sleep: Callable[[float], None]) -> None:
    """Route every wait through ``sleep``: the collectors' (listener.collectors.http.sleep) and the client
    libraries' own (prawcore paces and retries through time.sleep; it is out of reach otherwise)."""
    monkeypatch.setattr("listener.collectors.http.sleep", sleep)
    monkeypatch.setattr(time, "sleep", sleep)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Failure:
    status: int
    reset_after: float


class FakeAPI:
    """Run with ``with FakeSomething(...) as fake:``; ``fake.url`` is its base URL."""

    def __init__(self) -> None:
        self.requests = 0
        self.log: list[Request] = []
        self.malformed = False
        self.credentials_rejected = False
        self._failures: deque[Failure] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # the contract test's script -------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, reset_after: float = 1.0) -> None:
        """The next ``times`` content requests answer ``status`` (429 with reset headers ``reset_after`` ahead)."""
        with self._lock:
            self._failures.extend(Failure(status, reset_after) for _ in range(times))

    def add_malformed_item(self) -> None:
        self.malformed = True

    def reject_credentials(self) -> None:
        self.credentials_rejected = True

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()
        self.credentials_rejected = False

    def answer_instead(self, when: Callable[[Request], bool], answer: Callable[[Request], Reply]) -> None:
        """From now on, a request for which ``when`` holds gets ``answer(request)`` instead of the fake's own reply."""
        serve = self.route
        self.route = lambda request: answer(request) if when(request) else serve(request)

    def serve_web_page(self, path_part: str, times: int | None = None) -> None:
        """Answer requests whose path contains ``path_part`` with 200 and an HTML page (a proxy, a captive
        portal or a bot challenge in front of the API), ``times`` times (None: from now on)."""
        left = [times]
        page = "<html><body>Just a moment...</body></html>" + "x" * 5000

        def wanted(request: Request) -> bool:
            if path_part not in request.path or left[0] == 0:
                return False
            left[0] = None if left[0] is None else left[0] - 1
            return True

        self.answer_instead(wanted, lambda request: Reply(200, page, content_type="text/html"))

    def take_failure(self) -> Failure | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    # serving ---------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.log if r.path.startswith(prefix)]

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def start(self) -> FakeAPI:
        if self._server is not None:  # already listening (a fake whose items name its address starts early)
            return self
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each reply waits for a delayed ACK (40 ms)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with fake._lock:
                    fake.requests += 1
                    fake.log.append(request)
                reply = fake.route(request)
                try:
                    self._send(reply, request)
                except (BrokenPipeError, ConnectionResetError):  # the client stopped waiting (a timeout test)
                    self.close_connection = True

            def _send(self, reply: Reply, request: Request) -> None:
                payload = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if request.headers.get("connection", "").lower() == "close":
                    self.send_header(
                        "Connection", "close"
                    )  # as real servers do: else clients reuse a dead socket
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read fake.log instead
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Scenario:
    """A seeded fake and a source on it, for a platform's own tests: ``posts`` valid posts in all,
    ``posts_before_until`` of them created before ``until``."""

    kind: str
    env: dict[str, str]
    auth_env: str | None
    posts: int
    until: datetime
    posts_before_until: int
    make_fake: Callable[[], FakeAPI]
    options: Callable[[str], dict[str, Any]]
    seeded: list[Any] = field(default_factory=list)

    @contextmanager
    def start(self) -> Iterator[FakeAPI]:
        with self.make_fake() as fake:
            yield fake

    def source(self, server: FakeAPI) -> dict[str, Any]:
        return {"kind": self.kind, **self.options(server.url)}


class FakeCase:
    """The interface of the shared contract test (/work/CONTRACT_CASE.md, v1) over one of these fakes.

    ``seed_posts(fake, posts)`` turns the test's posts (``key``, ``text``, ``created_at``) into the platform's
    items; ``options(url)`` is the source's config on a fake at ``url``."""

    not_applicable: dict[str, str] = {}

    def __init__(
        self,
        kind: str,
        make_fake: Callable[[], FakeAPI],
        options: Callable[[str], dict[str, Any]],
        env: dict[str, str],
        seed_posts: Callable[[FakeAPI, Any], None],
    ):
        self.kind = kind
        self._make_fake = make_fake
        self._options = options
        self._env = env
        self._seed_posts = seed_posts
        self.fake: FakeAPI | None = None
        self.url = ""

    def start(self, folder: Any = None) -> None:
        self.fake = self._make_fake().start()
        self.url = self.fake.url

    def stop(self) -> None:
        if self.fake is not None:
            self.fake.stop()

    def source_config(self) -> dict[str, Any]:
        return {"kind": self.kind, **self._options(self.url)}

    def env(self) -> dict[str, str]:
        return dict(self._env)

    def install_sleep(self, monkeypatch: Any, sleep: Callable[[float], None]) -> None:
        install_sleep(monkeypatch, sleep)

    def seed(self, posts: Any) -> None:
        self._seed_posts(self.fake, posts)

    def add_malformed(self) -> None:
        self.fake.add_malformed_item()

    def set_failure(self, mode: str | None, times: int | None = None, retry_after: int = 5) -> None:
        fake = self.fake
        fake.clear_failures()
        count = times if times is not None else 10**6
        if mode == "rate_limit":
            fake.fail_next(429, count, retry_after)
        elif mode == "server_error":
            fake.fail_next(503, count)
        elif mode == "bad_auth":
            fake.reject_credentials()
        elif mode == "unreachable":
            fake.stop()  # the port closes: connection refused
        elif mode is not None:
            raise ValueError(f"unknown failure mode {mode!r}")

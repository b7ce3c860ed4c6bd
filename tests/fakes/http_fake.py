"""A real HTTP server on 127.0.0.1 in a thread, the base of the fake platform APIs.

Each fake subclasses ``FakeAPI`` and answers ``route(request)`` with a ``Reply``; the base runs the server,
counts and logs requests, and keeps the script the contract test drives: failures to answer next
(``fail_next``), a malformed item to slip into listings (``add_malformed_item``), and credentials to refuse
(``reject_credentials``). See /work/CONTRACT_CASE.md for what the contract test expects of them.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


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
                payload = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
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
class ContractCase:
    """What the shared collector contract test needs of a fake (see /work/CONTRACT_CASE.md)."""

    kind: str
    env: dict[str, str]
    auth_env: str | None
    posts: int
    until: datetime
    posts_before_until: int
    make_fake: Callable[[], FakeAPI]
    options: Callable[[FakeAPI], dict[str, Any]]
    seeded: list[Any] = field(default_factory=list)

    @contextmanager
    def start(self) -> Iterator[FakeAPI]:
        with self.make_fake() as fake:
            yield fake

    def source(self, server: FakeAPI) -> dict[str, Any]:
        return {"kind": self.kind, **self.options(server)}

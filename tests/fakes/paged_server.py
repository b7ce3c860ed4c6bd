"""A fake paginated API on 127.0.0.1, for the operations tests (leases, crashes, workers).

``GET /feeds/<stream>?after=<id>&limit=<n>&access_token=<token>`` returns the stream's posts with an id above
``after``, oldest first, as ``{"data": [...], "has_more": bool}``; a wrong token gets 401. Each stream starts
with ``initial`` posts and, with ``per_second``, gains more as time passes (a live feed). Every request is
recorded with the posts it returned and the X-Worker header, so tests can tell who read what.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ADJECTIVES = ["wonderful", "terrible", "kind", "rude", "fine", "slow", "brilliant", "awful"]
PLACES = ["Leeds General Infirmary", "St Thomas' Hospital", "the clinic", "@GSTTnhs", "#LTHT"]
FIRST_POST = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def post(stream: str, number: int) -> dict:
    text = f"{stream} post {number}: the staff at {PLACES[number % 5]} were {ADJECTIVES[number % 8]}"
    created = FIRST_POST + timedelta(minutes=number)
    return {"id": number, "text": text, "created_at": created.isoformat(), "author": f"user{number % 7}"}


class FeedServer:
    def __init__(
        self, streams: list[str], initial: int, *, per_second: float = 0, delay: float = 0.0, token: str
    ):
        self.streams, self.initial, self.per_second = streams, initial, per_second
        self.delay, self.token = delay, token
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.frozen_at: float | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def freeze(self) -> None:
        """Stop the feeds growing, so a final collection can be compared with everything published."""
        self.frozen_at = time.monotonic()

    def visible(self) -> int:
        """How many posts each stream has now."""
        now = self.frozen_at or time.monotonic()
        return self.initial + int((now - self.started) * self.per_second)

    def all_posts(self) -> set[tuple[str, int]]:
        return {(s, n) for s in self.streams for n in range(1, self.visible() + 1)}

    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                stream = url.path.removeprefix("/feeds/")
                if query.get("access_token") != server.token:
                    return self._send(401, {"error": "invalid token"})
                if stream not in server.streams:
                    return self._send(404, {"error": f"no stream {stream}"})
                time.sleep(server.delay)
                after, limit = int(query.get("after", 0)), int(query.get("limit", 10))
                last = server.visible()
                numbers = list(range(after + 1, min(last, after + limit) + 1))
                with server.lock:
                    server.requests.append(
                        {
                            "stream": stream,
                            "after": after,
                            "ids": numbers,
                            "worker": self.headers.get("X-Worker"),
                        }
                    )
                data = [post(stream, n) for n in numbers]
                return self._send(200, {"data": data, "has_more": bool(numbers) and numbers[-1] < last})

            def _send(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        return Handler

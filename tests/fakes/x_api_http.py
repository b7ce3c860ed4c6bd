"""The HTTP side of the fake X API: authentication, scripted faults, rate-limit headers, writing bodies."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

RATE_LIMIT = 450


class XApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' connection pool expects
    fake: Any  # the FakeXApi, set by FakeXApi

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read fake.served instead
        pass

    def do_GET(self) -> None:
        from tests.fakes.x_api import UNAUTHORIZED, Fault, Served

        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.fake._lock:
            fault = self.fake.faults.popleft() if self.fake.faults else None
        served = Served(url.path, params, 200)
        self.fake.served.append(served)
        if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
            fault = Fault("unauthorized")
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind not in (
            "partial_errors",
            "malformed",
            "truncated",
            "cut_connection",
        ):
            served.status = self._send_fault(fault, UNAUTHORIZED)
            return
        status, body = self._answer(url.path, params)
        served.status = status
        if status == 200 and url.path.startswith("/2/tweets/search"):
            served.ids = [p["id"] for p in body.get("data", [])]
        self._send_body(status, body, fault)

    def _answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path in ("/2/tweets/search/recent", "/2/tweets/search/all"):
            return self.fake.search(path, params)
        if path == "/2/tweets":
            return self.fake.lookup(params)
        return 404, {"title": "Not Found Error", "detail": f"no route {path}", "type": "about:blank"}

    def _send_fault(self, fault: Any, unauthorized: dict[str, Any]) -> int:
        from tests.fakes.x_api import FAULT_EXAMPLES, SERVICE_UNAVAILABLE, error_examples

        if fault.kind == "unauthorized":
            self._send(401, json.dumps(unauthorized).encode())
            return 401
        if fault.kind == "server_error":
            self._send(503, json.dumps(SERVICE_UNAVAILABLE).encode())
            return 503
        example = error_examples()[FAULT_EXAMPLES[fault.kind]]
        headers = dict(example.get("headers", {}))
        if (
            "x-rate-limit-reset" in headers
        ):  # the recorded reset is in the past: move it to fault.reset_in from now
            headers["x-rate-limit-reset"] = str(int(self.fake.clock() + fault.reset_in))
        self._send(example["status"], json.dumps(example["body"]).encode(), headers)
        return example["status"]

    def _send_body(self, status: int, body: dict[str, Any], fault: Any) -> None:
        from tests.fakes.x_api import FAULT_EXAMPLES, error_examples

        kind = fault.kind if fault is not None else None
        if kind == "partial_errors":
            body = {**body, "errors": error_examples()[FAULT_EXAMPLES[kind]]["body"]["errors"]}
        payload = json.dumps(body).encode()
        if kind == "malformed":
            payload = b'{"data": [{"id": "1", "text": "oops"},]' + payload[:40]
        if kind == "truncated":  # a proxy cut the body but sent a consistent Content-Length
            payload = payload[: len(payload) // 2]
        if kind == "cut_connection":  # the connection drops mid-body: fewer bytes than Content-Length
            self.send_response(status)
            self._headers(
                {"content-type": "application/json; charset=utf-8", "content-length": str(len(payload))}
            )
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
            return
        self._send(status, payload)

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        base = {"content-type": "application/json; charset=utf-8", "content-length": str(len(payload))}
        if status != 429:
            reset = int(self.fake.clock()) + 900
            remaining = max(RATE_LIMIT - len(self.fake.served), 0)
            base.update({"x-rate-limit-limit": str(RATE_LIMIT), "x-rate-limit-remaining": str(remaining)})
            base["x-rate-limit-reset"] = str(reset)
        self._headers({**base, **(headers or {})})
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            self.close_connection = True

    def _headers(self, headers: dict[str, str]) -> None:
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

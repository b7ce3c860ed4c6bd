"""The retry rules every HTTP kind shares (listener/collectors/http.py), against a local server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fakes.fake_http_server import FakeServer, Reply

from listener.collectors.http import ApiClient, HttpOptions, retry_after_seconds
from listener.errors import CollectorError, RateLimited


class Hello(FakeServer):
    def handle(self, request):
        return Reply.json(200, {"hello": "world"})


@pytest.fixture
def server():
    fake = Hello().start()
    yield fake
    fake.stop()


@pytest.fixture
def waits(monkeypatch):
    recorded: list[float] = []
    monkeypatch.setattr("listener.collectors.http.sleep", recorded.append)
    return recorded


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_429_without_retry_after_backs_off_then_succeeds(server, waits):
    server.set_failure("rate_limit", times=2, retry_after=None)  # no Retry-After: exponential backoff
    client = ApiClient("t", HttpOptions(max_wait=timedelta(seconds=60)))
    assert client.get(f"{server.base_url}/x").json() == {"hello": "world"}
    assert waits == [2.0, 4.0] and client.requests == 3
    client.close()


def test_retry_after_beyond_max_wait_stops_at_once(server, waits):
    server.set_failure("rate_limit", retry_after=600)
    client = ApiClient("t", HttpOptions(max_wait=timedelta(seconds=60)))
    with pytest.raises(RateLimited, match="retry in 600s; max_wait is 60s") as raised:
        client.get(f"{server.base_url}/x")
    assert waits == [] and raised.value.requests == 1
    client.close()


def test_unreachable_server_is_retried_a_bounded_number_of_times(server, waits):
    url = f"{server.base_url}/x"
    server.stop()
    client = ApiClient("t", HttpOptions(max_retries=2))
    with pytest.raises(CollectorError, match="cannot reach") as raised:
        client.get(url)
    assert raised.value.requests == 3 and waits == [2.0, 4.0]
    client.close()


def test_every_web_kind_takes_the_same_patience_options():
    from pydantic import ValidationError

    from listener.collectors import options_model
    from listener.collectors.http import RetryOptions

    for kind in ("x", "mastodon", "bluesky", "reddit", "rss", "careopinion", "nhs_reviews"):
        assert issubclass(options_model(kind), RetryOptions), kind
    options = HttpOptions(max_wait="90s", timeout=2.5, max_retries=0)
    assert options.max_wait == timedelta(seconds=90) and options.timeout == timedelta(seconds=2.5)
    assert HttpOptions(max_wait=30, timeout="1m").timeout == timedelta(minutes=1)
    for bad in ({"timeout": 0}, {"max_wait": -1}, {"max_retries": -1}, {"retries": 3}, {"backoff": 2}):
        with pytest.raises(ValidationError):
            HttpOptions(**bad)

"""``kind: paged``, registered only in tests: reads the fake API of paged_server.py through the real runner.

Like some real APIs (Mastodon accepts it), the token travels in the query string, and this collector logs each
request's full URL, so the logging tests can check that the masking of secrets catches it.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import Field

from listener.collectors.base import CollectedPost, Collector, Page, SourceOptions
from listener.errors import CollectorError

log = logging.getLogger(__name__)


class PagedOptions(SourceOptions):
    url: str
    streams: list[str] = Field(min_length=1)
    token_env: str
    page_size: int = 10


class PagedCollector(Collector):
    kind = "paged"
    Options = PagedOptions
    options: PagedOptions

    def streams(self) -> list[str]:
        return list(self.options.streams)

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        token = os.environ.get(self.options.token_env, "")
        after = (cursor or {}).get("after", 0)
        while True:
            query = urlencode({"after": after, "limit": self.options.page_size, "access_token": token})
            url = f"{self.options.url}/feeds/{stream}?{query}"
            log.info("GET %s", url)
            body = self._get(url)
            posts = [self._post(stream, item) for item in body["data"]]
            if posts:
                after = body["data"][-1]["id"]
            yield Page(posts=posts, cursor={"after": after} if posts else None, requests=1, read=len(posts))
            if not body["has_more"]:
                return

    def _get(self, url: str) -> dict:
        request = urllib.request.Request(url, headers={"X-Worker": str(os.getpid())})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except OSError as exc:
            raise CollectorError(f"source {self.name}: {exc}") from None

    def _post(self, stream: str, item: dict) -> CollectedPost:
        return CollectedPost(
            platform="fake",
            native_id=f"{stream}:{item['id']}",
            text=item["text"],
            created_at=datetime.fromisoformat(item["created_at"]),
            author_id=item["author"],
        )

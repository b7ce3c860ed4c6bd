"""A fake feed server: RSS 2.0 at /rss.xml and Atom at /atom.xml, for the same seeded entries.

It behaves as publishers' servers and Google News do: an ``ETag`` and ``Last-Modified`` on every feed, 304 Not
Modified (empty body) when ``If-None-Match`` matches or, without it, when ``If-Modified-Since`` is not older than
the feed; RSS dates in RFC 822 with a +0100 offset (the collector must convert to UTC); Google News-style
items (headline wrapped in a link in the description, a ``<source>`` publisher). Entries are served newest first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape

from fakes.fake_http_server import FakeServer, HttpContractCase, Reply, Request

BST = timezone(timedelta(hours=1))


@dataclass
class Entry:
    guid: str | None
    title: str
    published: datetime | None
    link: str | None = None
    summary: str | None = None
    publisher: str = "Leeds Live"


class FeedServer(FakeServer):
    def __init__(self):
        super().__init__()
        self.entries: list[Entry] = []
        self.changed_at = datetime(2026, 1, 1, tzinfo=UTC)
        self.recorded: dict[
            str, bytes | Reply
        ] = {}  # path -> a recorded feed served byte for byte, or a reply
        self.moved: dict[str, str] = {}  # path -> the path it redirects to for good (301)

    def add(self, *entries: Entry) -> None:
        self.entries.extend(entries)
        self.changed_at = datetime.now(UTC).replace(microsecond=0)

    def handle(self, request: Request) -> Reply:
        if request.path in self.moved:
            return Reply(301, b"", {"Location": f"{self.base_url}{self.moved[request.path]}"})
        if request.path in self.recorded:
            recorded = self.recorded[request.path]
            if isinstance(recorded, Reply):
                return recorded
            return Reply(200, recorded, {"Content-Type": "application/xml; charset=UTF-8"})
        if request.path not in ("/rss.xml", "/atom.xml", "/search"):
            return Reply(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
        body = (self._atom() if request.path == "/atom.xml" else self._rss()).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": format_datetime(self.changed_at, usegmt=True)}
        if _not_modified(request, etag, self.changed_at):
            return Reply(304, b"", headers)
        content_type = "application/atom+xml" if request.path == "/atom.xml" else "application/rss+xml"
        return Reply(200, body, {**headers, "Content-Type": f"{content_type}; charset=utf-8"})

    def _ordered(self) -> list[Entry]:
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(self.entries, key=lambda e: e.published or oldest, reverse=True)

    def _rss(self) -> str:
        items = "".join(_rss_item(e) for e in self._ordered())
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>NHS news - fake</title><link>http://127.0.0.1/</link><language>en-GB</language>"
            f"<description>Fake feed</description>{items}</channel></rss>"
        )

    def _atom(self) -> str:
        entries = "".join(_atom_entry(e) for e in self._ordered())
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            f"<title>Fake Atom</title><id>urn:fake:feed</id><updated>{self.changed_at.isoformat()}</updated>"
            f"{entries}</feed>"
        )


def _not_modified(request: Request, etag: str, changed_at: datetime) -> bool:
    if request.header("If-None-Match") is not None:
        return request.header("If-None-Match") == etag
    since = request.header("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since) >= changed_at
        except (TypeError, ValueError):
            return False
    return False


def _rss_item(entry: Entry) -> str:
    parts = [f"<title>{escape(entry.title)} - {escape(entry.publisher)}</title>"]
    if entry.link:
        parts.append(f"<link>{escape(entry.link)}</link>")
    if entry.guid:
        parts.append(f'<guid isPermaLink="false">{escape(entry.guid)}</guid>')
    if entry.published:
        parts.append(f"<pubDate>{format_datetime(entry.published.astimezone(BST))}</pubDate>")
    summary = entry.summary or (
        f'<a href="{entry.link or ""}" target="_blank">{entry.title}</a>&nbsp;&nbsp;'
        f'<font color="#6f6f6f">{entry.publisher}</font>'
    )
    parts.append(f"<description>{escape(summary)}</description>")
    parts.append(f'<source url="https://www.leeds-live.example">{escape(entry.publisher)}</source>')
    return "<item>" + "".join(parts) + "</item>"


def _atom_entry(entry: Entry) -> str:
    parts = [f"<title>{escape(entry.title)}</title>"]
    if entry.guid:
        parts.append(f"<id>{escape(entry.guid)}</id>")
    if entry.link:
        parts.append(f'<link href="{escape(entry.link)}"/>')
    if entry.published:
        parts.append(f"<updated>{entry.published.isoformat()}</updated>")
    if entry.summary:
        parts.append(f'<summary type="html">{escape(entry.summary)}</summary>')
    parts.append(f"<author><name>{escape(entry.publisher)}</name></author>")
    return "<entry>" + "".join(parts) + "</entry>"


class RssContractCase(HttpContractCase):
    kind = "rss"
    not_applicable = {"bad_auth": "public feeds take no credentials"}

    def __init__(self):
        super().__init__(FeedServer())

    def source_config(self) -> dict:
        return {"kind": "rss", "feeds": [f"{self.server.base_url}/rss.xml"], "max_wait": "60s"}

    def seed(self, posts) -> None:
        self.server.add(
            *(
                Entry(f"guid-{p.key}", p.text, p.created_at, link=f"https://news.example/{p.key}")
                for p in posts
            )
        )

    def add_malformed(self) -> None:
        newest = max((e.published for e in self.server.entries if e.published), default=datetime.now(UTC))
        self.server.add(Entry(None, "An item with neither guid nor link", newest - timedelta(minutes=1)))


def contract_case() -> RssContractCase:
    return RssContractCase()

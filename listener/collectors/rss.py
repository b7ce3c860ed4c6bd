"""``kind: rss``: RSS and Atom feeds, from publishers' own feeds or news-search feeds (Google News by default).

Each feed URL is a stream. The feed is fetched with httpx and its bytes parsed with feedparser (which would
otherwise fetch with urllib, out of reach of the retry rules in http.py). Requests are conditional: the cursor
keeps the feed's ``ETag`` and ``Last-Modified``, and a 304 answer costs one request and adds nothing. Redirects
are followed (a feed moved for good is logged, so the operator can update its URL).

The cursor is small: ``etag``, ``modified``, ``newest`` (the newest entry time stored) and ``ids`` (the entries at
exactly that time). An entry is offered to the store when it is newer than ``newest - lookback`` and not one of
``ids``; the store drops entries it already has (posts are unique on platform and guid), so an article that
appears in a search feed a day after its publication time is still kept. Every entry of a fetched feed is its
current version: each is marked ``edited``, and those not offered go in the page's ``edits``: a stored entry whose
text changed (a correction) takes the new text and is matched and scored again; none is stored by it. Only entries
still in the feed are followed, at no extra request, and only when the feed changed (else a 304). Entries are
identified by guid (Atom id), else by link; an entry with neither is skipped and logged. An entry with no usable
published or updated time, or one dated more than a day after it was fetched (a mistyped year would otherwise move
``newest`` so far ahead that every later entry looked old), is stored with the time it was first fetched, and
never moves the cursor.

Ids are unique across feeds (posts are unique on platform and id, and every feed of a source shares one
platform): a guid that is globally unique by its form (a URL, a ``tag:`` or ``urn:`` URI, or an opaque id of at
least 32 characters, such as Google News's) is the id as it is; a shorter one ("12345", "post-17") is only unique
within its publisher's feed, so it is qualified by the host of the entry's link, else of the feed's URL:
``www.leeds-live.example/12345``. An entry without a guid is identified by its link. Migration 0010 rewrote
the ids stored before this rule that it could tell were feed entries (by their payload, kept only with
``keep_raw``). The rest, and tombstones and purged posts of then (which keep only a digest), hold the old id, as
do cursors saved then: each entry carries the id those versions gave it (``former_id``), a cursor holding either
id has seen it, the store refuses it when either is tombstoned or purged, and a post stored under the old id with
the same link takes the new one.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_plus, urlsplit

import feedparser
from pydantic import Field, field_validator, model_validator

from listener.collectors.base import CollectedPost, Page
from listener.collectors.http import ApiClient, ApiCollector, HttpOptions, ResponseTooLarge
from listener.config import parse_duration_or_zero
from listener.errors import CollectorError

log = logging.getLogger(__name__)

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search?q={query}&hl=en-GB&gl=GB&ceid=GB:en"
MAX_NATIVE_ID = 200  # posts.native_id is VARCHAR(200); longer guids are stored as their SHA-256
# Guids unique by their form; any other is unique only within its feed (migration 0010 writes the rule out too).
GLOBAL_GUID = re.compile(r"(?:[a-z][a-z0-9+.-]*://[^/\s]+|tag:|urn:)", re.IGNORECASE)
LONG_OPAQUE_GUID = 32
FUTURE_SLACK = timedelta(
    days=1
)  # a feed's clock or time zone may be off by hours; a date further ahead is wrong


class RssOptions(HttpOptions):
    feeds: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    search_organisations: bool = False
    search_url: str = GOOGLE_NEWS_SEARCH
    platform: str = Field("news", pattern=r"^[a-z0-9_-]+$")
    lookback: timedelta = timedelta(days=2)
    max_feed_mb: int = Field(20, ge=1, le=1000)

    @field_validator("lookback", mode="before")
    @classmethod
    def _lookback(cls, value: Any) -> Any:
        return parse_duration_or_zero(value)

    @field_validator("feeds")
    @classmethod
    def _http_urls(cls, feeds: tuple[str, ...]) -> tuple[str, ...]:
        for url in feeds:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"expected feed URLs starting http:// or https://, got {url!r}")
        return feeds

    @field_validator("search_url")
    @classmethod
    def _template(cls, value: str) -> str:
        if "{query}" not in value or not value.startswith(("http://", "https://")):
            raise ValueError(f'expected an http(s) URL containing "{{query}}", got {value!r}')
        return value

    @model_validator(mode="after")
    def _something_to_read(self) -> RssOptions:
        if not (self.feeds or self.searches or self.search_organisations):
            raise ValueError('expected at least one of "feeds", "searches" or "search_organisations: true"')
        return self


class RssCollector(ApiCollector):
    kind = "rss"
    Options = RssOptions
    options: RssOptions

    def make_client(self) -> ApiClient:
        # Feeds move (http to https, a new CMS) and answer with a redirect, as browsers and feed readers follow.
        max_bytes = self.options.max_feed_mb * 1_000_000
        return ApiClient(self.name, self.options, follow_redirects=True, max_bytes=max_bytes)

    def streams(self) -> list[str]:
        queries = list(self.options.searches)
        if self.options.search_organisations:
            queries += [f'"{org.name}"' for org in self.config.organisations]
        searches = [self.options.search_url.format(query=quote_plus(q)) for q in queries]
        return list(dict.fromkeys([*self.options.feeds, *searches]))

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        cursor = cursor or {}
        before = self.client.requests
        try:
            response = self.client.get(stream, headers=_conditional_headers(cursor))
        except ResponseTooLarge as exc:
            raise CollectorError(
                f"source {self.name}: {stream} is larger than max_feed_mb ({self.options.max_feed_mb} MB); "
                "nothing of it was stored (raise max_feed_mb if the feed really is this big)",
                requests=exc.requests,
            ) from None
        page = Page(requests=self.client.requests - before)
        if response.status_code == 304:
            log.info("%s: %s not modified since the last fetch", self.name, stream)
            yield page  # nothing new, but the request counts
            return
        if response.status_code != 200:
            raise CollectorError(
                f"source {self.name}: {stream} answered HTTP {response.status_code}; expected a feed",
                requests=page.requests,
            )
        parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
        if parsed.bozo and not parsed.entries:
            raise CollectorError(
                f"source {self.name}: {stream} is not an RSS or Atom feed ({parsed.bozo_exception})",
                requests=page.requests,
            )
        if parsed.bozo:
            log.warning(
                "%s: %s is not well-formed (%s); reading what parses",
                self.name,
                stream,
                parsed.bozo_exception,
            )
        held_back = self._read_entries(parsed, stream, cursor, until, page)
        page.cursor = self._next_cursor(cursor, response, page.posts, held_back)
        yield page

    def _read_entries(
        self, parsed: Any, stream: str, cursor: dict[str, Any], until: datetime | None, page: Page
    ) -> bool:
        """Add the entries not seen yet to ``page.posts`` and the others to ``page.edits`` (either kind is the
        entry's current version, whose text replaces a stored one that differs); return whether ``until`` held any
        back."""
        fetched_at = datetime.now(UTC).replace(microsecond=0)
        newest = _parse_time(cursor.get("newest"))
        floor = newest - self.options.lookback if newest else None
        boundary = set(cursor.get("ids", ()))
        language = _language(parsed.feed.get("language"))
        held_back = False
        for number, entry in enumerate(parsed.entries, start=1):
            page.read += 1
            native_id = _entry_id(entry, stream)
            if native_id is None:
                log.warning("%s: %s entry %d skipped: no guid, id or link", self.name, stream, number)
                continue
            published = _entry_time(entry)
            if published and published > fetched_at + FUTURE_SLACK:
                log.warning(
                    "%s: %s entry %d is dated in the future (%s); kept with the time it was fetched",
                    self.name,
                    stream,
                    number,
                    published.isoformat(),
                )
                published = None
            created_at = published or fetched_at
            if until is not None and created_at >= until:
                held_back = True
                continue
            post = self._post(entry, native_id, created_at, published, language)
            # a cursor saved by a version before 0010 holds the entry's former id
            if {native_id, post.former_id} & boundary or (published and floor and published < floor):
                page.edits.append(post)  # read before: only a correction of its text is followed
            else:
                page.posts.append(post)
        return held_back

    def _post(
        self, entry: Any, native_id: str, created_at: datetime, published: datetime | None, lang: str | None
    ) -> CollectedPost:
        source = entry.get("source") or {}
        publisher = source.get("title") or entry.get("author")
        text = _entry_text(entry.get("title", ""), entry.get("summary", ""), publisher)
        return CollectedPost(
            platform=self.options.platform,
            native_id=native_id,
            text=text,
            created_at=created_at,
            url=entry.get("link"),
            lang=lang,
            author_id=source.get("href") or publisher,
            author_handle=publisher,
            former_id=_former_id(entry, native_id),
            edited=True,  # an entry is its current version: a correction replaces the stored text
            raw={
                "id": entry.get("id"),
                "link": entry.get("link"),
                "title": entry.get("title"),
                "published": entry.get("published") or entry.get("updated"),
                "dated": published is not None,
                "source": dict(source) if source else None,
            },
        )

    def _next_cursor(
        self, cursor: dict[str, Any], response: Any, posts: list[CollectedPost], held_back: bool
    ) -> dict[str, Any]:
        """Advance ``newest`` over dated entries; keep the old validators when ``until`` held entries back,
        so the next run fetches the feed in full instead of getting a 304."""
        newest = _parse_time(cursor.get("newest"))
        ids = set(cursor.get("ids", ()))
        for post in posts:
            if not post.raw or not post.raw["dated"]:
                continue
            if newest is None or post.created_at > newest:
                newest, ids = post.created_at, {post.native_id}
            elif post.created_at == newest:
                ids.add(post.native_id)
        result: dict[str, Any] = {"newest": newest.isoformat() if newest else None, "ids": sorted(ids)}
        if held_back:
            result.update(etag=cursor.get("etag"), modified=cursor.get("modified"))
        else:
            result.update(etag=response.headers.get("ETag"), modified=response.headers.get("Last-Modified"))
        return result


def _conditional_headers(cursor: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = cursor["etag"]
    if cursor.get("modified"):
        headers["If-Modified-Since"] = cursor["modified"]
    return headers


def _entry_id(entry: Any, feed_url: str) -> str | None:
    """The guid when it is globally unique, else the guid qualified by its link's (or feed's) host; the link
    when there is no guid."""
    guid, link = (entry.get("id") or "").strip(), (entry.get("link") or "").strip()
    if guid and not GLOBAL_GUID.match(guid) and len(guid) < LONG_OPAQUE_GUID:
        guid = f"{_host(link) or _host(feed_url)}/{guid}"
    value = guid or link
    if not value:
        return None
    if len(value) > MAX_NATIVE_ID:
        return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()
    return value


def _former_id(entry: Any, native_id: str) -> str | None:
    """The id versions before revision 0010 gave the entry (its guid, else its link, never qualified), when it is
    not ``native_id``: tombstones and purged posts of then hold its digest, which no migration can rewrite."""
    value = (entry.get("id") or entry.get("link") or "").strip()
    if len(value) > MAX_NATIVE_ID:
        value = "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()
    return value if value and value != native_id else None


def _host(url: str) -> str:
    """The host (and port) of an absolute URL, lower-cased; "" for a relative one."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def _entry_time(entry: Any) -> datetime | None:
    """feedparser normalises published/updated dates to UTC struct_time; None when absent or unreadable."""
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _language(value: str | None) -> str | None:
    return value.split("-")[0].lower()[:8] if value else None


def _entry_text(title_html: str, summary_html: str, publisher: str | None) -> str:
    """Title, then the summary unless it only repeats the title (news-search feeds repeat the headline and
    the publisher's name in the description)."""
    title, summary = _plain_text(title_html), _plain_text(summary_html)
    core = summary.removesuffix(publisher or "").strip() if publisher else summary
    if not summary or not title:
        return title or summary
    if summary.startswith(title):
        return summary
    if core and title.startswith(core):
        return title
    return f"{title}\n\n{summary}"


# Elements that end a line or a block: the text on either side is separate words. Inline elements (b, em, a,
# span, font...) are not: search feeds bold the words searched for, often inside a word ("<b>Guy</b>'s").
_BREAKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "  # noqa: SIM905
    "img li main nav ol p pre section table td th tr ul".split()
)


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, ())

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_text(html: str) -> str:
    """Feed titles and summaries are often HTML (Google News wraps the title in a link): keep the words."""
    parser = _TextOnly()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())

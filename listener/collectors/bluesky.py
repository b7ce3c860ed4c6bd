"""``kind: bluesky``: ``app.bsky.feed.searchPosts`` through an app-password session, with plain httpx.

Why httpx and not the atproto SDK: the SDK validates whole responses into its models, so one malformed post
fails the page, and it neither retries nor waits for rate limits; the collector needs three XRPC calls
(createSession, refreshSession, searchPosts) and full control of errors, which fits in this module.

Each query is a stream. Results come newest first (``sort=latest``), so pages are committed without a cursor
and the cursor (the newest ``sortAt`` seen, with the posts at that instant) is saved once the run has read
every page. The next run asks from ``overlap`` before that time: search finds a post only after it is indexed,
and its ``sortAt`` is the earlier of its claimed and indexed times, so a post can turn up with a ``sortAt`` older
than posts already read (the store keeps each post once, and the cursor never moves back). Search may also stop
giving a cursor before the end of its results (its lexicon allows it): a full page without one, when the search
counted more hits than were read, is followed by the same search with ``until`` just after the oldest post read,
so a busy query is read to its ``since`` in several windows. The session is created once per run and
reused for every stream; when the access token expires (``ExpiredToken``) it is refreshed with the refresh
token, and created again only if that fails. Bluesky asks developers not to use search for bulk collection:
keep queries few and schedules modest (see the README).

A post is stored by its at:// URI and linked as ``https://bsky.app/profile/<DID>/post/<rkey>``: both name the
author by DID, never by handle, so no handle of a private individual is stored (the runner keeps
``author_handle`` only for the organisations' own accounts).

``gone`` asks ``app.bsky.feed.getPosts`` about stored posts, 25 URIs a request, for ``listener compliance``:
posts deleted, taken down, or whose author deactivated or deleted the account are left out of its answer; posts
whose author has since asked not to be shown to logged-out people are gone too, as they would not be collected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import Field, field_validator, model_validator

from listener.collectors.base import (
    CollectedPost,
    Collector,
    DeletionCheck,
    Page,
    check_in_chunks,
)
from listener.collectors.bluesky_session import XrpcSession
from listener.collectors.http import HttpOptions, Patience, RequestCounter, TransientError
from listener.collectors.watermark import Watermark
from listener.config import parse_duration, parse_duration_or_zero
from listener.errors import CollectorError

log = logging.getLogger(__name__)

PLATFORM = "bluesky"
SEARCH = "app.bsky.feed.searchPosts"
GET_POSTS = "app.bsky.feed.getPosts"
GET_POSTS_BATCH = 25  # the lexicon's maxLength for uris
OPT_OUT_LABEL = "!no-unauthenticated"  # the author asked apps not to show their posts to logged-out people


class BlueskyOptions(HttpOptions):
    service_url: str = Field("https://bsky.social", pattern=r"^https?://[^/\s]+[^\s]*$")
    handle: str | None = None
    handle_env: str | None = None
    app_password_env: str = "LISTENER_BLUESKY_APP_PASSWORD"
    queries: tuple[str, ...] = ()
    organisation_queries: bool = True
    lang: str | None = None
    lookback: timedelta = timedelta(days=1)
    overlap: timedelta = timedelta(minutes=15)
    page_size: int = Field(100, ge=1, le=100)

    @field_validator("lookback", mode="before")
    @classmethod
    def _lookback_duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("overlap", mode="before")
    @classmethod
    def _overlap_duration(cls, value: Any) -> Any:
        return parse_duration_or_zero(value)

    @model_validator(mode="after")
    def _one_handle(self) -> BlueskyOptions:
        if (self.handle is None) == (self.handle_env is None):
            raise ValueError('expected exactly one of "handle" or "handle_env"')
        return self


class BlueskyCollector(Collector):
    kind = "bluesky"
    Options = BlueskyOptions
    options: BlueskyOptions
    checks_deletions = True

    def __init__(self, source, config):
        super().__init__(source, config)
        self.counter = RequestCounter()
        self.patience = Patience(self.name, self.options, self.counter)
        self.http = httpx.Client(
            timeout=self.options.timeout.total_seconds(),
            headers={"User-Agent": self.options.user_agent},
            event_hooks={"response": [self.counter]},
        )
        self.session = XrpcSession(self.http, self.name, self.options)

    def streams(self) -> list[str]:
        queries: dict[str, str] = {}
        org_terms = [
            term
            for org in self.config.organisations
            for term in [*(f'"{t}"' for t in (org.name, *org.aliases)), *(f"#{t}" for t in org.hashtags)]
        ]
        for query in (org_terms if self.options.organisation_queries else []) + list(self.options.queries):
            queries.setdefault(query.lower(), query)
        if not queries:
            raise CollectorError(f"source {self.name}: no queries: add queries, or organisations to config")
        return list(queries.values())

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        self.counter.take()
        saved = _parse_time(cursor["since"]) if (cursor or {}).get("since") else None
        boundary = set((cursor or {}).get("seen") or ()) if saved else set()
        start = saved - self.options.overlap if saved else datetime.now(UTC) - self.options.lookback
        params: dict[str, Any] = {
            "q": stream,
            "sort": "latest",
            "since": _iso(start),
            "limit": self.options.page_size,
        }
        if until is not None:
            params["until"] = _iso(until)  # exclusive, like ours
        if self.options.lang:
            params["lang"] = self.options.lang
        newest = Watermark(saved, set(boundary))  # starts at the saved cursor: never moves back
        oldest = Watermark()  # the oldest sortAt read in this run, with the posts read at that instant
        read = 0  # hits read by this query (the search is asked again when it stops giving cursors)
        while True:
            body = self.patience.call(
                f"search {stream!r}", lambda p=dict(params): self.session.get(SEARCH, p)
            )
            items = body.get("posts") if isinstance(body.get("posts"), list) else []
            page, before, read = Page(read=len(items)), oldest.time, read + len(items)
            for post in self._posts(items, stream):
                if oldest.holds(post):
                    continue  # read before the search was asked again
                oldest.see_older(post)
                if post.native_id in boundary or (until is not None and post.created_at >= until):
                    continue
                page.posts.append(post)
                newest.see(post)
            page.requests = self.counter.take()
            yield page
            if items and body.get("cursor"):
                params["cursor"] = body["cursor"]
            elif _stopped_early(items, params["limit"], read, body.get("hitsTotal"), oldest.time, before):
                # the search let us page no further (its lexicon allows that): the same search again, for the
                # posts up to the oldest read (that instant included, so none at it is lost)
                log.info(
                    "%s: %r: search stopped paging after %d posts; asking again for older ones",
                    self.name,
                    stream,
                    read,
                )
                params.pop("cursor", None)
                params["until"] = _iso(oldest.time + timedelta(milliseconds=1))
                read = 0
            else:
                break
        if newest.time is not None and (newest.time, newest.ids) != (saved, boundary):
            yield Page(cursor={"since": _iso(newest.time), "seen": newest.seen()})

    def _posts(self, items: list[Any], stream: str) -> Iterator[CollectedPost]:
        left_out = {"deleted or blocked": 0, "opted out": 0}
        for item in items:
            if not isinstance(item, Mapping) or _gone(item):
                left_out["deleted or blocked"] += 1
                continue
            if _opted_out(item):
                left_out["opted out"] += 1
                continue
            try:
                yield _post(item)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                log.warning("%s: %r: post %s skipped: %s", self.name, stream, item.get("uri"), exc)
        if any(left_out.values()):
            log.info(
                "%s: %r: skipped %s",
                self.name,
                stream,
                ", ".join(f"{n} {r}" for r, n in left_out.items() if n),
            )

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Stored posts (their at:// URIs) that getPosts no longer returns."""
        return check_in_chunks(native_ids, GET_POSTS_BATCH, self._look_up, lambda: self.counter.total)

    def _look_up(self, uris: list[str]) -> tuple[set[str], int]:
        posts = self.patience.call(f"getPosts ({len(uris)} posts)", lambda: self._get_posts(uris))
        served = {
            str(p.get("uri")) for p in posts if isinstance(p, Mapping) and not _gone(p) and not _opted_out(p)
        }
        return set(uris) - served, len(served)

    def _get_posts(self, uris: list[str]) -> list[Any]:
        posts = self.session.get(GET_POSTS, {"uris": uris}).get("posts")
        if not isinstance(posts, list):
            raise TransientError("getPosts: the answer has no posts list")  # never read as "all deleted"
        return posts

    def close(self) -> None:
        self.http.close()


def _post(item: Mapping[str, Any]) -> CollectedPost:
    record, author = item["record"], item["author"]
    text = record["text"]
    if not isinstance(text, str):
        raise ValueError("the record has no text")
    did = str(author["did"])
    uri = _uri_by_did(str(item["uri"]), did)
    created = _parse_time(record["createdAt"])
    indexed = _parse_time(item["indexedAt"]) if item.get("indexedAt") else created
    langs = record.get("langs")
    langs = langs if isinstance(langs, list) else []
    return CollectedPost(
        platform=PLATFORM,
        native_id=uri,
        text=text,
        created_at=min(
            created, indexed
        ),  # Bluesky's sortAt: a claimed time later than indexing is not trusted
        url=post_link(uri),
        lang=langs[0] if langs and isinstance(langs[0], str) else None,
        author_id=did,
        author_handle=author.get("handle"),  # the runner keeps it only for organisations' own accounts
        reply_count=item.get("replyCount"),
        repost_count=item.get("repostCount"),
        like_count=item.get("likeCount"),
        quote_count=item.get("quoteCount"),
        raw=item,
    )


def _stopped_early(
    items: list[Any], limit: int, read: int, total: Any, reached: datetime | None, before: datetime | None
) -> bool:
    """Whether a page without a cursor may not be the end of the results: it is full, the search counted more
    hits than the query has read (when it says), and it went back further than the pages before it (so a page of
    posts at one instant only is not asked for again and again)."""
    more = not isinstance(total, int) or isinstance(total, bool) or read < total
    return len(items) >= limit and more and reached is not None and (before is None or reached < before)


def post_link(uri: str) -> str:
    """The bsky.app link of a post, by its author's DID (which bsky.app accepts in place of the handle), so no
    handle is stored: ``at://did:plc:abc/app.bsky.feed.post/3k`` -> ``https://bsky.app/profile/did:plc:abc/post/3k``.
    """
    did, _, rest = uri.removeprefix("at://").partition("/")
    return f"https://bsky.app/profile/{did}/post/{rest.rsplit('/', 1)[-1]}"


def _uri_by_did(uri: str, did: str) -> str:
    """The post's at:// URI with its author's DID as authority: an at-uri may name the author by handle instead,
    which must not be stored, and getPosts answers with the DID form anyway."""
    authority, _, rest = uri.removeprefix("at://").partition("/")
    if not rest:
        raise ValueError(f"not a post's at:// URI: {uri!r}")
    return uri if authority.startswith("did:") else f"at://{did}/{rest}"


def _gone(item: Mapping[str, Any]) -> bool:
    kind = str(item.get("$type") or "")
    return kind.endswith(("#notFoundPost", "#blockedPost")) or bool(
        item.get("notFound") or item.get("blocked")
    )


def _opted_out(item: Mapping[str, Any]) -> bool:
    """The author asked apps not to show their posts to logged-out people: not collected, and dropped if stored
    before they asked."""
    return any(label.get("val") == OPT_OUT_LABEL for label in _labels(item.get("author")))


def _labels(author: Any) -> list[Mapping[str, Any]]:
    labels = author.get("labels") if isinstance(author, Mapping) else None
    return [label for label in labels or [] if isinstance(label, Mapping)]


def _parse_time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    try:
        return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed).astimezone(UTC)
    except OverflowError:  # a claimed time like year 1 at +05:00 has no UTC equivalent
        raise ValueError(f"{value!r} is out of range") from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

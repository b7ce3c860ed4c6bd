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
import os
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
    secret_from_env,
)
from listener.collectors.http import HttpOptions, Patience, RateLimitHit, RequestCounter, TransientError
from listener.collectors.watermark import Watermark
from listener.config import parse_duration
from listener.errors import AuthenticationError, CollectorError

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
        return timedelta(0) if value in (0, "0") else parse_duration(value)

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
                skip = post.native_id in boundary or (until is not None and post.created_at >= until)
                if (
                    oldest.time is not None
                    and post.created_at == oldest.time
                    and post.native_id in oldest.ids
                ):
                    continue  # read before the search was asked again
                oldest.see_older(post)
                if skip:
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


class XrpcSession:
    """An app-password session: created once, reused, refreshed when the access token expires."""

    def __init__(self, http: httpx.Client, source: str, options: BlueskyOptions):
        self.http = http
        self.source = source
        self.options = options
        self.base = options.service_url.rstrip("/")
        self.access: str | None = None
        self.refresh_token: str | None = None

    def get(self, nsid: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET an XRPC query; returns its JSON body or raises what the retry policy understands."""
        if self.access is None:
            self._create()
        response = self._send("GET", nsid, params=params, token=self.access)
        if _error(response) == "ExpiredToken":
            log.info("%s: Bluesky access token expired; refreshing the session", self.source)
            self._refresh()
            response = self._send("GET", nsid, params=params, token=self.access)
        if response.status_code == 403 and not _is_json(response):
            # not an XRPC refusal: a proxy or firewall in front of the service answered with a web page
            raise CollectorError(
                f"source {self.source}: {self.base} answered {nsid} with HTTP 403 and a web page, not a Bluesky "
                "error: that service does not offer it to this client (search may be switched off there, or a "
                "firewall blocks it); check service_url"
            )
        if response.status_code in (401, 403):
            self.access = None  # a revoked session: log in again next time
            raise AuthenticationError(
                f"source {self.source}: Bluesky refused the session ({response.status_code} "
                f"{_error(response) or ''}): check the app password in {self._password_env()}"
            )
        return self._checked(response, nsid)

    def _create(self) -> None:
        identifier, password = self._credentials()
        body = {"identifier": identifier, "password": password}
        response = self._send("POST", "com.atproto.server.createSession", json=body)
        if response.status_code in (400, 401, 403) and _error(response) != "RateLimitExceeded":
            raise AuthenticationError(
                f"source {self.source}: Bluesky refused the login for {identifier} ({_error(response)}): "
                f"check the handle and the app password in the environment variable {self._password_env()}"
            )
        self._keep(self._checked(response, "createSession"))
        log.info("%s: Bluesky session created", self.source)

    def _refresh(self) -> None:
        response = self._send("POST", "com.atproto.server.refreshSession", token=self.refresh_token)
        if response.status_code in (400, 401):
            self._create()  # the refresh token expired too
            return
        self._keep(self._checked(response, "refreshSession"))

    def _keep(self, session: Mapping[str, Any]) -> None:
        self.access, self.refresh_token = session.get("accessJwt"), session.get("refreshJwt")
        if not self.access or not self.refresh_token:
            raise CollectorError(f"source {self.source}: Bluesky's session answer has no tokens")
        pds = _pds_endpoint(session.get("didDoc"))
        if pds:
            self.base = pds.rstrip("/")  # the account's own server, as the official clients do

    def _send(self, method: str, nsid: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self.http.request(method, f"{self.base}/xrpc/{nsid}", headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from None
        log.info(
            "%s: %s %s -> %d", self.source, method, nsid, response.status_code
        )  # no query: it may name people
        return response

    def _checked(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code == 429:
            raise RateLimitHit(_seconds_to_reset(response), f"{what}: {_error(response)}")
        if response.status_code >= 500:
            raise TransientError(f"{response.status_code} {_error(response) or response.reason_phrase}")
        if response.status_code != 200:
            raise CollectorError(
                f"source {self.source}: Bluesky {what} answered {response.status_code} {_error(response)}: "
                f"{_message(response)}"
            )
        try:
            body = response.json()
        except ValueError:
            raise TransientError(f"{what}: the answer is not JSON") from None
        if not isinstance(body, dict):
            raise TransientError(f"{what}: expected a JSON object")
        return body

    def _credentials(self) -> tuple[str, str]:
        options = self.options
        handle = options.handle or os.environ.get(options.handle_env or "", "").strip()
        if not handle:
            raise AuthenticationError(
                f"source {self.source}: no Bluesky handle: set the environment variable {options.handle_env} "
                "(named by handle_env)"
            )
        hint = "named by app_password_env; create one under Settings, Privacy and security, App passwords"
        return handle, secret_from_env(self.source, options.app_password_env, "Bluesky app password", hint)

    def _password_env(self) -> str:
        return self.options.app_password_env


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


def _pds_endpoint(did_doc: Any) -> str | None:
    services = did_doc.get("service") if isinstance(did_doc, Mapping) else None
    for service in services or []:
        if isinstance(service, Mapping) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            return endpoint if isinstance(endpoint, str) and endpoint.startswith("http") else None
    return None


def _parse_time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    try:
        return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed).astimezone(UTC)
    except OverflowError:  # a claimed time like year 1 at +05:00 has no UTC equivalent
        raise ValueError(f"{value!r} is out of range") from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds_to_reset(response: httpx.Response) -> float | None:
    reset = response.headers.get("ratelimit-reset")  # epoch seconds
    if reset and reset.strip().isdigit():
        return int(reset) - datetime.now(UTC).timestamp()
    after = response.headers.get("retry-after")
    return float(after) if after and after.strip().isdigit() else None


def _json(response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, Mapping) else {}


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _error(response: httpx.Response) -> str | None:
    return _json(response).get("error")


def _message(response: httpx.Response) -> str:
    return str(_json(response).get("message") or response.text[:200])

"""A fake Bluesky PDS: createSession, refreshSession, app.bsky.feed.searchPosts and app.bsky.feed.getPosts, as the
lexicons describe.

Posts are ``postView`` objects with the fields of the real AppView response in
``../shared/data/api_payloads/bluesky_searchPosts_envelope_with_real_postView.json`` (tests/test_bluesky.py
checks the shapes match). searchPosts takes ``q`` (a phrase in quotes, a ``#tag`` or words), ``sort=latest``,
``since`` (inclusive) and ``until`` (exclusive) compared with sortAt, ``limit`` (1-100, default 25) and an
opaque ``cursor``; the answer is ``{cursor?, hitsTotal, posts}``. Errors are XRPC ``{error, message}``; every
answer carries the IETF draft ``ratelimit-*`` headers (reset in epoch seconds). Tokens are JWT-shaped with an
``exp``; ``expire_tokens()`` makes the current access token answer ``400 ExpiredToken``.

getPosts takes ``uris`` (repeated, 1 to 25 at:// URIs; more is ``400 InvalidRequest``, as the lexicon's maxLength
makes the XRPC server answer) and answers ``{posts}`` in the order asked, leaving out what it cannot show: posts
deleted (``delete(uri)``) and posts of accounts deactivated or deleted (``deactivate(did)``), which search stops
finding too.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .social_fake import FakeAPI, FakeCase, Reply, Request, Scenario

HANDLE = "listener-test.bsky.social"
DID = "did:plc:listenertest0000000000000"
PASSWORD = "abcd-efgh-ijkl-mnop"
PASSWORD_ENV = "LISTENER_TEST_BLUESKY_PASSWORD"
OPT_OUT = "!no-unauthenticated"  # the self-label of an author who asked not to be shown to logged-out people


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_post(
    created_at: datetime,
    text: str,
    number: int,
    *,
    indexed_at: datetime | None = None,
    labels: list[dict] | None = None,
    **record_overrides: Any,
) -> dict[str, Any]:
    did = f"did:plc:author{number:020d}"
    rkey = f"3kah{number:09d}"
    record = {"$type": "app.bsky.feed.post", "createdAt": iso(created_at), "langs": ["en"], "text": text}
    record.update(record_overrides)
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyreigb666sdjyyaczcahxmf5tzh7dec6bwr3nhdab7llebn{number:07d}",
        "author": {
            "did": did,
            "handle": f"person{number}.bsky.social",
            "displayName": f"Person {number}",
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkrei@jpeg",
            "associated": {"chat": {"allowIncoming": "all"}},
            "viewer": {"muted": False, "blockedBy": False},
            "labels": labels or [],
            "createdAt": "2023-04-26T19:05:34.249Z",
        },
        "record": record,
        "embed": {"$type": "app.bsky.embed.images#view", "images": []},
        "replyCount": 1,
        "repostCount": 2,
        "likeCount": 3,
        "indexedAt": iso(indexed_at or created_at),
        "viewer": {"threadMuted": False},
        "labels": [],
    }


def _jwt(kind: str, serial: int, expires: datetime) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {
        "scope": kind,
        "sub": DID,
        "iat": int(expires.timestamp()) - 7200,
        "exp": int(expires.timestamp()),
        "jti": f"{kind}-{serial}",
    }
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


class FakeBluesky(FakeAPI):
    def __init__(self, posts: list[dict[str, Any]] = ()):
        super().__init__()
        self.posts = list(posts)
        self.sessions_created = 0
        self.refreshes = 0
        self._serial = itertools.count(1)
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.expired: set[str] = set()
        self.remaining = 3000
        self.deleted: set[str] = set()
        self.deactivated: set[str] = set()
        # how many hits one query can page through (the search index's result window): past it the answer
        # has no cursor, as the lexicon allows ("may not necessarily allow scrolling through entire result set")
        self.result_window: int | None = None

    def add(self, *posts: dict[str, Any]) -> None:
        self.posts.extend(posts)

    def delete(self, uri: str) -> None:
        """The author deleted the post: its record is gone from the repository and the AppView."""
        self.deleted.add(uri)

    def deactivate(self, did: str) -> None:
        """The author deactivated (or deleted) the account: none of its posts is shown any more."""
        self.deactivated.add(did)

    def expire_tokens(self) -> None:
        """The access tokens handed out so far are now past their exp."""
        self.expired |= self.access

    def route(self, request: Request) -> Reply:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            return self._create(request)
        if nsid == "com.atproto.server.refreshSession":
            return self._refresh(request)
        if nsid not in ("app.bsky.feed.searchPosts", "app.bsky.feed.getPosts"):
            return self._reply(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in self.expired:
            return self._reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        if self.credentials_rejected or token not in self.access:
            return self._reply(401, {"error": "AuthenticationRequired", "message": "Authentication Required"})
        failure = self.take_failure()
        if failure and failure.status == 429:
            reset = datetime.now(UTC) + timedelta(seconds=failure.reset_after)
            return self._reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                remaining=0,
                reset=reset,
            )
        if failure:
            return self._reply(
                failure.status, {"error": "InternalServerError", "message": "Internal Server Error"}
            )
        return self._search(request) if nsid.endswith("searchPosts") else self._get_posts(request)

    def _create(self, request: Request) -> Reply:
        body = request.json() or {}
        if (
            self.credentials_rejected
            or body.get("identifier") not in (HANDLE, DID)
            or body.get("password") != PASSWORD
        ):
            return self._reply(
                401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            )
        self.sessions_created += 1
        return self._reply(200, self._session())

    def _refresh(self, request: Request) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.credentials_rejected or token not in self.refresh:
            return self._reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        self.refresh.discard(token)
        self.refreshes += 1
        return self._reply(200, self._session())

    def _session(self) -> dict[str, Any]:
        serial, now = next(self._serial), datetime.now(UTC)
        access, refresh = (
            _jwt("com.atproto.access", serial, now + timedelta(hours=2)),
            _jwt("com.atproto.refresh", serial, now + timedelta(days=60)),
        )
        self.access.add(access)
        self.refresh.add(refresh)
        did_doc = {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": DID,
            "alsoKnownAs": [f"at://{HANDLE}"],
            "service": [
                {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.url}
            ],
        }
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": HANDLE,
            "did": DID,
            "didDoc": did_doc,
            "email": "listener@example.org",
            "emailConfirmed": True,
            "active": True,
        }

    def _search(self, request: Request) -> Reply:
        query = request.arg("q")
        if not query or request.arg("sort", "latest") not in ("latest", "top"):
            return self._reply(400, {"error": "BadQueryString", "message": "missing or invalid q"})
        limit = max(1, min(100, int(request.arg("limit", "25"))))
        since, until = request.arg("since"), request.arg("until")
        hits = [p for p in self._served() if _matches(p, query)]
        if since:
            hits = [p for p in hits if _sort_at(p) >= _time(since)]
        if until:
            hits = [p for p in hits if _sort_at(p) < _time(until)]
        hits.sort(key=_sort_at, reverse=True)
        offset = int(request.arg("cursor", "0"))
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {"hitsTotal": len(hits), "posts": page}
        if offset + limit < min(len(hits), self.result_window or len(hits)):
            body["cursor"] = str(offset + limit)
        return self._reply(200, body)

    def _get_posts(self, request: Request) -> Reply:
        uris = request.query.get("uris") or []
        if not uris:
            return self._reply(
                400, {"error": "InvalidRequest", "message": 'Error: Params must have the property "uris"'}
            )
        if len(uris) > 25:
            return self._reply(
                400, {"error": "InvalidRequest", "message": "Error: uris must not have more than 25 elements"}
            )
        if not all(uri.startswith("at://") for uri in uris):
            return self._reply(
                400, {"error": "InvalidRequest", "message": "Error: uris/0 must be a valid at-uri"}
            )
        by_uri = {p["uri"]: p for p in self._served()}
        return self._reply(200, {"posts": [by_uri[uri] for uri in uris if uri in by_uri]})

    def _served(self) -> list[dict[str, Any]]:
        shown = [
            p
            for p in self.posts
            if p["uri"] not in self.deleted and p.get("author", {}).get("did") not in self.deactivated
        ]
        if not self.malformed or not shown:
            return shown
        broken = json.loads(json.dumps(shown[0]))  # a copy of the first seeded post, with a bad time
        broken["uri"] += "x"
        broken["record"]["createdAt"] = "sometime last week"
        return [*shown, broken]

    def _reply(
        self, status: int, body: Any, *, remaining: int | None = None, reset: datetime | None = None
    ) -> Reply:
        self.remaining = max(0, self.remaining - 1) if remaining is None else remaining
        reset = reset or datetime.now(UTC) + timedelta(minutes=5)
        headers = {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": str(int(reset.timestamp())),
            "ratelimit-policy": "3000;w=300",
        }
        return Reply(status, body, headers)


def _time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _sort_at(post: dict[str, Any]) -> datetime:
    """The AppView sorts on the earlier of the claimed creation time and the indexing time."""
    return min(_time(post["record"]["createdAt"]), _time(post["indexedAt"]))


def _matches(post: dict[str, Any], query: str) -> bool:
    text = post["record"].get("text", "").lower()
    phrase = re.fullmatch(r'"(.+)"', query.strip())
    if phrase:
        return phrase.group(1).lower() in text
    return all(word.lower() in text for word in query.split())


def scenario(now: datetime | None = None) -> Scenario:
    """Five posts naming St Thomas' an hour apart, one from an author who opted out, one unrelated."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    posts = [
        make_post(now - timedelta(hours=h), f"Post {h}: waited ages at St Thomas' today", h)
        for h in (10, 9, 8, 7, 6)
    ]
    posts.append(
        make_post(
            now - timedelta(hours=5),
            "Opted out at St Thomas'",
            50,
            labels=[{"src": "did:plc:author", "uri": "at://x", "val": OPT_OUT, "cts": iso(now)}],
        )
    )
    posts.append(make_post(now - timedelta(hours=4), "Nothing to do with hospitals", 51))
    return Scenario(
        kind="bluesky",
        env={PASSWORD_ENV: PASSWORD},
        auth_env=PASSWORD_ENV,
        posts=5,
        until=now - timedelta(hours=7, minutes=30),
        posts_before_until=3,
        make_fake=lambda: FakeBluesky(posts),
        options=lambda url: {
            "service_url": url,
            "handle": HANDLE,
            "app_password_env": PASSWORD_ENV,
            "queries": ['"St Thomas"'],
            "organisation_queries": False,
            "lookback": "2d",
            "page_size": 2,
        },
        seeded=posts,
    )


def contract_case() -> FakeCase:
    """The shared contract test's case (/work/CONTRACT_CASE.md): the query #GSTT through an app password."""
    return FakeCase(
        kind="bluesky",
        make_fake=FakeBluesky,
        options=lambda url: {
            "service_url": url,
            "handle": HANDLE,
            "app_password_env": PASSWORD_ENV,
            "queries": ["#GSTT"],
            "organisation_queries": False,
            "lookback": "7d",
            "page_size": 2,
        },
        env={PASSWORD_ENV: PASSWORD},
        seed_posts=lambda fake, posts: fake.add(
            *(make_post(p.created_at, f"{p.text} #GSTT", len(fake.posts) + n) for n, p in enumerate(posts))
        ),
    )

"""A fake Mastodon instance: ``/api/v2/instance``, ``/api/v1/timelines/tag/:tag`` and ``/api/v1/statuses/:id`` as
Mastodon 4.6 serves them.

Statuses and accounts have the fields of the status recorded by Mastodon.py's own test suite
(``../shared/data/api_payloads/mastodon_timeline_tag_mastodonpy_cassette.json``; tests/test_mastodon.py checks
the shapes match). Paging follows the Mastodon docs (api/guidelines.md#pagination): ``min_id`` pages forward
from an id, ``since_id`` returns the newest page above one, ``max_id`` pages back; ``limit`` defaults to 20, at
most 40; ``Link`` carries ``rel="next"`` (max_id) and ``rel="prev"`` (min_id). Every answer carries
``X-RateLimit-*`` headers with an ISO 8601 reset; a 429 answers ``{"error": "Too many requests"}``.

``GET /api/v1/statuses/:id`` (methods/statuses.md) answers the status, or 404 ``{"error": "Record not found"}``
when it was deleted, never existed, or may not be seen by the caller: a private (followers-only) status is shown
only to a token of an account that follows its author (``followed``), a direct one to nobody here. Statuses
deleted with ``delete`` leave the timelines too, as on Mastodon.
"""

from __future__ import annotations

import html
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from .social_fake import FakeAPI, FakeCase, Reply, Request, Scenario

TOKEN = "fake-mastodon-token"
TOKEN_ENV = "LISTENER_TEST_MASTODON_TOKEN"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def snowflake(moment: datetime, sequence: int = 0) -> str:
    return str((int(moment.timestamp() * 1000) << 16) + sequence)


def make_account(number: int, host: str = "localhost", **overrides: Any) -> dict[str, Any]:
    account_id = str(117020566092212359 + number)
    account = {
        "id": account_id,
        "username": f"user{number}",
        "acct": f"user{number}",
        "display_name": "",
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": "2026-08-01T00:00:00.000Z",
        "note": "",
        "url": f"http://{host}/@user{number}",
        "uri": f"http://{host}/ap/users/{account_id}",
        "avatar": f"http://{host}/avatars/original/missing.png",
        "avatar_static": f"http://{host}/avatars/original/missing.png",
        "avatar_description": "",
        "header": f"http://{host}/headers/original/missing.png",
        "header_static": f"http://{host}/headers/original/missing.png",
        "header_description": "",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 3,
        "last_status_at": "2026-08-01",
        "hide_collections": None,
        "show_media": True,
        "show_media_replies": True,
        "show_featured": True,
        "noindex": False,
        "feature_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
        "emojis": [],
        "roles": [],
        "fields": [],
    }
    account.update(overrides)
    return account


def make_status(
    created_at: datetime,
    text: str,
    tags: list[str],
    *,
    sequence: int = 0,
    account: dict[str, Any] | None = None,
    host: str = "localhost",
    **overrides: Any,
) -> dict[str, Any]:
    status_id = snowflake(created_at, sequence)
    account = account or make_account(sequence, host)
    links = " ".join(
        f'<a href="http://{host}/tags/{t}" class="mention hashtag" rel="tag">#<span>{t}</span></a>'
        for t in tags
    )
    status = {
        "id": status_id,
        "created_at": iso(created_at),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"http://{host}/ap/users/{account['id']}/statuses/{status_id}",
        "url": f"http://{host}/@{account['username']}/{status_id}",
        "replies_count": 1,
        "reblogs_count": 2,
        "favourites_count": 3,
        "quotes_count": 0,
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "content": f"<p>{text} {links}</p>",
        "filtered": [],
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account,
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": t.lower(), "url": f"http://{host}/tags/{t.lower()}"} for t in tags],
        "emojis": [],
        "tagged_collections": [],
        "quote": None,
        "card": None,
        "poll": None,
        "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
    }
    status.update(overrides)
    return status


def native_id(status: dict[str, Any]) -> str:
    """What listener stores as a status's id: the host its URI names and its id there (no username)."""
    host = status["uri"].split("//", 1)[1].split("/", 1)[0]
    return f"{host}/{status['uri'].rsplit('/', 1)[1]}"


def instance_document(domain: str, hashtag_feeds: str = "public") -> dict[str, Any]:
    """GET /api/v2/instance, trimmed to the parts clients read (the recorded one is 3 kB of the same shape)."""
    access = {"local": hashtag_feeds, "remote": hashtag_feeds}
    return {
        "domain": domain,
        "title": "Fake Mastodon",
        "version": "4.6.4",
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "",
        "usage": {"users": {"active_month": 0}},
        "languages": ["en"],
        "configuration": {
            "urls": {"streaming": f"ws://{domain}", "status": None, "about": f"http://{domain}/about"},
            "statuses": {
                "max_characters": 500,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "timelines_access": {
                "live_feeds": {"local": "public", "remote": "public"},
                "hashtag_feeds": access,
                "trending_link_feeds": {"local": "public", "remote": "public"},
            },
            "limited_federation": False,
        },
        "registrations": {"enabled": True, "approval_required": False, "message": None},
        "api_versions": {"mastodon": 11},
        "contact": {"email": "", "account": None},
        "rules": [],
    }


class FakeMastodon(FakeAPI):
    """Holds statuses; answers hashtag timelines. ``hashtag_feeds="authenticated"`` requires a token."""

    def __init__(self, statuses: list[dict[str, Any]] = (), hashtag_feeds: str = "public"):
        super().__init__()
        self.statuses = sorted(statuses, key=lambda s: int(s["id"]))
        self.hashtag_feeds = hashtag_feeds
        self.remaining = 300
        self.deleted: set[str] = set()  # ids of statuses deleted by their authors
        self.followed: set[str] = set()  # ids of accounts the token's account follows
        self.delays: list[float] = []  # seconds the next content requests take to answer

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1]

    def local_status(self, created_at: datetime, text: str, tags: list[str], **kwargs: Any) -> dict[str, Any]:
        """A status posted on this instance: its URI and URL name this server (start it first)."""
        return make_status(created_at, text, tags, host=self.host, **kwargs)

    def add(self, *statuses: dict[str, Any]) -> None:
        self.statuses = sorted([*self.statuses, *statuses], key=lambda s: int(s["id"]))

    def delete(self, *status_ids: str) -> None:
        self.deleted.update(status_ids)

    def edit(self, status_id: str, text: str) -> dict[str, Any]:
        """Edit a status as its author would: same id and place in the timelines, new content, ``edited_at``
        set (methods/statuses.md#edit; timelines serve the current version)."""
        status = next(s for s in self.statuses if s["id"] == status_id)
        links = status["content"][status["content"].find("<a ") :].removesuffix("</p>")
        status["content"] = f"<p>{text} {links}</p>" if links else f"<p>{text}</p>"
        status["edited_at"] = iso(datetime.now(UTC))
        return status

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next ``times`` content requests answer only after ``seconds`` (a server too slow to answer)."""
        self.delays.extend([seconds] * times)

    def route(self, request: Request) -> Reply:
        if request.path.rstrip("/") == "/api/v2/instance":
            return self._reply(200, instance_document(self.host, self.hashtag_feeds))
        timeline = re.fullmatch(r"/api/v1/timelines/tag/([^/]+)", request.path)
        status = re.fullmatch(r"/api/v1/statuses/([^/]+)", request.path)
        if not (timeline or status):
            return self._reply(404, {"error": "Record not found"})
        auth = request.headers.get("authorization")
        if self.credentials_rejected or (auth and auth != f"Bearer {TOKEN}"):
            return self._reply(401, {"error": "The access token is invalid"})
        if timeline and self.hashtag_feeds != "public" and not auth:
            return self._reply(401, {"error": "This method requires an authenticated user"})
        if self.delays:
            threading.Event().wait(self.delays.pop(0))  # not time.sleep: tests replace it
        failure = self.take_failure()
        if failure and failure.status == 429:
            return self._reply(
                429, {"error": "Too many requests"}, remaining=0, reset_after=failure.reset_after
            )
        if failure:
            return self._reply(failure.status, {"error": "We're sorry, but something went wrong"})
        if status:
            return self._status(status.group(1), signed_in=bool(auth))
        return self._timeline(request, timeline.group(1).lower())

    def _status(self, status_id: str, signed_in: bool) -> Reply:
        found = next((s for s in self._served() if s["id"] == status_id), None)
        if found is None or not self._may_see(found, signed_in):
            return self._reply(404, {"error": "Record not found"})
        return self._reply(200, found)

    def _may_see(self, status: dict[str, Any], signed_in: bool) -> bool:
        if status["visibility"] in ("public", "unlisted"):
            return True
        return status["visibility"] == "private" and signed_in and status["account"]["id"] in self.followed

    def _timeline(self, request: Request, tag: str) -> Reply:
        limit = max(1, min(40, int(request.arg("limit", "20"))))
        local = request.arg("local") in ("true", "1", "True")
        items = [s for s in self._served() if tag in {t["name"] for t in s["tags"]}]
        if local:
            items = [s for s in items if "@" not in s["account"]["acct"]]
        items = [s for s in items if s["visibility"] == "public"]  # tag timelines never show unlisted posts
        page = _window(items, request, limit)
        headers = {}
        if page:
            base = f"{self.url}{request.path}"
            headers["Link"] = (
                f'<{base}?max_id={page[-1]["id"]}>; rel="next", <{base}?min_id={page[0]["id"]}>; rel="prev"'
            )
        return self._reply(200, page, extra=headers)

    def _served(self) -> list[dict[str, Any]]:
        statuses = [s for s in self.statuses if s["id"] not in self.deleted]
        if not self.malformed or not statuses:
            return statuses
        oldest = statuses[0]  # the broken copy sorts next to it, on the same page
        broken = dict(oldest, id=str(int(oldest["id"]) + 1), created_at="not a time", uri=oldest["uri"] + "x")
        return sorted([*statuses, broken], key=lambda s: int(s["id"]))

    def _reply(
        self, status: int, body: Any, *, remaining: int | None = None, reset_after: float = 300, extra=None
    ) -> Reply:
        self.remaining = max(0, self.remaining - 1) if remaining is None else remaining
        reset = datetime.now(UTC) + timedelta(seconds=reset_after)
        headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            **(extra or {}),
        }
        return Reply(status, body, headers)


def _window(items: list[dict[str, Any]], request: Request, limit: int) -> list[dict[str, Any]]:
    """Mastodon's id paging over items sorted oldest first; the page comes newest first."""
    max_id, since_id, min_id = (request.arg(k) for k in ("max_id", "since_id", "min_id"))
    if max_id:
        items = [s for s in items if int(s["id"]) < int(max_id)]
    if min_id:
        chosen = [s for s in items if int(s["id"]) > int(min_id)][:limit]
    else:
        if since_id:
            items = [s for s in items if int(s["id"]) > int(since_id)]
        chosen = items[-limit:]
    return list(reversed(chosen))


def scenario(now: datetime | None = None) -> Scenario:
    """Five public #GSTT posts an hour apart, plus one unlisted and one from an account that opted out."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    times = [now - timedelta(hours=h) for h in (10, 9, 8, 7, 6)]
    statuses = [
        make_status(t, f"Post {n} about Guy's and St Thomas'", ["GSTT"], sequence=n)
        for n, t in enumerate(times)
    ]
    statuses.append(
        make_status(
            now - timedelta(hours=8, minutes=30), "Unlisted", ["GSTT"], sequence=7, visibility="unlisted"
        )
    )
    opted_out = make_account(8, noindex=True)
    statuses.append(
        make_status(
            now - timedelta(hours=7, minutes=30), "No index please", ["GSTT"], sequence=8, account=opted_out
        )
    )
    return Scenario(
        kind="mastodon",
        env={TOKEN_ENV: TOKEN},
        auth_env=TOKEN_ENV,
        posts=5,
        until=now - timedelta(hours=7, minutes=15),
        posts_before_until=3,
        make_fake=lambda: FakeMastodon(statuses),
        options=lambda url: {
            "instances": [url],
            "hashtags": ["GSTT"],
            "organisation_hashtags": False,
            "access_token_env": TOKEN_ENV,
            "lookback": "2d",
            "page_size": 2,
        },
        seeded=statuses,
    )


def contract_case() -> FakeCase:
    """The shared contract test's case (/work/CONTRACT_CASE.md): #GSTT on one fake instance, with a token."""
    return FakeCase(
        kind="mastodon",
        make_fake=FakeMastodon,
        options=lambda url: {
            "instances": [url],
            "hashtags": ["GSTT"],
            "organisation_hashtags": False,
            "access_token_env": TOKEN_ENV,
            "lookback": "7d",
            "page_size": 2,
        },
        env={TOKEN_ENV: TOKEN},
        seed_posts=_seed,
    )


def _seed(fake: FakeMastodon, posts: Any) -> None:
    fake.add(
        *(
            make_status(post.created_at, html.escape(post.text), ["GSTT"], sequence=len(fake.statuses) + n)
            for n, post in enumerate(posts)
        )
    )

"""A fake Reddit: the OAuth token endpoint, ``/r/{subreddit}/search`` and ``/api/info``, as PRAW's recorded
cassettes show them.

Posts (``t3``) carry the fields of the search listing in
``../shared/data/api_payloads/reddit_search_listing_praw_cassette.json`` plus ``author_fullname`` (tests check
the shapes). The token endpoint takes HTTP Basic client credentials and ``grant_type=client_credentials``;
search honours ``q`` (quoted phrases and words joined by OR), ``sort=new``, ``restrict_sr``, ``limit`` (at most
100) and ``after`` (a fullname), and lists 1,000 posts at most, as Reddit does. Every answer carries
``x-ratelimit-used``, ``x-ratelimit-remaining`` (a float) and ``x-ratelimit-reset`` (seconds); errors are
``{"message", "error"}``; a 401 carries ``www-authenticate``; an unknown subreddit redirects to the subreddit
search page, as Reddit does.

``/api/info?id=t3_a,t3_b`` (at most 100 fullnames) answers a Listing of the posts it still has, in the order
asked. ``delete(fullname, by=...)`` plays what Reddit does: a post its author deleted stays listed with
``author`` and ``selftext`` ``[deleted]`` and ``removed_by_category: "deleted"``; one moderators removed keeps
its author but has ``selftext: "[removed]"`` and ``removed_by_category: "moderator"``; a purged one (spam, a
suspended account) is no longer found at all. Search still lists deleted and removed posts, marked, as it
lists the scenario's ``[deleted]`` post; purged ones it no longer finds. ``edit(fullname, selftext)`` plays an
author's edit: search and ``/api/info`` serve the new ``selftext``, and ``edited`` (``false`` until then)
becomes the time of the edit in epoch seconds, as the JSON docs of reddit-archive/reddit's wiki describe it.
"""

from __future__ import annotations

import base64
import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from .social_fake import FakeAPI, FakeCase, Reply, Request, Scenario

CLIENT_ID = "fake-client-id"
SECRET = "fake-client-secret"
ID_ENV = "LISTENER_TEST_REDDIT_CLIENT_ID"
SECRET_ENV = "LISTENER_TEST_REDDIT_CLIENT_SECRET"
USER_AGENT = "python:org.example.listener-tests:v0.1 (by /u/listener_test)"


def make_submission(created_at: datetime, title: str, number: int, subreddit: str = "NHS", **overrides: Any):
    post_id = f"{number:06x}"
    data = {
        "domain": f"self.{subreddit}",
        "banned_by": None,
        "media_embed": {},
        "subreddit": subreddit,
        "selftext_html": None,
        "selftext": "",
        "likes": None,
        "suggested_sort": None,
        "user_reports": [],
        "secure_media": None,
        "link_flair_text": None,
        "id": post_id,
        "from_kind": None,
        "gilded": 0,
        "archived": False,
        "clicked": False,
        "report_reasons": None,
        "author": f"redditor{number}",
        "author_fullname": f"t2_{number:08x}",
        "media": None,
        "score": 4,
        "approved_by": None,
        "over_18": False,
        "hidden": False,
        "num_comments": 2,
        "thumbnail": "self",
        "subreddit_id": "t5_2qhk8",
        "hide_score": False,
        "edited": False,
        "link_flair_css_class": None,
        "author_flair_css_class": None,
        "downs": 0,
        "secure_media_embed": {},
        "saved": False,
        "removal_reason": None,
        "stickied": False,
        "from": None,
        "is_self": True,
        "from_id": None,
        "permalink": f"/r/{subreddit}/comments/{post_id}/post_{number}/",
        "locked": False,
        "name": f"t3_{post_id}",
        "created": created_at.timestamp(),
        "url": f"https://www.reddit.com/r/{subreddit}/comments/{post_id}/post_{number}/",
        "author_flair_text": None,
        "quarantine": False,
        "title": title,
        "created_utc": created_at.timestamp(),
        "distinguished": None,
        "mod_reports": [],
        "visited": False,
        "num_reports": None,
        "ups": 4,
    }
    data.update(overrides)
    return data


class FakeReddit(FakeAPI):
    def __init__(self, posts: list[dict[str, Any]] = (), subreddits: tuple[str, ...] = ("NHS", "doctorsUK")):
        super().__init__()
        self.posts = list(posts)
        self.subreddits = {s.lower() for s in subreddits}
        self.tokens: set[str] = set()
        self._serial = itertools.count(1)
        self.window_remaining = 996.0
        # PRAW's docs (ListingGenerator, "limit"): "most of Reddit's listings contain a maximum of 1000 items"
        self.listing_limit = 1000
        self.purged: set[str] = set()
        # subreddits Reddit will not show, by the reason its error body gives, as PRAW's Subreddit docs and
        # prawcore's tests show: {"reason": "private"|"quarantined", "message": "Forbidden", "error": 403}, and
        # 404 with "reason": "banned"
        self.closed: dict[str, str] = {}

    def add(self, *posts: dict[str, Any]) -> None:
        self.posts.extend(posts)

    def delete(self, fullname: str, by: str = "author") -> None:
        """Delete a post as its ``author`` would, or remove it as a ``moderator`` would, or ``purge`` it."""
        post = next(p for p in self.posts if p.get("name") == fullname)
        if by == "purge":
            self.purged.add(fullname)
        elif by == "author":
            post.update(author="[deleted]", selftext="[deleted]", removed_by_category="deleted")
            post.pop("author_fullname", None)
        elif by == "moderator":
            post.update(selftext="[removed]", removed_by_category="moderator")
        else:
            raise ValueError(f"unknown deletion {by!r}")

    def edit(self, fullname: str, selftext: str, at: datetime | None = None) -> None:
        """The author edits a post's text (Reddit lets no one edit a title)."""
        post = next(p for p in self.posts if p.get("name") == fullname)
        post.update(selftext=selftext, edited=(at or datetime.now(UTC)).timestamp())

    def route(self, request: Request) -> Reply:
        if request.path == "/api/v1/access_token":
            return self._token(request)
        info = re.fullmatch(r"/api/info/?(?:\.json)?", request.path)
        match = re.fullmatch(r"/r/([^/]+)/search/?(?:\.json)?", request.path)
        if not match and not info:
            return self._reply(404, {"message": "Not Found", "error": 404})
        if match and match.group(1).lower() not in self.subreddits:
            return Reply(
                302, "", {"Location": f"{self.url}/subreddits/search?q={match.group(1)}"}, "text/html"
            )
        closed = self.closed.get(match.group(1).lower()) if match else None
        if closed:
            status, message = (404, "Not Found") if closed == "banned" else (403, "Forbidden")
            return self._reply(status, {"reason": closed, "message": message, "error": status})
        token = request.headers.get("authorization", "").removeprefix("bearer ")
        if self.credentials_rejected or token not in self.tokens:
            headers = {"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'}
            return self._reply(401, {"message": "Unauthorized", "error": 401}, extra=headers)
        failure = self.take_failure()
        if failure and failure.status == 429:
            return self._reply(
                429, {"message": "Too Many Requests", "error": 429}, remaining=0.0, reset=failure.reset_after
            )
        if failure:
            return self._reply(failure.status, {"message": "Internal Server Error", "error": failure.status})
        return self._info(request) if info else self._search(request, match.group(1))

    def _token(self, request: Request) -> Reply:
        expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        form = parse_qs(request.body.decode())
        if self.credentials_rejected or request.headers.get("authorization") != f"Basic {expected}":
            return self._reply(401, {"message": "Unauthorized", "error": 401})
        if form.get("grant_type") != ["client_credentials"]:
            return self._reply(200, {"error": "unsupported_grant_type"})
        token = f"fake-access-token-{next(self._serial)}"
        self.tokens.add(token)
        return self._reply(
            200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    def _search(self, request: Request, subreddit: str) -> Reply:
        limit = max(1, min(100, int(request.arg("limit", "25"))))
        terms = _terms(request.arg("q", ""))
        hits = [
            p for p in self._served() if p["subreddit"].lower() == subreddit.lower() and _matches(p, terms)
        ]
        hits.sort(key=lambda p: p["created_utc"] if isinstance(p["created_utc"], float) else 0, reverse=True)
        hits = hits[: self.listing_limit]  # the older ones are not listed at all, whatever the paging
        after = request.arg("after")
        if after:
            names = [p.get("name") for p in hits]
            hits = hits[names.index(after) + 1 :] if after in names else []
        page = hits[:limit]
        return self._reply(200, _listing(page, after=page[-1].get("name") if len(hits) > limit else None))

    def _info(self, request: Request) -> Reply:
        names = [n for n in (request.arg("id") or "").split(",") if n]
        if len(names) > 100:
            return self._reply(400, {"message": "Bad Request", "error": 400})
        by_name = {p["name"]: p for p in self.posts if p.get("name") not in self.purged}
        found = [by_name[n] for n in names if n in by_name]
        return self._reply(200, _listing(found, after=None))

    def _served(self) -> list[dict[str, Any]]:
        shown = [p for p in self.posts if p.get("name") not in self.purged]
        if not self.malformed or not shown:
            return shown
        broken = {k: v for k, v in shown[0].items() if k != "name"}  # no fullname; sorts next to it
        return [*shown, broken]

    def _reply(
        self,
        status: int,
        body: Any,
        *,
        remaining: float | None = None,
        reset: float = 240,
        extra: dict | None = None,
    ) -> Reply:
        self.window_remaining = max(0.0, self.window_remaining - 1) if remaining is None else remaining
        headers = {
            "x-ratelimit-used": str(int(1000 - self.window_remaining)),
            "x-ratelimit-remaining": f"{self.window_remaining:.1f}",
            "x-ratelimit-reset": str(int(reset)),
            **(extra or {}),
        }
        return Reply(status, body, headers, "application/json; charset=UTF-8")


def _listing(posts: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(posts),
            "modhash": "",
            "geo_filter": "",
            "children": [{"kind": "t3", "data": p} for p in posts],
            "before": None,
        },
    }


def _terms(query: str) -> list[str]:
    return [t.strip().strip('"').lower() for t in re.split(r"\s+OR\s+", query) if t.strip()]


def _matches(post: dict[str, Any], terms: list[str]) -> bool:
    text = f"{post['title']} {post['selftext']}".lower()
    return any(term in text for term in terms)


def scenario(now: datetime | None = None) -> Scenario:
    """Five r/NHS posts naming St Thomas' an hour apart, one deleted, one NSFW, one in another subreddit."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    posts = [
        make_submission(
            now - timedelta(hours=h), f"Post {h}: A&E at St Thomas' tonight", h, selftext="Long wait."
        )
        for h in (10, 9, 8, 7, 6)
    ]
    posts.append(
        make_submission(
            now - timedelta(hours=5), "[deleted] at St Thomas'", 50, author="[deleted]", selftext="[deleted]"
        )
    )
    posts.append(make_submission(now - timedelta(hours=4), "NSFW St Thomas'", 51, over_18=True))
    posts.append(
        make_submission(now - timedelta(hours=3), "St Thomas' elsewhere", 52, subreddit="unitedkingdom")
    )
    return Scenario(
        kind="reddit",
        env={ID_ENV: CLIENT_ID, SECRET_ENV: SECRET},
        auth_env=SECRET_ENV,
        posts=5,
        until=now - timedelta(hours=7, minutes=30),
        posts_before_until=3,
        make_fake=lambda: FakeReddit(posts),
        options=lambda url: _options(url, query='"St Thomas"'),
        seeded=posts,
    )


def _options(url: str, query: str) -> dict[str, Any]:
    return {
        "subreddits": ["NHS"],
        "query": query,
        "user_agent": USER_AGENT,
        "client_id_env": ID_ENV,
        "client_secret_env": SECRET_ENV,
        "oauth_url": url,
        "reddit_url": url,
        "short_url": url,
        "page_size": 2,
        "lookback": "7d",
        "max_retries": 1,  # prawcore already retries a 5xx twice: 2 x 3 attempts at most
    }


def contract_case() -> FakeCase:
    """The shared contract test's case (/work/CONTRACT_CASE.md): r/NHS searched for the test's posts."""
    return FakeCase(
        kind="reddit",
        make_fake=FakeReddit,
        options=lambda url: _options(url, query='"St Thomas"'),
        env={ID_ENV: CLIENT_ID, SECRET_ENV: SECRET},
        seed_posts=lambda fake, posts: fake.add(
            *(
                make_submission(
                    p.created_at, p.text, len(fake.posts) + n, selftext="About St Thomas' Hospital"
                )
                for n, p in enumerate(posts)
            )
        ),
    )

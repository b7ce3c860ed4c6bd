"""A fake X API v2 on 127.0.0.1: recent and full-archive search and post lookup, over real HTTP.

It holds a corpus of posts and answers as X documents (docs.x.com: search "Paginate", "Build a query", "Rate
limits", "Response codes and errors"): results newest first within and across pages, ``next_token`` paging,
``since_id``/``until_id`` exclusive, ``start_time`` inclusive and ``end_time`` exclusive (an id bound next to a
time bound is a 400), ``meta.newest_id``,
``oldest_id``, ``result_count`` and ``next_token``, ``includes.users`` for the ``author_id`` expansion, the 7-day
window of recent search (older ``since_id``/``start_time`` are a 400), query length limits, the x-rate-limit-*
headers, and lookup ``errors[]`` for posts it no longer serves.

An edit (``edit``) is a new post with a new id; every version then lists the whole chain, oldest first, in
``edit_history_tweet_ids`` (docs.x.com "Edit Posts": the original's own object in its example lists both ids),
and search finds only the newest version. X documents two answers to a lookup of an older version's id: the
Edit Posts page says a lookup by id returns that version ("To get a specific version, request it by its post
ID directly"; its example looks up the first id to get the original text), which the fake does by default; the
Post lookup pages say the endpoint "always returns the most recent version", which it does with
``lookup_serves_newest = True``.

Faults are scripted per request, in order: ``fake.script(None, "server_error")`` lets one request through, then
answers the next with a 503. Error bodies are X's real ones, from ../shared/data/api_payloads/x_error_examples.json.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fakes.x_query_match import QueryError, compile_query

SNOWFLAKE_EPOCH_MS = 1288834974657
RECENT_WINDOW = timedelta(days=7)
POST_ID = re.compile(r"^[0-9]{1,19}$")  # X's pattern for a post id (its 400 quotes it)
TOKEN = "test-bearer-token"
UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
SERVICE_UNAVAILABLE = {
    "title": "Service Unavailable",
    "type": "about:blank",
    "status": 503,
    "detail": "Service Unavailable",
}
FAULT_EXAMPLES = {  # fault -> entry of x_error_examples.json
    "rate_limited": "rate_limited_429",
    "usage_capped": "usage_capped_429",
    "credits_depleted": "credits_depleted_402",
    "client_forbidden": "client_forbidden_403",
    "invalid_request": "invalid_request_400",
    "partial_errors": "partial_error_200",
}


def shared_data_dir() -> Path:
    """../shared/data next to the repository, or $LISTENER_SHARED_DATA."""
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    return Path(os.environ.get("LISTENER_SHARED_DATA") or default)


def error_examples() -> dict[str, Any]:
    path = shared_data_dir() / "api_payloads" / "x_error_examples.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Fault:
    """What to do with one request instead of answering it normally."""

    kind: (
        str  # a FAULT_EXAMPLES key, or unauthorized, server_error, slow, malformed, truncated, cut_connection
    )
    reset_in: float = 60.0  # rate_limited: seconds until x-rate-limit-reset
    delay: float = 0.5  # slow: seconds before answering


@dataclass
class Served:
    """One request as the fake saw it, and the post ids it returned."""

    path: str
    params: dict[str, str]
    status: int
    ids: list[str] = field(default_factory=list)


class FakeXApi:
    """The server and its corpus. Use as a context manager; ``base_url`` is where it listens."""

    def __init__(self, clock=time.time, token: str = TOKEN):
        self.clock = clock
        self.token = token
        self.posts: dict[str, dict[str, Any]] = {}
        self.users: dict[str, str] = {}  # username -> id
        self.gone: dict[str, str] = {}  # post id -> problem type, for lookups
        self.faults: deque[Fault | None] = deque()
        self.served: list[Served] = []
        self.lookup_serves_newest = False  # a lookup of an older version's id answers with the newest version
        self._sequence = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeXApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # The corpus

    def add_post(
        self, text: str, username: str = "someone", *, age: timedelta = timedelta(0), **fields: Any
    ) -> str:
        """Add a post created ``age`` ago; return its id (a snowflake, so ids follow creation time)."""
        created = datetime.fromtimestamp(self.clock(), UTC) - age
        with self._lock:
            self._sequence += 1
            millis = int(created.timestamp() * 1000)
            post_id = str(((millis - SNOWFLAKE_EPOCH_MS) << 22) | (self._sequence & 0x3FFFFF))
            author_id = self.users.setdefault(username, str(10_000 + len(self.users)))
        self.posts[post_id] = {
            "id": post_id,
            "text": text,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
            "author_id": author_id,
            "lang": fields.pop("lang", "en"),
            "conversation_id": post_id,
            "edit_history_tweet_ids": [post_id],
            "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2, "quote_count": 0},
            "_username": username,
            "_created": created,
            **fields,
        }
        return post_id

    def edit(self, post_id: str, text: str) -> str:
        """The author edits a post: a new version with a new id; every version lists the chain's ids, oldest
        first. Search returns only the newest version; a lookup by id, the version asked for (see above)."""
        old = self.posts[post_id]
        new_id = self.add_post(text, old["_username"], lang=old["lang"])
        chain = [*old["edit_history_tweet_ids"], new_id]
        for version in chain:
            self.posts[version]["edit_history_tweet_ids"] = chain
        old["_superseded"] = True
        return new_id

    def delete(self, post_id: str, problem: str = "resource-not-found") -> None:
        """The post is gone from X (deleted, or ``not-authorized-for-resource`` when made protected)."""
        self.posts.pop(post_id, None)
        self.gone[post_id] = problem

    def withhold(self, post_id: str, countries: list[str], copyright: bool = False) -> None:
        """The post is withheld in these countries (X still returns it, with a ``withheld`` object)."""
        self.posts[post_id]["withheld"] = {"copyright": copyright, "country_codes": countries}

    def script(self, *faults: Fault | str | None) -> None:
        """Answer the next requests, in order, with these faults (None: answer normally)."""
        self.faults.extend(Fault(f) if isinstance(f, str) else f for f in faults)

    def served_ids(self, since: int = 0) -> list[str]:
        """Post ids returned by search since request number ``since``."""
        return [i for s in self.served[since:] for i in s.ids]

    # Answers

    def search(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        archive = path.endswith("/all")
        try:
            matches = self._filter(params, archive)
        except (QueryError, ValueError) as exc:
            return 400, _invalid_request(str(exc), "query")
        size = int(params.get("max_results", 10))
        start = 0
        if "next_token" in params:
            after = base64.urlsafe_b64decode(params["next_token"]).decode()
            start = next((i for i, p in enumerate(matches) if int(p["id"]) < int(after)), len(matches))
        page = matches[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + size < len(matches):
            meta["next_token"] = base64.urlsafe_b64encode(page[-1]["id"].encode()).decode()
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = [_fields(p, params) for p in page]
            if "author_id" in params.get("expansions", ""):
                authors = dict.fromkeys(p["author_id"] for p in page)
                body["includes"] = {"users": [self._user(a, params) for a in authors]}
        return 200, body

    def _filter(self, params: dict[str, str], archive: bool) -> list[dict[str, Any]]:
        query = params.get("query")
        if not query:
            raise ValueError("The 'query' parameter is required.")
        limit = 1024 if archive else 512
        if len(query) > limit:
            raise ValueError(f"The 'query' parameter must be at most {limit} characters, got {len(query)}")
        most = 500 if archive else 100
        if not 10 <= int(params.get("max_results", 10)) <= most:
            raise ValueError(f"The 'max_results' parameter must be between 10 and {most}")
        for one, other in (("since_id", "start_time"), ("until_id", "end_time")):
            if one in params and other in params:
                raise ValueError(f"Only one of '{one}' and '{other}' may be given")
        if {"since_id", "until_id"} & params.keys() and {"start_time", "end_time"} & params.keys():
            # X's own words (a 400 seen in the wild, and twarc PR #451)
            raise ValueError(
                "Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or 'end_time'."
            )
        now = datetime.fromtimestamp(self.clock(), UTC)
        oldest = None if archive else now - RECENT_WINDOW
        lower = _time(params["start_time"]) if "start_time" in params else None
        if "since_id" in params:
            lower = None
            if oldest and _snowflake_time(params["since_id"]) < oldest:
                raise ValueError(  # X's words, as quoted by public clients that handle this 400
                    f"'since_id' must be a tweet id created after {oldest:%Y-%m-%dT%H:%MZ}. Please use a "
                    f"'since_id' that is larger than {_snowflake_at(oldest)}"
                )
        if oldest and lower and lower < oldest:
            raise ValueError("Invalid 'start_time': must be on or after the start of the last 7 days")
        upper = _time(params["end_time"]) if "end_time" in params else None
        matches = compile_query(query)
        found = [
            p
            for p in self.posts.values()
            if not p.get("_superseded")
            and (oldest is None or p["_created"] >= oldest)
            and ("since_id" not in params or int(p["id"]) > int(params["since_id"]))
            and ("until_id" not in params or int(p["id"]) < int(params["until_id"]))
            and (lower is None or p["_created"] >= lower)
            and (upper is None or p["_created"] < upper)
            and matches(p)
        ]
        return sorted(found, key=lambda p: int(p["id"]), reverse=True)

    def lookup(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        ids = [i for i in params.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 100:
            return 400, _invalid_request("The 'ids' parameter must hold 1 to 100 ids", "ids")
        for bad in (i for i in ids if not POST_ID.fullmatch(i)):  # one bad id refuses the whole request
            return 400, _invalid_request(
                f"The `ids` query parameter value [{bad}] does not match {POST_ID.pattern}", "ids"
            )
        body: dict[str, Any] = {}
        found = [_fields(self._version_served(i), params) for i in ids if i in self.posts]
        if found:
            body["data"] = found
        errors = [
            _lookup_error(i, self.gone.get(i, "resource-not-found")) for i in ids if i not in self.posts
        ]
        if errors:
            body["errors"] = errors
        return 200, body

    def _version_served(self, post_id: str) -> dict[str, Any]:
        """The version a lookup of ``post_id`` answers with: that one, or the newest (see above)."""
        post = self.posts[post_id]
        return self.posts[post["edit_history_tweet_ids"][-1]] if self.lookup_serves_newest else post

    def _user(self, author_id: str, params: dict[str, str]) -> dict[str, Any]:
        username = next(name for name, uid in self.users.items() if uid == author_id)
        return {"id": author_id, "name": username.title(), "username": username}


def _fields(post: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """The post as X returns it: id, text and edit history, plus the tweet.fields asked for."""
    wanted = {"id", "text", "edit_history_tweet_ids", *params.get("tweet.fields", "").split(",")}
    return {k: v for k, v in post.items() if k in wanted and not k.startswith("_")}


def _invalid_request(message: str, parameter: str) -> dict[str, Any]:
    """A 400 as X sends one for a parameter it refuses: the reason is in ``errors[].message``, the ``detail`` is
    generic (bodies recorded in public X clients' tests, e.g. "The `ids` query parameter value [foo] does not
    match ^[0-9]{1,19}$"; docs.x.com "Response codes and errors": "Additional fields may be present")."""
    return {
        "errors": [{"parameters": {parameter: []}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def _lookup_error(post_id: str, problem: str) -> dict[str, Any]:
    return {
        "value": post_id,
        "detail": f"Could not find tweet with ids: [{post_id}].",
        "title": "Not Found Error" if problem == "resource-not-found" else "Authorization Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": post_id,
        "type": f"https://api.twitter.com/2/problems/{problem}",
    }


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _snowflake_at(moment: datetime) -> int:
    return (int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22


def _snowflake_time(post_id: str) -> datetime:
    return datetime.fromtimestamp(((int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, UTC)


def _handler(fake: FakeXApi) -> type[BaseHTTPRequestHandler]:
    from tests.fakes.x_api_http import XApiHandler

    return type("Handler", (XApiHandler,), {"fake": fake})


def x_source_yaml(base_url: str, name: str = "x-search", **options: Any) -> str:
    """A ``sources:`` block with one X source pointed at the fake (for make_config)."""
    lines = [f"  - name: {name}", "    kind: x", f"    api_base_url: {base_url}"]
    lines += [f"    {key}: {json.dumps(value)}" for key, value in options.items()]
    return "sources:\n" + "\n".join(lines) + "\n"

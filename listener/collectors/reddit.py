"""``kind: reddit``: search within chosen subreddits, newest first, through PRAW.

Each subreddit is a stream (or several, when the organisations' names make a query longer than Reddit's 512
characters). Reddit has no "since id": the search runs with ``sort=new`` and stops at the first post older than
``overlap`` before the newest one stored last time; the cursor (that post's ``created_utc`` and the posts at that
second) is saved once the run has read every page. The overlap is there because Reddit's search index takes
posts in late, so a post can turn up older than posts already read (the store keeps each post once). PRAW
handles the OAuth token and paces requests with the ``x-ratelimit-*`` headers; the collector's session
(reddit_session.py) makes sure no wait exceeds ``max_wait`` and that a 429 never loops.

Deleted and removed posts (``[deleted]``, ``[removed]``) and NSFW posts are skipped: Reddit's Data API terms
require deleted content to be removed, and NSFW content is not available on the free tier. Posts deleted after
they were stored are found by ``gone`` (``GET /api/info``, 100 fullnames a request) for ``listener compliance``.

Reddit keeps a post's fullname when its author edits it and says so in ``edited`` (``false``, else the time of
the last edit): such a post is read as ``edited``, so its stored text follows the new one, both when a run
reads it again inside the overlap and when ``gone`` finds it, whose answer carries the current title and text
anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field, field_validator

from listener.collectors.base import (
    CollectedPost,
    Collector,
    DeletionCheck,
    Page,
    check_in_chunks,
)
from listener.collectors.http import HttpOptions, Patience, RequestCounter, TransientError
from listener.collectors.reddit_session import RedditSession
from listener.collectors.watermark import Watermark
from listener.config import parse_duration, parse_duration_or_zero
from listener.errors import CollectorError

log = logging.getLogger(__name__)

PLATFORM = "reddit"
MAX_QUERY = 512  # Reddit's limit on a search query
GONE = {"[deleted]", "[removed]"}
INFO_BATCH = 100  # fullnames one /api/info request takes
# Reddit ends a listing after about 1,000 items (PRAW's docs: "most of Reddit's listings contain a maximum of
# 1000 items"), a few less when some are filtered out; a search that ends after this many may have been cut off.
LISTING_CUT_OFF = 900


class RedditOptions(HttpOptions):
    subreddits: tuple[str, ...] = Field(min_length=1)
    query: str | None = Field(None, min_length=1, max_length=MAX_QUERY)
    user_agent: str = Field(pattern=r"^\S+:\S+:\S+ \(by /?u/[A-Za-z0-9_-]{3,20}\)$")
    client_id_env: str = "LISTENER_REDDIT_CLIENT_ID"
    client_secret_env: str = "LISTENER_REDDIT_CLIENT_SECRET"
    lookback: timedelta = timedelta(days=7)
    overlap: timedelta = timedelta(hours=1)
    page_size: int = Field(100, ge=1, le=100)
    oauth_url: str = Field("https://oauth.reddit.com", pattern=r"^https?://\S+$")
    reddit_url: str = Field("https://www.reddit.com", pattern=r"^https?://\S+$")
    short_url: str = Field("https://redd.it", pattern=r"^https?://\S+$")

    @field_validator("subreddits", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(str(name).strip().removeprefix("/").removeprefix("r/") for name in value)
        return value

    @field_validator("lookback", mode="before")
    @classmethod
    def _lookback_duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("overlap", mode="before")
    @classmethod
    def _overlap_duration(cls, value: Any) -> Any:
        return parse_duration_or_zero(value)


class RedditCollector(Collector):
    kind = "reddit"
    Options = RedditOptions
    options: RedditOptions
    checks_deletions = True

    def __init__(self, source, config):
        super().__init__(source, config)
        self.counter = RequestCounter()
        self.patience = Patience(self.name, self.options, self.counter)
        self.session = RedditSession(self.name, self.options, self.counter)

    def streams(self) -> list[str]:
        chunks = self._queries()
        suffix = [f" ({n}/{len(chunks)})" for n in range(1, len(chunks) + 1)] if len(chunks) > 1 else [""]
        return [f"r/{sub}{s}" for sub in self.options.subreddits for s in suffix]

    def _queries(self) -> list[str]:
        if self.options.query:
            return [self.options.query]
        terms = [f'"{t}"' for org in self.config.organisations for t in (org.name, *org.aliases)]
        if not terms:
            raise CollectorError(f"source {self.name}: no query: set query, or add organisations to config")
        chunks = [terms[0]]
        for term in terms[1:]:
            joined = f"{chunks[-1]} OR {term}"
            chunks[-1:] = [joined] if len(joined) <= MAX_QUERY else [chunks[-1], term]
        return chunks

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        subreddit, _, part = stream.removeprefix("r/").partition(" ")
        query = self._queries()[int(part.strip("()").split("/")[0]) - 1 if part else 0]
        self.session.open()  # outside the retries: a missing credential fails at once
        self.counter.take()
        saved_utc = (cursor or {}).get("created_utc")
        saved = datetime.fromtimestamp(float(saved_utc), UTC) if saved_utc is not None else None
        seen = set((cursor or {}).get("seen") or ()) if saved else set()
        start = saved - self.options.overlap if saved else datetime.now(UTC) - self.options.lookback
        stop_before = start.timestamp()
        params = {"q": query, "sort": "new", "t": "all", "restrict_sr": "on", "limit": self.options.page_size}
        newest = Watermark(saved, set(seen))  # starts at the saved cursor: never moves back
        listed = 0
        while True:
            listing = self.patience.call(
                f"search r/{subreddit}",
                lambda p=dict(params): self.session.get(f"r/{subreddit}/search", p, f"r/{subreddit}"),
            )
            children, after = _children(listing)
            listed += len(children)
            page, reached_old = self._page(children, stream, stop_before, seen, until, newest)
            page.requests = self.counter.take()
            yield page
            if reached_old or not after or not children:
                break
            params["after"] = after
        if not reached_old and listed >= LISTING_CUT_OFF:
            log.warning(
                "%s: %s: Reddit's search stopped after %d posts, before reaching %s: posts between then and "
                "the oldest one read are missing (Reddit lists about 1,000 at most); run this source more "
                "often, or with a narrower query",
                self.name,
                stream,
                listed,
                start.isoformat(timespec="seconds"),
            )
        if newest.time is not None and (newest.time, newest.ids) != (saved, seen):
            yield Page(cursor={"created_utc": newest.time.timestamp(), "seen": newest.seen()})

    def _page(
        self,
        children: list[Any],
        stream: str,
        stop_before: float,
        seen: set[str],
        until: datetime | None,
        newest: Watermark,
    ) -> tuple[Page, bool]:
        """The page's posts, and whether it reached posts older than the last run's; ``newest`` moves past
        every post read, kept or left out (a deleted or NSFW post need not be read again)."""
        page = Page(read=len(children))
        left_out = {"deleted or removed": 0, "NSFW": 0}
        for child in children:
            data = child.get("data") if isinstance(child, Mapping) else None
            try:
                post = _post(data)
            except (KeyError, TypeError, ValueError) as exc:
                name = data.get("name") if isinstance(data, Mapping) else None
                log.warning("%s: %s: item %s skipped: %s", self.name, stream, name, exc)
                continue
            created = post.created_at.timestamp()
            if created < stop_before:
                return page, True  # older than what the last run stored: the rest is older still
            if post.native_id in seen or (until is not None and post.created_at >= until):
                continue
            newest.see(post)
            if _removed(data):
                left_out["deleted or removed"] += 1
            elif data.get("over_18"):
                left_out["NSFW"] += 1
            else:
                page.posts.append(post)
        if any(left_out.values()):
            log.info(
                "%s: %s: skipped %s",
                self.name,
                stream,
                ", ".join(f"{n} {r}" for r, n in left_out.items() if n),
            )
        return page, False

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Stored posts (``t3_`` fullnames) Reddit no longer serves. ``/api/info`` leaves out posts it cannot
        find and still returns deleted and removed ones, marked ``[deleted]``/``[removed]`` or with
        ``removed_by_category``: both are gone, as are posts marked NSFW since, which are not collected. Posts
        it serves marked ``edited`` are handed back in ``edited``: the answer carries their current text."""
        self.session.open()  # outside the retries: a missing credential fails at once
        edited: list[CollectedPost] = []
        check = check_in_chunks(
            native_ids, INFO_BATCH, lambda ids: self._look_up(ids, edited), lambda: self.counter.total
        )
        check.edited = edited
        return check

    def _look_up(self, fullnames: list[str], edited: list[CollectedPost]) -> tuple[set[str], int]:
        params = {"id": ",".join(fullnames)}
        listing = self.patience.call(
            f"info ({len(fullnames)} posts)", lambda: self.session.get("api/info", params, "api/info")
        )
        children, _ = _children(listing)
        items = [
            c.get("data") for c in children if isinstance(c, Mapping) and isinstance(c.get("data"), Mapping)
        ]
        served = [item for item in items if not _removed(item) and not item.get("over_18")]
        edited.extend(post for item in served if item.get("edited") and (post := self._edited_version(item)))
        names = {item.get("name") for item in served}
        return set(fullnames) - names, len(names)

    def _edited_version(self, item: Mapping[str, Any]) -> CollectedPost | None:
        """The post made of an item served as edited, or None (logged) when it cannot be read: an unreadable
        edit leaves the stored text as it is, and never fails the deletion check."""
        try:
            return _post(item)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s: the edit of %s not read: %s", self.name, item.get("name"), exc)
            return None


def _children(listing: Any) -> tuple[list[Any], str | None]:
    data = listing.get("data") if isinstance(listing, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(data.get("children"), list):
        raise TransientError("the search answer is not a Listing")
    return data["children"], data.get("after")


def _post(data: Any) -> CollectedPost:
    if not isinstance(data, Mapping):
        raise ValueError("expected an object in data")
    name, title = data["name"], data["title"]
    if not isinstance(name, str) or not name.startswith("t3_"):
        raise ValueError(f"expected a post fullname t3_..., got {name!r}")
    body = data.get("selftext") or ""
    for key, value in (("title", title), ("selftext", body), ("author", data.get("author") or "")):
        if not isinstance(value, str):
            raise ValueError(f"expected text in {key}, got {type(value).__name__}")
    score = data.get("score")
    return CollectedPost(
        platform=PLATFORM,
        native_id=name,
        text=f"{title}\n\n{body}".strip() if body not in GONE else title,
        created_at=_created(data["created_utc"]),
        url=f"https://www.reddit.com{data['permalink']}" if data.get("permalink") else data.get("url"),
        author_id=data.get("author_fullname") or data.get("author"),
        author_handle=data.get("author"),
        reply_count=data.get("num_comments"),
        like_count=score if isinstance(score, int) and score >= 0 else None,
        raw=data,
        edited=bool(data.get("edited")),  # false, or when it was last edited: its stored text follows
    )


def _created(created: Any) -> datetime:
    if isinstance(created, bool) or not isinstance(created, int | float):
        raise ValueError(f"expected epoch seconds in created_utc, got {created!r}")
    try:
        return datetime.fromtimestamp(created, UTC)
    except (OverflowError, OSError) as exc:  # a time far outside the calendar
        raise ValueError(f"created_utc {created!r} is not a time: {exc}") from None


def _removed(data: Mapping[str, Any]) -> bool:
    """Deleted by its author or removed by moderators or Reddit: Reddit still lists it, emptied."""
    return data.get("author") in GONE or data.get("selftext") in GONE or bool(data.get("removed_by_category"))

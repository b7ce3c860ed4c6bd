"""X API v2 post objects read as stored posts, and what an X post id (a time-ordered "snowflake") says.

The search collector (x.py) turns each page of posts into ``CollectedPost``s here (a post whose fields X sent in
an unexpected shape is skipped and logged, never the page), and reads here what a lookup's answer says of the
stored posts: which are gone (deleted, protected, suspended, or withheld in the UK), and which were edited.

**Edits in a lookup.** A stored post is keyed by its first version's id, and that is the id a lookup asks
about. X's docs give two answers for an edited post: the Edit Posts page says a lookup by id returns that very
version (the first text, with ``edit_history_tweet_ids`` listing the newer versions), the Post lookup pages
that it returns the newest version (another id, the same chain). The newest version is the stored post under
its first id, and its text is the current one: it is handed back as an edit. A first version whose chain goes
on only says that a newer text exists; reading it would cost one more billed read per post, so it is counted
(``LookupAnswer.edited_unread``), never read.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import tweepy

from listener.collectors.base import CollectedPost

log = logging.getLogger(__name__)

SNOWFLAKE_EPOCH_MS = 1288834974657
SNOWFLAKE_EPOCH = datetime.fromtimestamp(SNOWFLAKE_EPOCH_MS / 1000, UTC)
POST_ID = re.compile(r"[0-9]{1,19}")  # what X accepts as a post id; it refuses a lookup with any other

# X's country codes for "withheld here": the United Kingdom, and "XX" (everywhere)
WITHHELD_HERE = frozenset({"GB", "XX"})

# The problem types (the last part of an error's "type") with which a lookup says a post is no longer served
GONE_PROBLEMS = {
    "resource-not-found",
    "not-authorized-for-resource",
    "resource-unauthorized",
    "resource-unavailable",
}


def snowflake_time(post_id: str | int) -> datetime:
    """When an X post was created, from its id (ids are time-ordered 'snowflakes')."""
    return datetime.fromtimestamp(((int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, UTC)


def snowflake_at(moment: datetime) -> int:
    """The smallest id X can give a post created at ``moment`` or later (at the next whole millisecond)."""
    millis = -(-(moment - SNOWFLAKE_EPOCH) // timedelta(milliseconds=1))  # rounded up
    return millis << 22


def page_posts(response: tweepy.Response) -> list[CollectedPost]:
    """The page's posts; one whose fields X sent in an unexpected shape is skipped and logged, never the page."""
    users = {str(u.id): u for u in (response.includes or {}).get("users", [])}
    posts = []
    for tweet in response.data or []:
        try:
            posts.append(_post(tweet, users))
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            log.warning(
                "X returned a malformed post (id %s), skipped: %s %s", tweet.id, type(exc).__name__, exc
            )
    return posts


@dataclass
class LookupAnswer:
    """What one lookup says of the stored posts it asked about (see ``read_lookup``)."""

    gone: set[str] = field(default_factory=set)
    served: int = 0  # posts X returned: each is a billed read
    edited: list[CollectedPost] = field(default_factory=list)  # the newest versions X answered with
    edited_unread: int = 0  # posts X shows were edited, answered with an older version's text


def read_lookup(source: str, ids: list[str], response: tweepy.Response) -> LookupAnswer:
    """What one lookup of the stored posts ``ids`` says: which of them X no longer serves here, and which were
    edited (see the module docstring).

    X answers a lookup with the posts it still serves in ``data`` and the others in ``errors``; an id in
    neither is gone too, and so is a post it returns withheld in the UK (or for copyright). An error of another
    kind keeps the post (and is logged), so a transient problem never deletes anything. A post X returns under
    another id answers the stored post whose id begins its edit chain.
    """
    answer = LookupAnswer(served=len(response.data or []))
    found = set()
    for tweet in response.data or []:
        asked = _asked_id(tweet, set(ids))
        if asked is None or _withheld_here(tweet):
            continue
        found.add(asked)
        versions = [str(v) for v in getattr(tweet, "edit_history_tweet_ids", None) or ()]
        if len(versions) < 2:
            continue
        if str(tweet.id) != versions[-1]:
            answer.edited_unread += 1
            continue
        edit = _edit(source, asked, tweet)
        answer.edited += [edit] if edit else []
    answer.gone = set(ids) - found - _kept(source, ids, response)
    return answer


def _asked_id(tweet: tweepy.Tweet, ids: set[str]) -> str | None:
    """The asked id a returned post answers: its own, else another of its edit chain (the newest version of a
    post asked for by its first id); None for a post no id asked for."""
    versions = [str(v) for v in getattr(tweet, "edit_history_tweet_ids", None) or ()]
    return next((i for i in (str(tweet.id), *versions) if i in ids), None)


def _edit(source: str, asked: str, tweet: tweepy.Tweet) -> CollectedPost | None:
    """The stored post ``asked`` as the newest version ``tweet`` has it, or None (logged) when it cannot be
    read as that post: an unreadable edit leaves the stored text as it is and never fails the check."""
    try:
        post = _post(tweet, {})
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        log.warning("%s: the edit of post %s not read: %s %s", source, asked, type(exc).__name__, exc)
        return None
    if post.native_id != asked:  # stored under a later version's id (imported from a file): not this post
        log.warning(
            "%s: the edit of post %s not read: its first version is %s", source, asked, post.native_id
        )
        return None
    return post


def _kept(source: str, ids: list[str], response: tweepy.Response) -> set[str]:
    """The asked ids X answered with an error that does not say the post is gone (logged)."""
    kept = set()
    for error in response.errors or []:
        kind = str(error.get("type", "")).rsplit("/", 1)[-1]
        if error.get("resource_id") in ids and kind not in GONE_PROBLEMS:
            log.warning("%s: post %s kept: X said %s", source, error.get("resource_id"), error.get("detail"))
            kept.add(str(error["resource_id"]))
    return kept


def _withheld_here(tweet) -> bool:
    """X still returns a post withheld in some countries; in the UK, or for copyright, it must not be shown."""
    withheld = (getattr(tweet, "data", None) or {}).get("withheld") or {}
    return bool(withheld.get("copyright")) or bool(WITHHELD_HERE & set(withheld.get("country_codes") or ()))


def _post(tweet: tweepy.Tweet, users: dict[str, tweepy.User]) -> CollectedPost:
    # An edit is a new post id; every version lists the chain, oldest first. Keyed by the first version, an
    # edited post is stored once, its text replaced by the newest version's (search returns only that), and
    # deleting any version deletes the chain.
    versions = getattr(tweet, "edit_history_tweet_ids", None) or [tweet.id]
    native_id = str(min(versions, key=int))
    metrics = tweet.public_metrics or {}
    user = users.get(str(tweet.author_id))
    if not isinstance(tweet.text, str) or not isinstance(tweet.lang, str | None):
        raise TypeError("text and lang must be strings")
    return CollectedPost(
        platform="x",
        native_id=native_id,
        text=tweet.text,
        created_at=tweet.created_at or snowflake_time(native_id),
        url=f"https://x.com/i/web/status/{native_id}",  # no handle: authors stay pseudonymous
        lang=tweet.lang,
        author_id=str(tweet.author_id) if tweet.author_id else None,
        author_handle=user.username if user and isinstance(user.username, str) else None,
        reply_count=_count(metrics, "reply_count"),
        repost_count=_count(metrics, "retweet_count"),
        like_count=_count(metrics, "like_count"),
        quote_count=_count(metrics, "quote_count"),
        raw=tweet.data,
        edited=len(versions) > 1,
    )


def _count(metrics: dict[str, Any], name: str) -> int | None:
    value = metrics.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(f"public_metrics.{name} must be a number")
    return value

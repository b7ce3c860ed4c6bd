"""The collector contract.

A collector turns one configured source into pages of posts. It never touches the database: the runner
(runner.py) commits each page's posts and the page's cursor in one transaction, records a collection_runs row
per stream, and turns every failure into a per-stream result so one failing source never stops the others.

    class MyCollector(Collector):
        kind = "mine"
        Options = MyOptions

        def streams(self) -> list[str]: ...
        def collect(self, stream, cursor, until) -> Iterator[Page]: ...

A page's ``cursor`` is what to save with its posts; ``None`` leaves the saved cursor as it is, which is what a
newest-first API must do until it has read every page of a run (see the X collector).

A collector whose platform can be asked about posts it served before sets ``checks_deletions = True`` and
implements ``gone(native_ids)``: which of these stored posts (of its ``stored_platform()``) the platform no
longer serves, deleted by their author, removed, or gone with their account. ``listener compliance`` and the
daily job remove those for good (compliance.py). ``gone`` must be sure before it names a post: an answer it
cannot read raises (``TransientError`` under ``Patience``, or a ``CollectorError``), so a failure never deletes.
It splits the ids into as many requests as the platform needs and, like a page, says what asking cost. Ids it
has no way to ask about (Mastodon posts from servers the source does not read) are neither gone nor read: it
counts them in ``unchecked``, so the check says how many posts it could not vouch for.

A platform whose answer carries the current version of each post it still serves may also hand back, in
``edited``, those it says were edited (as collected posts with ``edited`` set, under their stored native id):
the check then stores their new text exactly as collection stores an edit, so an edit made long after the post
was collected is followed too, at no extra request. Mastodon and Reddit do, and X when its answer is an edited
post's newest version (x_posts.py); the others leave ``edited`` empty.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from listener.config import Config, SourceConfig
from listener.errors import AuthenticationError, CollectorError

LEASE_SHARE_FOR_WAITS = 0.8  # of scheduler.lease_ttl: the longest wait between two pages (see longest_wait)


def secret_from_env(source: str, env: str, what: str, hint: str) -> str:
    """The value of the environment variable ``env``, stripped; an AuthenticationError naming the variable (and
    ``hint``: which key names it, or where to get one) when it is unset or empty."""
    value = os.environ.get(env, "").strip()
    if not value:
        raise AuthenticationError(f"source {source}: no {what}: set the environment variable {env} ({hint})")
    return value


def longest_wait(max_wait: timedelta, lease_ttl: timedelta) -> timedelta:
    """``max_wait``, but never so long that the stream's lease (renewed with each page) lapses while waiting:
    another run would take the stream over, and this one would fail with the page it paid for. A fifth of
    the lease is left for the request after the wait and the commit."""
    return min(max_wait, lease_ttl * LEASE_SHARE_FOR_WAITS)


class SourceOptions(BaseModel):
    """Base of a kind's own options (the keys of a source other than name, kind, enabled and schedule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def resolve_paths(self, base_dir: Path) -> SourceOptions:
        """Return a copy with relative paths made relative to the config file's folder (override if needed)."""
        return self

    def organisation_codes(self) -> list[tuple[str, str]]:
        """The ODS codes these options name, each with its key path (``organisations[1]``), so that loading
        config.yaml can refuse a code that is not under ``organisations`` before anything runs (override if
        needed)."""
        return []


@dataclass(frozen=True)
class CollectedPost:
    """A post as a collector read it, before the runner pseudonymises and stores it.

    ``author_id`` is the platform's stable identifier for the author and never reaches the database in clear;
    ``organisation_codes`` are organisations the source itself says the post is about (Care Opinion does);
    ``edited`` marks a post whose stored text is replaced by this one when they differ (the platform says it was
    edited, or, for a feed entry, it is the entry's current version). ``former_id`` is the id an earlier version of
    listener gave the same post, when it differs (RSS entries before revision 0010): a tombstone or a purged post
    under it refuses the post too, and a post stored under it (with the same link) is this one, which takes its new
    id.
    """

    platform: str
    native_id: str
    text: str
    created_at: datetime
    url: str | None = None
    lang: str | None = None
    author_id: str | None = None
    author_handle: str | None = None
    reply_count: int | None = None
    repost_count: int | None = None
    like_count: int | None = None
    quote_count: int | None = None
    organisation_codes: tuple[str, ...] = ()
    raw: Mapping[str, Any] | None = None
    edited: bool = False  # this text replaces the stored text of the same post
    former_id: str | None = None  # the id an earlier version of listener stored this post under

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError(f"{self.platform} post {self.native_id}: created_at must be timezone-aware")


@dataclass
class Page:
    """Posts to commit together, the cursor to save with them, and what it cost to read them.

    ``edits`` are posts read again only to follow their edits (a feed's entries that its cursor says were read
    before): a stored one whose text differs takes theirs, as an ``edited`` post does; none is stored anew."""

    posts: list[CollectedPost] = field(default_factory=list)
    cursor: dict[str, Any] | None = None
    requests: int = 0
    read: int = 0
    edits: list[CollectedPost] = field(default_factory=list)


@dataclass
class DeletionCheck:
    """What ``Collector.gone`` found: the ids the platform no longer serves, and what asking cost
    (``read`` is the posts it still serves, which billed APIs count against their budgets); ``unchecked`` is the
    ids it could not ask about; ``edited`` the current version of posts it still serves and says were edited
    (their stored text is replaced when it differs)."""

    gone: set[str] = field(default_factory=set)
    requests: int = 0
    read: int = 0
    unchecked: int = 0
    edited: list[CollectedPost] = field(default_factory=list)


def check_in_chunks(
    native_ids: list[str],
    size: int,
    check: Callable[[list[str]], tuple[set[str], int]],
    requests_made: Callable[[], int],
) -> DeletionCheck:
    """A ``gone`` made of ``check(chunk) -> (gone, read)`` over ``size`` ids at a time; ``requests_made()`` is the
    collector's running count of requests. A failure carries what the check cost before it, like a page's."""
    result = DeletionCheck()
    before = requests_made()
    try:
        for start in range(0, len(native_ids), size):
            gone, read = check(native_ids[start : start + size])
            result.gone |= gone
            result.read += read
    except CollectorError as exc:
        exc.requests += requests_made() - before
        exc.read += result.read
        raise
    result.requests = requests_made() - before
    return result


class Collector(ABC):
    """One source of posts. Subclasses set ``kind`` and ``Options`` and implement streams() and collect()."""

    kind: ClassVar[str]
    Options: ClassVar[type[SourceOptions]] = SourceOptions
    checks_deletions: ClassVar[bool] = False  # True when gone() is implemented
    platform: ClassVar[str | None] = None  # the platform its posts are stored under, when it is not ``kind``

    def __init__(self, source: SourceConfig, config: Config):
        self.source = source
        self.options = source.options
        self.config = config
        max_wait = getattr(self.options, "max_wait", None)
        if isinstance(max_wait, timedelta):  # a web source: no wait may outlast the stream's lease
            self.options = self.options.model_copy(
                update={"max_wait": longest_wait(max_wait, config.scheduler.lease_ttl)}
            )

    @property
    def name(self) -> str:
        return self.source.name

    @classmethod
    def stored_platform(cls) -> str:
        """The ``platform`` of the posts this kind stores (``nhs_reviews`` stores ``nhs_website`` posts)."""
        return cls.platform or cls.kind

    @abstractmethod
    def streams(self) -> list[str]:
        """The independent streams of this source, each with its own cursor (a query, a feed, a file)."""

    @abstractmethod
    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        """Yield pages of posts newer than ``cursor`` and, when ``until`` is given, created before it."""

    def set_month_to_date_reads(self, reads: int) -> None:  # noqa: B027 - optional hook
        """Called by the runner before the first stream: posts this source read since the 1st of the month (UTC).

        Collectors of billed APIs use it to stop before a monthly budget is passed.
        """

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Which of these stored posts the platform no longer serves (see the module docstring)."""
        raise NotImplementedError(f"{self.kind} collectors cannot check for deleted posts")

    @classmethod
    def budget_used(cls, session: Session, source: SourceConfig) -> str | None:
        """What ``source`` has used of its API budget, shown by ``listener status``; None when it has none."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release network clients; called by the runner after the last stream."""

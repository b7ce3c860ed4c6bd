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
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from listener.config import Config, SourceConfig


class SourceOptions(BaseModel):
    """Base of a kind's own options (the keys of a source other than name, kind, enabled and schedule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def resolve_paths(self, base_dir: Path) -> SourceOptions:
        """Return a copy with relative paths made relative to the config file's folder (override if needed)."""
        return self


@dataclass(frozen=True)
class CollectedPost:
    """A post as a collector read it, before the runner pseudonymises and stores it.

    ``author_id`` is the platform's stable identifier for the author and never reaches the database in clear;
    ``organisation_codes`` are organisations the source itself says the post is about (Care Opinion does).
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

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError(f"{self.platform} post {self.native_id}: created_at must be timezone-aware")


@dataclass
class Page:
    """Posts to commit together, the cursor to save with them, and what it cost to read them."""

    posts: list[CollectedPost] = field(default_factory=list)
    cursor: dict[str, Any] | None = None
    requests: int = 0
    read: int = 0


class Collector(ABC):
    """One source of posts. Subclasses set ``kind`` and ``Options`` and implement streams() and collect()."""

    kind: ClassVar[str]
    Options: ClassVar[type[SourceOptions]] = SourceOptions

    def __init__(self, source: SourceConfig, config: Config):
        self.source = source
        self.options = source.options
        self.config = config

    @property
    def name(self) -> str:
        return self.source.name

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

    @classmethod
    def budget_used(cls, session: Session, source: SourceConfig) -> str | None:
        """What ``source`` has used of its API budget, shown by ``listener status``; None when it has none."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release network clients; called by the runner after the last stream."""

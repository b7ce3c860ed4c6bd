"""The cursor of a newest-first API: the newest time a run stored and the posts at that very instant.

Search APIs without a "since id" (Bluesky, Reddit) are read newest first and stop at the last run's newest time.
Posts at that exact instant are remembered by id, so an inclusive ``since`` does not read them as new and posts
that share the instant with them are not lost. The set stays small: only posts with the newest time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from listener.collectors.base import CollectedPost


@dataclass
class Watermark:
    time: datetime | None = None
    ids: set[str] = field(default_factory=set)

    def see(self, post: CollectedPost) -> None:
        self._keep(post, newer=True)

    def see_older(self, post: CollectedPost) -> None:
        """Keep the oldest time instead (and the posts at it)."""
        self._keep(post, newer=False)

    def holds(self, post: CollectedPost) -> bool:
        """Whether ``post`` is one of the posts seen at the kept instant."""
        return post.created_at == self.time and post.native_id in self.ids

    def _keep(self, post: CollectedPost, newer: bool) -> None:
        if self.time is None or (post.created_at > self.time if newer else post.created_at < self.time):
            self.time, self.ids = post.created_at, {post.native_id}
        elif post.created_at == self.time:
            self.ids.add(post.native_id)

    def seen(self) -> list[str]:
        return sorted(self.ids)

"""``kind: mastodon``: public hashtag timelines on chosen Mastodon instances, through Mastodon.py.

Each (instance, hashtag) pair is a stream. Keyword search across the fediverse is not possible (full-text search
finds only posts of accounts that opted in, and each instance knows only what reached it), so hashtag timelines
on a few instances are the reliable route. Paging runs forward with ``min_id`` (gap-free, unlike ``since_id``)
and follows the ``Link: rel="prev"`` header; every page is committed with the newest id it covers, so a crash
loses nothing. The next run starts ``overlap`` before that id, never at it: Mastodon gives a status that reaches
it from another server an id made from the time it was posted, not the time it arrived (``Mastodon::Snowflake``
``::Callbacks`` on ``Status``), so a status delivered late sorts before statuses already read. Re-reading the
overlap also sees edits: an edited status keeps its id and place, carries ``edited_at``, and its stored text is
replaced by the new one (matched and scored again, like X's edits). The cursor never moves back. An edit made
after the overlap has passed is seen by ``gone`` (below).

Only public posts are kept, and posts of accounts that opted out of indexing or discovery (``noindex``,
``indexable: false``, ``discoverable: false``, or ``#nobot`` in the bio) are skipped and counted in the log.
How a status becomes a post, and its native id, are in mastodon_status.py; the calls to Mastodon.py and how its
errors are retried, in mastodon_client.py.

``gone`` (for ``listener compliance``) asks each stored status's instance ``GET /api/v1/statuses/:id``, one
status a request. The native id names the server a post was posted on and, for Mastodon's two URI shapes
(``/users/NAME/statuses/ID``, ``/ap/users/ACCOUNT/statuses/ID``), its id there; so only posts of the instances
this source reads can be asked about. A post that reached an instance from another
server has another id there, which is not stored, and its own server is one the operator did not choose to call
(mastodon.social forbids automated access): such posts are left as they are and counted as unchecked. A 404 with
Mastodon's error body, or a 410, means deleted (or hidden: a status turned private answers 404 to those who may
not see it); a status served but no longer public or unlisted, or whose account has opted out since, is gone
too. Any other failure raises, so it never deletes. A status still served with ``edited_at`` is handed back in
``edited``, so the check stores its current text as collection would (compliance.py): the answer carries it, at
no extra request.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from listener.collectors.base import CollectedPost, Collector, DeletionCheck, Page, check_in_chunks
from listener.collectors.http import HttpOptions, Patience, RequestCounter
from listener.collectors.mastodon_client import MastodonClients
from listener.collectors.mastodon_status import (
    created_time,
    first_id_at,
    id_before,
    id_order,
    left_out,
    status_key,
    status_link,
    status_post,
    withdrawn,
)
from listener.config import parse_duration, parse_duration_or_zero
from listener.errors import CollectorError

__all__ = ["MastodonCollector", "MastodonOptions", "status_key", "status_link"]

log = logging.getLogger(__name__)


class MastodonOptions(HttpOptions):
    instances: tuple[str, ...] = Field(min_length=1)
    hashtags: tuple[str, ...] = ()
    organisation_hashtags: bool = True
    access_token_env: str | None = None
    lookback: timedelta = timedelta(days=1)
    overlap: timedelta = timedelta(hours=1)
    page_size: int = Field(40, ge=1, le=40)
    local_only: bool = False

    @field_validator("instances", mode="before")
    @classmethod
    def _base_urls(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        urls = []
        for item in value:
            url = str(item).strip().rstrip("/")
            url = url if "://" in url else f"https://{url}"
            if not urlsplit(url).netloc or urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(
                    f'expected an instance like "mastodon.example" or "https://...", got {item!r}'
                )
            urls.append(url)
        return tuple(urls)

    @field_validator("hashtags", mode="before")
    @classmethod
    def _no_sigil(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(str(tag).strip().lstrip("#") for tag in value)
        return value

    @field_validator("lookback", mode="before")
    @classmethod
    def _lookback_duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("overlap", mode="before")
    @classmethod
    def _overlap_duration(cls, value: Any) -> Any:
        return parse_duration_or_zero(value)


class MastodonCollector(Collector):
    kind = "mastodon"
    Options = MastodonOptions
    checks_deletions = True
    options: MastodonOptions

    def __init__(self, source, config):
        super().__init__(source, config)
        self.counter = RequestCounter()
        self.patience = Patience(self.name, self.options, self.counter)
        self.clients = MastodonClients(self.name, self.options, self.counter)
        self._instances = {urlsplit(instance).netloc.lower(): instance for instance in self.options.instances}

    def streams(self) -> list[str]:
        tags: dict[str, str] = {}
        org_tags = [t for o in self.config.organisations for t in o.hashtags]
        for tag in (org_tags if self.options.organisation_hashtags else []) + list(self.options.hashtags):
            tags.setdefault(tag.lower(), tag)
        if not tags:
            raise CollectorError(
                f"source {self.name}: no hashtags to follow: add hashtags to the organisations or to the source"
            )
        return [f"{instance} #{tag}" for instance in self.options.instances for tag in tags.values()]

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        instance, tag = stream.rsplit(" #", 1)
        api = self.clients.client(instance)
        self.counter.take()
        saved = (cursor or {}).get("min_id")
        start = id_before(saved, self.options.overlap) if saved else None
        start = start or saved or first_id_at(datetime.now(UTC) - self.options.lookback)
        newest = saved or start  # the cursor saved with each page: never behind the saved one
        what = f"#{tag} on {urlsplit(instance).netloc}"
        statuses = self.patience.call(what, lambda: self._first_page(api, instance, tag, start))
        while True:
            if not statuses:
                yield Page(requests=self.counter.take())
                return
            page, reached_until = self._page(statuses, instance, until, newest)
            newest = (page.cursor or {}).get("min_id", newest)
            page.requests = self.counter.take()
            yield page
            if reached_until or len(statuses) < self.options.page_size:
                return
            statuses = self.patience.call(
                what, lambda newer=statuses: self.clients.call(instance, api.fetch_previous, newer)
            )

    def _first_page(self, api: Any, instance: str, tag: str, min_id: str) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            statuses = self.clients.call(
                instance,
                api.timeline_hashtag,
                tag,
                min_id=min_id,
                limit=self.options.page_size,
                local=self.options.local_only,
            )
        if any("unavailable" in str(w.message) for w in caught):
            hint = (
                "" if self.options.access_token_env else ": set access_token_env to an app token's variable"
            )
            log.warning("%s: %s says hashtag timelines need a login%s", self.name, instance, hint)
        return statuses

    def _page(self, statuses: Any, instance: str, until: datetime | None, newest: str) -> tuple[Page, bool]:
        """The posts of a page read oldest first, stopping at ``until``; its cursor is the newest id read, or
        ``newest`` (the cursor so far) when that is newer."""
        page = Page(read=len(statuses))
        skipped: dict[str, int] = {}
        for status in sorted(statuses, key=id_order):
            status_id = status.get("id") if isinstance(status, Mapping) else None
            if status_id is None:
                log.warning("%s: %s: a status without an id skipped", self.name, instance)
                continue
            created = created_time(status)
            if until is not None and created is not None and created >= until:
                page.cursor = {"min_id": newest}
                return page, True
            newest = max(newest, str(status_id), key=id_order)
            post, reason = self._post(status, instance)
            if post is not None:
                page.posts.append(post)
            elif reason:
                skipped[reason] = skipped.get(reason, 0) + 1
        if skipped:
            log.info(
                "%s: %s: skipped %s", self.name, instance, ", ".join(f"{n} {r}" for r, n in skipped.items())
            )
        page.cursor = {"min_id": newest}
        return page, False

    def _post(self, status: Mapping[str, Any], instance: str) -> tuple[CollectedPost | None, str | None]:
        """The post, or None and why it was left out (None when it was malformed and already logged)."""
        reason = left_out(status)
        if reason:
            return None, reason
        try:
            return status_post(status, instance), None
        except (KeyError, TypeError, ValueError) as exc:
            host = urlsplit(instance).netloc
            log.warning("%s: %s: status %s skipped: %s", self.name, host, status.get("id"), exc)
            return None, None

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Stored posts (status URIs) their instance no longer serves publicly, one request each; posts of
        servers this source does not read cannot be asked about and are counted in ``unchecked``."""
        routes = {native_id: route for native_id in native_ids if (route := self._route(native_id))}
        edited: list[CollectedPost] = []
        check = check_in_chunks(
            list(routes),
            1,
            lambda ids: self._look_up(ids[0], *routes[ids[0]], edited),
            lambda: self.counter.total,
        )
        check.edited = edited
        check.unchecked = len(native_ids) - len(routes)
        if check.unchecked:
            servers = sorted({n.partition("/")[0] or "?" for n in native_ids if n not in routes})
            log.info(
                "%s: %d stored posts not checked: from servers this source does not read (%s)",
                self.name,
                check.unchecked,
                ", ".join(servers[:5]) + (", ..." if len(servers) > 5 else ""),
            )
        return check

    def _route(self, native_id: str) -> tuple[str, str] | None:
        """The instance this source reads that a stored status is from, and the status's id there."""
        host, _, status_id = native_id.partition("/")
        instance = self._instances.get(host)
        return (instance, status_id) if instance and status_id.isdigit() else None

    def _look_up(
        self, native_id: str, instance: str, status_id: str, edited: list[CollectedPost]
    ) -> tuple[set[str], int]:
        """Ask about one stored status: gone, or still served (and, if it says it was edited, its current
        version appended to ``edited``)."""
        self.clients.client(instance)  # created outside the retries: a missing token fails at once
        what = f"status {status_id} on {urlsplit(instance).netloc}"
        status = self.patience.call(what, lambda: self.clients.served_status(instance, status_id))
        reason = "deleted" if status is None else withdrawn(status)
        if reason:
            log.info("%s: %s is gone (%s)", self.name, what, reason)
            return {native_id}, 0
        if status.get("edited_at"):
            post = self._edited_version(status, instance, native_id)
            edited.extend([post] if post else [])
        return set(), 1

    def _edited_version(
        self, status: Mapping[str, Any], instance: str, native_id: str
    ) -> CollectedPost | None:
        """The post made of a status served as edited, or None (logged) when it cannot be read as the stored
        post: an unreadable edit leaves the stored text as it is, and never fails the deletion check."""
        try:
            post = status_post(status, instance)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s: the edit of %s not read: %s", self.name, native_id, exc)
            return None
        if post.native_id != native_id:  # its URI names another post: never overwrite one with another
            log.warning(
                "%s: the edit of %s not read: the instance served %s", self.name, native_id, post.native_id
            )
            return None
        return post

"""Keep stored posts in step with the platforms: re-check them and delete those the platform no longer serves.

X's developer policy requires stored posts that were deleted, made protected, suspended or withheld on X to be
deleted "as soon as reasonably possible"; Bluesky's developer guidelines and Reddit's Data API terms require
deleted content to be removed too, and Mastodon users expect it. ``listener compliance PLATFORM`` reads the
stored posts of the platform in batches, asks the collector of one of its sources which of them the platform no
longer serves (``Collector.gone``: X looks up 100 ids a request, Bluesky 25 through ``app.bsky.feed.getPosts``,
Reddit 100 through ``/api/info``, Mastodon one status a request on the instance it is from, the NHS website
by listing each organisation's reviews removed by moderation) and removes those,
with their mentions and scores (ON DELETE CASCADE, enforced on SQLite too); a tombstone keeps them from being
stored again. Posts the collector cannot ask about (Mastodon posts from servers the source does not read)
stay, counted as unchecked. A collector whose platform answers with the current version of each post
(Mastodon, Reddit; X when it answers with an edited post's newest version) also hands back the posts it says
were edited: their stored text is replaced as collection replaces an edited post's (redacted the same
way), and they are matched and scored again. Each batch is
committed as it is checked, so an interrupted check keeps what it did. X lookups are billed like search
reads, so they count against the source's ``monthly_post_budget``. Each check is recorded in the
``compliance_checks`` table.

Posts are stored per platform, not per source, so a platform is checked once, through one of its sources.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from listener.collectors import collector_class, collector_kinds
from listener.collectors.base import Collector
from listener.collectors.runner import apply_collected_edits
from listener.config import Config, SourceConfig
from listener.errors import CollectorError, UsageError
from listener.privacy.pseudonyms import Pseudonymiser
from listener.store import Store
from listener.store.posts import stored_native_ids
from listener.store.removal import remove_by_platform_ids
from listener.store.runs import finish_compliance_check, month_to_date_reads, start_compliance_check

log = logging.getLogger(__name__)

STORE_BATCH = 100  # stored ids read, checked and committed together


@dataclass
class ComplianceResult:
    source: str
    platform: str
    status: str = "running"
    checked: int = 0
    read: int = 0
    deleted: int = 0
    edited: int = 0  # stored posts whose text was replaced by their edited version
    requests: int = 0
    unchecked: int = 0
    error: str | None = None

    @property
    def label(self) -> str:
        """The platform's name as people write it: X, Bluesky, Reddit, Mastodon."""
        return platform_label(self.platform)


LABELS = {"x": "X", "nhs_website": "NHS website"}


def platform_label(platform: str) -> str:
    return LABELS.get(platform, platform.capitalize())


def checking_kinds() -> list[str]:
    """The kinds of source whose collector can tell which stored posts were deleted."""
    return [kind for kind in collector_kinds() if collector_class(kind).checks_deletions]


def compliance_source(config: Config, platform: str | None, name: str | None) -> SourceConfig:
    """The source whose credentials (and budget) a check of ``platform`` uses: the named one, or the only one."""
    if name:
        source = config.source(name)
        if platform and source.kind != platform:
            raise UsageError(f"source {name!r} is of kind {source.kind!r}, not {platform}")
        _require_check(source.kind)
        return source
    if not platform:
        raise UsageError("name a platform or a source to check")
    _require_check(platform)
    sources = [s for s in config.sources if s.kind == platform]
    if len(sources) != 1:
        label = platform_label(collector_class(platform).stored_platform())
        found = ", ".join(s.name for s in sources) or "none"
        raise UsageError(f"name the {label} source to use with --source ({label} sources in config: {found})")
    return sources[0]


def _require_check(kind: str) -> None:
    if kind not in collector_kinds() or not collector_class(kind).checks_deletions:
        raise UsageError(
            f"{kind} posts cannot be checked for deletions; platforms that can: {', '.join(checking_kinds())}"
        )


def sources_to_check(config: Config) -> list[SourceConfig]:
    """One enabled source for each platform whose collector can check for deleted posts (the first in config)."""
    chosen: dict[str, SourceConfig] = {}
    for source in config.sources:
        if source.enabled and source.kind not in chosen and collector_class(source.kind).checks_deletions:
            chosen[source.kind] = source
    return list(chosen.values())


def check_x_posts(store: Store, config: Config, source_name: str | None = None) -> ComplianceResult:
    """Re-check every stored X post (``listener compliance x``)."""
    return check_deletions(store, config, compliance_source(config, "x", source_name))


def check_deletions(store: Store, config: Config, source: SourceConfig) -> ComplianceResult:
    """Re-check every stored post of ``source``'s platform and remove those it no longer serves; record the
    check and return what was done."""
    result = ComplianceResult(source.name, collector_class(source.kind).stored_platform())
    # its key digests the ids tombstones keep; edited posts are prepared with it as collection prepares them
    pseudonymiser = Pseudonymiser.for_config(config)
    with store.transaction() as session:
        month_reads = month_to_date_reads(session, source.name)
        check_id = start_compliance_check(session, source.name, source.kind)
    collector: Collector | None = None
    try:
        collector = collector_class(source.kind)(source, config)  # may refuse: a missing token
        collector.set_month_to_date_reads(month_reads)
        _check_batches(store, collector, result, pseudonymiser)
        result.status = "ok"
    except CollectorError as exc:
        result.status, result.error = exc.status, str(exc)
        result.requests += exc.requests
        result.read += exc.read
    finally:
        if collector is not None:
            collector.close()
        if result.status == "running":  # an unexpected error is on its way up: record the check as failed
            result.status = "failed"
        with store.transaction() as session:
            finish_compliance_check(
                session,
                check_id,
                status=result.status,
                requests=result.requests,
                posts_checked=result.checked,
                posts_read=result.read,
                posts_deleted=result.deleted,
                error=result.error,
            )
    log.info(
        "%s compliance: status=%s checked=%d still on %s=%d deleted=%d edited=%d unchecked=%d requests=%d",
        source.name,
        result.status,
        result.checked,
        result.label,
        result.read,
        result.deleted,
        result.edited,
        result.unchecked,
        result.requests,
    )
    return result


def _check_batches(
    store: Store, collector: Collector, result: ComplianceResult, pseudonymiser: Pseudonymiser
) -> None:
    last_id = 0
    while True:
        with store.transaction() as session:
            batch = stored_native_ids(session, result.platform, last_id, STORE_BATCH)
        if not batch:
            return
        last_id = batch[-1][0]
        check = collector.gone([native_id for _, native_id in batch])
        result.requests += check.requests
        result.read += check.read
        with store.transaction() as session:
            result.deleted += remove_by_platform_ids(
                session,
                result.platform,
                check.gone,
                reason=f"deleted on {result.platform}",
                key=pseudonymiser.key,
            )
            edits = [post for post in check.edited if post.native_id not in check.gone]
            result.edited += len(apply_collected_edits(session, collector, edits, pseudonymiser))
        result.checked += len(batch) - check.unchecked
        result.unchecked += check.unchecked

"""Keep stored posts in step with the platform: re-check them and delete those it no longer serves.

X's developer policy requires stored posts that were deleted, made protected, suspended or withheld on X to be
deleted "as soon as reasonably possible". ``listener compliance x`` re-fetches the stored X post ids 100 at a time
(``GET /2/tweets?ids=``, the most one request takes) and deletes the posts X no longer returns; their mentions and
scores go with them (ON DELETE CASCADE, enforced on SQLite too), and a tombstone keeps them from being stored again. Lookups are billed like search reads, so they
count against the source's ``monthly_post_budget``. Each check is recorded in the ``compliance_checks`` table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from listener.collectors import collector_class
from listener.config import Config, SourceConfig
from listener.errors import CollectorError, UsageError
from listener.store import Store
from listener.store.posts import stored_native_ids
from listener.store.removal import remove_by_platform_ids
from listener.store.runs import finish_compliance_check, month_to_date_reads, start_compliance_check

log = logging.getLogger(__name__)

LOOKUP_BATCH = 100


@dataclass
class ComplianceResult:
    source: str
    status: str = "running"
    checked: int = 0
    read: int = 0
    deleted: int = 0
    requests: int = 0
    error: str | None = None


def x_source(config: Config, name: str | None) -> SourceConfig:
    """The X source whose credentials and budget a check uses: the named one, or the only one."""
    if name:
        source = config.source(name)
        if source.kind != "x":
            raise UsageError(f"source {name!r} is of kind {source.kind!r}, not x")
        return source
    sources = [s for s in config.sources if s.kind == "x"]
    if len(sources) != 1:
        found = ", ".join(s.name for s in sources) or "none"
        raise UsageError(f"name the X source to use with --source (X sources in config: {found})")
    return sources[0]


def check_x_posts(store: Store, config: Config, source_name: str | None = None) -> ComplianceResult:
    """Re-check every stored X post and delete those X no longer returns; record and return what was done."""
    source = x_source(config, source_name)
    collector = collector_class("x")(source, config)
    result = ComplianceResult(source.name)
    with store.transaction() as session:
        collector.set_month_to_date_reads(month_to_date_reads(session, source.name))
        check_id = start_compliance_check(session, source.name, "x")
    try:
        _check_batches(store, collector, result)
        result.status = "ok"
    except CollectorError as exc:
        result.status, result.error = exc.status, str(exc)
    finally:
        collector.close()
        if result.status == "running":  # an unexpected error is on its way up: record the check as failed
            result.status = "failed"
        result.requests = collector.api.requests
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
        "%s compliance: status=%s checked=%d still on X=%d deleted=%d requests=%d",
        source.name,
        result.status,
        result.checked,
        result.read,
        result.deleted,
        result.requests,
    )
    return result


def _check_batches(store: Store, collector, result: ComplianceResult) -> None:
    last_id = 0
    while True:
        with store.transaction() as session:
            batch = stored_native_ids(session, "x", last_id, LOOKUP_BATCH)
        if not batch:
            return
        last_id = batch[-1][0]
        gone, read = collector.check_posts([native_id for _, native_id in batch])
        with store.transaction() as session:
            result.deleted += remove_by_platform_ids(session, "x", gone, reason="deleted on x")
        result.checked += len(batch)
        result.read += read

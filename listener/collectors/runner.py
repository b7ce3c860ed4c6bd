"""Run collectors: the only place collection touches the database.

For every stream of every source: load the cursor, iterate the collector's pages, and commit each page's new
posts together with the page's cursor in one transaction. A crash between pages loses nothing already committed
and, because the cursor moves only with its posts, the next run starts exactly where the store says.
Every failure becomes a result for its stream; nothing one source does stops the others.

Each stream is collected under a lease held in the database (store/leases.py), taken before the first page,
renewed in the transaction of every page and released at the end, so two overlapping runs (cron, or several
workers on one Postgres) never collect the same stream at once: the second reports it as skipped. A ``stop``
event, set on SIGTERM, is checked between pages: the run ends after the page it is committing; a wait for a
rate-limit reset or a retry ends at once (collectors.http.sleep).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from listener.collectors import collector_class
from listener.collectors.base import CollectedPost, Collector, Page
from listener.collectors.http import waits_stopped_by
from listener.collectors.post_rows import page_rows, post_row, row_key, stored_text_redactor
from listener.config import Config, SourceConfig
from listener.errors import CollectorError, LeaseLost, ListenerError, StoreError
from listener.privacy import Pseudonymiser
from listener.store import Store
from listener.store.cursors import load_cursor, save_cursor
from listener.store.leases import Claim, default_worker_id
from listener.store.posts import (
    add_account_keys,
    add_source_mentions,
    adopt_former_ids,
    apply_edits,
    insert_new_posts,
    sync_organisations,
)
from listener.store.removal import unwanted
from listener.store.runs import RunCounts, finish_run, month_to_date_reads, record_progress, start_run

log = logging.getLogger(__name__)


@dataclass
class StreamResult:
    source: str
    stream: str
    status: str
    counts: RunCounts = field(default_factory=RunCounts)
    error: str | None = None
    seconds: float = 0.0
    note: str | None = None  # why a stream was skipped

    @property
    def failed(self) -> bool:
        """Did this stream need the operator? A rate limit resumes by itself next run; an error or an exhausted
        budget (X credits or cap, or monthly_post_budget) stops collection until someone acts or the month turns."""
        return self.status in ("failed", "budget_exhausted")


@dataclass
class SourceResult:
    source: str
    streams: list[StreamResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.streams)

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.streams} or {"ok"}
        if "failed" in statuses:
            return "failed"
        if statuses == {"skipped"}:
            return "skipped"
        return (statuses - {"ok", "skipped"} or {"ok"}).pop()

    def total(self, name: str) -> int:
        return sum(getattr(s.counts, name) for s in self.streams)


@dataclass(frozen=True)
class Leasing:
    """How this run takes stream leases: as which worker, for how long, for which scheduled tick (if any)."""

    owner: str
    ttl: timedelta
    tick: datetime | None = None

    def claim(self, source: str, stream: str) -> Claim:
        return Claim(f"collect:{source}:{stream}", self.owner, self.ttl, self.tick)


def collect(
    store: Store,
    config: Config,
    names: Iterable[str] | None = None,
    until: datetime | None = None,
    *,
    leasing: Leasing | None = None,
    stop: threading.Event | None = None,
) -> list[SourceResult]:
    """Collect the named sources (default: every enabled source) and return one result per source."""
    sources = [config.source(n) for n in names] if names else [s for s in config.sources if s.enabled]
    with store.transaction() as session:
        sync_organisations(session, config.organisations)
    pseudonymiser = Pseudonymiser.for_store(store, config)
    leasing = leasing or Leasing(default_worker_id(), config.scheduler.lease_ttl)
    results = []
    for source in sources:
        if stop is not None and stop.is_set():
            break
        results.append(collect_source(store, config, source, pseudonymiser, until, leasing, stop))
    return results


def collect_source(
    store: Store,
    config: Config,
    source: SourceConfig,
    pseudonymiser: Pseudonymiser,
    until: datetime | None = None,
    leasing: Leasing | None = None,
    stop: threading.Event | None = None,
) -> SourceResult:
    started = time.monotonic()
    result = SourceResult(source.name)
    try:
        collector = collector_class(source.kind)(source, config)
        with store.transaction() as session:
            collector.set_month_to_date_reads(month_to_date_reads(session, source.name))
        streams = collector.streams()
    except ListenerError as exc:
        result.streams.append(_record_failure(store, source.name, "*", exc, leasing))
        return result
    try:
        for stream in streams:
            if stop is not None and stop.is_set():
                break
            claim = leasing.claim(source.name, stream) if leasing else None
            result.streams.append(
                collect_stream(store, collector, stream, pseudonymiser, until, claim=claim, stop=stop)
            )
            if result.streams[-1].status == "budget_exhausted":
                break
    finally:
        collector.close()
    result.seconds = time.monotonic() - started
    _log_source(result)
    return result


def _log_source(result: SourceResult) -> None:
    skipped = sum(s.status == "skipped" for s in result.streams)
    log.info(
        "source %s: status=%s new=%d read=%d requests=%d seconds=%.1f streams=%d skipped=%d",
        result.source,
        result.status,
        result.total("posts_new"),
        result.total("posts_read"),
        result.total("requests"),
        result.seconds,
        len(result.streams),
        skipped,
    )


def collect_stream(
    store: Store,
    collector: Collector,
    stream: str,
    pseudonymiser: Pseudonymiser,
    until: datetime | None = None,
    *,
    claim: Claim | None = None,
    stop: threading.Event | None = None,
) -> StreamResult:
    """Collect one stream, committing page by page, under ``claim`` if given; return what happened."""
    source = collector.name
    holder = claim.acquire(store) if claim else None
    if holder is not None:
        log.info("%s %s: status=skipped (%s)", source, stream, holder.describe())
        return StreamResult(source, stream, "skipped", note=holder.describe())
    try:
        return _collect_claimed(store, collector, stream, pseudonymiser, until, claim, stop)
    finally:
        if claim is not None:
            claim.release(store)


def _collect_claimed(
    store: Store,
    collector: Collector,
    stream: str,
    pseudonymiser: Pseudonymiser,
    until: datetime | None,
    claim: Claim | None,
    stop: threading.Event | None,
) -> StreamResult:
    started = time.monotonic()
    source = collector.name
    with store.transaction() as session:
        run_id = start_run(
            session, source, stream, claim.owner if claim else None, claim.tick if claim else None
        )
        cursor = load_cursor(session, source, stream)
    result = StreamResult(source, stream, "running", RunCounts())
    refused: set[str] = set()  # ids of posts the store refused this run, kept out of the cursor
    try:
        with waits_stopped_by(stop):  # a stop request also ends a wait for a rate-limit reset (Interrupted)
            for page in collector.collect(stream, cursor, until):
                result.counts.requests += page.requests  # read, so billed, even if the page cannot be stored
                result.counts.posts_read += page.read
                result.counts.posts_new += _commit_page(
                    store, collector, stream, page, pseudonymiser, claim, (run_id, result.counts), refused
                )
                if stop is not None and stop.is_set():
                    result.status = "stopped"  # resumes from the saved cursor next time
                    break
            else:
                result.status = "ok"
    except LeaseLost as exc:
        result.status, result.error = "failed", str(exc)
    except CollectorError as exc:
        result.status, result.error = getattr(exc, "status", "failed"), str(exc)
        _add_counts(result, exc)
    except StoreError as exc:  # the database is locked or gone: one line, the message says what to check
        log.error("%s/%s: %s", source, stream, exc)
        result.status, result.error = "failed", str(exc)
    except Exception as exc:  # a bug or an unexpected library error: record it, never stop other sources
        log.exception("%s/%s: unexpected error", source, stream)
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    with store.transaction() as session:
        finish_run(session, run_id, result.status, result.counts, result.error)
    log.info(
        "%s %s: status=%s new=%d read=%d requests=%d seconds=%.1f%s",
        source,
        stream,
        result.status,
        result.counts.posts_new,
        result.counts.posts_read,
        result.counts.requests,
        result.seconds,
        f" error={result.error}" if result.error else "",
    )
    return result


def apply_collected_edits(
    session: Session, collector: Collector, posts: Iterable[CollectedPost], pseudonymiser: Pseudonymiser
) -> list[int]:
    """Give stored posts the text of their edited versions (``posts`` with ``edited`` set), prepared as
    collection prepares it (trimmed, cut, redacted), outside collection: the deletion check finds edits too.
    Return the ids of the posts whose text changed, which are then matched and scored again."""
    redactor = stored_text_redactor(collector.config)
    rows = [post_row(collector, post, pseudonymiser, redactor) for post in posts if post.edited]
    return apply_edits(session, [row for row in rows if row is not None])


def _add_counts(result: StreamResult, exc: CollectorError) -> None:
    """A collector may attach the requests and reads of the page it failed on, so budgets stay exact."""
    result.counts.requests += getattr(exc, "requests", 0)
    result.counts.posts_read += getattr(exc, "read", 0)


def _commit_page(
    store: Store,
    collector: Collector,
    stream: str,
    page: Page,
    pseudonymiser: Pseudonymiser,
    claim: Claim | None = None,
    progress: tuple[int, RunCounts] | None = None,
    refused: set[str] | None = None,
) -> int:
    """Store a page's new posts, its posts' edits, its cursor and (``progress``: the run's id and counts before
    this page's new posts) the run's counts, in one transaction; return how many posts were new. ``refused``
    gathers the ids of the posts the store refused in the run so far: a cursor, often saved with a later page,
    keeps none."""
    refused = set() if refused is None else refused
    rows = page_rows(collector, page, pseudonymiser)
    with store.transaction() as session:
        if claim is not None:
            claim.renew(session)  # raises LeaseLost, and nothing is committed, if another worker took over
        # deleted on the platform, erased on request, or stored and purged since: never stored again
        removed = unwanted(session, rows.new + rows.edits, pseudonymiser.key, rows.former)
        refused.update(native_id for _, native_id in removed)  # such an id may name its author (Bluesky)
        wanted = [r for r in rows.new if row_key(r) not in removed]
        followed = [r for r in rows.edits if row_key(r) not in removed]
        adopted = adopt_former_ids(session, wanted + followed, rows.former)
        _log_count(collector, stream, adopted, "posts stored by an earlier version take their new ids")
        new_ids = insert_new_posts(session, wanted)
        rekeyed = add_account_keys(session, wanted)
        _log_count(collector, stream, rekeyed, "stored posts keyed by their author's account id too")
        changed = apply_edits(session, [r for r in wanted + followed if row_key(r) in rows.edited])
        _log_count(collector, stream, len(changed), "stored posts edited since; matched and scored again")
        add_source_mentions(session, {key: codes for key, codes in rows.codes.items() if key not in removed})
        if page.cursor is not None:
            save_cursor(session, collector.name, stream, page.cursor, forget=refused)
        if progress is not None:
            run_id, counts = progress
            record_progress(session, run_id, replace(counts, posts_new=counts.posts_new + len(new_ids)))
    return len(new_ids)


def _log_count(collector: Collector, stream: str, count: int, what: str) -> None:
    if count:
        log.info("%s %s: %d %s", collector.name, stream, count, what)


def _record_failure(
    store: Store, source: str, stream: str, exc: Exception, leasing: Leasing | None = None
) -> StreamResult:
    with store.transaction() as session:
        run_id = start_run(session, source, stream, worker=leasing.owner if leasing else None)
        finish_run(session, run_id, "failed", RunCounts(), str(exc))
    log.error("%s: failed: %s", source, exc)
    return StreamResult(source, stream, "failed", RunCounts(), str(exc))

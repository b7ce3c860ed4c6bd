"""``kind: x``: posts that mention the configured organisations, from X API v2 search (recent, or full archive).

Every read is billed (pay-per-use, about $0.005 a post), so the collector is built never to read a post twice
when it can avoid it. Each packed query (x_query.py) is a stream with its own cursor; x_bounds.py turns a
cursor into a request's bounds, x_posts.py reads posts.

**Cursors.** Search results come newest first, within a page and across pages, so a run cannot advance its
lower bound page by page. A run reads ``since_id=S`` (exclusive) down to S through ``next_token`` pages; only when
it has read the last page does it save ``{"since_id": N}``, where N is the *first* page's ``meta.newest_id`` (the
newest post the run saw). Saving N earlier would lose every post between S and the page where a run stopped.

An interrupted run (an error, a rate limit, the per-run budget) must not pay twice for the pages it already
committed either, so each intermediate page saves an *in-progress* cursor with the same lower bound and an upper
one: ``{"since_id": S, "until_id": O, "newest_id": N}``, O being the oldest post committed so far. The next run
first finishes the interrupted one with ``since_id=S, until_id=O`` (exactly the posts not read yet: ids are
time-ordered and both bounds are exclusive), saves ``{"since_id": N}``, then reads what is newer than N. Posts
are read once, none is lost, and nothing depends on an opaque ``next_token`` outliving the run. A run with an
``until`` before O reads only the unread posts before ``until`` and then raises the lower bound to it. (X bills a post
fetched twice in one UTC day once, but the next run may fall on another day, and the budgets count every read.) The first run of
a stream has no ``since_id``: its lower bound is ``start_time``, ``backfill`` ago (the same scheme applies; X
refuses a time bound next to an id bound, so a request that needs both sends the time as a snowflake id).

**Budgets.** ``max_posts_per_run`` is shared fairly between the streams of a run (taking turns when it is too
small for a page for each) and ``monthly_post_budget``
counts the posts read this calendar month (UTC), as recorded in collection_runs. Each request asks for at most
what is left (``max_results`` is 10 to 100), so a run stops *before* it would pass either budget.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import tweepy
from pydantic import Field, field_validator, model_validator
from sqlalchemy.orm import Session

from listener.collectors import http
from listener.collectors.base import Collector, DeletionCheck, Page, check_in_chunks
from listener.collectors.http import RetryOptions
from listener.collectors.x_api import ARCHIVE_MIN_INTERVAL_SECONDS, XApi, XClient
from listener.collectors.x_bounds import RECENT_WINDOW, lower_bound, request_bounds, stored_bound
from listener.collectors.x_posts import (
    POST_ID,
    LookupAnswer,
    page_posts,
    read_lookup,
    snowflake_time,
)
from listener.collectors.x_query import ARCHIVE_QUERY_LIMIT, RECENT_QUERY_LIMIT, SearchQuery, build_queries
from listener.config import SourceConfig, parse_duration
from listener.errors import AuthenticationError, BudgetExhausted, CollectorError, RateLimited
from listener.store.runs import month_to_date_reads

log = logging.getLogger(__name__)

PAGE_SIZE = 100
LOOKUP_BATCH = 100  # ids one GET /2/tweets takes
MIN_PAGE_SIZE = 10  # X refuses max_results below 10 on search
TWEET_FIELDS = [
    "created_at",
    "lang",
    "public_metrics",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "entities",
    "author_id",
]
EXPANSIONS = ["author_id"]
USER_FIELDS = ["username"]


class XOptions(RetryOptions):
    bearer_token_env: str = Field("X_BEARER_TOKEN", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    api_base_url: str = Field("https://api.twitter.com", pattern=r"^https?://[^\s/]+(/\S*)?$")
    archive: bool = False
    lang: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    include_own_posts: bool = False
    extra_terms: dict[str, tuple[str, ...]] = {}
    exclude: tuple[str, ...] = ()
    backfill: timedelta = timedelta(days=7)
    max_posts_per_run: int = Field(1000, ge=MIN_PAGE_SIZE)
    monthly_post_budget: int = Field(10_000, ge=MIN_PAGE_SIZE)
    max_wait: timedelta = timedelta(minutes=15)  # X's rate-limit windows are 15 minutes long

    @field_validator("backfill", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @field_validator("extra_terms", mode="before")
    @classmethod
    def _upper_codes(cls, value: Any) -> Any:
        return {str(k).strip().upper(): v for k, v in value.items()} if isinstance(value, dict) else value

    def organisation_codes(self) -> list[tuple[str, str]]:
        return [(f"extra_terms.{code}", code) for code in self.extra_terms]

    @model_validator(mode="after")
    def _backfill_within_reach(self) -> XOptions:
        if not self.archive and self.backfill > RECENT_WINDOW:
            raise ValueError(
                f"backfill: recent search reaches back 7 days, got {self.backfill}; set archive: true for more"
            )
        return self


class XCollector(Collector):
    kind = "x"
    Options = XOptions
    options: XOptions
    checks_deletions = True
    # Every wait goes through http.sleep (looked up when called); tests and benchmarks may also replace this.
    sleep = staticmethod(lambda seconds: http.sleep(seconds))

    @classmethod
    def budget_used(cls, session: Session, source: SourceConfig) -> str | None:
        """Posts read this month (UTC) against ``monthly_post_budget``, for ``listener status``."""
        reads, budget = month_to_date_reads(session, source.name), source.options.monthly_post_budget
        return f"{reads} of {budget} posts read this month (UTC), {100 * reads / budget:.0f}%"

    clock = staticmethod(time.time)

    def __init__(self, source, config):
        super().__init__(source, config)
        env = self.options.bearer_token_env
        token = os.environ.get(env, "").strip()
        if not token:
            raise CollectorError(
                f"X bearer token missing: set the environment variable {env} (named by bearer_token_env of "
                f"source {self.name})"
            )
        limit = ARCHIVE_QUERY_LIMIT if self.options.archive else RECENT_QUERY_LIMIT
        self.queries = {
            q.stream: q
            for q in build_queries(
                config.organisations,
                limit=limit,
                include_own_posts=self.options.include_own_posts,
                lang=self.options.lang,
                exclude=self.options.exclude,
                extra_terms=self.options.extra_terms,
            )
        }
        client = XClient(
            token, api_base_url=self.options.api_base_url, timeout=self.options.timeout.total_seconds()
        )
        self.api = XApi(
            client,
            token_env=env,
            max_retries=self.options.max_retries,
            max_wait=self.options.max_wait,  # already kept under the lease (Collector.__init__)
            min_interval=ARCHIVE_MIN_INTERVAL_SECONDS if self.options.archive else 0.0,
            sleep=self.sleep,
            clock=self.clock,
            rng=random.Random(),
        )
        self.month_reads = 0  # this month's reads before this run (set by the runner)
        self.run_reads = 0
        self._stream_left = 0
        self._order: list[str] = []  # the streams in the order of this run (see streams)
        self._stopped: CollectorError | None = None

    def set_month_to_date_reads(self, reads: int) -> None:
        self.month_reads = reads

    def streams(self) -> list[str]:
        if not self.queries:
            raise CollectorError(f"source {self.name}: no organisations in config to search for")
        names = list(self.queries)
        if self.options.max_posts_per_run < MIN_PAGE_SIZE * len(names):
            # Too small a budget for a page for every query: the queries take turns. A busy run reads about a
            # page per MIN_PAGE_SIZE posts, so the next run starts about where this one stopped.
            start = self.month_reads // MIN_PAGE_SIZE % len(names)
            names = names[start:] + names[:start]
        self._order = names
        return names

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        # the whole source is stopped: do not pay for a request to hear it again
        if self._stopped is not None:
            raise type(self._stopped)(f"{self._stopped} (not tried: an earlier stream was stopped)")
        query = self.queries[stream]
        log.info("%s %s: query %s", self.name, stream, query.text)
        self._stream_left = self._stream_share(stream)
        cursor = dict(cursor or {})
        if "until_id" in cursor:  # an interrupted run: finish it before reading anything newer
            if until is not None and until <= snowflake_time(cursor["until_id"]):
                yield from self._read_unread_before(query, cursor, until)
                return
            finished = yield from self._read_pass(query, cursor, until)
            if not finished:
                return
            cursor = {"since_id": cursor["newest_id"]}
        yield from self._read_pass(query, cursor, until)

    def _stream_share(self, stream: str) -> int:
        """A fair part of what is left of max_posts_per_run: the rest divided by the streams still to run, but
        never less than the smallest page X serves while the run has that much left (a smaller share would
        never be read: the stream would never be collected)."""
        names = self._order or list(self.queries)
        streams_left = len(names) - names.index(stream)
        left = self.options.max_posts_per_run - self.run_reads
        return min(left, max(left // streams_left, MIN_PAGE_SIZE))

    def _read_unread_before(
        self, query: SearchQuery, cursor: dict[str, Any], until: datetime
    ) -> Iterator[Page]:
        """An interrupted run's unread range ends after ``until``: read only its posts created before ``until``.

        The range keeps its upper end and newest id and, once its last page is read, its lower bound moves up
        to ``until``, so the next run reads the rest of it (finishing at ``until_id`` would skip that rest for
        good). The pages before the last save no cursor: a second interruption reads them again, loses none."""
        until = until.replace(microsecond=0)  # as tweepy sends end_time, so both parts meet exactly
        lower = {k: cursor[k] for k in ("since_id", "start_time") if k in cursor}
        if "since_id" in lower and until <= snowflake_time(lower["since_id"]):
            return  # nothing unread is older than until
        rest = {
            "start_time": until.isoformat(),
            "until_id": cursor["until_id"],
            "newest_id": cursor["newest_id"],
        }
        yield from self._read_pass(query, lower, until, done=rest)

    def _read_pass(
        self,
        query: SearchQuery,
        cursor: dict[str, Any],
        until: datetime | None,
        done: dict[str, Any] | None = None,
    ) -> Generator[Page, None, bool]:
        """Read every page newer than the cursor's lower bound; return whether the last page was reached.

        ``done``, when given, is the cursor to save with the last page, and no other page saves one."""
        lower = lower_bound(
            cursor,
            now=datetime.fromtimestamp(self.clock(), UTC),
            backfill=self.options.backfill,
            archive=self.options.archive,
            source=self.name,
        )
        until_id, newest = cursor.get("until_id"), cursor.get("newest_id")
        next_token = None
        while True:
            size = self._page_size(query)
            if size is None:
                return False
            params = {**request_bounds(lower, until_id, until), "max_results": size}
            if next_token:
                params["next_token"] = next_token
            response, requests = self._search(query, params)
            data = response.data or []
            read = response.meta.get("result_count", len(data))  # billed, malformed items included
            newest = newest or response.meta.get("newest_id")
            next_token = response.meta.get("next_token")
            self.run_reads += read
            self._stream_left -= read
            _log_partial_errors(self.name, response.errors)
            posts = [p for p in page_posts(response) if until is None or p.created_at < until]
            if (
                next_token
            ):  # more pages: keep the lower bound, narrow the upper one (see the module docstring)
                saved = {
                    **stored_bound(lower),
                    "until_id": response.meta.get("oldest_id"),
                    "newest_id": newest,
                }
                yield Page(
                    posts=posts, cursor=saved if data and done is None else None, requests=requests, read=read
                )
                continue
            last = done if done is not None else {"since_id": newest} if newest else None
            yield Page(posts=posts, cursor=last, requests=requests, read=read)
            return True

    def _search(self, query: SearchQuery, params: dict[str, Any]) -> tuple[tweepy.Response, int]:
        before = self.api.requests
        try:
            response = self.api.search(
                query.text,
                archive=self.options.archive,
                tweet_fields=TWEET_FIELDS,
                expansions=EXPANSIONS,
                user_fields=USER_FIELDS,
                **params,
            )
        except CollectorError as exc:
            exc.requests += self.api.requests - before  # a failed page still cost requests
            if isinstance(exc, AuthenticationError | BudgetExhausted | RateLimited):
                self._stopped = exc
            raise
        return response, self.api.requests - before

    def _page_size(self, query: SearchQuery) -> int | None:
        """How many posts the next request may ask for; None when the run's share is used up."""
        month_left = self.options.monthly_post_budget - self.month_reads - self.run_reads
        if month_left < MIN_PAGE_SIZE:
            raise BudgetExhausted(
                f"source {self.name}: monthly_post_budget reached ({self.month_reads + self.run_reads} of "
                f"{self.options.monthly_post_budget} posts read this month, UTC); collection resumes next "
                "month, or raise monthly_post_budget"
            )
        size = min(PAGE_SIZE, month_left, self._stream_left)
        if size < MIN_PAGE_SIZE:
            log.info(
                "%s %s: this stream's share of max_posts_per_run (%d) is used; it resumes on the next run",
                self.name,
                query.stream,
                self.options.max_posts_per_run,
            )
            return None
        return size

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Which of these post ids X no longer returns (deleted, protected, suspended, withheld), 100 a
        request, and the newest version of an edited post when X answers with it (x_posts.py, "Edits in a
        lookup").

        Lookups are billed like search reads: they count against ``monthly_post_budget``, and the check stops
        with ``BudgetExhausted`` before a request would pass it."""
        askable = [i for i in native_ids if POST_ID.fullmatch(i)]
        if len(askable) < len(native_ids):  # X refuses a whole lookup for one id that is not a number (400)
            log.warning(
                "%s: %d stored X posts have an id that is not an X post id (imported from a file?): not checked",
                self.name,
                len(native_ids) - len(askable),
            )
        answers: list[LookupAnswer] = []
        check = check_in_chunks(
            askable, LOOKUP_BATCH, lambda ids: self._lookup(ids, answers), lambda: self.api.requests
        )
        check.edited = [post for answer in answers for post in answer.edited]
        check.unchecked += len(native_ids) - len(askable)
        unread = sum(answer.edited_unread for answer in answers)
        if unread:
            log.info(
                "%s: %d stored X posts were edited on X, and the lookup returned an older version: their "
                "newest text was not read (it would cost a read each); collection takes it if search finds it",
                self.name,
                unread,
            )
        return check

    def _lookup(self, ids: list[str], answers: list[LookupAnswer]) -> tuple[set[str], int]:
        """The ids of one lookup that X no longer serves, and the posts it returned; what the lookup says (see
        read_lookup) is added to ``answers``."""
        month_left = self.options.monthly_post_budget - self.month_reads - self.run_reads
        if month_left < len(ids):
            raise BudgetExhausted(
                f"source {self.name}: checking {len(ids)} more posts would pass monthly_post_budget "
                f"({self.options.monthly_post_budget}); the check resumes next month, or raise the budget"
            )
        response = self.api.lookup(ids, tweet_fields=["id", "withheld"])
        answer = read_lookup(self.name, ids, response)
        self.run_reads += answer.served
        answers.append(answer)
        return answer.gone, answer.served


def _log_partial_errors(source: str, errors: list[dict[str, Any]] | None) -> None:
    """A 200 may carry errors[] next to good data (a referenced post not found...): keep the data, log the rest."""
    for error in errors or []:
        log.warning(
            "%s: X reported a partial error, the rest of the page was kept: %s %s",
            source,
            error.get("title", ""),
            error.get("detail", ""),
        )

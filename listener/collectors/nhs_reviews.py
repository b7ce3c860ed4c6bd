"""``kind: nhs_reviews``: ratings and reviews of NHS organisations from the NHS website (nhs.uk).

The API is documented at developer.api.nhs.uk/nhs-api/documentation/comments: base URL
``https://api.nhs.uk/comments``, ``?api-version=1.0``, a ``subscription-key`` header (register at
developer.api.nhs.uk), and ``GET /Comments`` with ``odsCode``, ``orgType`` (e.g. TRU, HOS, GPB), ``status``
(published or removed), ``offset``, ``limit`` and ``fromDate``. That page documents the request only; the
response shape used here, ``{"comments": [{"comment": {commentId, title, commentText, dateSubmitted, odsCode,
commentOriginalURL, screenName, ratings, ...}, "response": ...}]}``, is the one public client code reads, and
the error answers (401/429 JSON bodies with ``statusCode`` and ``message``, ``Retry-After``) are those of the
Azure API Management gateway in front of it. Neither the order of the results nor whether ``fromDate`` is
inclusive is documented, so this collector assumes neither:

Each configured organisation (``organisations``, default: every organisation in config) is a stream queried by
its ODS code, and every review in it becomes a "source" mention of that organisation. A run reads every page
from ``fromDate = <newest review stored> - lookback`` (reviews are moderated before they appear, so a review
can be published days after it was written) and the store drops the reviews it already has. The cursor
(``newest``) is saved only after the last page, because the pages are in no documented order.

``gone`` (for ``listener compliance nhs_reviews``) lists, for each organisation, the reviews moderation removed
after they were published (``status=removed``, the documented way to learn of removals) and names the stored
reviews among them. Only that list deletes: a review merely missing from the published ones (past the 2 years
the website keeps reviews, or of an organisation no longer in config) is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field, field_validator

from listener.collectors.base import CollectedPost, DeletionCheck, Page
from listener.collectors.feedback import FeedbackOptions, parse_api_time, subscription_key
from listener.collectors.http import ApiClient, ApiCollector
from listener.config import parse_duration
from listener.errors import CollectorError

log = logging.getLogger(__name__)

ORG_TYPES = ("DEN", "OPT", "HOS", "PHA", "GPB", "TRU", "IND", "SCL", "CLI")


class NhsReviewsOptions(FeedbackOptions):
    base_url: str = "https://api.nhs.uk/comments"
    subscription_key_env: str = "NHS_WEBSITE_SUBSCRIPTION_KEY"
    api_version: str = "1.0"
    org_type: str | None = None
    limit: int = Field(100, ge=1, le=1000)
    lookback: timedelta = timedelta(days=14)

    @field_validator("lookback", mode="before")
    @classmethod
    def _lookback(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("org_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in ORG_TYPES:
            raise ValueError(f"expected one of {', '.join(ORG_TYPES)}, got {value!r}")
        return value.upper() if value else None


class NhsReviewsCollector(ApiCollector):
    kind = "nhs_reviews"
    platform = "nhs_website"
    Options = NhsReviewsOptions
    options: NhsReviewsOptions
    checks_deletions = True
    _removed: set[str] | None = None  # the removed reviews' ids, listed once per check

    def make_client(self) -> ApiClient:
        env = self.options.subscription_key_env
        key = subscription_key(self.name, env, "NHS website API")
        return ApiClient(
            self.name,
            self.options,
            headers={"subscription-key": key, "Accept": "application/json"},
            auth_hint=f"Check the NHS website API subscription key in {env} (developer.api.nhs.uk).",
        )

    def streams(self) -> list[str]:
        # loading config.yaml refused codes that are not under organisations
        return list(self.options.organisations) or [org.code for org in self.config.organisations]

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        newest = datetime.fromisoformat(cursor["newest"]) if cursor and cursor.get("newest") else None
        start = newest - self.options.lookback if newest else datetime.now(UTC) - self.options.first_run
        params = {**self._query(stream, "published"), "fromDate": start.date().isoformat()}
        offset = 0
        while True:
            before = self.client.requests
            items = self._fetch({**params, "offset": offset})
            page = Page(requests=self.client.requests - before, read=len(items))
            for number, item in enumerate(items, start=offset + 1):
                post = self._post(item, stream, number)
                if post is None or (until is not None and post.created_at >= until):
                    continue
                page.posts.append(post)
                newest = max(newest or post.created_at, post.created_at)
            last = len(items) < self.options.limit
            if last and newest is not None:
                page.cursor = {"newest": newest.isoformat()}
            yield page
            if last:
                return
            offset += len(items)

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Stored reviews the API lists as removed by moderation; the rest are taken as still published."""
        before = self.client.requests
        if self._removed is None:  # set only once every organisation's list was read in full
            self._removed = set().union(*(self._removed_ids(stream) for stream in self.streams()))
        gone = set(native_ids) & self._removed
        if gone:
            log.info("%s: %d stored reviews were removed by NHS website moderation", self.name, len(gone))
        read = len(native_ids) - len(gone)
        return DeletionCheck(gone=gone, requests=self.client.requests - before, read=read)

    def _removed_ids(self, stream: str) -> set[str]:
        """Every review of an organisation the API lists as removed (a failure raises: nothing is deleted)."""
        removed: set[str] = set()
        params, offset = self._query(stream, "removed"), 0
        while True:
            items = self._fetch({**params, "offset": offset})
            for number, item in enumerate(items, start=offset + 1):
                comment = item.get("comment") if isinstance(item, dict) else None
                comment_id = str(comment.get("commentId") or "").strip() if isinstance(comment, dict) else ""
                if comment_id:
                    removed.add(comment_id)
                else:
                    log.warning("%s: %s removed review %d skipped: no commentId", self.name, stream, number)
            if len(items) < self.options.limit:
                return removed
            offset += len(items)

    def _query(self, stream: str, status: str) -> dict[str, Any]:
        params: dict[str, Any] = {
            "api-version": self.options.api_version,
            "odsCode": stream,
            "status": status,
            "limit": self.options.limit,
        }
        if self.options.org_type:
            params["orgType"] = self.options.org_type
        return params

    def _fetch(self, params: dict[str, Any]) -> list[Any]:
        url = f"{self.options.base_url}/Comments"
        response = self.client.get(url, params=params)
        if response.status_code != 200:
            raise CollectorError(f"source {self.name}: {url} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise CollectorError(f"source {self.name}: {url} did not answer JSON") from None
        comments = body.get("comments") if isinstance(body, dict) else None
        if comments is None:
            return []  # no reviews for this organisation in the window
        if not isinstance(comments, list):
            raise CollectorError(f"source {self.name}: {url}: expected a list in 'comments'")
        return comments

    def _post(self, item: Any, stream: str, number: int) -> CollectedPost | None:
        try:
            comment = item.get("comment") if isinstance(item, dict) else None
            if not isinstance(comment, dict):
                raise ValueError("expected an object with a 'comment'")
            native_id = str(comment.get("commentId") or "").strip()
            if not native_id:
                raise ValueError("no commentId")
            submitted = parse_api_time(comment.get("dateSubmitted"))
        except ValueError as exc:
            log.warning("%s: %s review %d skipped: %s", self.name, stream, number, exc)
            return None
        title, text = (comment.get("title") or "").strip(), (comment.get("commentText") or "").strip()
        return CollectedPost(
            platform="nhs_website",
            native_id=native_id,
            text=f"{title}\n\n{text}" if title and text else title or text,
            created_at=submitted,
            url=comment.get("commentOriginalURL") or None,
            lang="en",
            author_id=comment.get("screenName") or None,
            author_handle=comment.get("screenName") or None,
            organisation_codes=(stream,),
            raw=item,
        )

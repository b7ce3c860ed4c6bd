"""``kind: careopinion``: patient stories from the Care Opinion API v2 (``GET /api/v2/opinions``).

Access is through a Care Opinion subscription with API access; the key goes in the header
``Authorization: SUBSCRIPTION_KEY <key>`` and the data is scoped to the subscription. A bad key is not a 401:
Care Opinion redirects to its HTML login page, which is recognised here (redirects are never followed) and
reported as an authentication error.

Stories come oldest first by date of publication, ``take`` (at most 100) at a time with ``skip``, until an empty
array, the documented end: a page may come short mid-results (hidden stories keep their place in the order), so
a short page does not end a run. Two pages in a row that bring no story the run has not read end it too, with a
warning (a server that ignores ``skip`` would otherwise keep it going for ever). A story withdrawn during a run
moves the later ones up a place, so each page starts at the last place of the page before (``_step``), and a
story the run has read already is dropped by id. The only time filters take whole days, so they cannot page
within a day, and the research notes (collector_apis.md, Care Opinion) advise skip/take paging de-duplicated on
``id``.

The order is by date of publication and the filters take whole days, so stories are taken to be in order of
their day only, not of their time within it. The cursor is the newest publication time stored; each run asks for
``publishedafter=<the day before its day>``, which reads that day again whether the filter counts its own day
or not, and offers every story it reads: the store keeps each story once (by id), so only those it does not have
are new, and a story of that day that appeared after the last run, even earlier in the day than the newest one
stored, is not lost. The cursor moves forward page by page. A story's ``created_at`` is its date of publication
(when it became public; the submission date stays in ``raw``). A story published at or after ``until`` is left
out; one published on a later day ends the run.

Organisations: a story linked to a health service whose ODS code (or whose trust's code) is configured becomes a
"source" mention of that organisation. With ``organisations`` set, each code is its own stream filtered by
``org_filter=<code>`` and every story in it is about that organisation: a story in two organisations' streams is
stored once and linked to both (the runner links stored posts too).
Documented at careopinion.org.uk/info/api-v2 (auth, endpoints, content, filtering). No official sample response
is published: the field names (id, title, body, dateOfPublication, dateOfSubmission, links) are those public
clients use; links are read both as {rel, id, href} (the docs) and {relation, id, link} (seen in clients).
A story's body is Markdown (api-v2-content); it is stored as the text a reader sees (markdown_text.py), and a
body in plain text is stored as it came.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import Field

from listener.collectors.base import CollectedPost, Page
from listener.collectors.feedback import FeedbackOptions, configured_codes, parse_api_time, subscription_key
from listener.collectors.http import ApiClient, ApiCollector
from listener.collectors.markdown_text import markdown_text
from listener.errors import AuthenticationError, CollectorError

log = logging.getLogger(__name__)

_SERVICE_IN_HREF = re.compile(r"/healthservices/([A-Za-z0-9]+)", re.IGNORECASE)


class CareOpinionOptions(FeedbackOptions):
    base_url: str = "https://www.careopinion.org.uk/api/v2"
    subscription_key_env: str = "CARE_OPINION_SUBSCRIPTION_KEY"
    org_filter: str = Field("nacs", pattern=r"^[a-z]+$")
    filters: dict[str, str] = {}
    take: int = Field(100, ge=1, le=100)
    requests_per_second: float = Field(5.0, gt=0, le=5.0)


class CareOpinionCollector(ApiCollector):
    kind = "careopinion"
    Options = CareOpinionOptions
    options: CareOpinionOptions
    ALL = "opinions"

    def make_client(self) -> ApiClient:
        env = self.options.subscription_key_env
        key = subscription_key(self.name, env, "Care Opinion")
        return ApiClient(
            self.name,
            self.options,
            headers={"Authorization": f"SUBSCRIPTION_KEY {key}", "Accept": "application/json"},
            auth_hint=f"Check the Care Opinion subscription key in {env}.",
            min_interval=1 / self.options.requests_per_second,
        )

    def streams(self) -> list[str]:
        # loading config.yaml refused codes that are not under organisations
        return list(self.options.organisations) or [self.ALL]

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        newest = datetime.fromisoformat(cursor["published"]) if cursor else None
        since = (newest or datetime.now(UTC) - self.options.first_run).date() - timedelta(days=1)
        params = {**self.options.filters, "publishedafter": since.isoformat(), "take": self.options.take}
        if stream != self.ALL:
            params[self.options.org_filter] = stream
        skip, read, idle = 0, set(), 0  # read: the ids of the stories this run has read
        while True:
            before = self.client.requests
            items = self._fetch({**params, "skip": skip})
            page = Page(requests=self.client.requests - before, read=len(items))
            done = not items  # the documented end; a short page can come mid-results (hidden stories)
            fresh = 0  # stories this run had not read
            for number, item in enumerate(items, start=skip + 1):
                post = self._post(item, stream, number)
                if post is None or post.native_id in read:
                    continue  # the place this page shares with the one before, or a story moved down a place
                read.add(post.native_id)
                fresh += 1
                if until is not None and post.created_at >= until:
                    # in order by day only: a story of a later day ends the run, one of the same day does not
                    done = done or post.created_at.date() > until.astimezone(UTC).date()
                    continue
                page.posts.append(post)  # the store keeps each story once: one read again is not new
                newest = max(newest or post.created_at, post.created_at)
            page.cursor = {"published": newest.isoformat()} if newest else None
            yield page
            idle = 0 if fresh else idle + 1
            if done or self._stalled(stream, skip, idle):
                return
            skip += _step(len(items), bool(fresh), self.options.take)

    def _stalled(self, stream: str, skip: int, idle: int) -> bool:
        """Two pages in a row with no story this run had not read: a server that ignores ``skip`` or never
        sends the empty array would otherwise keep the run going for ever. One such page is no sign of it: a
        page whose new places hold only hidden stories brings nothing new, and the next page starts past it."""
        if idle < 2:
            return False
        log.warning(
            "%s: %s: two pages in a row brought no story this run had not read (up to skip=%d), but no empty "
            "page ended the results; the run stops here and the next one reads on from the cursor",
            self.name,
            stream,
            skip,
        )
        return True

    def _fetch(self, params: dict[str, Any]) -> list[Any]:
        url = f"{self.options.base_url}/opinions"
        response = self.client.get(url, params=params, check=self._not_a_login_page)
        if response.status_code != 200:
            raise CollectorError(f"source {self.name}: {url} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise CollectorError(f"source {self.name}: {url} did not answer JSON") from None
        if not isinstance(body, list):
            raise CollectorError(f"source {self.name}: {url} answered {type(body).__name__}, expected a list")
        return body

    def _not_a_login_page(self, response: httpx.Response) -> None:
        """Care Opinion answers a bad key with a redirect to its HTML login page, not with a 401."""
        html = "text/html" in response.headers.get("Content-Type", "")
        if response.is_redirect or (response.status_code == 200 and html):
            where = response.headers.get("Location", "an HTML page")
            raise AuthenticationError(
                f"source {self.name}: Care Opinion sent the request to its login page ({where}) instead of "
                f"answering: the subscription key in {self.options.subscription_key_env} is not valid, has no "
                f"API access, or the subscription has ended"
            )

    def _post(self, item: Any, stream: str, number: int) -> CollectedPost | None:
        try:
            if not isinstance(item, dict):
                raise ValueError(f"expected an opinion object, got {str(item)[:60]!r}")
            native_id = str(item.get("id") or "").strip()
            if not native_id:
                raise ValueError("no id")
            published = parse_api_time(item.get("dateOfPublication"))
        except ValueError as exc:
            log.warning("%s: %s item %d skipped: %s", self.name, stream, number, exc)
            return None
        title, body = (item.get("title") or "").strip(), markdown_text(item.get("body") or "")
        codes = configured_codes([stream if stream != self.ALL else None, *_linked_codes(item)], self.config)
        return CollectedPost(
            platform="careopinion",
            native_id=native_id,
            text=f"{title}\n\n{body}" if title and body else title or body,
            created_at=published,
            url=f"{self.options.base_url.removesuffix('/api/v2')}/{native_id}",
            lang="en",
            organisation_codes=codes,
            raw=item,
        )


def _step(served: int, fresh: bool, take: int) -> int:
    """How far ``skip`` moves after a page of ``served`` items. Stories withdrawn (or published in an earlier
    place) while a run pages by skip move the later ones up (or down) a place: each page starts at the last
    place of the one before, so a story moved onto a place already read is still read, and the stories the run
    has read already are dropped by id. A page that brought nothing new, its one new place shown (a page whose
    places hold hidden stories comes short), is passed whole: the next page starts ``take`` places on."""
    return max(served - 1, 1) if fresh else max(served, take)


def _linked_codes(item: dict[str, Any]) -> list[str]:
    """ODS codes of the health services a story links to (in link ids or in ``/healthservices/<code>`` hrefs)."""
    codes = []
    for link in item.get("links") or ():
        if not isinstance(link, dict):
            continue
        rel = str(link.get("rel") or link.get("relation") or "").lower()
        href = str(link.get("href") or link.get("link") or "")
        if rel in ("healthservice", "healthservices", "ratings"):
            codes.append(link.get("id"))
        codes.extend(_SERVICE_IN_HREF.findall(href))
    return [c for c in codes if isinstance(c, str)]

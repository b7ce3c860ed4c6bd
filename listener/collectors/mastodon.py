"""``kind: mastodon``: public hashtag timelines on chosen Mastodon instances, through Mastodon.py.

Each (instance, hashtag) pair is a stream. Keyword search across the fediverse is not possible (full-text search
finds only posts of accounts that opted in, and each instance knows only what reached it), so hashtag timelines
on a few instances are the reliable route. Paging runs forward with ``min_id`` (gap-free, unlike ``since_id``)
and follows the ``Link: rel="prev"`` header; every page is committed with the newest id it covers, so a crash
loses nothing and a second run asks only for what is newer.

Only public posts are kept, and posts of accounts that opted out of indexing or discovery (``noindex``,
``indexable: false``, ``discoverable: false``, or ``#nobot`` in the bio) are skipped and counted in the log.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import Field, field_validator

from listener.collectors.base import CollectedPost, Collector, Page
from listener.collectors.http import HttpOptions, Patience, RateLimitHit, RequestCounter, TransientError
from listener.config import parse_duration
from listener.errors import AuthenticationError, CollectorError

log = logging.getLogger(__name__)

PLATFORM = "mastodon"


class MastodonOptions(HttpOptions):
    instances: tuple[str, ...] = Field(min_length=1)
    hashtags: tuple[str, ...] = ()
    organisation_hashtags: bool = True
    access_token_env: str | None = None
    lookback: timedelta = timedelta(days=1)
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


class MastodonCollector(Collector):
    kind = "mastodon"
    Options = MastodonOptions
    options: MastodonOptions

    def __init__(self, source, config):
        super().__init__(source, config)
        self.patience = Patience(self.name, self.options)
        self.counter = RequestCounter()
        self._clients: dict[str, Any] = {}

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
        api = self._client(instance)
        self.counter.take()
        min_id = (cursor or {}).get("min_id") or _snowflake(datetime.now(UTC) - self.options.lookback)
        what = f"#{tag} on {urlsplit(instance).netloc}"
        statuses = self.patience.call(what, lambda: self._first_page(api, instance, tag, min_id))
        while True:
            if not statuses:
                yield Page(requests=self.counter.take())
                return
            page, reached_until = self._page(statuses, instance, until, min_id)
            min_id = (page.cursor or {}).get("min_id", min_id)
            page.requests = self.counter.take()
            yield page
            if reached_until or len(statuses) < self.options.page_size:
                return
            statuses = self.patience.call(
                what, lambda newer=statuses: self._api(instance, api.fetch_previous, newer)
            )

    def _first_page(self, api: Any, instance: str, tag: str, min_id: str) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            statuses = self._api(
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

    def _page(self, statuses: Any, instance: str, until: datetime | None, min_id: str) -> tuple[Page, bool]:
        page = Page(read=len(statuses))
        skipped: dict[str, int] = {}
        newest = min_id
        for status in sorted(statuses, key=_id_order):
            status_id = status.get("id") if isinstance(status, Mapping) else None
            if status_id is None:
                log.warning("%s: %s: a status without an id skipped", self.name, instance)
                continue
            created = _created(status)
            if until is not None and created is not None and created >= until:
                page.cursor = {"min_id": newest}
                return page, True
            newest = str(status_id)
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
        if status.get("visibility") != "public":
            return None, "not public"
        if status.get("reblog"):
            return None, "boosts"
        account = status.get("account") or {}
        opt_out = _opt_out(account)
        if opt_out:
            return None, f"from accounts that opted out ({opt_out})"
        host = urlsplit(instance).netloc
        try:
            text = _html_text(status.get("spoiler_text") or "", status.get("content") or "")
            acct = str(account.get("acct") or "")
            post = CollectedPost(
                platform=PLATFORM,
                native_id=str(status.get("uri") or f"{instance}/statuses/{status['id']}"),
                text=text,
                created_at=_utc(status.get("created_at")),
                url=status.get("url") or status.get("uri"),
                lang=status.get("language"),
                author_id=account.get("uri") or (f"{account['id']}@{host}" if account.get("id") else None),
                author_handle=(acct if "@" in acct else f"{acct}@{host}") if acct else None,
                reply_count=_count(status.get("replies_count")),
                repost_count=_count(status.get("reblogs_count")),
                like_count=_count(status.get("favourites_count")),
                quote_count=_count(status.get("quotes_count")),
                raw=_plain(status),
            )
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s: %s: status %s skipped: %s", self.name, host, status.get("id"), exc)
            return None, None
        return post, None

    def _client(self, instance: str) -> Any:
        if instance not in self._clients:
            from mastodon import Mastodon  # imported here: only sources of this kind need it

            session = requests.Session()
            session.hooks["response"].append(self.counter)
            self._clients[instance] = Mastodon(
                access_token=self._access_token(),
                api_base_url=instance,
                ratelimit_method="throw",  # we decide how long to wait (max_wait), not the library
                request_timeout=self.options.timeout.total_seconds(),
                mastodon_version="4.5.0",  # no version probe: saves a request per instance
                version_check_mode="none",
                session=session,
                user_agent=self.options.user_agent,
            )
        return self._clients[instance]

    def _access_token(self) -> str | None:
        env = self.options.access_token_env
        if env is None:
            return None
        token = os.environ.get(env, "").strip()
        if not token:
            raise AuthenticationError(
                f"source {self.name}: no Mastodon access token: set the environment variable {env} "
                "(named by access_token_env)"
            )
        return token

    def _api(self, instance: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Call Mastodon.py, turning its errors into the retry policy's outcomes."""
        from mastodon import errors

        try:
            return method(*args, **kwargs)
        except errors.MastodonRatelimitError as exc:
            reset = getattr(method.__self__, "ratelimit_reset", None)
            wait = reset - datetime.now(UTC).timestamp() if reset else None
            raise RateLimitHit(wait, str(exc)) from None
        except (errors.MastodonServerError, errors.MastodonNetworkError) as exc:
            raise TransientError(_describe(exc)) from None
        except errors.MastodonAPIError as exc:
            raise self._api_error(instance, exc) from None

    def _api_error(self, instance: str, exc: Exception) -> CollectorError:
        status = exc.args[1] if len(exc.args) > 1 else None
        if status in (401, 403):
            env = self.options.access_token_env
            fix = (
                f"check the token in the environment variable {env} (named by access_token_env)"
                if env
                else "this instance needs a login: set access_token_env to the variable holding an app token"
            )
            return AuthenticationError(
                f"source {self.name}: {instance} refused access ({_describe(exc)}): {fix}"
            )
        return CollectorError(f"source {self.name}: {instance}: {_describe(exc)}")


def _describe(exc: Exception) -> str:
    args = [a for a in exc.args[1:] if a not in (None, "")] if len(exc.args) > 1 else [exc]
    return " ".join(str(a) for a in args)


def _opt_out(account: Mapping[str, Any]) -> str | None:
    if account.get("noindex") is True:
        return "noindex"
    if account.get("indexable") is False:
        return "indexable: false"
    if account.get("discoverable") is False:
        return "discoverable: false"
    if "#nobot" in str(account.get("note") or "").lower():
        return "#nobot"
    return None


def _id_order(status: Any) -> tuple[int, str]:
    status_id = str(status.get("id") if isinstance(status, Mapping) else "") or ""
    return (len(status_id), status_id)  # ids are numbers as text: shorter is older


def _snowflake(moment: datetime) -> str:
    """The smallest Mastodon id of a moment (ids are milliseconds since the epoch, shifted 16 bits)."""
    return str(int(moment.timestamp() * 1000) << 16)


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise ValueError(f"expected a time in created_at, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _created(status: Mapping[str, Any]) -> datetime | None:
    try:
        return _utc(status.get("created_at"))
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None


def _plain(value: Any) -> Any:
    """Mastodon.py's objects as plain JSON values (for keep_raw)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


class _TextOfHtml(HTMLParser):
    """Mastodon sends post content as HTML: keep the text, with a line break per paragraph or <br>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(spoiler: str, content: str) -> str:
    parser = _TextOfHtml()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts).strip()
    return f"{spoiler.strip()}\n\n{text}" if spoiler.strip() else text

"""``kind: mastodon``: public hashtag timelines on chosen Mastodon instances, through Mastodon.py.

Each (instance, hashtag) pair is a stream. Keyword search across the fediverse is not possible (full-text search
finds only posts of accounts that opted in, and each instance knows only what reached it), so hashtag timelines
on a few instances are the reliable route. Paging runs forward with ``min_id`` (gap-free, unlike ``since_id``)
and follows the ``Link: rel="prev"`` header; every page is committed with the newest id it covers, so a crash
loses nothing. The next run starts ``overlap`` before that id, never at it: Mastodon gives a status that reaches
it from another server an id made from the time it was posted, not the time it arrived (``Mastodon::Snowflake``
``::Callbacks`` on ``Status``), so a status delivered late sorts before statuses already read. Re-reading the
overlap also sees edits: an edited status keeps its id and place, carries ``edited_at``, and its stored text is
replaced by the new one (matched and scored again, like X's edits). The cursor never moves back.

Only public posts are kept, and posts of accounts that opted out of indexing or discovery (``noindex``,
``indexable: false``, ``discoverable: false``, or ``#nobot`` in the bio) are skipped and counted in the log.

A status's ActivityPub URI (``https://host/users/NAME/statuses/ID``) and its ``url`` (``https://host/@NAME/ID``)
name its author, so neither is stored (docs/data-protection.md). Its native id is ``<host>/<ID>``: the server it
was posted on and its id there, read from the URI, which is the same whichever instance served the status, so a
post seen on two instances is stored once; a URI of another shape (another kind of server) is stored as
``<host>/uri-sha256:<hash>``, a hash of the URI, as stable but with no name in it. Its link points at the
instance that served it: ``<instance>/web/statuses/<id there>`` (see ``status_link``).

``gone`` (for ``listener compliance``) asks each stored status's instance ``GET /api/v1/statuses/:id``, one
status a request. The native id names the server a post was posted on and, for Mastodon's two URI shapes
(``/users/NAME/statuses/ID``, ``/ap/users/ACCOUNT/statuses/ID``), its id there; so only posts of the instances
this source reads can be asked about. A post that reached an instance from another
server has another id there, which is not stored, and its own server is one the operator did not choose to call
(mastodon.social forbids automated access): such posts are left as they are and counted as unchecked. A 404 with
Mastodon's error body, or a 410, means deleted (or hidden: a status turned private answers 404 to those who may
not see it); a status served but no longer public or unlisted, or whose account has opted out since, is gone
too. Any other failure raises, so it never deletes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import Field, field_validator

from listener.collectors.base import CollectedPost, Collector, DeletionCheck, Page, check_in_chunks
from listener.collectors.http import HttpOptions, Patience, RateLimitHit, RequestCounter, TransientError
from listener.collectors.mastodon_html import html_text
from listener.config import parse_duration
from listener.errors import AuthenticationError, CollectorError

log = logging.getLogger(__name__)

PLATFORM = "mastodon"
# Mastodon's status URIs: by username, or by account id (accounts created on 4.5 and later); ID is the local id.
STATUS_URI = re.compile(r"/(?:ap/)?users/[^/]+/statuses/(\d+)")
STILL_PUBLIC = ("public", "unlisted")


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
        return timedelta(0) if value in (0, "0") else parse_duration(value)


class MastodonCollector(Collector):
    kind = "mastodon"
    Options = MastodonOptions
    checks_deletions = True
    options: MastodonOptions

    def __init__(self, source, config):
        super().__init__(source, config)
        self.patience = Patience(self.name, self.options)
        self.counter = RequestCounter()
        self._clients: dict[str, Any] = {}
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
        api = self._client(instance)
        self.counter.take()
        saved = (cursor or {}).get("min_id")
        start = _before(saved, self.options.overlap) if saved else None
        start = start or saved or _snowflake(datetime.now(UTC) - self.options.lookback)
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

    def _page(self, statuses: Any, instance: str, until: datetime | None, newest: str) -> tuple[Page, bool]:
        """The posts of a page read oldest first, stopping at ``until``; its cursor is the newest id read, or
        ``newest`` (the cursor so far) when that is newer."""
        page = Page(read=len(statuses))
        skipped: dict[str, int] = {}
        for status in sorted(statuses, key=_id_order):
            status_id = status.get("id") if isinstance(status, Mapping) else None
            if status_id is None:
                log.warning("%s: %s: a status without an id skipped", self.name, instance)
                continue
            created = _created(status)
            if until is not None and created is not None and created >= until:
                page.cursor = {"min_id": newest}
                return page, True
            newest = max(newest, str(status_id), key=_id_order)
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
            text = html_text(status.get("spoiler_text") or "", status.get("content") or "")
            acct = str(account.get("acct") or "")
            post = CollectedPost(
                platform=PLATFORM,
                native_id=status_key(status.get("uri"), instance, str(status["id"])),
                text=text,
                created_at=_utc(status.get("created_at")),
                url=status_link(instance, str(status["id"])),
                lang=status.get("language"),
                author_id=account.get("uri") or (f"{account['id']}@{host}" if account.get("id") else None),
                author_handle=(acct if "@" in acct else f"{acct}@{host}") if acct else None,
                reply_count=_count(status.get("replies_count")),
                repost_count=_count(status.get("reblogs_count")),
                like_count=_count(status.get("favourites_count")),
                quote_count=_count(status.get("quotes_count")),
                raw=_plain(status),
                edited=bool(status.get("edited_at")),  # its stored text, if any, is replaced by this one
            )
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s: %s: status %s skipped: %s", self.name, host, status.get("id"), exc)
            return None, None
        return post, None

    def gone(self, native_ids: list[str]) -> DeletionCheck:
        """Stored posts (status URIs) their instance no longer serves publicly, one request each; posts of
        servers this source does not read cannot be asked about and are counted in ``unchecked``."""
        routes = {native_id: route for native_id in native_ids if (route := self._route(native_id))}
        check = check_in_chunks(
            list(routes), 1, lambda ids: self._look_up(ids[0], *routes[ids[0]]), lambda: self.counter.total
        )
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

    def _look_up(self, native_id: str, instance: str, status_id: str) -> tuple[set[str], int]:
        api = self._client(instance)
        what = f"status {status_id} on {urlsplit(instance).netloc}"
        status = self.patience.call(what, lambda: self._served_status(api, instance, status_id))
        withdrawn = "deleted" if status is None else _withdrawn(status)
        if withdrawn:
            log.info("%s: %s is gone (%s)", self.name, what, withdrawn)
            return {native_id}, 0
        return set(), 1

    def _served_status(self, api: Any, instance: str, status_id: str) -> Mapping[str, Any] | None:
        """The status as its instance serves it now, or None when the instance says there is no such status."""
        from mastodon import errors

        with self._outcomes(instance, api):
            try:
                status = api.status(status_id)
            except errors.MastodonAPIError as exc:
                if _no_such_status(exc):
                    return None
                raise
        if not isinstance(status, Mapping) or str(status.get("id")) != status_id:
            raise TransientError(f"the answer is not status {status_id}")  # never read as "deleted"
        return status

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
        with self._outcomes(instance, method.__self__):
            return method(*args, **kwargs)

    @contextmanager
    def _outcomes(self, instance: str, api: Any) -> Iterator[None]:
        """Mastodon.py's errors as the retry policy's outcomes; a 429 waits for the reset ``api`` last read."""
        from mastodon import errors

        try:
            yield
        except errors.MastodonRatelimitError as exc:
            reset = getattr(api, "ratelimit_reset", None)
            wait = reset - datetime.now(UTC).timestamp() if reset else None
            raise RateLimitHit(wait, str(exc)) from None
        except (errors.MastodonServerError, errors.MastodonNetworkError) as exc:
            raise TransientError(_describe(exc)) from None
        except errors.MastodonAPIError as exc:
            if _unreadable(exc):  # a proxy's or a bot challenge's web page: worth a retry, never quoted
                raise TransientError("the answer is not JSON") from None
            raise self._api_error(instance, exc) from None

    def _api_error(self, instance: str, exc: Exception) -> CollectorError:
        if _http_status(exc) in (401, 403):
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


def status_key(uri: Any, instance: str, status_id: str) -> str:
    """A status's native id, which never names its author: ``<host>/<id>`` of the server it was posted on, read
    from a Mastodon URI; ``<host>/uri-sha256:<hash>`` for a URI of another shape; the serving instance and the
    status's id there when there is no URI."""
    if not uri:
        return f"{urlsplit(instance).netloc.lower()}/{status_id}"
    parts = urlsplit(str(uri))
    host = parts.netloc.lower()
    match = STATUS_URI.fullmatch(parts.path)
    if host and match:
        return f"{host}/{match.group(1)}"
    digest = hashlib.sha256(str(uri).encode("utf-8")).hexdigest()[:32]  # stable, and only the URI gives it
    return f"{host or '?'}/uri-sha256:{digest}"


def status_link(instance: str, status_id: str) -> str:
    """A link to a status on the instance that served it, by its id there, without its author's name.

    Mastodon's web app serves ``/statuses/:id`` (config/routes/web_app.rb, 4.x) and redirects ``/web/*`` there;
    Mastodon 3.x served the web app under ``/web/`` only. ``/web/statuses/:id`` works on both. The status's own
    ``url`` (``/@NAME/ID``) would store its author's username.
    """
    return f"{instance}/web/statuses/{status_id}"


def _describe(exc: Exception) -> str:
    args = [a for a in exc.args[1:] if a not in (None, "")] if len(exc.args) > 1 else [exc]
    return " ".join(str(a) for a in args)


def _http_status(exc: Exception) -> int | None:
    """The HTTP status of a Mastodon.py API error (its second argument)."""
    return exc.args[1] if len(exc.args) > 1 else None


def _unreadable(exc: Exception) -> bool:
    """Mastodon.py's error for a success answer it could not parse (its message quotes the whole body)."""
    return str(exc.args[0] if exc.args else "").startswith("Could not parse response as JSON")


def _no_such_status(exc: Exception) -> bool:
    """A 404 with Mastodon's error body ("Record not found"), or a 410. A 404 without a JSON error (a proxy's page,
    a server that is not Mastodon) proves nothing: Mastodon.py then puts "Endpoint not found." in its place."""
    status = _http_status(exc)
    detail = exc.args[3] if len(exc.args) > 3 else None
    return status == 410 or (status == 404 and detail not in (None, "", "Endpoint not found."))


def _withdrawn(status: Mapping[str, Any]) -> str | None:
    """Why a status its instance still serves is no longer ours to keep, if it is not."""
    if status.get("visibility") not in STILL_PUBLIC:
        return f"now {status.get('visibility') or 'without a visibility'}"
    opt_out = _opt_out(status.get("account") or {})
    return f"its account opted out ({opt_out})" if opt_out else None


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
    status_id = str((status.get("id") if isinstance(status, Mapping) else status) or "")
    return (len(status_id), status_id)  # ids are numbers as text: shorter is older


def _before(status_id: str, overlap: timedelta) -> str | None:
    """The smallest Mastodon id ``overlap`` before the moment of ``status_id``; None for an id that is not a
    Mastodon snowflake (other servers' ids carry no time), which is then read from as it is."""
    if not status_id.isdigit() or not overlap:
        return None
    moment_ms = int(status_id) >> 16
    return str(max(0, moment_ms - int(overlap.total_seconds() * 1000)) << 16)


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

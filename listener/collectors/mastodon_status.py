"""A Mastodon status as listener stores it: which statuses are kept, the post made of one, and its id.

A status's ActivityPub URI (``https://host/users/NAME/statuses/ID``) and its ``url`` (``https://host/@NAME/ID``)
name its author, so neither is stored (docs/data-protection.md). Its native id is ``<host>/<ID>``: the server it
was posted on and its id there, read from the URI, which is the same whichever instance served the status, so a
post seen on two instances is stored once; a URI of another shape (another kind of server) is stored as
``<host>/uri-sha256:<hash>``, a hash of the URI, as stable but with no name in it. Its link points at the
instance that served it: ``<instance>/web/statuses/<id there>`` (see ``status_link``).

Mastodon ids are milliseconds since the epoch shifted 16 bits, as text, so an id says when it was made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from listener.collectors.base import CollectedPost
from listener.collectors.mastodon_html import html_text

PLATFORM = "mastodon"
# Mastodon's status URIs: by username, or by account id (accounts created on 4.5 and later); ID is the local id.
STATUS_URI = re.compile(r"/(?:ap/)?users/[^/]+/statuses/(\d+)")
STILL_PUBLIC = ("public", "unlisted")


def left_out(status: Mapping[str, Any]) -> str | None:
    """Why a status read from a timeline is not stored, or None when it is."""
    if status.get("visibility") != "public":
        return "not public"
    if status.get("reblog"):
        return "boosts"
    opt_out = account_opt_out(status.get("account") or {})
    return f"from accounts that opted out ({opt_out})" if opt_out else None


def status_post(status: Mapping[str, Any], instance: str) -> CollectedPost:
    """The post made of a status ``instance`` served; raises KeyError, TypeError or ValueError when the status
    is malformed."""
    host = urlsplit(instance).netloc
    account = status.get("account") or {}
    text = html_text(status.get("spoiler_text") or "", status.get("content") or "")
    acct = str(account.get("acct") or "")
    return CollectedPost(
        platform=PLATFORM,
        native_id=status_key(status.get("uri"), instance, str(status["id"])),
        text=text,
        created_at=utc_time(status.get("created_at")),
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


def withdrawn(status: Mapping[str, Any]) -> str | None:
    """Why a status its instance still serves is no longer ours to keep, if it is not."""
    if status.get("visibility") not in STILL_PUBLIC:
        return f"now {status.get('visibility') or 'without a visibility'}"
    opt_out = account_opt_out(status.get("account") or {})
    return f"its account opted out ({opt_out})" if opt_out else None


def account_opt_out(account: Mapping[str, Any]) -> str | None:
    """How an account said it does not want its posts indexed or discovered, if it did."""
    if account.get("noindex") is True:
        return "noindex"
    if account.get("indexable") is False:
        return "indexable: false"
    if account.get("discoverable") is False:
        return "discoverable: false"
    if "#nobot" in str(account.get("note") or "").lower():
        return "#nobot"
    return None


def id_order(status: Any) -> tuple[int, str]:
    """The sort key of a status (or of its id): oldest first."""
    status_id = str((status.get("id") if isinstance(status, Mapping) else status) or "")
    return (len(status_id), status_id)  # ids are numbers as text: shorter is older


def id_before(status_id: str, overlap: timedelta) -> str | None:
    """The smallest Mastodon id ``overlap`` before the moment of ``status_id``; None for an id that is not a
    Mastodon snowflake (other servers' ids carry no time), which is then read from as it is."""
    if not status_id.isdigit() or not overlap:
        return None
    moment_ms = int(status_id) >> 16
    return str(max(0, moment_ms - int(overlap.total_seconds() * 1000)) << 16)


def first_id_at(moment: datetime) -> str:
    """The smallest Mastodon id of a moment."""
    return str(int(moment.timestamp() * 1000) << 16)


def created_time(status: Mapping[str, Any]) -> datetime | None:
    """When a status was posted, or None when its ``created_at`` is not a time."""
    try:
        return utc_time(status.get("created_at"))
    except ValueError:
        return None


def utc_time(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise ValueError(f"expected a time in created_at, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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

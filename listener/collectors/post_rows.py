"""Collected posts as the rows the store keeps: text trimmed, cut to size and redacted (``privacy.redact_stored_text``),
authors pseudonymised, payloads kept only with ``store.keep_raw``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from listener.collectors.base import CollectedPost, Collector, Page
from listener.config import Config
from listener.privacy import Pseudonymiser, Redactor
from listener.store.models import utcnow

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 50_000


def stored_text_redactor(config: Config) -> Redactor | None:
    """The redaction applied to text before it is stored (``privacy.redact_stored_text``), or None."""
    if not config.privacy.redact_stored_text:
        return None
    handles = [h for org in config.organisations for h in org.handles]
    return Redactor(handles, config.privacy.redact)


@dataclass
class PageRows:
    """A page's posts as rows: ``new`` (of ``page.posts``: stored unless stored already) and ``edits`` (of
    ``page.edits``: only their edits are followed), with, by (platform, native_id), the organisations the source
    says a post is about (``codes``), the rows whose text replaces a stored text that differs (``edited``), and
    the ids an earlier version stored posts under (``former``)."""

    new: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    edited: set[tuple[str, str]] = field(default_factory=set)
    former: dict[tuple[str, str], str] = field(default_factory=dict)


def page_rows(collector: Collector, page: Page, pseudonymiser: Pseudonymiser) -> PageRows:
    """The rows of a page's posts and edits, prepared as :func:`post_row` prepares each."""
    rows = PageRows()
    redactor = stored_text_redactor(collector.config)
    for posts, into in ((page.posts, rows.new), (page.edits, rows.edits)):
        for post in posts:
            row = post_row(collector, post, pseudonymiser, redactor)
            if row is None:
                continue
            into.append(row)
            if into is rows.new:
                rows.codes[row_key(row)] = post.organisation_codes
            if post.edited or into is rows.edits:
                rows.edited.add(row_key(row))
            if post.former_id:
                rows.former[row_key(row)] = post.former_id
    return rows


def row_key(row: dict[str, Any]) -> tuple[str, str]:
    """What a post is unique on: (platform, native_id)."""
    return row["platform"], row["native_id"]


def post_row(
    collector: Collector, post: CollectedPost, pseudonymiser: Pseudonymiser, redactor: Redactor | None
) -> dict[str, Any] | None:
    """A post as the row stored for it, or None (logged) when it has no text."""
    text = (post.text or "").strip()
    if not text:
        log.warning("%s: a %s post skipped: no text", collector.name, post.platform)  # ids lead to authors
        return None
    if len(text) > MAX_TEXT_CHARS:
        log.warning(
            "%s: a %s post's text of %d characters cut to %d",
            collector.name,
            post.platform,
            len(text),
            MAX_TEXT_CHARS,
        )
        text = text[:MAX_TEXT_CHARS]
    if redactor is not None:
        text = redactor(text)
    keep_raw = collector.config.store.keep_raw
    author_key, handle_key = pseudonymiser.post_author_keys(post.platform, post.author_id, post.author_handle)
    return {
        "platform": post.platform,
        "native_id": post.native_id,
        "source": collector.name,
        "text": text,
        "url": post.url,
        "created_at": post.created_at,
        "collected_at": utcnow(),
        "lang": post.lang,
        "author_key": author_key,
        "author_handle_key": handle_key,
        "author_handle": pseudonymiser.public_handle(post.author_handle),
        "reply_count": post.reply_count,
        "repost_count": post.repost_count,
        "like_count": post.like_count,
        "quote_count": post.quote_count,
        "match_key": None,
        "raw": dict(post.raw) if keep_raw and post.raw is not None else None,
    }

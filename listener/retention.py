"""Retention: personal data is kept only as long as configured (``retention.posts_days``).

A purge keeps each old post's row, its organisation mentions and its scores, so weekly counts and trend charts
stay right, but empties the text, removes the URL, author key, organisation handle and raw payload, cuts the
quoted words out of its flags' reasons, and replaces its platform id with a keyed digest (store/removal.py): the
id leads to the author, the digest only recognises the post if a collector reads it again, so it is not stored
twice. The same purge finishes posts that earlier versions purged without digesting their ids or cutting their
flags' quotes, takes purged ids out of cursors, rewrites tombstones that earlier versions wrote with raw ids, and
deletes the report folders (``reports.output_dir/<ISO week>/``: quotes, flagged posts, exports) of weeks that ended
before the cutoff.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from listener.config import Config
from listener.privacy.pseudonyms import load_pseudonym_key
from listener.reports.data import week_bounds
from listener.store import Store
from listener.store.cursors import forget_post_ids
from listener.store.models import Flag, Post, Report, utcnow
from listener.store.removal import (
    DIGEST_PREFIX,
    digest_tombstones,
    hold_off_collection,
    id_digest,
    record_action,
)

log = logging.getLogger(__name__)

PURGED_TEXT = ""
BATCH = 1000  # posts updated together
WEEK_FOLDER = re.compile(r"(\d{4})-W(\d{2})")  # the folders reports write; nothing else is touched


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime | None
    posts: int
    tombstones: int = 0  # tombstones rewritten from raw ids to digests
    report_folders: tuple[Path, ...] = field(default=())  # week folders of reports and exports deleted
    earlier: int = 0  # posts purged by an earlier version, whose ids and quotes went only now


def purge(store: Store, config: Config, now: datetime | None = None) -> PurgeResult:
    """Purge the personal data of posts older than ``retention.posts_days`` (nothing when it is not set)."""
    days = config.retention.posts_days
    if days is None:
        log.info("retention: posts_days is not set, nothing purged")
        return PurgeResult(None, 0)
    key = load_pseudonym_key(config)  # the digests must match those collection and removal compute
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    with store.transaction() as session:
        hold_off_collection(session)  # else a page could store again a post whose id is being digested
        old, earlier = _posts_to_purge(session, cutoff)
        rows = old + earlier
        for start in range(0, len(rows), BATCH):
            _purge_posts(session, rows[start : start + BATCH], key, now)
        _record_purge(session, len(old), len(earlier), cutoff, days)
        tombstones = digest_tombstones(session, key)
        folders = purge_report_folders(config.reports.output_dir, cutoff, config.reports.zone)
        if folders:
            weeks = [f.name for f in folders]
            # the reports table keeps that each report was written (and e-mailed), not files that are gone
            session.execute(update(Report).where(Report.week.in_(weeks)).values(paths={}))
            record_action(session, "purge", 0, f"report folders of weeks {', '.join(weeks)} deleted")
    log.info(
        "retention: purged %d posts created before %s; %d purged earlier and %d tombstones rewritten to digests",
        len(old),
        cutoff.isoformat(),
        len(earlier),
        tombstones,
    )
    return PurgeResult(cutoff, len(old), tombstones, tuple(folders), len(earlier))


def _record_purge(session: Session, old: int, earlier: int, cutoff: datetime, days: int) -> None:
    if earlier:
        detail = "post ids and quotes in flags of posts purged by an earlier version"
        record_action(session, "purge", earlier, detail)
    if old:
        detail = (
            f"text, URLs, post ids, quotes in flags, author keys and payloads of posts created before "
            f"{cutoff:%Y-%m-%d %H:%M} UTC (retention.posts_days = {days})"
        )
        record_action(session, "purge", old, detail)


def _posts_to_purge(session: Session, cutoff: datetime) -> tuple[list, list]:
    """(id, platform, native id, purged at) of the posts created before ``cutoff`` and not purged yet, and of
    those an earlier version purged without digesting their ids (whatever their age: posts_days may have grown)."""
    columns = (Post.id, Post.platform, Post.native_id, Post.purged_at)
    old = session.execute(select(*columns).where(Post.created_at < cutoff, Post.purged_at.is_(None))).all()
    earlier = session.execute(
        select(*columns).where(Post.purged_at.is_not(None), Post.native_id.not_like(f"{DIGEST_PREFIX}%"))
    ).all()
    return old, earlier


def purge_report_folders(output_dir: Path, cutoff: datetime, zone: ZoneInfo) -> list[Path]:
    """Delete the week folders under ``output_dir`` (named like ``2026-W47``) of weeks that ended before
    ``cutoff``; return them, oldest first. Other files and folders are left alone."""
    if not output_dir.is_dir():
        return []
    removed = []
    for folder in sorted(output_dir.iterdir()):
        end = _week_end(folder.name, zone)
        if end is None or end > cutoff or folder.is_symlink() or not folder.is_dir():
            continue
        shutil.rmtree(folder)
        log.info("retention: deleted report folder %s", folder)
        removed.append(folder)
    return removed


def _week_end(name: str, zone: ZoneInfo) -> datetime | None:
    """When the ISO week named ``name`` ended (the next Monday 00:00 in ``zone``), or None for another name."""
    match = WEEK_FOLDER.fullmatch(name)
    if match is None:
        return None
    try:
        return week_bounds(int(match.group(1)), int(match.group(2)), zone)[1]
    except ValueError:  # "2026-W54": not a week
        return None


def unquoted(reason: str) -> str:
    """A flag's reason without the post's words it quotes: 'mentions self-harm: "..."' -> 'mentions self-harm'."""
    return reason.split('"', 1)[0].rstrip(" :(")


def _purge_posts(session: Session, rows: list, key: bytes, now: datetime) -> None:
    ids = [row.id for row in rows]
    emptied = {
        "text": PURGED_TEXT,
        "url": None,
        "author_key": None,
        "author_handle_key": None,
        "author_handle": None,
        "raw": None,
    }
    session.execute(
        update(Post),
        [
            {
                "id": row.id,
                "native_id": id_digest(key, row.platform, row.native_id),
                "purged_at": row.purged_at or now,
            }
            | emptied
            for row in rows
        ],
    )
    forget_post_ids(session, {row.native_id for row in rows})
    flags = session.execute(
        select(Flag.post_id, Flag.scorer, Flag.flag, Flag.reason).where(
            Flag.post_id.in_(ids), Flag.reason.contains('"')
        )
    ).all()
    if flags:
        session.execute(
            update(Flag),
            [
                {"post_id": f.post_id, "scorer": f.scorer, "flag": f.flag, "reason": unquoted(f.reason)}
                for f in flags
            ],
        )

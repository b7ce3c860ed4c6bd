"""Writing posts and organisations: inserts that never duplicate, whatever reads the same post twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from listener.config import OrganisationConfig
from listener.store.models import Mention, Organisation, Post, Scoring, utcnow


def insert_new_posts(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the rows whose (platform, native_id) is not stored yet; return the ids of the new posts.

    Duplicates within ``rows`` and rows already stored are skipped by ON CONFLICT DO NOTHING, so two
    collectors (or two workers) writing the same post at once still store it once.
    """
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault((row["platform"], row["native_id"]), row)
    if not unique:
        return []
    statement = (
        _insert(session)(Post)
        .on_conflict_do_nothing(index_elements=["platform", "native_id"])
        .returning(Post.id)
    )
    return list(session.scalars(statement, list(unique.values())))


def adopt_former_ids(
    session: Session, rows: Sequence[dict[str, Any]], former: Mapping[tuple[str, str], str]
) -> int:
    """Give the posts an earlier version stored under a former id (``former``: a row's (platform, native_id) ->
    that id) the row's id, when they are the row's post: the same link, or, without one, the same source. Then
    the row is no new post, and its edits reach the stored one. Return how many posts took their new id."""
    by_former = {
        (r["platform"], former[r["platform"], r["native_id"]]): r
        for r in rows
        if (r["platform"], r["native_id"]) in former
    }
    if not by_former:
        return 0
    stored = session.execute(
        select(Post.id, Post.platform, Post.native_id, Post.url, Post.source).where(
            tuple_(Post.platform, Post.native_id).in_(list(by_former)), Post.purged_at.is_(None)
        )
    ).all()
    adopted = 0
    for post in stored:
        row = by_former[(post.platform, post.native_id)]
        same_post = row["url"] == post.url and (post.url is not None or row["source"] == post.source)
        taken = session.scalar(
            select(Post.id).where(Post.platform == row["platform"], Post.native_id == row["native_id"])
        )
        if same_post and taken is None:
            session.execute(update(Post).where(Post.id == post.id).values(native_id=row["native_id"]))
            adopted += 1
    return adopted


def add_account_keys(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Give stored posts keyed by one identifier alone (their author key, and no handle key) both keys that
    ``rows`` now give them: an export imported with one ``author`` column, read again with the account id and
    the handle mapped apart, or a post stored before handle keys existed. A post whose key is neither of the
    row's two is left as it is. Then an erasure by the id alone finds it. Return how many posts changed."""
    by_post = {(r["platform"], r["native_id"]): r for r in rows if r["author_key"] and r["author_handle_key"]}
    if not by_post:
        return 0
    stored = session.execute(
        select(Post.id, Post.platform, Post.native_id, Post.author_key).where(
            tuple_(Post.platform, Post.native_id).in_(list(by_post)),
            Post.author_handle_key.is_(None),
            Post.purged_at.is_(None),
        )
    ).all()
    changed = 0
    for post_id, platform, native_id, author_key in stored:
        row = by_post[(platform, native_id)]
        if author_key in (row["author_key"], row["author_handle_key"]):
            session.execute(
                update(Post)
                .where(Post.id == post_id)
                .values(author_key=row["author_key"], author_handle_key=row["author_handle_key"])
            )
            changed += 1
    return changed


def add_source_mentions(session: Session, codes: Mapping[tuple[str, str], Sequence[str]]) -> None:
    """Link stored posts (by platform and native id) to the organisations their source says they are about (Care
    Opinion does), whether the post was stored just now or earlier: a story read again in a second
    organisation's stream is about that organisation too. Links already there are kept; purged posts are left
    as they are."""
    wanted: dict[str, dict[str, Sequence[str]]] = {}
    for (platform, native_id), org_codes in codes.items():
        if org_codes:
            wanted.setdefault(platform, {})[native_id] = org_codes
    values = []
    for platform, by_id in wanted.items():
        stored = session.execute(
            select(Post.id, Post.native_id).where(
                Post.platform == platform, Post.native_id.in_(by_id), Post.purged_at.is_(None)
            )
        )
        values += [
            {"post_id": post_id, "org_code": code, "method": "source", "matched_text": code}
            for post_id, native_id in stored
            for code in by_id[native_id]
        ]
    if values:
        session.execute(
            _insert(session)(Mention).on_conflict_do_nothing(index_elements=["post_id", "org_code"]), values
        )


def apply_edits(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Give stored posts the text of their edited version (``rows``: platform, native_id, text); return the ids
    of the posts whose text changed. Those are matched and scored again: their match key and scoring markers
    are cleared. A purged post stays purged. Stored texts are read in one query, so rows that change nothing
    (a feed's entries, read again at each change of their feed) cost no write."""
    texts = {(row["platform"], row["native_id"]): row["text"] for row in rows}
    if not texts:
        return []
    stored = session.execute(
        select(Post.id, Post.platform, Post.native_id, Post.text).where(
            tuple_(Post.platform, Post.native_id).in_(list(texts)), Post.purged_at.is_(None)
        )
    ).all()
    changed = {
        post.id: text for post in stored if (text := texts[(post.platform, post.native_id)]) != post.text
    }
    if changed:
        session.execute(
            update(Post),
            [{"id": post_id, "text": text, "match_key": None} for post_id, text in changed.items()],
        )
        session.execute(delete(Scoring).where(Scoring.post_id.in_(changed)))
    return list(changed)


def stored_native_ids(session: Session, platform: str, after_id: int, limit: int) -> list[tuple[int, str]]:
    """(id, native_id) of up to ``limit`` stored posts of a platform with id above ``after_id``, in id order.

    Purged posts are left out: they keep only a digest of their id, which no platform can be asked about."""
    query = (
        select(Post.id, Post.native_id)
        .where(Post.platform == platform, Post.id > after_id, Post.purged_at.is_(None))
        .order_by(Post.id)
        .limit(limit)
    )
    return [(row.id, row.native_id) for row in session.execute(query)]


def sync_organisations(session: Session, organisations: Iterable[OrganisationConfig]) -> None:
    """Make the organisations table match the config (reports and the analyst view read names from it)."""
    wanted = {org.code: org for org in organisations}
    stored = {org.code: org for org in session.scalars(select(Organisation))}
    for code, org in wanted.items():
        values = {
            "name": org.name,
            "aliases": list(org.aliases),
            "handles": list(org.handles),
            "hashtags": list(org.hashtags),
        }
        row = stored.get(code)
        if row is None:  # another worker may be adding it at the same moment
            session.execute(
                _insert(session)(Organisation)
                .values(code=code, updated_at=utcnow(), **values)
                .on_conflict_do_nothing(index_elements=["code"])
            )
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
    gone = set(stored) - set(wanted)
    if gone:
        session.execute(delete(Organisation).where(Organisation.code.in_(gone)))


def _insert(session: Session):
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert

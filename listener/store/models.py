"""The tables, as typed SQLAlchemy models. The schema itself is made by the Alembic migrations in migrations/.

Times are stored in UTC. On Postgres they are ``timestamp with time zone``; on SQLite they are ISO text
("2026-11-20 10:15:00.000000", UTC), which sqlite3's date functions and pandas both read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, stored the same way on SQLite and Postgres."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: listener stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Organisation(Base):
    """An organisation listened for, kept in step with config.yaml."""

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    handles: Mapped[list[str]] = mapped_column(JSON, default=list)
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(Base):
    """One public post, stored once however many times and by however many streams it was read."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "native_id", name="uq_posts_platform_native_id"),
        Index("ix_posts_created_at", "created_at"),
        Index("ix_posts_match_key", "match_key"),
    )

    id: Mapped[int] = mapped_column(Integer().with_variant(BigInteger(), "postgresql"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    native_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    collected_at: Mapped[datetime] = mapped_column(default=utcnow)
    lang: Mapped[str | None] = mapped_column(String(16))
    author_key: Mapped[str | None] = mapped_column(String(64))  # of the account id, else of the handle
    author_handle_key: Mapped[str | None] = mapped_column(String(64))  # of the handle, when keyed by id
    author_handle: Mapped[str | None] = mapped_column(String(200))
    reply_count: Mapped[int | None]
    repost_count: Mapped[int | None]
    like_count: Mapped[int | None]
    quote_count: Mapped[int | None]
    match_key: Mapped[str | None] = mapped_column(String(64))
    raw: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True)
    )  # None is SQL NULL, not 'null'
    purged_at: Mapped[datetime | None]


class Mention(Base):
    """A post names an organisation; ``method`` says how it was found (handle, hashtag, name, alias, source)."""

    __tablename__ = "mentions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    method: Mapped[str] = mapped_column(String(32))
    matched_text: Mapped[str] = mapped_column(String(300))


class Scoring(Base):
    """Marks that a scorer has scored a post at a version; a post without a row at the current version is pending."""

    __tablename__ = "scorings"
    __table_args__ = (Index("ix_scorings_scorer_version", "scorer", "version"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    scorer: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentimentScore(Base):
    """A post's sentiment by one scorer: compound score from -1 to 1, its parts, and a three-way label."""

    __tablename__ = "sentiment_scores"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    scorer: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    positive: Mapped[float | None] = mapped_column(Float)
    neutral: Mapped[float | None] = mapped_column(Float)
    negative: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(16))


class ThemeScore(Base):
    """A feedback theme found in a post by one scorer, with its confidence from 0 to 1."""

    __tablename__ = "theme_scores"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    scorer: Mapped[str] = mapped_column(String(64), primary_key=True)
    theme: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)


class Flag(Base):
    """A triage flag on a post (safeguarding, needs_response, praise_to_share...), with a short reason."""

    __tablename__ = "flags"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    scorer: Mapped[str] = mapped_column(String(64), primary_key=True)
    flag: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class CollectionRun(Base):
    """One attempt to collect one stream of one source."""

    __tablename__ = "collection_runs"
    __table_args__ = (Index("ix_collection_runs_source_started", "source", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(600))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    requests: Mapped[int] = mapped_column(default=0)
    posts_read: Mapped[int] = mapped_column(default=0)
    posts_new: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200))
    tick: Mapped[datetime | None]


class ComplianceCheck(Base):
    """One run of `listener compliance`: stored posts re-checked against the platform, and those it no longer
    serves deleted (with their mentions and scores)."""

    __tablename__ = "compliance_checks"
    __table_args__ = (Index("ix_compliance_checks_source_started", "source", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    requests: Mapped[int] = mapped_column(default=0)
    posts_checked: Mapped[int] = mapped_column(default=0)
    posts_read: Mapped[int] = mapped_column(default=0)
    posts_deleted: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class Cursor(Base):
    """Where a stream's next collection starts: a small JSON bookmark, saved with the posts it covers."""

    __tablename__ = "cursors"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream: Mapped[str] = mapped_column(String(600), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tombstone(Base):
    """A post removed for good (deleted on its platform, or erased on request): it is never stored again."""

    __tablename__ = "tombstones"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    native_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuppressedAuthor(Base):
    """An author who asked to be erased: their posts are not stored, now or later. Only the keyed hash is kept."""

    __tablename__ = "suppressed_authors"

    author_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    suppressed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrivacyAction(Base):
    """What was purged, deleted or erased, and when: the audit trail, with no personal data in it."""

    __tablename__ = "privacy_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    posts_affected: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(Text)
    performed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """A report generated: which (``weekly`` for one organisation, ``portfolio`` for all), its files, e-mail."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_org_week", "org_code", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    org_code: Mapped[str | None] = mapped_column(String(16))
    week: Mapped[str] = mapped_column(String(10))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    paths: Mapped[dict[str, Any]] = mapped_column(JSON)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    email_error: Mapped[str | None] = mapped_column(Text)


class Lease(Base):
    """Who may work on something (a stream, a daily job) until when; ``tick`` is the scheduled time it was taken for."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(800), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    tick: Mapped[datetime | None]


class PseudonymKeyCheck(Base):
    """A fingerprint of the pseudonymisation key the store's author keys were made with (never the key itself),
    so a changed or lost key is noticed before it makes erasure requests impossible to honour."""

    __tablename__ = "pseudonym_key_check"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # a single row, id 1
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

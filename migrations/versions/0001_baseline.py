"""Baseline: organisations, posts, mentions, scores, flags, collection runs, cursors and the analyst view.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from listener.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

POST_ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def _post_fk() -> sa.Column:
    return sa.Column("post_id", POST_ID, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("handles", sa.JSON, nullable=False),
        sa.Column("hashtags", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "posts",
        sa.Column("id", POST_ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("native_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("collected_at", UTCDateTime, nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("author_key", sa.String(64)),
        sa.Column("author_handle", sa.String(200)),
        sa.Column("reply_count", sa.Integer),
        sa.Column("repost_count", sa.Integer),
        sa.Column("like_count", sa.Integer),
        sa.Column("quote_count", sa.Integer),
        sa.Column("match_key", sa.String(64)),
        sa.Column("raw", sa.JSON),
        sa.UniqueConstraint("platform", "native_id", name="uq_posts_platform_native_id"),
    )
    op.create_index("ix_posts_created_at", "posts", ["created_at"])
    op.create_index("ix_posts_match_key", "posts", ["match_key"])
    op.create_table(
        "mentions",
        _post_fk(),
        sa.Column("org_code", sa.String(16), primary_key=True),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("matched_text", sa.String(300), nullable=False),
    )
    op.create_table(
        "scorings",
        _post_fk(),
        sa.Column("scorer", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("scored_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_scorings_scorer_version", "scorings", ["scorer", "version"])
    op.create_table(
        "sentiment_scores",
        _post_fk(),
        sa.Column("scorer", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("positive", sa.Float),
        sa.Column("neutral", sa.Float),
        sa.Column("negative", sa.Float),
        sa.Column("label", sa.String(16), nullable=False),
    )
    op.create_table(
        "theme_scores",
        _post_fk(),
        sa.Column("scorer", sa.String(64), primary_key=True),
        sa.Column("theme", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    )
    op.create_table(
        "flags",
        _post_fk(),
        sa.Column("scorer", sa.String(64), primary_key=True),
        sa.Column("flag", sa.String(32), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "collection_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(600), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("posts_read", sa.Integer, nullable=False),
        sa.Column("posts_new", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_collection_runs_source_started", "collection_runs", ["source", "started_at"])
    op.create_table(
        "cursors",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("stream", sa.String(600), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.execute(organisation_posts_view(op.get_bind().dialect.name))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS organisation_posts")
    for table in (
        "cursors",
        "collection_runs",
        "flags",
        "theme_scores",
        "sentiment_scores",
        "scorings",
        "mentions",
        "posts",
        "organisations",
    ):
        op.drop_table(table)


def organisation_posts_view(dialect: str) -> str:
    """One row per post and organisation it mentions, with the labels reports use (documented in docs/schema.md)."""
    if dialect == "postgresql":
        themes = "string_agg(DISTINCT theme, ';' ORDER BY theme)"
        flags = "string_agg(DISTINCT flag, ';' ORDER BY flag)"
    else:
        themes = "group_concat(DISTINCT theme)"
        flags = "group_concat(DISTINCT flag)"
    # SQLite's group_concat(DISTINCT x) only allows the default ',' separator, so replace it afterwards.
    themes_expr = themes if dialect == "postgresql" else f"replace({themes}, ',', ';')"
    flags_expr = flags if dialect == "postgresql" else f"replace({flags}, ',', ';')"
    return f"""
CREATE VIEW organisation_posts AS
SELECT
    p.id AS post_id,
    m.org_code AS org_code,
    o.name AS org_name,
    p.platform AS platform,
    p.native_id AS native_id,
    p.source AS source,
    p.created_at AS created_at,
    p.text AS text,
    p.url AS url,
    p.lang AS lang,
    p.author_key AS author_key,
    p.author_handle AS author_handle,
    p.like_count AS like_count,
    p.repost_count AS repost_count,
    p.reply_count AS reply_count,
    p.quote_count AS quote_count,
    m.method AS match_method,
    m.matched_text AS matched_text,
    COALESCE(s.label, v.label) AS sentiment_label,
    COALESCE(s.score, v.score) AS sentiment_score,
    CASE WHEN s.post_id IS NOT NULL THEN 'sentiment' WHEN v.post_id IS NOT NULL THEN 'vader' END
        AS sentiment_scorer,
    v.score AS vader_compound,
    (SELECT {themes_expr} FROM theme_scores t WHERE t.post_id = p.id) AS themes,
    (SELECT {flags_expr} FROM flags f WHERE f.post_id = p.id) AS flags
FROM mentions m
JOIN posts p ON p.id = m.post_id
LEFT JOIN organisations o ON o.code = m.org_code
LEFT JOIN sentiment_scores s ON s.post_id = p.id AND s.scorer = 'sentiment'
LEFT JOIN sentiment_scores v ON v.post_id = p.id AND v.scorer = 'vader'
"""

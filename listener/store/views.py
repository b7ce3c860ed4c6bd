"""The analyst view ``organisation_posts`` as a SQLAlchemy table, so queries bind UTC times correctly.

The view itself is created by the migrations (see migrations/versions/0001_baseline.py) and documented column by
column in docs/schema.md.
"""

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

from listener.store.models import UTCDateTime

views = MetaData()

organisation_posts = Table(
    "organisation_posts",
    views,
    Column("post_id", Integer),
    Column("org_code", String),
    Column("org_name", String),
    Column("platform", String),
    Column("native_id", String),
    Column("source", String),
    Column("created_at", UTCDateTime),
    Column("text", Text),
    Column("url", Text),
    Column("lang", String),
    Column("author_key", String),
    Column("author_handle", String),
    Column("like_count", Integer),
    Column("repost_count", Integer),
    Column("reply_count", Integer),
    Column("quote_count", Integer),
    Column("match_method", String),
    Column("matched_text", String),
    Column("sentiment_label", String),
    Column("sentiment_score", Float),
    Column("sentiment_scorer", String),
    Column("vader_compound", Float),
    Column("themes", Text),
    Column("flags", Text),
)

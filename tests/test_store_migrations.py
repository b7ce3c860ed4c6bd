"""The schema: Alembic up, down and up again on both backends, and the models agree with the migrations."""

import hashlib
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import POSTGRES_URL

from listener.errors import SchemaError
from listener.store import open_store
from listener.store.engine import make_engine
from listener.store.models import Base, Flag, Mention, Post, ThemeScore, UTCDateTime
from listener.store.schema import current_revision, downgrade, ensure_schema, head_revision, upgrade

TABLES = {
    "organisations",
    "posts",
    "mentions",
    "scorings",
    "sentiment_scores",
    "theme_scores",
    "flags",
    "collection_runs",
    "cursors",
    "reports",
}
# posts and cursors as every revision has them, to write rows as an earlier version did
POSTS = sa.table(
    "posts",
    *(sa.column(c) for c in ("platform", "native_id", "source", "text", "url")),
    sa.column("raw", sa.JSON),
    sa.column("created_at", UTCDateTime),
    sa.column("collected_at", UTCDateTime),
)
CURSORS = sa.table(
    "cursors",
    *(sa.column(c) for c in ("source", "stream")),
    sa.column("value", sa.JSON),
    sa.column("updated_at", UTCDateTime),
)


def test_up_down_up(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    assert "organisation_posts" in sa.inspect(engine).get_view_names()
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_models_match_migrations(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_empty_database_is_created_and_old_one_refused(db_url):
    store = open_store(db_url)  # empty: created
    assert current_revision(store.engine) == head_revision(store.engine)
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaError, match="newer than this listener knows"):
        ensure_schema(store.engine)
    store.close()


def test_out_of_date_schema_says_what_to_run(db_url, monkeypatch):
    engine = make_engine(db_url)
    upgrade(engine)
    monkeypatch.setattr("listener.store.schema.head_revision", lambda engine: "9999")
    monkeypatch.setattr("listener.store.schema._known_revision", lambda engine, rev: True)
    with pytest.raises(SchemaError, match=r"run `listener db upgrade`"):
        ensure_schema(engine)
    engine.dispose()


def test_foreign_tables_are_not_touched(db_url):
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE somebody_elses (id integer)"))
    with pytest.raises(SchemaError, match="has tables but no listener schema version"):
        ensure_schema(engine)
    engine.dispose()


def test_stored_ids_and_links_lose_their_handles(db_url):
    """0006 rewrites Mastodon ids and links and Bluesky links stored by earlier versions, which named authors."""
    engine = make_engine(db_url)
    upgrade(engine, "0004")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    text_columns = ("platform", "native_id", "source", "text", "url")
    posts = sa.table(
        "posts",
        *(sa.column(c) for c in text_columns),
        sa.column("created_at", UTCDateTime),
        sa.column("collected_at", UTCDateTime),
    )
    tombstones = sa.table(
        "tombstones",
        *(sa.column(c) for c in ("platform", "native_id", "reason")),
        sa.column("removed_at", UTCDateTime),
    )
    old = [
        (
            "mastodon",
            "https://mstdn.example/users/jane_smith/statuses/111",
            "https://mstdn.example/@jane_smith/111",
        ),
        ("mastodon", "https://new.example/ap/users/4242/statuses/222", "https://new.example/@jane/222"),
        (
            "mastodon",
            "https://gts.example/users/jane_smith/statuses/01HZX3",
            "https://gts.example/@jane_smith/01",
        ),
        ("mastodon", "https://mstdn.example/users/bob/statuses/333", None),  # purged: no link
        (
            "bluesky",
            "at://did:plc:abc/app.bsky.feed.post/3k",
            "https://bsky.app/profile/jane.bsky.social/post/3k",
        ),
        ("x", "1234", "https://x.com/i/web/status/1234"),
    ]
    with engine.begin() as connection:
        connection.execute(
            posts.insert(),
            [
                {"platform": p, "native_id": n, "url": u, "source": "s", "text": "t"}
                | {"created_at": now, "collected_at": now}
                for p, n, u in old
            ],
        )
        connection.execute(
            tombstones.insert(),
            [
                {"platform": "mastodon", "native_id": n, "reason": "deleted", "removed_at": now}
                for n in (old[0][1], old[3][1])
            ],
        )
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(posts.c.platform, posts.c.native_id, posts.c.url)).all()
        tombs = set(connection.scalars(sa.select(tombstones.c.native_id)))
    engine.dispose()
    sha = hashlib.sha256(old[2][1].encode()).hexdigest()[:32]
    assert sorted(stored) == sorted(
        [
            ("mastodon", "mstdn.example/111", "https://mstdn.example/web/statuses/111"),
            ("mastodon", "new.example/222", "https://new.example/web/statuses/222"),
            ("mastodon", f"gts.example/uri-sha256:{sha}", None),
            ("mastodon", "mstdn.example/333", None),
            (
                "bluesky",
                "at://did:plc:abc/app.bsky.feed.post/3k",
                "https://bsky.app/profile/did:plc:abc/post/3k",
            ),
            ("x", "1234", "https://x.com/i/web/status/1234"),
        ]
    )
    assert tombs == {"mstdn.example/111", "mstdn.example/333"}


def test_json_null_payloads_become_sql_null(db_url):
    """0008: posts stored without a payload held the JSON value null; they hold SQL NULL after the upgrade."""
    engine = make_engine(db_url)
    upgrade(engine, "0006")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    posts = sa.table(
        "posts",
        *(sa.column(c) for c in ("platform", "native_id", "source", "text")),
        sa.column(
            "raw", sa.JSON
        ),  # a plain JSON column writes None as the JSON null, as earlier versions did
        sa.column("created_at", UTCDateTime),
        sa.column("collected_at", UTCDateTime),
    )
    with engine.begin() as connection:
        connection.execute(
            posts.insert(),
            [
                {"platform": "x", "native_id": n, "source": "s", "text": "t", "raw": raw}
                | {"created_at": now, "collected_at": now}
                for n, raw in (("1", None), ("2", {"id": "2"}))
            ],
        )
        assert connection.scalar(sa.select(sa.func.count()).where(posts.c.raw.is_(None))) == 0
    upgrade(engine)
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.select(posts.c.native_id, posts.c.raw)).all())
        nulls = connection.scalars(sa.select(posts.c.native_id).where(posts.c.raw.is_(None))).all()
    engine.dispose()
    assert stored == {"1": None, "2": {"id": "2"}} and nulls == ["1"]


def test_short_feed_guids_are_qualified_by_their_host(db_url):
    """0010: a feed entry stored under a short guid gets the id the RSS collector now gives it (its link's host, else
    its one feed's host, then the guid); globally unique guids, link ids and other platforms' ids stay."""
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    posts, cursors = POSTS, CURSORS

    def entry(guid, link, platform="news", source="news", native_id=None):
        raw = {"id": guid, "link": link, "title": "t", "published": None, "dated": True, "source": None}
        return {"platform": platform, "native_id": native_id or guid, "source": source, "text": "t"} | {
            "url": link,
            "raw": raw,
            "created_at": now,
            "collected_at": now,
        }

    rows = [
        entry("12345", "https://www.leeds-live.example/a"),
        entry("12345", "https://York-Press.example/b", platform="local"),  # any platform name
        entry("tag:leeds-live.example,2026:9", "https://l/t"),
        entry("CBMiSWh0dHBzOi8vd3d3LmV4YW1wbGUuY29tL25ld3Mv", "https://news.google.com/x"),
        entry("77", None, source="trust"),  # no link: its source's one feed host
        entry("78", None, source="several"),  # feeds on two hosts: left as it was
        entry(None, "/relative/5", native_id="/relative/5"),  # stored under its link: stays
        {"platform": "x", "native_id": "1234", "source": "x", "text": "t", "url": "https://x.com/i/1234"}
        | {"raw": {"id": "1234", "dated": True}, "created_at": now, "collected_at": now},
    ]
    with engine.begin() as connection:
        connection.execute(posts.insert(), rows)
        connection.execute(
            cursors.insert(),
            [
                {"source": s, "stream": u, "value": {}, "updated_at": now}
                for s, u in (
                    ("trust", "https://trust.example/feed"),
                    ("trust", "https://trust.example/news/feed"),
                    ("several", "https://a.example/feed"),
                    ("several", "https://b.example/feed"),
                )
            ],
        )
    upgrade(engine)
    with engine.connect() as connection:
        stored = set(connection.execute(sa.select(posts.c.platform, posts.c.native_id)))
    engine.dispose()
    assert stored == {
        ("news", "www.leeds-live.example/12345"),
        ("local", "york-press.example/12345"),
        ("news", "tag:leeds-live.example,2026:9"),
        ("news", "CBMiSWh0dHBzOi8vd3d3LmV4YW1wbGUuY29tL25ld3Mv"),
        ("news", "trust.example/77"),
        ("news", "78"),
        ("news", "/relative/5"),
        ("x", "1234"),
    }


def test_imported_links_that_name_their_author_are_rewritten(db_url):
    """0011: links a file import stored as an export wrote them take the collectors' author-free forms; links the
    collectors built, and other sites' links, stay."""
    engine = make_engine(db_url)
    upgrade(engine, "0010")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    posts = sa.table(
        "posts",
        *(sa.column(c) for c in ("platform", "native_id", "source", "text", "url")),
        sa.column("created_at", UTCDateTime),
        sa.column("collected_at", UTCDateTime),
    )
    links = {
        "1": "https://twitter.com/Jane_Doe/status/1?s=20",
        "2": "https://mastodon.example/@jane/1099",
        "3": "https://bsky.app/profile/jane.bsky.social/post/3kabc",
        "4": "https://www.reddit.com/user/jane_doe/comments/abc/",
        "5": "https://x.com/i/web/status/5",
        "6": "https://mastodon.example/web/statuses/6",
        "7": "https://bsky.app/profile/did:plc:abc/post/3k",
        "8": "https://www.reddit.com/r/nhs/comments/abc/title/",
        "9": "https://www.bbc.co.uk/news/articles/c1234",
    }
    rows = [
        {"platform": "import", "native_id": k, "source": "f", "text": "t", "url": u, "created_at": now}
        | {"collected_at": now}
        for k, u in links.items()
    ]
    with engine.begin() as connection:
        connection.execute(posts.insert(), rows)
    upgrade(engine)
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.select(posts.c.native_id, posts.c.url)).all())
    engine.dispose()
    assert stored == links | {
        "1": "https://x.com/i/web/status/1",
        "2": "https://mastodon.example/web/statuses/1099",
        "3": None,
        "4": None,
    }


def test_the_view_lists_themes_and_flags_in_order_on_every_database(db_url):
    """0009: SQLite's group_concat promised no order, so the same labels could read differently there."""
    store = open_store(db_url)
    now = datetime(2026, 11, 18, tzinfo=UTC)
    try:
        with store.transaction() as session:
            post = Post(platform="x", native_id="1", source="s", text="t", created_at=now, collected_at=now)
            session.add(post)
            session.flush()
            session.add(Mention(post_id=post.id, org_code="RJ1", method="name", matched_text="RJ1"))
            for flag in ("safeguarding", "needs_response", "praise_to_share"):
                session.add(Flag(post_id=post.id, scorer="sentiment", flag=flag, version="1", reason="r"))
            for scorer, theme in (
                ("sentiment", "timeliness_of_care"),
                ("sentiment", "cleanliness_tidiness_infection_control"),
                ("other", "timeliness_of_care"),  # the same theme from another scorer is listed once
            ):
                session.add(
                    ThemeScore(post_id=post.id, scorer=scorer, theme=theme, version="1", confidence=1)
                )
        with store.transaction() as session:
            row = session.execute(sa.text("SELECT themes, flags FROM organisation_posts")).one()
    finally:
        store.close()
    assert row.themes == "cleanliness_tidiness_infection_control;timeliness_of_care"
    assert row.flags == "needs_response;praise_to_share;safeguarding"


def _shape(engine) -> dict:
    """Every table's columns (type, nullability, default), keys, foreign keys, unique constraints and indexes."""
    inspector = sa.inspect(engine)
    shape = {}
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        shape[table] = {
            "columns": {
                c["name"]: (str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            },
            "key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign": sorted(str(fk) for fk in inspector.get_foreign_keys(table)),
            "unique": sorted(str(u) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted(str(i) for i in inspector.get_indexes(table)),
        }
    return shape


def test_migrated_schema_is_the_models_schema(db_url, tmp_path):
    """What autogenerate does not compare (column defaults such as a Postgres sequence) must agree too."""
    migrated = make_engine(db_url)
    upgrade(migrated)
    if migrated.dialect.name == "sqlite":
        models_url, drop = f"sqlite:///{tmp_path / 'models.db'}", None
    else:
        schema = f"m_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        models_url, drop = (
            f"{POSTGRES_URL}?options=-csearch_path%3D{schema}",
            f'DROP SCHEMA "{schema}" CASCADE',
        )
    models = make_engine(models_url)
    try:
        Base.metadata.create_all(models)
        assert _shape(migrated) == _shape(models)
    finally:
        migrated.dispose()
        models.dispose()
        if drop:
            with admin.connect() as connection:
                connection.execute(sa.text(drop))
            admin.dispose()

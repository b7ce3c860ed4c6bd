"""kind: rss across the upgrade that qualified short guids (revision 0010): what earlier versions stored, removed,
purged or kept in cursors under an entry's bare guid still counts for the entry under its qualified id."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import test_rss_collector
from fakes.rss_server import Entry
from test_rss_collector import T0, source, stored, twice
from test_store_migrations import CURSORS, POSTS

from listener.privacy.pseudonyms import load_pseudonym_key
from listener.retention import purge
from listener.store import open_store
from listener.store.engine import make_engine
from listener.store.models import Cursor, Post, Tombstone
from listener.store.removal import remove_posts
from listener.store.schema import upgrade

feed = test_rss_collector.feed  # the fake feed server fixture


def stored_before_0010(session, guid: str, link: str | None) -> Post:
    """A post as versions before 0010 stored an entry: under its bare guid, without its payload (keep_raw is
    off by default)."""
    post = Post(
        platform="news", native_id=guid, source="news", text=f"Article {guid}", url=link, created_at=T0
    )
    session.add(post)
    session.flush()
    return post


def test_articles_removed_or_purged_before_ids_were_qualified_are_not_stored_again(store, make_config, feed):
    """Tombstones and purged posts keep only a digest of the id they had, the bare guid for those removed or
    purged before revision 0010, which cannot rewrite a digest: an article removed (an erasure) or purged then,
    and still in its feed, must not come back under its qualified id."""
    config = make_config(source(f"{feed.base_url}/rss.xml"))
    key = load_pseudonym_key(config)
    feed.add(Entry("g3", "Deleted long ago", T0 + timedelta(hours=1), link="https://news.example/3"))
    feed.add(Entry("g4", "Not seen before", T0 + timedelta(hours=1), link="https://news.example/4"))
    with store.transaction() as session:
        erased = stored_before_0010(session, "g1", "https://news.example/1")
        stored_before_0010(session, "g2", "https://news.example/2")
        remove_posts(session, [erased.id], "erasure", key=key)
    purge(store, config, now=T0 + timedelta(days=400))  # digests g2's id (and the tombstones)
    with store.transaction() as session:  # a tombstone an earlier version wrote with the raw id
        session.add(Tombstone(platform="news", native_id="g3", reason="deleted", removed_at=T0))
    first, _ = twice(store, config)
    assert first.total("posts_new") == 1
    assert {n for n, p in stored(store).items() if p.purged_at is None} == {"news.example/g4"}


def upgraded_from_0009(db_url, entries: list[tuple[str, str]], *, payloads: bool, cursor: dict | None = None):
    """A store that versions before 0010 wrote: ``entries`` (guid, link) stored under their guids (with their
    payloads when ``payloads``: keep_raw on), and ``cursor`` saved for the feed at ``cursor["stream"]``; then
    upgraded to the head revision. Returns the open store."""
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    payload = {"title": "t", "published": None, "dated": True, "source": None}
    with engine.begin() as connection:
        connection.execute(
            POSTS.insert(),
            [
                {"platform": "news", "native_id": guid, "source": "news", "text": "t", "url": link}
                | {"raw": {"id": guid, "link": link} | payload if payloads else None}
                | {"created_at": T0, "collected_at": T0}
                for guid, link in entries
            ],
        )
        if cursor:
            value = {k: v for k, v in cursor.items() if k != "stream"}
            row = {"source": "news", "stream": cursor["stream"], "value": value, "updated_at": T0}
            connection.execute(CURSORS.insert(), [row])
    upgrade(engine)
    engine.dispose()
    return open_store(db_url)


@pytest.mark.parametrize("payloads", [True, False], ids=["keep_raw", "no_payloads"])
def test_entries_stored_before_ids_were_qualified_are_not_stored_again(db_url, make_config, feed, payloads):
    """Revision 0010 rewrites the short guids it can tell are feed entries' (by their payloads, kept only with
    keep_raw on); an entry it left under its bare guid (no payload: the default), read again within the lookback,
    is the stored post, which takes its new id; cursors of earlier versions hold bare ids, and an entry at the
    cursor's boundary is still known by its bare one. So upgrading stores nothing twice, counts nothing as new,
    and the cursor does not grow; an id already globally unique is left as it was."""
    url = f"{feed.base_url}/rss.xml"
    feed.add(Entry("https://news.example/4", "Already unique", T0 + timedelta(hours=1), link="https://n/4"))
    feed.add(
        Entry("g5", "Same guid, another publisher", T0 + timedelta(hours=1), link="https://news.example/5")
    )
    old = [
        ("g1", "https://news.example/1"),
        ("g2", "https://news.example/2"),
        ("https://news.example/4", "https://n/4"),
        ("g5", "https://york-press.example/5"),
    ]
    boundary = {"stream": url, "newest": (T0 + timedelta(hours=2)).isoformat(), "ids": ["g2"], "etag": '"x"'}
    store = upgraded_from_0009(db_url, old, payloads=payloads, cursor=boundary)
    try:
        first, _ = twice(store, make_config(source(url)))
        assert first.total("posts_new") == 1  # g5 of news.example: York Press's g5 is another article
        posts = stored(store)
        assert sorted(p.url for p in posts.values()) == sorted(
            [link for _, link in old] + ["https://news.example/5"]
        )
        assert {"news.example/g1", "https://news.example/4", "news.example/g5"} <= set(posts)
        with store.transaction() as session:
            assert session.scalar(sa.select(Cursor.value))["ids"] == ["g2"]
    finally:
        store.close()

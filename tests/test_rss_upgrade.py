"""kind: rss across the upgrade that qualified short guids (revision 0010): what earlier versions stored, removed,
purged or kept in cursors under an entry's bare guid still counts for the entry under its qualified id."""

from __future__ import annotations

from datetime import timedelta

import test_rss_collector
from fakes.rss_server import Entry
from test_rss_collector import T0, source, stored, twice

from listener.privacy.pseudonyms import load_pseudonym_key
from listener.retention import purge
from listener.store.models import Post, Tombstone
from listener.store.removal import remove_posts

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

"""Erasure by account id or by handle, against the fake Bluesky: authors are keyed by their DID, so an erasure
survives a change of handle, and posts keyed by handle by earlier versions are still found by handle."""

# ruff: noqa: F811 - the fixtures imported from fakes.social_fixtures are parameters of the tests

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fakes.bluesky_api import make_post, scenario
from fakes.social_fixtures import sleeps, source_yaml, use_case  # noqa: F401

from listener.collectors.runner import collect
from listener.privacy import Pseudonymiser
from listener.privacy.erasure import erase_author
from listener.store.models import Post

NOW = datetime.now(UTC).replace(microsecond=0)


def did(number: int) -> str:
    return f"did:plc:author{number:020d}"


def later_post(number: int, sequence: int, handle: str | None = None) -> dict:
    """A new post by author ``number`` (optionally under a new handle), with its own record key."""
    post = make_post(NOW - timedelta(minutes=sequence), f"Back at St Thomas' Hospital ({sequence})", number)
    post["uri"] = f"at://{did(number)}/app.bsky.feed.post/3new{sequence:09d}"
    post["cid"] = post["cid"][:-7] + f"{900 + sequence:07d}"
    if handle:
        post["author"]["handle"] = handle
    return post


def authors(store) -> list[str]:
    """The DIDs of stored posts (read from their at:// ids), in order."""
    with store.transaction() as session:
        return sorted(uri.split("/")[2] for uri in session.scalars(sa.select(Post.native_id)))


def setup(store, make_config, monkeypatch, fake):
    case = use_case(scenario(), monkeypatch)
    config = make_config(source_yaml({"name": "sky", **case.source(fake)}))
    collect(store, config)
    return config


def test_erasure_by_did_removes_the_posts_and_keeps_the_author_out(store, make_config, monkeypatch, sleeps):
    case = scenario()
    with case.start() as fake:
        config = setup(store, make_config, monkeypatch, fake)
        assert did(8) in authors(store)
        assert erase_author(store, config, [did(8)]).posts == 1
        assert did(8) not in authors(store) and len(authors(store)) == 4
        fake.add(later_post(8, 1), later_post(8, 2, handle="someone.else.social"), later_post(9, 3))
        collect(store, config)
    assert authors(store).count(did(8)) == 0 and authors(store).count(did(9)) == 2


def test_erasure_by_a_former_handle_still_keeps_the_renamed_author_out(
    store, make_config, monkeypatch, sleeps
):
    case = scenario()
    with case.start() as fake:
        config = setup(store, make_config, monkeypatch, fake)
        fake.add(later_post(7, 1, handle="kemi.bsky.social"))  # person7 renamed to kemi
        collect(store, config)
        assert authors(store).count(did(7)) == 2
        assert erase_author(store, config, ["@person7.bsky.social"]).posts == 2  # both, through the DID's key
        fake.add(later_post(7, 2, handle="kemi.bsky.social"), later_post(7, 3, handle="kemi2.bsky.social"))
        collect(store, config)
    assert did(7) not in authors(store)


def test_an_erasure_by_handle_before_any_post_learns_the_did(store, make_config, monkeypatch, sleeps):
    case = scenario()
    with case.start() as fake:
        config = setup(store, make_config, monkeypatch, fake)
        assert erase_author(store, config, ["new.bsky.social"]).posts == 0
        fake.add(later_post(60, 1, handle="new.bsky.social"))
        collect(store, config)
        fake.add(later_post(60, 2, handle="renamed.bsky.social"))
        collect(store, config)
    assert did(60) not in authors(store)


def test_posts_keyed_by_handle_by_earlier_versions_are_erased_by_handle(
    store, make_config, monkeypatch, sleeps
):
    case = scenario()
    with case.start() as fake:
        config = setup(store, make_config, monkeypatch, fake)
    old = Pseudonymiser.for_config(config)
    with store.transaction() as session:  # as stored before authors were keyed by account id
        for post in session.scalars(sa.select(Post)):
            handle = f"person{int(post.native_id.split('/')[2][len('did:plc:author') :])}.bsky.social"
            post.author_key, post.author_handle_key = old.author_key("bluesky", handle), None
    assert erase_author(store, config, ["person6.bsky.social"]).posts == 1
    assert did(6) not in authors(store) and len(authors(store)) == 4


def database_text(store) -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    tables = sa.MetaData()
    tables.reflect(store.engine)
    with store.engine.connect() as connection:
        return "\n".join(
            repr(row) for table in tables.sorted_tables for row in connection.execute(sa.select(table))
        )


def test_an_erased_author_leaves_no_id_or_handle_anywhere(store, make_config, monkeypatch, sleeps):
    """The newest post's at:// id (which holds its author's DID) is also in the stream's cursor, among the
    posts seen at its instant: erasure removes it there too, and collection never puts it back."""
    case = scenario()
    with case.start() as fake:
        config = setup(store, make_config, monkeypatch, fake)
        assert did(6) in database_text(store)  # the newest post's author, in posts and in the cursor
        assert erase_author(store, config, [did(6)]).posts == 1
        assert did(6) not in database_text(store)
        collect(store, config)  # reads the erased post again: it is the newest
        assert did(6) not in database_text(store)
        fake.add(later_post(8, 2), later_post(6, 1))  # the erased author posts again, and is the newest
        collect(store, config)
    assert did(6) not in authors(store) and did(8) in authors(store)
    left = database_text(store)
    assert did(6) not in left and "person6" not in left

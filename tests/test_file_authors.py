"""Authors of imported posts: an export's account id and handle are mapped apart and keyed as the platform's own
collector keys them, so an erasure by either finds imported and collected posts alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.config import load_config
from listener.errors import ConfigError
from listener.privacy import Pseudonymiser
from listener.privacy.erasure import erase_author
from listener.store.models import Post
from tests.conftest import TEST_KEY, write_config
from tests.fakes.x_api import TOKEN, FakeXApi, x_source_yaml

# An X export as social-listening tools write it: the numeric user id and the handle in columns of their own
X_EXPORT = (
    "Tweet Id,Full Text,Date,Author Id,Author\n"
    "1858000000000000001,Thank you @GSTTnhs for the care,2026-11-17 10:00,10000,@Jane_Doe\n"
    "1858000000000000002,LGI parking is a joke,2026-11-17 11:00,10001,@other_person\n"
)
SPLIT = "{id: Tweet Id, text: Full Text, created_at: Date, author_id: Author Id, author_handle: Author}"
ONE = "{id: Tweet Id, text: Full Text, created_at: Date, author: Author}"


def file_source(fields: str) -> str:
    return f"  - {{name: export, kind: file, path: export.csv, platform: x, fields: {fields}}}\n"


def keys(store) -> dict[str, tuple[str | None, str | None]]:
    with store.transaction() as session:
        posts = session.scalars(sa.select(Post))
        return {p.native_id: (p.author_key, p.author_handle_key) for p in posts}


def test_an_export_with_the_id_and_handle_apart_is_keyed_as_x_posts_are(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text(X_EXPORT, encoding="utf-8")
    collect(store, make_config("sources:\n" + file_source(SPLIT)))
    pseudonymiser = Pseudonymiser(TEST_KEY.encode())
    # x_posts gives the API's author_id and the user's username: the runner keys them so
    assert keys(store)["1858000000000000001"] == pseudonymiser.post_author_keys("x", "10000", "Jane_Doe")
    assert keys(store)["1858000000000000001"][1] is not None


@pytest.mark.parametrize("identifier", ["10000", "jane_doe"])
def test_an_erasure_by_id_or_by_handle_finds_imported_and_collected_posts(
    store, make_config, tmp_path, monkeypatch, identifier
):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    (tmp_path / "export.csv").write_text(X_EXPORT, encoding="utf-8")
    with FakeXApi() as fake:
        fake.add_post("Thank you @GSTTnhs, back again", "Jane_Doe")  # user id 10000, as in the export
        config = make_config(x_source_yaml(fake.base_url) + file_source(SPLIT))
        collect(store, config)
    assert len(keys(store)) == 3
    assert erase_author(store, config, [identifier]).posts == 2
    assert list(keys(store)) == ["1858000000000000002"]


def test_the_single_author_mapping_is_keyed_as_before(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text(X_EXPORT, encoding="utf-8")
    collect(store, make_config("sources:\n" + file_source(ONE)))
    by_handle = Pseudonymiser(TEST_KEY.encode()).author_key("x", "jane_doe")
    assert keys(store)["1858000000000000001"] == (by_handle, None)


def test_posts_imported_by_handle_get_their_id_when_read_again_with_it(store, make_config, tmp_path):
    """Posts imported with one ``author`` column are keyed by handle: once the export's id column is mapped too,
    reading the file again keys them by id as well, so an erasure by the id alone finds them."""
    (tmp_path / "export.csv").write_text(X_EXPORT, encoding="utf-8")
    collect(store, make_config("sources:\n" + file_source(ONE)))
    again = collect(store, make_config("sources:\n" + file_source(SPLIT)))
    assert again[0].total("posts_read") == 2 and again[0].total("posts_new") == 0
    config = make_config("sources:\n" + file_source(SPLIT))
    assert erase_author(store, config, ["10000"]).posts == 1
    assert list(keys(store)) == ["1858000000000000002"]


def test_a_jsonl_export_maps_nested_id_and_handle_and_each_must_exist(store, make_config, tmp_path):
    (tmp_path / "export.jsonl").write_text(
        '{"id": "1", "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z",'
        ' "user": {"id": 10000, "screen_name": "Jane_Doe"}}\n',
        encoding="utf-8",
    )
    source = "sources:\n  - {name: export, kind: file, path: export.jsonl, platform: x, fields: {%s}}\n"
    wrong = collect(store, make_config(source % "author_id: user.id, author_handle: user.name"))
    assert wrong[0].failed and "has the key 'user.name' (fields.author_handle)" in wrong[0].streams[0].error
    collect(store, make_config(source % "author_id: user.id, author_handle: user.screen_name"))
    assert keys(store)["1"] == Pseudonymiser(TEST_KEY.encode()).post_author_keys("x", "10000", "Jane_Doe")


def test_author_with_author_id_or_author_handle_is_a_config_error(tmp_path):
    body = "sources:\n" + file_source("{author: Author, author_id: Author Id}")
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(tmp_path, body))
    assert "sources[0].fields" in str(raised.value)
    assert "author_id and author_handle replace author" in str(raised.value)


LINKS = (
    "Tweet Id,Full Text,Date,Author Id,Link\n"
    "1858000000000000001,Thank you @GSTTnhs,2026-11-17 10:00,10000,https://x.com/Jane_Doe/status/1858000000000000001\n"
    "1858000000000000002,LGI parking is a joke,2026-11-17 11:00,10001,https://twitter.com/other/status/1858000000000000002?s=20\n"
    "1858000000000000003,Great care at Leeds,2026-11-17 12:00,10002,https://mastodon.example/@jane/1099\n"
    "1858000000000000004,Thanks Guy's,2026-11-17 13:00,10003,https://bsky.app/profile/jane.bsky.social/post/3kabc\n"
    "1858000000000000005,Good news,2026-11-17 14:00,10004,https://www.bbc.co.uk/news/articles/c1234\n"
)


def test_imported_links_never_name_their_author(store, make_config, tmp_path):
    """An export's links are the platforms' usual ones, which name the author: they are stored in the forms the
    collectors use (docs/data-protection.md), or not at all where there is none; other links stay as they are."""
    (tmp_path / "export.csv").write_text(LINKS, encoding="utf-8")
    fields = "{id: Tweet Id, text: Full Text, created_at: Date, author_id: Author Id, url: Link}"
    collect(store, make_config("sources:\n" + file_source(fields)))
    with store.transaction() as session:
        links = {p.native_id[-1]: p.url for p in session.scalars(sa.select(Post))}
    assert links == {
        "1": "https://x.com/i/web/status/1858000000000000001",
        "2": "https://x.com/i/web/status/1858000000000000002",
        "3": "https://mastodon.example/web/statuses/1099",
        "4": None,
        "5": "https://www.bbc.co.uk/news/articles/c1234",
    }

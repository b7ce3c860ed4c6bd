"""kind: file imports JSONL and CSV exports; importing the same file twice adds nothing, on both backends."""

import hashlib
import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.privacy.erasure import erase_author
from listener.store.models import CollectionRun, Cursor, Post

POSTS = [
    {
        "id": "1",
        "platform": "x",
        "created_at": "2026-11-17T10:00:00Z",
        "author": "bob",
        "text": "Thank you @GSTTnhs, the nurses on Ward 7 were amazing",
        "likes": 3,
    },
    {
        "id": "2",
        "platform": "x",
        "created_at": "2026-11-18T09:30:00+01:00",
        "author": "amy",
        "text": "Nine hours in A&E at St Thomas' Hospital. Awful.",
    },
    {
        "id": "3",
        "platform": "reddit",
        "created_at": 1763460000,
        "author": "cal",
        "text": "LGI parking is a joke",
    },
]


def write_jsonl(path, records, extra_lines=()):
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rows(store):
    with store.transaction() as session:
        return sorted(
            (p.platform, p.native_id, p.text, p.created_at, p.author_key, p.like_count)
            for p in session.scalars(sa.select(Post))
        )


def test_same_file_twice_gives_same_rows(store, make_config, tmp_path):
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    config = make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n")
    first = collect(store, config)
    after_first = rows(store)
    second = collect(store, config)
    assert first[0].total("posts_new") == 3 and not first[0].failed
    assert second[0].total("posts_new") == 0
    assert rows(store) == after_first
    assert len(after_first) == 3


def test_changed_file_adds_only_new_posts(store, make_config, tmp_path):
    path = tmp_path / "posts.jsonl"
    write_jsonl(path, POSTS[:2])
    config = make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n")
    collect(store, config)
    write_jsonl(path, POSTS)
    result = collect(store, config)
    assert result[0].total("posts_new") == 1
    assert len(rows(store)) == 3


def test_times_are_utc_and_authors_pseudonymised(store, make_config, tmp_path):
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    collect(store, make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n"))
    with store.transaction() as session:
        posts = {p.native_id: p for p in session.scalars(sa.select(Post))}
    assert posts["2"].created_at == datetime(2026, 11, 18, 8, 30, tzinfo=UTC)
    assert posts["3"].created_at == datetime.fromtimestamp(1763460000, UTC)
    assert all(p.author_key and len(p.author_key) == 32 for p in posts.values())
    assert not any("bob" in (p.author_key or "") for p in posts.values())
    assert posts["1"].author_handle is None
    assert posts["1"].raw is None  # keep_raw is off by default


def test_bad_rows_are_skipped_and_logged(store, make_config, tmp_path, caplog):
    write_jsonl(
        tmp_path / "posts.jsonl",
        POSTS,
        extra_lines=[
            "{not json",
            '"a string"',
            json.dumps({"id": "9", "text": "no time"}),
            json.dumps({"id": "10", "text": "bad time", "created_at": "call 07700 900123"}),
            json.dumps(
                {"id": "13", "text": "bad count", "created_at": "2026-11-18T10:00:00Z", "likes": "jo@x.org"}
            ),
            json.dumps({"id": "post-id-11", "text": "   ", "created_at": "2026-11-18T10:00:00Z"}),
            json.dumps({"id": "12", "text": "x" * 60_000, "created_at": "2026-11-18T10:00:00Z"}),
        ],
    )
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n"))
    assert not result[0].failed
    assert result[0].total("posts_new") == 4
    messages = caplog.text
    assert "line 4 skipped: not valid JSON" in messages
    assert "no timestamp" in messages and "no text" in messages
    assert "line 7 skipped: fields.created_at ('created_at'): expected an ISO 8601 time" in messages
    assert "line 8 skipped: fields.likes ('likes'): expected a count" in messages
    assert "07700" not in messages and "jo@x.org" not in messages  # values are never logged
    assert "post skipped: no text" in messages and "post-id-11" not in messages  # nor post ids
    assert "post's text of 60000 characters cut to 50000" in messages
    with store.transaction() as session:
        long_text = session.scalar(sa.select(Post.text).where(Post.native_id == "12"))
    assert len(long_text) == 50_000


def test_csv_with_field_mapping_and_until(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text(
        "Tweet Id,Body,Posted,Handle\n"
        'a1,"Great care at Leeds General Infirmary, thank you",2026-11-17 10:00,someone\n'
        "a2,Later post,2026-11-25 10:00,other\n",
        encoding="utf-8",
    )
    config = make_config("""
sources:
  - name: brandwatch
    kind: file
    path: "*.csv"
    platform: x
    timezone: Europe/London
    fields: {id: Tweet Id, text: Body, created_at: Posted, author: Handle}
""")
    result = collect(store, config, until=datetime(2026, 11, 20, tzinfo=UTC))
    assert result[0].total("posts_new") == 1
    assert rows(store)[0][:2] == ("x", "a1")


def test_runs_and_cursors_are_recorded(store, make_config, tmp_path):
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    collect(store, make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n"))
    with store.transaction() as session:
        run = session.scalar(sa.select(CollectionRun))
        cursor = session.scalar(sa.select(Cursor))
    assert (run.status, run.posts_read, run.posts_new, run.requests) == ("ok", 3, 3, 1)
    assert run.finished_at >= run.started_at
    assert cursor.source == "imports" and len(cursor.value["sha256"]) == 64


def cursors(store):
    with store.transaction() as session:
        return list(session.scalars(sa.select(Cursor)))


def test_a_mapped_column_missing_from_the_csv_fails_and_keeps_the_file_unread(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text(
        "id,Body,created_at\n1,Lovely staff at Leeds General Infirmary,2026-11-17 10:00\n", encoding="utf-8"
    )
    source = "sources:\n  - {name: imports, kind: file, path: export.csv, fields: {text: %s}}\n"
    wrong = collect(store, make_config(source % "Full Text"))
    assert wrong[0].failed and wrong[0].status == "failed"
    error = wrong[0].streams[0].error
    assert "no column 'Full Text' (fields.text)" in error and "its columns are: id, Body, created_at" in error
    assert cursors(store) == [] and rows(store) == []
    fixed = collect(store, make_config(source % "Body"))
    assert not fixed[0].failed and fixed[0].total("posts_new") == 1


def test_an_optional_field_set_in_config_must_exist_too(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text("id,text,created_at\n1,LGI,2026-11-17 10:00\n", encoding="utf-8")
    result = collect(
        store,
        make_config("sources:\n  - {name: imports, kind: file, path: export.csv, fields: {url: link}}\n"),
    )
    assert result[0].failed and "no column 'link' (fields.url)" in result[0].streams[0].error
    # the default optional columns (author, url, likes...) may be absent
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: export.csv}\n"))
    assert not result[0].failed and result[0].total("posts_new") == 1


def test_a_mapped_key_no_jsonl_record_has_fails_without_a_cursor(store, make_config, tmp_path):
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    source = "sources:\n  - {name: imports, kind: file, path: posts.jsonl, fields: {text: %s}}\n"
    wrong = collect(store, make_config(source % "full_text"))
    assert wrong[0].failed
    error = wrong[0].streams[0].error
    assert "no record in posts.jsonl has the key 'full_text' (fields.text)" in error
    assert "keys of its first record: id, platform, created_at, author, text, likes" in error
    assert cursors(store) == []
    assert collect(store, make_config(source % "text"))[0].total("posts_new") == 3


def test_a_changed_mapping_reads_the_file_again_without_duplicates(store, make_config, tmp_path):
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    first = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n"))
    unchanged = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n"))
    remapped = collect(
        store,
        make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl, fields: {likes: null}}\n"),
    )
    assert first[0].total("posts_new") == 3
    assert unchanged[0].total("posts_read") == 0
    assert remapped[0].total("posts_read") == 3 and remapped[0].total("posts_new") == 0
    assert len(rows(store)) == 3


def test_a_wrong_jsonl_key_stores_nothing_so_the_fixed_mapping_imports_every_field(
    store, make_config, tmp_path
):
    """A misspelt author key must not leave posts stored without their author: the fixed mapping could not
    add it later (posts are stored once), so an erasure request by that author would miss them."""
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    source = (
        "sources:\n  - {name: imports, kind: file, path: posts.jsonl, page_size: 1, fields: {author: %s}}\n"
    )
    wrong = collect(store, make_config(source % "user.name"))
    assert wrong[0].failed and "has the key 'user.name' (fields.author)" in wrong[0].streams[0].error
    assert rows(store) == [] and cursors(store) == []
    fixed = collect(store, make_config(source % "author"))
    assert fixed[0].total("posts_new") == 3
    assert all(author_key for *_, author_key, _ in rows(store))


def test_times_as_reddit_and_x_exports_write_them(store, make_config, tmp_path):
    """Reddit exports write ``created_utc`` as decimal epoch seconds; X's own archive and v1.1-era tools write
    "Wed Oct 10 20:19:24 +0000 2018"; feeds and mail-style tools write RFC 2822."""
    (tmp_path / "export.csv").write_text(
        "id,text,created_at\n"
        "r1,LGI parking is a joke,1763460000.0\n"
        "x1,Thank you St Thomas' Hospital,Mon Nov 17 10:00:00 +0000 2025\n"
        'm1,Leeds General Infirmary was great,"Mon, 17 Nov 2025 11:00:00 +0100"\n',
        encoding="utf-8",
    )
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: export.csv}\n"))
    assert result[0].total("posts_new") == 3
    times = {native_id: created_at for _, native_id, _, created_at, *_ in rows(store)}
    assert times == {
        "r1": datetime.fromtimestamp(1763460000, UTC),
        "x1": datetime(2025, 11, 17, 10, tzinfo=UTC),
        "m1": datetime(2025, 11, 17, 10, tzinfo=UTC),
    }


def test_a_file_whose_every_row_is_unreadable_is_not_marked_as_imported(store, make_config, tmp_path):
    """Every row failing the same way is a format the mapping or listener does not read, not bad rows: the
    file must be read again once that is fixed, not be remembered as imported with nothing from it."""
    (tmp_path / "export.csv").write_text(
        "id,text,created_at\n1,LGI parking,17/11/2025 10:00\n2,LGI food,18/11/2025 10:00\n", encoding="utf-8"
    )
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: export.csv}\n"))
    assert result[0].failed
    error = result[0].streams[0].error
    assert "none of the 2 rows of export.csv could be read" in error
    assert "fields.created_at ('created_at'): expected an ISO 8601 time" in error and "17/11" not in error
    assert cursors(store) == []


def test_a_cp1252_export_needs_its_encoding_and_is_not_half_imported_without_it(store, make_config, tmp_path):
    """Excel on Windows saves "CSV" in cp1252: without ``encoding`` the file fails before any row is stored
    (not after the pages before the first "£"), with a hint; with it, every row is read as written."""
    lines = ["id,text,created_at"] + [f"{n},LGI post {n},2026-11-17 10:00" for n in range(1, 2001)]
    lines.append("0,Parking at St Thomas\u2019 Hospital costs \u00a312,2026-11-17 11:00")
    (tmp_path / "export.csv").write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    source = "sources:\n  - {name: imports, kind: file, path: export.csv, page_size: 100%s}\n"
    wrong = collect(store, make_config(source % ""))
    assert wrong[0].failed and rows(store) == [] and cursors(store) == []
    assert "export.csv is not utf-8 text" in wrong[0].streams[0].error
    assert "set encoding (e.g. cp1252)" in wrong[0].streams[0].error
    fixed = collect(store, make_config(source % ", encoding: cp1252"))
    assert fixed[0].total("posts_new") == 2001
    assert rows(store)[0][2] == "Parking at St Thomas\u2019 Hospital costs \u00a312"


def test_a_byte_order_mark_is_not_part_of_the_first_column(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_bytes(b"\xef\xbb\xbfid,text,created_at\r\n1,LGI,2026-11-17 10:00\r\n")
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: export.csv}\n"))
    assert result[0].total("posts_new") == 1


def test_a_csv_row_is_logged_by_the_line_it_starts_on_when_a_field_spans_lines(
    store, make_config, tmp_path, caplog
):
    """A quoted field may hold line breaks (a review written in paragraphs), and a blank line is no row: a
    skipped row is logged by the line of the file it starts on, where an editor shows it, not by its place
    among the rows."""
    (tmp_path / "export.csv").write_text(
        "id,text,created_at,likes\n"  # line 1
        '1,"Lovely staff at LGI.\n\nThe parking, though.",2026-11-17 10:00,2\n'  # lines 2-4
        "2,LGI food,17/11/2025 10:00,0\n"  # line 5: a time nothing reads
        "\n"  # line 6
        '3,"St Thomas\' Hospital\nwas great",2026-11-17 11:00,many\n'  # lines 7-8: not a count
        "4,Evelina was great,2026-11-17 12:00,1\n",  # line 9
        encoding="utf-8",
    )
    result = collect(store, make_config("sources:\n  - {name: imports, kind: file, path: export.csv}\n"))
    assert result[0].total("posts_new") == 2
    assert "export.csv line 5 skipped: fields.created_at ('created_at')" in caplog.text
    assert "export.csv line 7 skipped: fields.likes ('likes'): expected a count" in caplog.text


def test_a_file_none_of_whose_rows_is_read_names_the_line_of_the_first(store, make_config, tmp_path):
    (tmp_path / "export.csv").write_text(
        'id,text,created_at\n\n1,"LGI\nparking",2026-11-17 10:00\n2,LGI food,yesterday\n', encoding="utf-8"
    )  # the first row starts on line 3, after a blank line
    source = "sources:\n  - {name: imports, kind: file, path: export.csv, fields: {created_at: text}}\n"
    result = collect(store, make_config(source))
    assert result[0].failed
    assert "none of the 2 rows of export.csv could be read, the first (line 3) because" in (
        result[0].streams[0].error
    )


# the digest of the default mapping in the cursors of versions before author_id and author_handle
DEFAULT_FIELDS = ["id", "text", "created_at", "author", "url", "lang", "platform"]
DEFAULT_FIELDS += ["likes", "reposts", "replies", "quotes"]
DEFAULT_FIELDS_DIGEST = hashlib.sha256(
    json.dumps({name: name for name in DEFAULT_FIELDS}, sort_keys=True).encode()
).hexdigest()[:16]


def set_cursor(store, value):
    with store.transaction() as session:
        (cursor,) = session.scalars(sa.select(Cursor))
        cursor.value = value


def test_a_file_imported_by_an_older_reader_is_read_again(store, make_config, tmp_path, caplog):
    """A file an older version marked as imported, when that version could read none or only some of its rows
    (times it did not know, say), is read again after the upgrade: its cursor says which reader imported it. (Its
    cursor does not say under which platform, but each of its rows names its own.)"""
    caplog.set_level(logging.INFO, logger="listener.collectors.file")
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    config = make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n")
    collect(store, config)
    with store.transaction() as session:
        (cursor,) = session.scalars(sa.select(Cursor))
        session.execute(sa.delete(Post))  # none of the file's rows read by that version
    set_cursor(store, {"sha256": cursor.value["sha256"], "fields": DEFAULT_FIELDS_DIGEST})  # as it wrote it
    again = collect(store, config)
    assert again[0].total("posts_new") == 3
    assert "posts.jsonl read again: imported by an older version of the file reader" in caplog.text
    assert collect(store, config)[0].total("posts_read") == 0  # marked as read by this version


def test_reading_a_file_again_after_an_upgrade_stores_no_post_twice(store, make_config, tmp_path):
    """Posts are unique on (platform, native id), and erased or deleted posts leave tombstones: a file read
    again adds only the rows not stored yet."""
    write_jsonl(tmp_path / "posts.jsonl", POSTS)
    config = make_config("sources:\n  - {name: imports, kind: file, path: posts.jsonl}\n")
    collect(store, config)
    erase_author(store, config, ["amy"])
    before = rows(store)
    set_cursor(store, {key: value for key, value in cursors(store)[0].value.items() if key != "parser"})
    again = collect(store, config)
    assert again[0].total("posts_read") == 3 and again[0].total("posts_new") == 0
    assert rows(store) == before and len(before) == 2


def test_a_file_imported_under_another_platform_is_not_read_again_but_named(
    store, make_config, tmp_path, caplog
):
    """Read again under a platform changed since, each row would be a new post (posts are unique on platform and
    id): the file is left as it is, with a warning saying how to read it again."""
    (tmp_path / "export.csv").write_text(
        "id,text,created_at\n1,LGI parking,2026-11-17 10:00\n", encoding="utf-8"
    )
    source = "sources:\n  - {name: imports, kind: file, path: export.csv, platform: %s}\n"
    collect(store, make_config(source % "import"))
    set_cursor(store, {**cursors(store)[0].value, "parser": 1})
    again = collect(store, make_config(source % "x"))
    assert again[0].total("posts_read") == 0 and not again[0].failed
    assert len(rows(store)) == 1
    assert (
        "export.csv was imported by an older version of the file reader, under platform 'import'"
        in caplog.text
    )
    assert "set platform: import on source imports for one run to read it again" in caplog.text


def test_a_file_imported_before_cursors_recorded_the_platform_is_not_read_again_under_a_new_one(
    store, make_config, tmp_path, caplog
):
    """Cursors written before the platform was recorded do not say under which platform a file's posts were
    stored: read again under the source's platform now, each of its rows would be stored a second time if that
    changed since. It is not read again, and the warning's way to read it adds only the rows not stored."""
    (tmp_path / "export.csv").write_text(
        "id,text,created_at\n1,LGI parking,2026-11-17 10:00\n2,LGI food,2026-11-17 11:00\n", encoding="utf-8"
    )
    source = "sources:\n  - {name: imports, kind: file, path: '*.csv', platform: %s}\n"
    collect(store, make_config(source % "import"))
    old = {key: cursors(store)[0].value[key] for key in ("sha256", "fields")}  # as older versions wrote it
    set_cursor(store, old)
    with store.transaction() as session:  # a row that version skipped
        session.execute(sa.delete(Post).where(Post.native_id == "2"))
    again = collect(store, make_config(source % "x"))
    assert again[0].total("posts_read") == 0 and not again[0].failed
    assert [row[:2] for row in rows(store)] == [("import", "1")]
    assert "export.csv was imported by a version of listener that did not record the platform" in caplog.text
    assert "rename the file and run once with platform: set to the platform its posts were stored under" in (
        caplog.text
    )
    (tmp_path / "export.csv").rename(tmp_path / "export-again.csv")
    renamed = collect(store, make_config(source % "import"))
    assert renamed[0].total("posts_read") == 2 and renamed[0].total("posts_new") == 1
    assert [row[:2] for row in rows(store)] == [("import", "1"), ("import", "2")]
    assert collect(store, make_config(source % "x"))[0].total("posts_read") == 0

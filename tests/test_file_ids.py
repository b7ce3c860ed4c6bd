"""Ids a spreadsheet rewrote: an export opened and saved again by Excel holds X ids as numbers, of which it keeps 15
digits, so it writes them as 2.12263E+18 or rounded, and author ids as 10000.0. A rewritten id that is still exact
is read as the whole number; one that lost digits would store the row under an id that is not its post's (and
collide with other rows), so the row is skipped, with one warning for the file saying how to export ids as text."""

from __future__ import annotations

import json

import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.privacy import Pseudonymiser
from listener.privacy.erasure import erase_author
from listener.store.models import Cursor, Post
from tests.conftest import TEST_KEY

# Real X ids of posts made at 10:00:00.123 and 11:00:00.456 on 17 November 2026 (X ids encode their time)
AT_TEN, AT_ELEVEN = "2122630825890697221", "2122645926781698049"
FIELDS = "{id: Tweet Id, text: Full Text, created_at: Date, author_id: Author Id, author_handle: Author}"
SOURCE = f"sources:\n  - {{name: export, kind: file, path: export.csv, platform: x, fields: {FIELDS}}}\n"
HEADER = "Tweet Id,Full Text,Date,Author Id,Author\n"


def stored(store) -> dict[str, tuple[str, str | None]]:
    with store.transaction() as session:
        return {p.native_id: (p.platform, p.author_key) for p in session.scalars(sa.select(Post))}


def test_ids_a_spreadsheet_rounded_are_skipped_with_one_warning(store, make_config, tmp_path, caplog):
    (tmp_path / "export.csv").write_text(
        HEADER + f"{AT_TEN},Thank you @GSTTnhs for the care,2026-11-17 10:00,10000.0,@Jane_Doe\n"  # line 2
        "2.12263E+18,LGI parking is a joke,2026-11-17 10:00,10001,@other\n"  # 3: Excel's General format
        "2123000000000000000,Evelina was great,2026-11-17 11:00,10002,@third\n"  # 4: 1.123E+18 saved again
        "2123000000000000000,St Thomas' food is awful,2026-11-17 12:00,10003,@fourth\n"  # 5: the same id
        "2122630825374640000,Leeds General Infirmary was kind,2026-11-17 10:00,10004,@fifth\n"  # 6: real
        f"{AT_ELEVEN}.0,Guy's was quick,2026-11-17 11:00,10005,@sixth\n",  # 7: a decimal, through a float
        encoding="utf-8",
    )
    result = collect(store, make_config(SOURCE))
    assert not result[0].failed
    assert set(stored(store)) == {
        AT_TEN,
        "2122630825374640000",
    }  # ending in zeros, but its time is the post's
    warnings = [r.getMessage() for r in caplog.records if "spreadsheet" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "export: export.csv: 4 rows skipped because a spreadsheet rewrote their ids, the first (line 3) because "
        "fields.id ('Tweet Id'): written in scientific notation"
    )
    assert "Data > From Text/CSV, set the type of each id column to Text" in warnings[0]
    assert (
        "line 4 skipped" not in caplog.text and "line 7 skipped" not in caplog.text
    )  # one line for the file
    assert (
        "2.12263E+18" not in caplog.text and "2123000000000000000" not in caplog.text
    )  # ids are never logged


def test_an_author_id_written_as_a_decimal_is_read_whole_so_an_erasure_by_it_finds_the_post(
    store, make_config, tmp_path
):
    (tmp_path / "export.csv").write_text(
        HEADER + f"{AT_TEN},Thank you @GSTTnhs for the care,2026-11-17 10:00,10000.0,@Jane_Doe\n",
        encoding="utf-8",
    )
    config = make_config(SOURCE)
    collect(store, config)
    keys = Pseudonymiser(TEST_KEY.encode()).post_author_keys("x", "10000", "Jane_Doe")
    assert stored(store)[AT_TEN] == ("x", keys[0])
    assert erase_author(store, config, ["10000"]).posts == 1


def test_only_the_ids_of_platforms_with_numeric_ids_are_read_as_numbers(store, make_config, tmp_path):
    """The row's platform says how its ids are read: X and Care Opinion ids are whole numbers, a JSON number
    included; a Reddit id is base 36, where 1e5 is an id like any other."""
    records = [
        {"platform": "x", "id": int(AT_TEN), "author_id": 10000.0, "handle": "Jane_Doe"},
        {"platform": "x", "id": float(AT_ELEVEN), "author_id": 10001, "handle": "other"},
        {"platform": "careopinion", "id": 1234567.0},
        {"platform": "reddit", "id": "1e5", "author_id": "t2_1e5", "handle": "someone"},
    ]
    lines = [
        json.dumps({**r, "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z"}) for r in records
    ]
    (tmp_path / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = "{author_id: author_id, author_handle: handle}"
    result = collect(
        store,
        make_config(f"sources:\n  - {{name: export, kind: file, path: export.jsonl, fields: {fields}}}\n"),
    )
    assert result[0].total("posts_new") == 3
    by_id = Pseudonymiser(TEST_KEY.encode()).post_author_keys("x", "10000", "Jane_Doe")[0]
    assert stored(store) == {
        AT_TEN: ("x", by_id),
        "1234567": ("careopinion", None),
        "1e5": (
            "reddit",
            Pseudonymiser(TEST_KEY.encode()).post_author_keys("reddit", "t2_1e5", "someone")[0],
        ),
    }


def test_a_file_whose_every_id_a_spreadsheet_rewrote_fails_and_says_how_to_export_it(
    store, make_config, tmp_path
):
    (tmp_path / "export.csv").write_text(
        HEADER
        + "2.12263E+18,LGI parking is a joke,2026-11-17 10:00,10001,@other\n"
        + "2.12265E+18,Evelina was great,2026-11-17 11:00,10002,@third\n",
        encoding="utf-8",
    )
    result = collect(store, make_config(SOURCE))
    assert result[0].failed
    error = result[0].streams[0].error
    assert "none of the 2 rows of export.csv could be read, the first (line 2) because fields.id" in error
    assert "a spreadsheet rewrote the ids of 2 of them" in error and "Data > From Text/CSV" in error
    with store.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Cursor)) == 0  # read again once fixed

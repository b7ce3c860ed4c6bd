"""First-cut matching: names, aliases, handles and hashtags, case-insensitive and word-bounded."""

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.config import parse_config
from listener.matching import Matcher
from listener.matching.runner import match_pending
from listener.store.models import Mention, Organisation, Post

CONFIG = parse_config(
    {
        "organisations": [
            {
                "code": "RJ1",
                "name": "Guy's and St Thomas' NHS Foundation Trust",
                "aliases": ["St Thomas' Hospital"],
                "handles": ["GSTTnhs"],
                "hashtags": ["GSTT"],
            },
            {
                "code": "RR8",
                "name": "Leeds Teaching Hospitals NHS Trust",
                "aliases": ["Leeds General Infirmary", "LGI"],
                "handles": ["LeedsHospitals"],
            },
        ]
    }
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thanks @GSTTnhs!", [("RJ1", "handle")]),
        ("thanks @gsttnhs", [("RJ1", "handle")]),
        ("#GSTT nurses rock", [("RJ1", "hashtag")]),
        ("at st thomas' hospital today", [("RJ1", "alias")]),
        ("LGI and @GSTTnhs both", [("RJ1", "handle"), ("RR8", "alias")]),
        ("The BLGIX index", []),
        ("email me at x@GSTTnhsmail.com", []),
        ("Leeds Teaching Hospitals NHS Trust announces", [("RR8", "name")]),
        ("nothing here", []),
    ],
)
def test_matcher(text, expected):
    found = [(m.org_code, m.method) for m in Matcher(CONFIG.organisations).find(text)]
    assert found == expected


def test_match_pending_and_rematch_when_config_changes(store, make_config, tmp_path):
    (tmp_path / "p.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "1", "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z"},
                {"id": "2", "text": "Jimmy's was great", "created_at": "2026-11-17T10:00:00Z"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    source = "sources:\n  - {name: f, kind: file, path: p.jsonl}\n"
    config = make_config(source)
    collect(store, config)
    assert match_pending(store, config).posts == 2
    assert match_pending(store, config).posts == 0  # nothing pending
    with store.transaction() as session:
        assert session.scalars(sa.select(Mention.org_code)).all() == ["RR8"]
    wider = make_config(
        source,
        organisations="""
organisations:
  - {code: RR8, name: Leeds Teaching Hospitals NHS Trust, aliases: [LGI, "Jimmy's"]}
""",
    )
    assert match_pending(store, wider).posts == 2  # config changed: everything is matched again
    with store.transaction() as session:
        assert sorted(session.scalars(sa.select(Mention.post_id))) == sorted(
            session.scalars(sa.select(Post.id))
        )


WHITTINGTON_ONLY = """
organisations:
  - {code: RKE, name: Whittington Health NHS Trust, aliases: [Whittington Hospital]}
"""
WHITTINGTON_AMBIGUOUS = """
organisations:
  - code: RKE
    name: Whittington Health NHS Trust
    aliases: [Whittington Hospital]
    ambiguous_aliases: [Whittington]
    exclude: [panto]
"""


def test_changed_organisations_rematch_and_reports_follow(store, make_config, tmp_path):
    from listener.matching.runner import count_unmatched
    from listener.store.views import organisation_posts as view

    def reported_texts() -> list[str]:  # what a report reads: the analyst view
        with store.engine.connect() as connection:
            query = sa.select(view.c.text).where(view.c.org_code == "RKE").order_by(view.c.post_id)
            return list(connection.scalars(query))

    rows = [
        {"id": "1", "text": "Whittington panto tickets", "created_at": "2026-11-17T10:00:00Z"},
        {"id": "2", "text": "6 hours in A&E at the Whittington", "created_at": "2026-11-17T11:00:00Z"},
        {"id": "3", "text": "the Whittington Hospital car park", "created_at": "2026-11-17T12:00:00Z"},
    ]
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    source = "sources:\n  - {name: f, kind: file, path: p.jsonl}\n"
    config = make_config(source, organisations=WHITTINGTON_ONLY)
    collect(store, config)
    match_pending(store, config)
    assert reported_texts() == [rows[2]["text"]]
    assert count_unmatched(store) == 2

    wider = make_config(source, organisations=WHITTINGTON_AMBIGUOUS)
    assert match_pending(store, wider).posts == 3  # the organisations changed: all posts are matched again
    assert reported_texts() == [rows[1]["text"], rows[2]["text"]]
    assert count_unmatched(store) == 1  # the panto post: counted, kept out of the report
    with store.transaction() as session:
        methods = dict(session.execute(sa.select(Mention.post_id, Mention.matched_text)).all())
    assert sorted(methods.values()) == ["Whittington", "Whittington Hospital"]


def test_match_command_reports_unmatched_posts(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from conftest import write_config

    from listener.cli import cli

    (tmp_path / "p.jsonl").write_text(
        json.dumps({"id": "1", "text": "nothing", "created_at": "2026-11-17T10:00:00Z"}) + "\n",
        encoding="utf-8",
    )
    path = write_config(tmp_path, "sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "collect"]).exit_code == 0
    result = runner.invoke(cli, ["--config", str(path), "match", "--rematch"])
    assert result.exit_code == 0, result.output
    assert "1 stored posts mention no configured organisation (kept out of reports)" in result.output


def test_the_earliest_of_equal_mentions_is_the_one_recorded():
    (match,) = Matcher(CONFIG.organisations).find("LGI, or Leeds General Infirmary on the letter")
    assert (match.method, match.matched_text) == ("alias", "LGI")


def write_rows(folder, rows) -> str:
    """Write the posts to p.jsonl; return the sources config that reads it."""
    (folder / "p.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return "sources:\n  - {name: f, kind: file, path: p.jsonl}\n"


def stored_mentions(store) -> set[tuple[str, str, str]]:
    with store.transaction() as session:
        query = sa.select(Post.native_id, Mention.org_code, Mention.method).join(
            Post, Post.id == Mention.post_id
        )
        return {tuple(row) for row in session.execute(query)}


def test_rematch_matches_every_post_again_and_keeps_the_mentions_a_source_gave(store, make_config, tmp_path):
    """``match --rematch`` matches every post again with unchanged organisations; a mention the source itself
    gave (Care Opinion names the organisation a story is about) is kept whatever the text says."""
    rows = [
        {"id": "1", "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z"},
        {"id": "2", "text": "The ward was great", "created_at": "2026-11-17T11:00:00Z"},
    ]
    config = make_config(write_rows(tmp_path, rows))
    collect(store, config)
    first = match_pending(store, config)
    assert (first.posts, first.matched, first.mentions) == (2, 1, 1)
    with store.transaction() as session:
        ward = session.scalar(sa.select(Post.id).where(Post.native_id == "2"))
        session.add(Mention(post_id=ward, org_code="RJ1", method="source", matched_text="RJ1"))
    again = match_pending(store, config, rematch=True)
    assert (again.posts, again.matched, again.mentions) == (2, 1, 1)
    assert stored_mentions(store) == {("1", "RR8", "alias"), ("2", "RJ1", "source")}


def test_purged_posts_keep_their_mentions_when_the_organisations_change(store, make_config, tmp_path):
    """A purged post has no text left to match: new organisations in config must not take its mentions away
    (past weeks' counts would drop)."""
    from listener.retention import purge

    rows = [
        {"id": "1", "text": "LGI was great", "created_at": "2026-01-05T10:00:00Z"},
        {"id": "2", "text": "LGI was slow", "created_at": "2026-11-17T10:00:00Z"},
    ]
    sources = write_rows(tmp_path, rows) + "retention:\n  posts_days: 30\n"
    config = make_config(sources)
    collect(store, config)
    match_pending(store, config)
    assert purge(store, config, now=datetime(2026, 11, 20, tzinfo=UTC)).posts == 1
    wider = make_config(
        sources,
        organisations="organisations:\n  - {code: RR8, name: Leeds Teaching Hospitals, aliases: [LGI, Jimmy's]}\n",
    )
    assert match_pending(store, wider).posts == 1  # the post not purged
    assert {org for _, org, _ in stored_mentions(store)} == {"RR8"} and len(stored_mentions(store)) == 2


def test_the_organisations_table_follows_the_config(store, make_config):
    """Analysts read organisations' names from the store (the organisation_posts view): a renamed or removed
    organisation is renamed or removed there at the next run."""
    match_pending(store, make_config())
    renamed = "organisations:\n  - {code: RR8, name: Leeds Teaching Hospitals, aliases: [LGI]}\n"
    match_pending(store, make_config(organisations=renamed))
    with store.transaction() as session:
        stored = session.execute(sa.select(Organisation.code, Organisation.name, Organisation.aliases)).all()
    assert [tuple(row) for row in stored] == [("RR8", "Leeds Teaching Hospitals", ["LGI"])]

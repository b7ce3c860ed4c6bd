"""First-cut matching: names, aliases, handles and hashtags, case-insensitive and word-bounded."""

import json

import pytest
import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.config import parse_config
from listener.matching import Matcher
from listener.matching.runner import match_pending
from listener.store.models import Mention, Post

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

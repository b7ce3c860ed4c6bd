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

"""The runner: pages commit with their cursor; one failing source never stops the others."""

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from listener.collectors.base import CollectedPost, Collector, Page
from listener.collectors.runner import collect, collect_stream
from listener.privacy import Pseudonymiser
from listener.store.cursors import load_cursor
from listener.store.models import CollectionRun, Post


def test_failing_source_does_not_stop_the_others(store, make_config, tmp_path):
    (tmp_path / "good.jsonl").write_text(
        json.dumps({"id": "1", "text": "LGI was great", "created_at": "2026-11-17T10:00:00Z"}) + "\n",
        encoding="utf-8",
    )
    config = make_config("""
sources:
  - {name: missing, kind: file, path: nothing-here/*.jsonl}
  - {name: good, kind: file, path: good.jsonl}
""")
    results = collect(store, config)
    assert [r.failed for r in results] == [True, False]
    assert "no file matches" in results[0].streams[0].error
    with store.transaction() as session:
        statuses = dict(session.execute(sa.select(CollectionRun.source, CollectionRun.status)).all())
    assert statuses == {"missing": "failed", "good": "ok"}


class Crashing(Collector):
    """Two good pages (cursor after each), then an error."""

    kind = "crashing"

    def streams(self):
        return ["s"]

    def collect(self, stream, cursor, until):
        start = (cursor or {}).get("n", 0)
        for n in range(start, start + 2):
            post = CollectedPost("test", str(n), f"post {n}", datetime(2026, 11, 1, tzinfo=UTC))
            yield Page(posts=[post], cursor={"n": n + 1}, requests=1, read=1)
        raise RuntimeError("connection reset")


def test_pages_before_a_crash_are_kept_with_their_cursor(store, make_config):
    config = make_config()
    source = type("Source", (), {"name": "crash", "options": None})()
    collector = Crashing(source, config)
    pseudonymiser = Pseudonymiser(b"k" * 32)
    result = collect_stream(store, collector, "s", pseudonymiser)
    assert result.status == "failed" and "connection reset" in result.error
    assert (result.counts.posts_new, result.counts.requests) == (2, 2)
    with store.transaction() as session:
        assert load_cursor(session, "crash", "s") == {"n": 2}
    collect_stream(store, collector, "s", pseudonymiser)
    with store.transaction() as session:
        ids = sorted(int(i) for i in session.scalars(sa.select(Post.native_id)))
    assert ids == [0, 1, 2, 3]

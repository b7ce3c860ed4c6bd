"""Two scoring or matching runs at once on one store (cron overlapping itself, a worker beside a manual run):
each post is worked on once. Postgres claims rows (SKIP LOCKED); SQLite takes its write lock before reading what
is pending, so the second run waits for the first one's batch and then takes the next."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from listener.matching.runner import match_pending
from listener.scoring.runner import score_pending
from listener.scoring.vader import VaderScorer
from listener.store.posts import insert_new_posts

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
POSTS = 40


class SlowVader(VaderScorer):
    """VADER that takes a while over each batch, so two runs overlap inside one."""

    def score(self, posts):
        time.sleep(0.2)
        return super().score(posts)


def store_posts(store) -> None:
    rows = [
        {"platform": "x", "native_id": str(n), "source": "f", "text": f"St Thomas' Hospital was kind ({n})"}
        | {"created_at": NOW, "collected_at": NOW}
        for n in range(POSTS)
    ]
    with store.transaction() as session:
        insert_new_posts(session, rows)


def side_by_side(run) -> list:
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(run())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_scoring_runs_at_once_score_each_post_once(store, make_config):
    """Both runs once scored all 40,000 posts of a store (the same rows written twice, and counts that lied)."""
    config = make_config("scoring:\n  batch_size: 10\n")
    store_posts(store)
    counts = side_by_side(lambda: score_pending(store, config, [SlowVader()])["vader"])
    assert sum(counts) == POSTS, counts  # on SQLite one run may do it all: it never repeats the other's


def test_two_matching_runs_at_once_match_each_post_once(store, make_config, monkeypatch):
    config = make_config()
    store_posts(store)
    original = match_pending.__globals__["Matcher"].find

    def slow_find(self, text):
        time.sleep(0.005)
        return original(self, text)

    monkeypatch.setattr(match_pending.__globals__["Matcher"], "find", slow_find)
    results = side_by_side(lambda: match_pending(store, config, batch_size=10))
    assert sum(r.posts for r in results) == POSTS and sum(r.mentions for r in results) == POSTS

"""VADER, plus a record of every post id scored (one file per process), for the scale-out test."""

import os
from pathlib import Path

from listener.scoring.vader import VaderScorer


class CountingScorer(VaderScorer):
    name = "counting"

    def score(self, posts):
        results = super().score(posts)
        folder = os.environ.get("LISTENER_TEST_SCORE_LOG")
        if folder:
            with (Path(folder) / f"{os.getpid()}.txt").open("a", encoding="utf-8") as handle:
                handle.write("".join(f"{p.post_id}\n" for p in posts))
        return results

"""How fast redaction runs on ordinary posts and on text built to make regular expressions backtrack.

Redaction runs on every stored post and every quote in a report, so it must stay cheap, and it must stay linear:
a pattern that backtracks turns one crafted post into minutes of work. Prints posts per second over the demo
sample (cycled), with every category and, as a baseline in the same run, with every category but names, then the time for each 50,000-character adversarial text of tests/test_redaction.py, then the
precision and recall of name redaction on the labelled posts of tests/data/person_names.jsonl.

Run from the repository root:

    python benchmarks/redaction.py [--posts 50000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_redaction import ADVERSARIAL_UNITS, NAME_CASES, name_outcome  # noqa: E402

from listener.privacy import Redactor  # noqa: E402
from listener.privacy.redaction import CATEGORIES  # noqa: E402

SAMPLE = ROOT / "listener" / "demo" / "sample_posts.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    redactor = Redactor(["GSTTnhs", "LeedsHospitals"])
    posts = list(itertools.islice(itertools.cycle(texts), args.posts))
    seconds = _time(redactor, posts)
    print(
        f"ordinary posts, every category: {len(posts):,} in {seconds:.2f} s = {len(posts) / seconds:,.0f} posts/s"
    )
    # the baseline, in the same run: every category but names, which need the most work per post
    without_names = Redactor(["GSTTnhs", "LeedsHospitals"], categories=[c for c in CATEGORIES if c != "name"])
    baseline = _time(without_names, posts)
    print(
        f"baseline, names left out: {len(posts) / baseline:,.0f} posts/s; with names redaction runs at "
        f"{baseline / seconds:.2f} of the baseline's speed"
    )
    timings = []
    for unit in ADVERSARIAL_UNITS:
        text = (unit * (50_000 // len(unit) + 1))[:50_000]
        started = time.perf_counter()
        redactor(text)
        timings.append((time.perf_counter() - started, unit))
    print("50,000-character adversarial texts, slowest first:")
    for seconds, unit in sorted(timings, reverse=True)[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {unit!r} repeated")
    outcomes = [name_outcome(case) for case in NAME_CASES]
    found, missed, extra = (sum(o[i] for o in outcomes) for i in range(3))
    print(
        f"names in {len(NAME_CASES)} labelled posts: {found} of {found + missed} redacted, {extra} other words taken "
        f"for names: precision {found / (found + extra):.3f}, recall {found / (found + missed):.3f}"
    )


def _time(redactor: Redactor, posts: list[str]) -> float:
    started = time.perf_counter()
    for text in posts:
        redactor(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

"""How fast the matcher links posts to organisations with every open NHS trust configured.

Configures every open trust in the shipped ODS directory with the aliases `listener orgs add` generates, then
matches the demo sample and the evaluation posts (cycled) on one core, and prints posts per second for:

- the matcher (one Aho-Corasick pass per post), and
- a baseline measured in the same run: the first-cut approach of one case-insensitive, word-bounded regular
  expression per organisation, searched in turn (what listener did before).

Run from the repository root:

    python benchmarks/matching.py [--posts 50000] [--baseline-posts 3000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listener.config import OrganisationConfig  # noqa: E402
from listener.matching import Matcher  # noqa: E402
from listener.orgs.aliases import suggest  # noqa: E402
from listener.orgs.directory import load_directory  # noqa: E402


class RegexPerOrganisation:
    """The baseline: one alternation regex per organisation, each searched over every post."""

    def __init__(self, organisations: list[OrganisationConfig]):
        self.patterns = []
        for org in organisations:
            terms = [org.name, *org.aliases, *(str(a) for a in org.ambiguous_aliases)]
            words = "|".join(rf"(?<!\w){re.escape(term)}(?!\w)" for term in terms)
            handles = "|".join(rf"(?<![\w@])@{re.escape(h)}(?!\w)" for h in org.handles)
            hashtags = "|".join(rf"(?<![\w#])#{re.escape(h)}(?!\w)" for h in org.hashtags)
            pattern = "|".join(part for part in (handles, hashtags, words) if part)
            self.patterns.append((org.code, re.compile(pattern, re.IGNORECASE)))

    def find(self, text: str) -> list[str]:
        return [code for code, pattern in self.patterns if pattern.search(text)]


def every_open_trust() -> list[OrganisationConfig]:
    directory = load_directory()
    organisations = []
    for trust in directory.trusts.values():
        if trust.status() != "open":
            continue
        entry = suggest(trust, directory)
        compact = re.sub(r"\W", "", str(entry["name"]))
        organisations.append(
            OrganisationConfig(
                **entry, handles=[compact[:15]], hashtags=[trust.code], exclude=[f"{trust.code} Road"]
            )
        )
    return organisations


def sample_texts() -> list[str]:
    texts = []
    for path in (ROOT / "listener/demo/sample_posts.jsonl", ROOT / "tests/data/matching_eval.jsonl"):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return texts


def rate(find, texts: list[str]) -> tuple[float, float, int]:
    """Posts per second of CPU time (this process, one core) and of wall-clock time, and posts matched.

    CPU time is the figure to read on a shared machine: other processes slow the wall clock, not the CPU time.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    found = sum(1 for text in texts if find(text))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(texts) / cpu, len(texts) / wall, found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--baseline-posts", type=int, default=3_000)
    args = parser.parse_args()
    organisations = every_open_trust()
    texts = sample_texts()
    posts = list(itertools.islice(itertools.cycle(texts), args.posts))

    start = time.perf_counter()
    matcher = Matcher(organisations)
    built = time.perf_counter() - start
    baseline = RegexPerOrganisation(organisations)
    print(f"{len(organisations)} open trusts configured; {len(texts)} distinct posts, cycled")
    print(f"matcher built in {built:.2f} s ({matcher.key_count:,} automaton keys)")

    matcher.find(posts[0])  # warm up
    per_second, wall, matched = rate(matcher.find, posts)
    base_posts = posts[: args.baseline_posts]
    base_per_second, base_wall, base_matched = rate(baseline.find, base_posts)
    print(f"{'':10}{'CPU posts/s':>12}{'wall posts/s':>14}  posts")
    print(f"{'matcher':10}{per_second:>12,.0f}{wall:>14,.0f}  {len(posts):,} ({matched:,} matched)")
    print(
        f"{'baseline':10}{base_per_second:>12,.0f}{base_wall:>14,.0f}  {len(base_posts):,} ({base_matched:,} matched)"
    )
    print(f"ratio (CPU): {per_second / base_per_second:.1f}x the per-organisation regex baseline")
    print(f"target 20,000 posts/s on one core: {'met' if per_second >= 20_000 else 'NOT met'}")


if __name__ == "__main__":
    main()

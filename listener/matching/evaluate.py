"""Measure the matcher against posts labelled by hand with the organisations they mention.

The file is JSONL, one post a line: ``{"id": "...", "text": "...", "orgs": ["RJ1"], "tags": ["hashtag"]}``.
``orgs`` is what a careful reader would count (empty when the post mentions no configured organisation);
``tags`` say what the post tests, for the per-tag breakdown. Precision and recall are counted over
(post, organisation) pairs, so a post naming two trusts counts twice.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from listener.errors import UsageError
from listener.matching.matcher import Matcher


@dataclass(frozen=True)
class LabelledPost:
    id: str
    text: str
    orgs: frozenset[str]
    tags: tuple[str, ...] = ()


@dataclass
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, expected: frozenset[str], found: frozenset[str]) -> None:
        self.true_positives += len(expected & found)
        self.false_positives += len(found - expected)
        self.false_negatives += len(expected - found)


@dataclass
class Mistake:
    post: LabelledPost
    found: frozenset[str]


@dataclass
class Evaluation:
    posts: int = 0
    overall: Counts = field(default_factory=Counts)
    by_tag: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    mistakes: list[Mistake] = field(default_factory=list)


def load_labelled(path: Path) -> list[LabelledPost]:
    """Read a labelled JSONL file; UsageError naming the line of any bad row."""
    posts = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            posts.append(
                LabelledPost(str(row["id"]), row["text"], frozenset(row["orgs"]), tuple(row.get("tags", ())))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: line {number}: expected id, text and orgs ({exc})") from None
    return posts


def evaluate(matcher: Matcher, posts: list[LabelledPost]) -> Evaluation:
    """Match every post and count agreements with its labels, overall and per tag."""
    result = Evaluation()
    for post in posts:
        found = frozenset(match.org_code for match in matcher.find(post.text))
        result.posts += 1
        result.overall.add(post.orgs, found)
        for tag in post.tags:
            result.by_tag[tag].add(post.orgs, found)
        if found != post.orgs:
            result.mistakes.append(Mistake(post, found))
    return result

"""Emerging terms: words, pairs of words and hashtags used in far more posts this week than usual. Pure.

A term counts once per post. Its usual rate is its share of posts over the baseline weeks; this week's expected
count is that rate times this week's posts, so a busy week does not make every common word "emerging". A term
is emerging when it is in at least ``min_posts`` posts, at least twice the expected count and well above it
(more than expected + 3 × sqrt(expected), roughly a three-sigma Poisson excess). Handles are never terms (they
may name private people), and the organisation's own names are left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"[\w.+-]*@[\w.-]+")  # handles and e-mail addresses
# a word or hashtag, or a punctuation mark (pairs of words never span one)
_PIECE = re.compile(r"#\w+|[a-z][a-z'-]*[a-z]|[.,;:!?()\[\]\"“”]")

_STOPWORDS_TEXT = """a about above after again against all am an and any are aren't as at be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
    for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's me
    more most mustn't my myself no nor not now of off on once only or other ought our ours ourselves out over own
    really same shan't she she'd she'll she's should shouldn't so some still such than that that's the their theirs
    them themselves then there there's these they they'd they'll they're they've this those through to too today
    under until up us very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's will with won't would wouldn't yet you you'd you'll you're you've your
    yours yourself yourselves also one two new amp via week day back going went even much many every thank thanks
    nhs hospital hospitals trust"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# Number words say nothing on their own ("five" from "five stars" and "five minutes"), but "nine hours" does.
_NUMBER_WORDS_TEXT = (
    "three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred"
)
PAIR_ONLY = frozenset(_NUMBER_WORDS_TEXT.split())


@dataclass(frozen=True)
class Term:
    term: str
    posts: int
    expected: float
    usual_per_week: float


def post_terms(text: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """The terms of one post: its words and hashtags, and each pair of neighbouring words, minus stopwords (and
    number words on their own)."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text.lower().replace("’", "'")))
    terms: set[str] = set()
    previous = None
    for token in _PIECE.findall(text):
        word = token[1:] if token[0] == "#" else token
        if len(token) < 3 or token in STOPWORDS or word in exclude:
            previous = None
            continue
        if token not in PAIR_ONLY:
            terms.add(token)
        if token[0] == "#":
            previous = None
            continue
        if previous:
            terms.add(f"{previous} {token}")
        previous = token
    return terms


def exclusions(names: Iterable[str]) -> frozenset[str]:
    """Lower-case words of the organisation's names, aliases, handles and hashtags."""
    return frozenset(w for name in names for w in _PIECE.findall(name.lower()) if len(w) > 1)


def document_counts(texts: Iterable[str], exclude: frozenset[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        counts.update(post_terms(text, exclude))
    return counts


def emerging_terms(
    current: Counter,
    current_posts: int,
    baseline: Counter,
    baseline_posts: int,
    baseline_weeks: int,
    *,
    min_posts: int = 5,
    limit: int = 10,
) -> list[Term]:
    """The terms of ``current`` (document counts this week) that spike against ``baseline``, biggest excess first."""
    if not current_posts or not baseline_posts or not baseline_weeks:
        return []
    found = []
    for term, posts in current.items():
        if posts < min_posts:
            continue
        rate = baseline.get(term, 0) / baseline_posts
        expected = rate * current_posts
        if posts >= 2 * expected and posts > expected + 3 * math.sqrt(expected) + 1:
            usual = baseline.get(term, 0) / baseline_weeks
            found.append(Term(term, posts, expected, usual))
    found.sort(key=lambda t: (-(t.posts - t.expected), t.term))
    return _without_parts(found)[:limit]


def _without_parts(terms: list[Term]) -> list[Term]:
    """Drop a word when a listed pair containing it covers most of its posts ("waiting" under "waiting times")."""
    pairs = [t for t in terms if " " in t.term]
    kept = []
    for term in terms:
        covered = any(term.term in pair.term.split() and pair.posts * 1.25 >= term.posts for pair in pairs)
        if not covered:
            kept.append(term)
    return kept

"""What the automaton found in a text (hits) and which of them stand once the matcher's rules are applied.

Every rule compares hits by position, so each is computed from hits sorted by position and from word
numbers looked up by bisection: the work grows with the number of hits, never with their square, so a long
post that repeats a name thousands of times is matched as quickly as it is read.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

CONTEXT_WINDOW = 12  # at most this many words between an ambiguous alias and its context term
METHOD_RANK = {"handle": 0, "hashtag": 1, "name": 2, "alias": 3, "fuzzy": 4}
NAMES = ("name", "alias", "fuzzy")
HEALTH = "health"  # the context group of the built-in health words
EVERYDAY = "everyday"  # the kind of a phrase that gives a health word its everyday sense ("coaching clinic")
_SPACE = re.compile(" ")


@dataclass(frozen=True)
class Term:
    """What a key of the automaton means for one organisation."""

    org: int  # index in the matcher's organisations; -1 for the built-in health words
    kind: str  # handle, hashtag, name, alias, fuzzy, context or exclude
    hashtag: bool = False  # the key is "#word" and may be followed by a suffix
    needs: tuple[object, ...] = ()  # context groups, one of which must be near (ambiguous aliases only)
    group: object = None  # the context group this context term belongs to
    capitals: bool = False  # counts only where the text writes it in capitals ("GOSH", not "oh my gosh")


@dataclass(frozen=True)
class Hit:
    start: int  # offsets in the searched form, spaces around the words included
    end: int
    term: Term

    @property
    def method(self) -> str:
        return "hashtag" if self.term.hashtag else self.term.kind

    def covers(self, other: Hit) -> bool:
        return self.start <= other.start and other.end <= self.end


_CERTAIN = Term(-1, "context", group=HEALTH)  # what a certain mention is to the ambiguous aliases near it


class WordNumbers:
    """Which words of the searched form a hit spans, counted from 0 (built on first use)."""

    def __init__(self, searched: str):
        self._searched = searched
        self._spaces: list[int] | None = None

    def span(self, hit: Hit) -> tuple[int, int]:
        if self._spaces is None:
            self._spaces = [found.start() for found in _SPACE.finditer(self._searched)]
        return bisect_right(self._spaces, hit.start) - 1, bisect_left(self._spaces, hit.end - 1) - 1


def accepted(hits: list[Hit], words: WordNumbers) -> list[Hit]:
    """The hits that stand once context, exclusions and longer matches of other organisations are applied."""
    candidates = [hit for hit in hits if hit.term.kind in METHOD_RANK]
    if not candidates:
        return []
    excludes = [hit for hit in hits if hit.term.kind == "exclude"]
    if excludes:
        candidates = _without_excluded(candidates, excludes)
    if any(hit.term.needs for hit in candidates):
        contexts = [hit for hit in hits if hit.term.kind == "context"]
        everyday = [hit for hit in hits if hit.term.kind == EVERYDAY]
        if everyday:
            contexts = _without_everyday(contexts, everyday)
        # A certain mention of an NHS organisation is a health word for the place names near it ("OUH and CUH").
        contexts += [Hit(hit.start, hit.end, _CERTAIN) for hit in candidates if not hit.term.needs]
        near = _ContextIndex(contexts, words)
        candidates = [hit for hit in candidates if not hit.term.needs or near.has_context(hit)]
    return _longest(candidates) if len(candidates) > 1 else candidates


def _without_excluded(candidates: list[Hit], excludes: list[Hit]) -> list[Hit]:
    """An exclusion covering a name or alias cancels it; any other exclusion cancels all the organisation's."""
    names: dict[int, list[Hit]] = defaultdict(list)
    for hit in candidates:
        if hit.term.kind in NAMES:
            names[hit.term.org].append(hit)
    cancelled: set[int] = set()  # ids of the hits an exclusion covers
    everything: set[int] = set()  # organisations with an exclusion elsewhere in the post
    for org, found in _by_org(excludes).items():
        own = sorted(names.get(org, ()), key=lambda hit: hit.start)
        starts = [hit.start for hit in own]
        for exclude in found:
            covered = [
                hit
                for hit in own[bisect_left(starts, exclude.start) : bisect_right(starts, exclude.end)]
                if exclude.covers(hit)
            ]
            if not covered:
                everything.add(org)
            cancelled.update(id(hit) for hit in covered)
    return [
        hit
        for hit in candidates
        if hit.term.kind not in NAMES or (hit.term.org not in everything and id(hit) not in cancelled)
    ]


def _without_everyday(contexts: list[Hit], everyday: list[Hit]) -> list[Hit]:
    """Without the health words that an everyday phrase covers: "clinic" in "coaching clinic", "ward" in "ward
    councillor", "stitches" in "in stitches"."""
    phrases = sorted(everyday, key=lambda hit: hit.start)
    starts = [hit.start for hit in phrases]
    longest = max(hit.end - hit.start for hit in phrases)

    def covered(context: Hit) -> bool:
        low, high = bisect_left(starts, context.start - longest), bisect_right(starts, context.start)
        return any(phrase.covers(context) for phrase in phrases[low:high])

    return [hit for hit in contexts if hit.term.group != HEALTH or not covered(hit)]


def _by_org(hits: list[Hit]) -> dict[int, list[Hit]]:
    grouped: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.term.org].append(hit)
    return grouped


class _ContextIndex:
    """Context terms by group, sorted by their first word, so those within reach of a hit are found by bisection."""

    def __init__(self, contexts: list[Hit], words: WordNumbers):
        self._words = words
        spans: dict[object, list[tuple[int, int, Hit]]] = defaultdict(list)
        for hit in contexts:
            spans[hit.term.group].append((*words.span(hit), hit))
        self._spans = {group: sorted(found, key=lambda item: item[0]) for group, found in spans.items()}
        self._firsts = {group: [item[0] for item in found] for group, found in self._spans.items()}
        self._longest = max(
            (last - first for found in self._spans.values() for first, last, _ in found), default=0
        )

    def has_context(self, hit: Hit) -> bool:
        """A context term of one of the groups the hit needs lies within ``CONTEXT_WINDOW`` words of it."""
        first, last = self._words.span(hit)
        for group in hit.term.needs:
            found = self._spans.get(group)
            if not found:
                continue
            firsts = self._firsts[group]
            low = bisect_left(firsts, first - CONTEXT_WINDOW - 1 - self._longest)
            high = bisect_right(firsts, last + CONTEXT_WINDOW + 1)
            for _, context_last, context in found[low:high]:
                if context_last >= first - CONTEXT_WINDOW - 1 and not hit.covers(context):
                    return True
        return False


def _longest(candidates: list[Hit]) -> list[Hit]:
    """Without the hits that lie inside a longer hit (of any organisation): "Leeds" in "Leeds Teaching Hospitals"."""
    ordered = sorted(candidates, key=lambda hit: (hit.start, -hit.end))
    inside: set[int] = set()
    reach = -1  # the furthest end of the hits that start before the current start
    index = 0
    while index < len(ordered):
        start = ordered[index].start
        group_end = index
        while group_end < len(ordered) and ordered[group_end].start == start:
            group_end += 1
        same = ordered[index:group_end]
        widest = same[0].end  # sorted by end, widest first
        for hit in same:
            if reach >= hit.end or widest > hit.end:
                inside.add(id(hit))
        reach = max(reach, widest)
        index = group_end
    return [hit for hit in candidates if id(hit) not in inside]

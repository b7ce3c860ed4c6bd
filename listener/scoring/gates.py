"""A cheap pre-check in front of a long regular expression, so most posts skip the search and get the same answer.

The flag rules are alternations of phrases that start at a word ("suicid\\w*|kill(?:ing)? myself|..."). Python's
``re`` tries every alternative at every word of every post: tens of microseconds per post. But each alternative
needs a word of its own ("myself"), or a word that starts with some letters ("suicid..."), read from the parsed
pattern (gate_keys.py). A post's runs of letters a-z (``letter_runs``) are computed once; if none of them is such a
word and none starts so, the pattern cannot match and is not searched; otherwise it is. So results are exactly
those of the pattern.

A post is asked by many gated patterns (safeguarding's rules, the triage rules, the health phrases). ``trusted``
gives the runs as ``Runs``: the first pre-check asked of them finds the keys of every gated pattern at once (one
``KeyIndex``: a set of all their words and one regular expression of all their starts), so each pre-check after
it is a bit test. Under ``re.IGNORECASE`` three characters match an ASCII letter that ``str.lower`` does not give
("İ", "ı", "ſ"): ``trusted`` returns None for a post with one, and such a post is always searched in full.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from functools import reduce
from itertools import repeat

from listener.scoring.gate_keys import pattern_keys

_LETTER_RUNS = re.compile(r"[a-z]+")
_CASE_TRAPS = frozenset("\u0130\u0131\u017f")


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Alternatives that each start and end at a word's edge, case-insensitive: the shape the gates read best."""
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def letter_runs(text: str, words: list[str] | None = None) -> list[str]:
    """The runs of letters a-z in the lower-cased text; read from its ``words`` (phrases.words(text)) if given,
    which have the same runs: every letter is in a word, and no word ends next to a letter. When every word is one
    run, the list returned is ``words`` itself (neither is ever changed)."""
    if words is None:
        return _LETTER_RUNS.findall(text.lower())
    if "".join(words).isalpha():  # every word is one run (most posts): no digit, no apostrophe
        return words
    return _LETTER_RUNS.findall(" ".join(words))


def trusted(text: str, runs: list[str]) -> Runs | None:
    """``runs`` for the pre-checks, if they may rely on them for ``text``, else None (see the module docstring)."""
    if not text.isascii() and not _CASE_TRAPS.isdisjoint(text):
        return None
    return runs if type(runs) is Runs else Runs(runs)


class GatedPattern:
    """``search(text, trusted(text, letter_runs(text)))`` is ``pattern.search(text)``, skipped when it cannot match."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        keys, lower_case_only = pattern_keys(pattern)
        self.usable = keys is not None
        self.words = frozenset(letters for whole, letters in keys or () if whole)
        self.starts = tuple(sorted(letters for whole, letters in keys or () if not whole))
        # Python's re compares every character under IGNORECASE through Unicode case tables; the same pattern
        # without it, over the lower-cased text, finds the same matches in about two thirds of the time (search_text)
        self._lower_case = (
            re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE) if lower_case_only else None
        )
        self.serial = len(_EVERY_GATE)  # its bit in Runs
        _EVERY_GATE.append(self)

    def search(self, text: str, runs: list[str] | None) -> re.Match[str] | None:
        if self.usable and runs is not None and not self.may_match(runs):
            return None
        return self.search_text(text)

    def search_text(self, text: str) -> re.Match[str] | None:
        """``pattern.search(text)`` without the pre-check.

        The pattern (only ASCII, no capital letter) is searched without IGNORECASE in ``text.lower()``, which has
        every character where the text has it, and every character that IGNORECASE reads as an ASCII letter turned
        into that letter (the Kelvin sign into "k"), except the three that ``trusted`` refuses ("İ" becomes two
        characters, "ı" and "ſ" stay as they are): such a text is searched as it is. Lower-casing keeps every word
        character, space and digit what it was, so look-arounds and classes read the same.
        """
        if self._lower_case is None or not (text.isascii() or _CASE_TRAPS.isdisjoint(text)):
            return self.pattern.search(text)
        found = self._lower_case.search(text.lower())
        # the match in the text itself (its own characters, group names) starts there
        return None if found is None else self.pattern.match(text, found.start())

    def sub(self, replacement: str, text: str, runs: list[str] | None) -> str:
        """``pattern.sub(replacement, text)``, skipped when the pattern cannot match."""
        if self.usable and runs is not None and not self.may_match(runs):
            return text
        return self.pattern.sub(replacement, text)

    def may_match(self, runs: list[str]) -> bool:
        if type(runs) is Runs:
            return runs.passing(self.serial) != 0
        if not self.words.isdisjoint(runs):
            return True
        return bool(self.starts) and any(map(str.startswith, runs, repeat(self.starts)))


# Every gated pattern made, in order: its place here (GatedPattern.serial) is its bit in Runs.
_EVERY_GATE: list[GatedPattern] = []
_INDEX_OF_EVERY_GATE: list[KeyIndex] = []  # one KeyIndex over _EVERY_GATE, made again when a pattern is added


class Runs(list):
    """A post's runs of letters for the pre-checks (``trusted`` gives them). The first pre-check asked of them
    reads the keys of every gated pattern at once (one KeyIndex over all of them); every pre-check after it is a
    bit test. A post is asked by a dozen patterns or more, each pre-check a set operation and a comparison per run
    and start when asked alone."""

    __slots__ = ("_bits", "_known")

    def __init__(self, runs: list[str]) -> None:
        super().__init__(runs)
        self._bits, self._known = 0, 0  # the pre-check bits of the first _known gated patterns

    def passing(self, first: int, count: int = 1) -> int:
        """The bits of the gated patterns ``first`` to ``first + count - 1`` (by serial) whose pre-check passes."""
        if first + count > self._known:
            index = _index_of_every_gate()
            self._bits, self._known = index.may_match(self), index.size
        return self._bits >> first & ((1 << count) - 1)


def _index_of_every_gate() -> KeyIndex:
    if not _INDEX_OF_EVERY_GATE or _INDEX_OF_EVERY_GATE[0].size != len(_EVERY_GATE):
        _INDEX_OF_EVERY_GATE[:] = [KeyIndex(list(_EVERY_GATE))]
    return _INDEX_OF_EVERY_GATE[0]


class KeyIndex:
    """Which of several gated patterns may match a post, from one look at its runs of letters: a bit per pattern
    (bit ``i`` for ``gates[i]``), set when the pattern's pre-check passes or it has none.

    Asking each pattern's pre-check in turn costs a set lookup per run and a comparison per run and start, for
    every pattern. Here the whole words of all the patterns are one set and their starts one regular expression
    over the post's runs, so a post costs about one pre-check however many patterns there are.
    """

    def __init__(self, gates: list[GatedPattern]) -> None:
        self._word_bits: dict[str, int] = {}
        start_bits: dict[str, int] = {}
        self.always = 0  # patterns without a pre-check
        for i, gate in enumerate(gates):
            if not gate.usable:
                self.always |= 1 << i
            for word in gate.words:
                self._word_bits[word] = self._word_bits.get(word, 0) | 1 << i
            for start in gate.starts:
                start_bits[start] = start_bits.get(start, 0) | 1 << i
        self.size = len(gates)
        self.every = (1 << len(gates)) - 1
        self._words = frozenset(self._word_bits)
        # the regular expression finds the longest start a run begins with; every start it begins with passes
        self._start_bits = {
            start: _or(bits for other, bits in start_bits.items() if start.startswith(other))
            for start in start_bits
        }
        self._starts = re.compile(f" ({longest_of(start_bits)})") if start_bits else None

    def may_match(self, runs: list[str] | None) -> int:
        """The bits of the patterns whose pre-check passes for ``runs`` (trusted(text, letter_runs(text)); None:
        every pattern)."""
        if runs is None:
            return self.every
        bits = self.always
        for word in self._words.intersection(runs):
            bits |= self._word_bits[word]
        if self._starts is not None:
            for start in self._starts.findall(" " + " ".join(runs)):
                bits |= self._start_bits[start]
        return bits


class FirstMatch:
    """The first match in the text of several (reason, pattern) rules: the same match, and so the same reason, as
    one pattern joining them in order (flags._first_of). A post is searched only by the rules whose pre-check
    passes (one KeyIndex, or Runs, for all of them); ties at one position go to the earlier rule, as in the joined
    pattern.
    Many small rules are much cheaper than one long pattern: Python's ``re`` tries every alternative at every
    word."""

    def __init__(self, rules: list[tuple[str, re.Pattern[str]]]) -> None:
        self.rules = [(reason, GatedPattern(pattern)) for reason, pattern in rules]
        self._index = KeyIndex([gated for _, gated in self.rules])
        serials = [gated.serial for _, gated in self.rules]
        # the rules' bits in Runs, if their serials follow on (they do unless another thread made a pattern between)
        self._first = (
            serials[0] if serials and serials == list(range(serials[0], serials[0] + len(serials))) else None
        )

    def search(self, text: str, runs: list[str] | None) -> tuple[str, re.Match[str]] | None:
        if type(runs) is Runs and self._first is not None:
            may_match = runs.passing(self._first, len(self.rules))
        else:
            may_match = self._index.may_match(runs)
        if not may_match:  # most posts
            return None
        best = None
        for i, (reason, gated) in enumerate(self.rules):
            match = gated.search_text(text) if may_match >> i & 1 else None
            if match and (best is None or match.start() < best[1].start()):
                best = (reason, match)
        return best


def _or(bits: Iterable[int]) -> int:
    return reduce(operator.or_, bits, 0)


def longest_of(words: Iterable[str]) -> str:
    """A regular expression (a trie of alternatives) that matches the longest of ``words`` found where it is tried:
    a word that another continues is followed by that continuation, made optional, so the longer one wins."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def alternatives(node: dict) -> str:
        branches = [re.escape(char) + alternatives(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{group})?" if "" in node else group

    return alternatives(tree)

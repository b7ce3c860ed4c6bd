"""A cheap pre-check in front of a long regular expression, so most posts skip the search and get the same answer.

The flag rules are alternations of phrases that start at a word ("suicid\\w*|kill(?:ing)? myself|..."). Python's
``re`` tries every alternative at every word of every post: tens of microseconds per post. But each alternative
needs a word of its own ("myself"), or a word that starts with some letters ("suicid..."), read here from the
parsed pattern. A post's runs of letters a-z (``letter_runs``) are computed once; if none of them is such a word
and none starts so, the pattern cannot match and is not searched; otherwise it is. So results are exactly those
of the pattern.

A run of letters in a pattern is a whole word when a non-letter character (or the pattern's "no word character"
check) comes right before and right after it, and the start of a word when only before. Under ``re.IGNORECASE``
three characters match an ASCII letter that ``str.lower`` does not give ("İ", "ı", "ſ"): ``letter_runs`` returns
None for a post with one, and such a post is always searched in full.
"""

from __future__ import annotations

import re
from itertools import repeat
from re import _constants as sre  # the parsed form of a pattern, as re compiles it
from re import _parser as sre_parse

_LETTER_RUNS = re.compile(r"[a-z]+")
_CASE_TRAPS = frozenset("\u0130\u0131\u017f")
_NOT_WORD = [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_WORD)])]  # the inside of (?<!\w) and (?!\w)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)

# Words in so many posts that a pre-check on them would rarely skip anything (only which key is chosen depends
# on this list, never whether a result is right).
_COMMON_WORDS = (
    "a all and are be been but can do done feel for get going got had has have her him i if in is it just left "
    "life like live me my no not of on one so staff take that the them they this to want was we what will with "
    "you your"
)
_COMMON = frozenset(_COMMON_WORDS.split())
Key = tuple[bool, str]  # (whole word?, letters)


def letter_runs(text: str, words: list[str] | None = None) -> list[str]:
    """The runs of letters a-z in the lower-cased text; read from its ``words`` (phrases.words(text)) if given,
    which have the same runs: every letter is in a word, and no word ends next to a letter."""
    return _LETTER_RUNS.findall(text.lower() if words is None else " ".join(words))


def trusted(text: str, runs: list[str]) -> list[str] | None:
    """``runs`` if the pre-checks may rely on them for ``text``, else None (see the module docstring)."""
    return runs if _CASE_TRAPS.isdisjoint(text) else None


class GatedPattern:
    """``search(text, trusted(text, letter_runs(text)))`` is ``pattern.search(text)``, skipped when it cannot match."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        keys = _keys(list(sre_parse.parse(pattern.pattern, pattern.flags)), False, False)
        self.usable = keys is not None
        self.words = frozenset(letters for whole, letters in keys or () if whole)
        self.starts = tuple(sorted(letters for whole, letters in keys or () if not whole))

    def search(self, text: str, runs: list[str] | None) -> re.Match[str] | None:
        if self.usable and runs is not None and not self.may_match(runs):
            return None
        return self.pattern.search(text)

    def may_match(self, runs: list[str]) -> bool:
        if not self.words.isdisjoint(runs):
            return True
        return bool(self.starts) and any(map(str.startswith, runs, repeat(self.starts)))


def _keys(items: list, left: bool, right: bool) -> set[Key] | None:
    """Keys one of which every match of the parsed sequence ``items`` contains, or None if none is known.

    ``left``/``right``: a non-letter is known to come right before/after the sequence. Each run of letters that
    starts after a non-letter is a key set of its own, and so is what a part that must match needs; the set whose
    weakest key is strongest (see _strength) is kept.
    """
    bounds = [left, *(_ends_word(op, av) for op, av in items), right]
    options: list[set[Key]] = []
    run, run_left = "", False
    for k, (op, av) in enumerate(items):
        letter = op is sre.LITERAL and "a" <= chr(av).lower() <= "z"
        if letter:
            run, run_left = (run + chr(av).lower(), run_left) if run else (chr(av).lower(), bounds[k])
            if not (k + 1 < len(items) and _is_letter(items[k + 1])):
                if run_left:
                    options.append({(bounds[k + 2], run)})
                run = ""
            continue
        inner = _part_keys(op, av, bounds[k], bounds[k + 2])
        if inner:
            options.append(inner)
    return max(options, key=_strength) if options else None


def _part_keys(op, av, left: bool, right: bool) -> set[Key] | None:
    if op is sre.SUBPATTERN:
        return _keys(list(av[-1]), left, right)
    if op is sre.BRANCH:
        branches = [_keys(list(branch), left, right) for branch in av[1]]
        return set().union(*branches) if all(branches) else None
    if op in _REPEATS and av[0] >= 1:
        return _keys(list(av[2]), left, right and av[1] == 1)
    return None


def _is_letter(item) -> bool:
    op, av = item
    return op is sre.LITERAL and "a" <= chr(av).lower() <= "z"


def _ends_word(op, av) -> bool:
    """Whether this item is sure to be a non-letter (or the start or end of the text) where it stands."""
    if op is sre.LITERAL:
        return not ("a" <= chr(av).lower() <= "z")
    return op is sre.ASSERT_NOT and list(av[1]) == _NOT_WORD


def _strength(keys: set[Key]) -> float:
    """Longer letters are rarer in posts, common words are not; a whole word is rarer than the same start."""
    return min(
        len(letters) + (0.5 if whole else 0) - (10 if letters in _COMMON else 0) for whole, letters in keys
    )

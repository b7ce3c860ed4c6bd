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
    "you your "
    # frequent in posts too (read off the benchmark's posts): a key on one of them would pass a post in twenty
    "about again any at back because been before better bed can come came could day did done down even find found "
    "from give given go good help here how know last make more much need new now off only other out over pain "
    "people point really said say see seen still stop than their then there these think those time told took two "
    "up us very wait waiting way well went were when where who why would"
)
_COMMON = frozenset(_COMMON_WORDS.split())
Key = tuple[bool, str]  # (whole word?, letters)


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Alternatives that each start and end at a word's edge, case-insensitive: the shape the gates read best."""
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def letter_runs(text: str, words: list[str] | None = None) -> list[str]:
    """The runs of letters a-z in the lower-cased text; read from its ``words`` (phrases.words(text)) if given,
    which have the same runs: every letter is in a word, and no word ends next to a letter."""
    return _LETTER_RUNS.findall(text.lower() if words is None else " ".join(words))


def trusted(text: str, runs: list[str]) -> list[str] | None:
    """``runs`` if the pre-checks may rely on them for ``text``, else None (see the module docstring)."""
    return runs if text.isascii() or _CASE_TRAPS.isdisjoint(text) else None


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


class FirstMatch:
    """The first match in the text of several (reason, pattern) rules: the same match, and so the same reason, as
    ``joined`` (one pattern joining them in order, flags._first_of). A post is searched only by the rules whose own
    pre-check passes, and only if the pre-check of ``joined`` passes first; ties at one position go to the earlier
    rule, as in ``joined``. Many small rules are much cheaper than one long pattern: Python's ``re`` tries every
    alternative at every word."""

    def __init__(self, rules: list[tuple[str, re.Pattern[str]]], joined: re.Pattern[str]) -> None:
        self.rules = [(reason, GatedPattern(pattern)) for reason, pattern in rules]
        self.joined = GatedPattern(joined)

    def search(self, text: str, runs: list[str] | None) -> tuple[str, re.Match[str]] | None:
        if self.joined.usable and runs is not None and not self.joined.may_match(runs):
            return None
        best = None
        for reason, gated in self.rules:
            match = gated.search(text, runs)
            if match and (best is None or match.start() < best[1].start()):
                best = (reason, match)
        return best


def _keys(items: list, left: bool, right: bool) -> set[Key] | None:
    """Keys one of which every match of the parsed sequence ``items`` contains, or None if none is known.

    ``left``/``right``: a non-letter is known to come right before/after the sequence. Each run of letters that
    starts after a non-letter is a key set of its own, and so is what a part that must match needs; the set whose
    weakest key is strongest (see _strength) is kept.
    """
    before, after = _gaps(items, left, right)
    options: list[set[Key]] = []
    run, run_left = "", False
    for k, (op, av) in enumerate(items):
        if _is_letter((op, av)):
            run, run_left = (run + chr(av).lower(), run_left) if run else (chr(av).lower(), before[k])
            if not (k + 1 < len(items) and _is_letter(items[k + 1])):
                if run_left:
                    options.append({(after[k], run)})
                run = ""
            continue
        inner = _part_keys(op, av, before[k], after[k])
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


def _gaps(items: list, left: bool, right: bool) -> tuple[list[bool], list[bool]]:
    """For each item: is a non-letter (or the start or end of the text) sure to come right before it, and after?

    An optional part ("(?:a )?") that ends (starts) with a non-letter passes on what comes before (after) it, and
    so does a look-around other than the "no word character" check ("(?<!like an )idiot"): it matches no
    characters.
    """
    before, after = [left] * len(items), [right] * len(items)
    for k in range(1, len(items)):
        previous = items[k - 1]
        before[k] = _gap_at(previous, -1) or (
            (_zero_width(previous) or (_optional(previous) and _gap_at(previous, -1, True))) and before[k - 1]
        )
    for k in range(len(items) - 2, -1, -1):
        following = items[k + 1]
        after[k] = _gap_at(following, 0) or (
            (_zero_width(following) or (_optional(following) and _gap_at(following, 0, True)))
            and after[k + 1]
        )
    return before, after


def _gap_at(item, end: int, inside_optional: bool = False) -> bool:
    """Whether the first (``end`` 0) or last (-1) character of what ``item`` matches is sure to be a non-letter
    (an assertion that no word character is there counts too)."""
    op, av = item
    if op is sre.LITERAL:
        return not _is_letter(item)
    if op is sre.ASSERT_NOT:
        return list(av[1]) == _NOT_WORD
    if op is sre.SUBPATTERN or (op in _REPEATS and (av[0] >= 1 or inside_optional)):
        inner = list(av[-1])
        return bool(inner) and _gap_at(inner[end], end)
    return False


def _zero_width(item) -> bool:
    return item[0] in (sre.ASSERT, sre.ASSERT_NOT)


def _optional(item) -> bool:
    op, av = item
    return op in _REPEATS and av[0] == 0


def _is_letter(item) -> bool:
    op, av = item
    return op is sre.LITERAL and "a" <= chr(av).lower() <= "z"


def _strength(keys: set[Key]) -> float:
    """Longer letters are rarer in posts, common words and short starts ("go...") are not; a whole word is rarer
    than the same start."""
    return min(
        len(letters)
        + (0.5 if whole else 0)
        - (10 if letters in _COMMON or (not whole and len(letters) < 3) else 0)
        for whole, letters in keys
    )

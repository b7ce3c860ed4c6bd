"""What a regular expression needs of a post, read from the pattern as Python's ``re`` parses it: the keys of the
pre-checks in gates.py.

Each alternative of a flag rule needs a word of its own ("myself"), or a word that starts with some letters
("suicid..."). A run of letters in a pattern is a whole word when a non-letter character (or the pattern's "no
word character" check, or a word boundary) comes right before and right after it, and the start of a word when
only before. The keys of a pattern are a set one of which every match contains (``pattern_keys``); a post none of
whose runs of letters is such a word, or starts so, cannot match.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parsed form of a pattern, as re compiles it
from re import _parser as sre_parse

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
COMMON_WORDS = frozenset(_COMMON_WORDS.split())
Key = tuple[bool, str]  # (whole word?, letters)


def pattern_keys(pattern: re.Pattern[str]) -> tuple[set[Key] | None, bool]:
    """(the pattern's keys, or None if none are known; whether it is IGNORECASE and names only ASCII characters,
    no capital letter, and switches no flag, so that without IGNORECASE it matches lower-cased text the same
    way)."""
    parsed = list(sre_parse.parse(pattern.pattern, pattern.flags))
    return _keys(parsed, False, False), bool(pattern.flags & re.IGNORECASE) and _lower_case_only(parsed)


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
    (an assertion that no word character is there counts too, and so does a word boundary: keys are only read from
    letters, and beside a letter a boundary means a non-word character or the end of the text)."""
    op, av = item
    if op is sre.LITERAL:
        return not _is_letter(item)
    if op is sre.ASSERT_NOT:
        return list(av[1]) == _NOT_WORD
    if op is sre.AT:  # \b: beside a letter (a word character), a boundary is a non-word character or the end
        return av is sre.AT_BOUNDARY
    if op is sre.IN:  # a class of non-letters only: "[ -]", "\s"
        return all(_non_letters(member) for member in av)
    if op is sre.SUBPATTERN or (op in _REPEATS and (av[0] >= 1 or inside_optional)):
        inner = list(av[-1])
        return bool(inner) and _gap_at(inner[end], end)
    return False


def _zero_width(item) -> bool:
    return item[0] in (sre.ASSERT, sre.ASSERT_NOT)


def _non_letters(member) -> bool:
    """Whether a member of a character class ([...]) matches no letter: a character that is none, or spaces,
    digits or non-word characters."""
    op, av = member
    if op is sre.LITERAL:
        return not _is_letter(member)
    return op is sre.CATEGORY and av in (sre.CATEGORY_SPACE, sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_WORD)


def _lower_case_only(items: list) -> bool:
    """Whether a parsed IGNORECASE pattern names only ASCII characters and no capital letter (a character, or a
    range that holds one) and switches no flag in a group, so that without IGNORECASE it matches the lower-cased
    text the same way (see gates.GatedPattern.search_text)."""
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL) and (av > 127 or "A" <= chr(av) <= "Z"):
            return False
        if op is sre.RANGE and (av[1] > 127 or (av[0] <= ord("Z") and av[1] >= ord("A"))):
            return False
        if op is sre.SUBPATTERN and (av[1] or av[2]):  # (?i:...), (?-i:...)
            return False
        inner = _inner_parts(op, av)
        if not all(_lower_case_only(list(part)) for part in inner):
            return False
    return True


def _inner_parts(op, av) -> list:
    """The parsed sequences inside one item: a group's, each branch's, a repeat's, an assertion's, a class's."""
    if op is sre.SUBPATTERN:
        return [av[-1]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.IN:
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]
    return []


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
        - (10 if letters in COMMON_WORDS or (not whole and len(letters) < 3) else 0)
        for whole, letters in keys
    )

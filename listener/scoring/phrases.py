"""Phrase lists matched on word tokens: one dict lookup per word, instead of a regular expression whose
alternatives are all tried at every character (which costs tens of microseconds per post for long lists).

A phrase is a sequence of words, matched case-insensitively on whole words. ``_`` stands for any one word, and a
trailing ``*`` on the last word matches any ending: ``"my _ appointment"``, ``"physio*"``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate, compress, count

from listener.scoring.gate_keys import COMMON_WORDS
from listener.scoring.gates import longest_of

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
ANY_WORD = "_"


def words(text: str) -> list[str]:
    """The lower-case word tokens phrases are matched against."""
    return _WORD.findall(text.lower())


def phrase_words(phrase: str) -> list[str]:
    """A phrase's words, with ``_`` kept as ANY_WORD (``words`` drops it, as it drops all punctuation)."""
    return [
        ANY_WORD if part == ANY_WORD else word
        for part in phrase.split()
        for word in ([part] if part == ANY_WORD else words(part))
    ]


Entry = tuple[int, tuple[str, ...], bool, str]  # (order added, words, last word is a stem, label)


class PhraseIndex:
    """Built from {label: phrases}; ``find(words)`` returns {label: the words that matched} for each label found.

    Phrases are indexed by their first word and, when it is a plain word, their second (or their third, after a
    "_"), so a post's word is only compared with the phrases that can start there.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        # first word -> ({second word: phrases}, {third word: phrases whose second is "_"}, the other phrases: a
        # stem or nothing after the first word, or a "_" without a plain third word)
        self._by_first: dict[str, tuple[dict[str, list[Entry]], dict[str, list[Entry]], list[Entry]]] = {}
        self._stems: dict[str, list[str]] = {}
        added = 0
        for label, label_phrases in phrases.items():
            for phrase in label_phrases:
                tokens = phrase_words(phrase)
                if not tokens or tokens[0] == ANY_WORD:
                    continue
                prefix = phrase.strip().endswith("*")
                if prefix and len(tokens) == 1:
                    self._stems.setdefault(tokens[0], []).append(label)
                    continue
                by_second, by_third, others = self._by_first.setdefault(tokens[0], ({}, {}, []))
                entry = (added, tuple(tokens), prefix, label)
                added += 1
                if len(tokens) > 1 and tokens[1] != ANY_WORD and not (prefix and len(tokens) == 2):
                    by_second.setdefault(tokens[1], []).append(entry)
                elif len(tokens) > 2 and tokens[2] != ANY_WORD and not (prefix and len(tokens) == 3):
                    by_third.setdefault(tokens[2], []).append(entry)
                else:
                    others.append(entry)
        self._stem_tuple = tuple(self._stems)
        # Most posts contain no phrase: these answer that in C, so only the rest are walked word by word. Every
        # phrase needs its longest exact word (longer words are rarer), and every stem starts some word.
        self._first_words = frozenset(self._by_first)
        self._key_words = frozenset(
            _key_word(entry[1], entry[2])
            for by_second, by_third, others in self._by_first.values()
            for entry in (
                *others,
                *(e for index in (by_second, by_third) for es in index.values() for e in es),
            )
        )
        self._stem_start = re.compile(" " + longest_of(self._stems)) if self._stems else None

    def could_match(self, tokens: list[str]) -> bool:
        """False when no word starts a phrase or a stem, so ``find`` would find nothing."""
        return not self._key_words.isdisjoint(tokens) or self._stems_possible(tokens)

    def find(self, tokens: list[str], first_only: bool = False) -> dict[str, str]:
        stems = self._stems_possible(tokens)
        if not stems and self._key_words.isdisjoint(tokens):
            return {}
        return self._walk(tokens, stems, first_only)

    def find_each(
        self, token_lists: Sequence[list[str]], first_only: bool = False, lines: Lines | None = None
    ) -> list[dict[str, str]]:
        """``find`` for each of a batch's token lists. Most lists hold no phrase: the stems are looked for once in
        the whole batch (``lines``: Lines(token_lists), if the caller has it) and the phrases' words with one set
        operation per list, so only the rest are walked."""
        stems = set() if self._stem_start is None else (lines or Lines(token_lists)).holding(self._stem_start)
        key_words = self._key_words
        return [
            self._walk(tokens, i in stems, first_only)
            if i in stems or not key_words.isdisjoint(tokens)
            else {}
            for i, tokens in enumerate(token_lists)
        ]

    def search(self, tokens: list[str]) -> str | None:
        """The first phrase found (its words), or None."""
        found = self.find(tokens, first_only=True)
        return next(iter(found.values()), None)

    def search_each(self, token_lists: Sequence[list[str]], lines: Lines | None = None) -> list[str | None]:
        """``search`` for each of a batch's token lists (see find_each)."""
        found_each = self.find_each(token_lists, first_only=True, lines=lines)
        return [next(iter(found.values()), None) for found in found_each]

    def _walk(self, tokens: list[str], stems: bool, first_only: bool) -> dict[str, str]:
        """The phrases in ``tokens``, and the stems if ``stems`` (if some word may start with one)."""
        found: dict[str, str] = {}
        # with no stem to look for, only the words that start a phrase need a look
        starts = map(self._first_words.__contains__, tokens)
        for i in range(len(tokens)) if stems else compress(count(), starts):
            word = tokens[i]
            for _, phrase, prefix, label in self._candidates(tokens, i):
                if label not in found and _matches_at(tokens, i, phrase, prefix):
                    found[label] = " ".join(tokens[i : i + len(phrase)])
                    if first_only:
                        return found
            if stems and word.startswith(self._stem_tuple):
                for stem, labels in self._stems.items():
                    if word.startswith(stem):
                        for label in labels:
                            found.setdefault(label, word)
                if first_only and found:
                    return found
        return found

    def _candidates(self, tokens: list[str], i: int) -> list[Entry]:
        """The phrases that may start at word ``i``, in the order they were added."""
        by_second, by_third, others = self._by_first.get(tokens[i], _NOTHING)
        paired = by_second.get(tokens[i + 1], ()) if by_second and i + 1 < len(tokens) else ()
        skipped = by_third.get(tokens[i + 2], ()) if by_third and i + 2 < len(tokens) else ()
        if not skipped:
            if not paired:
                return others
            return sorted([*paired, *others]) if others else paired
        return sorted([*paired, *skipped, *others])

    def _stems_possible(self, tokens: list[str]) -> bool:
        return self._stem_start is not None and self._stem_start.search(" " + " ".join(tokens)) is not None


class Lines:
    """A batch's token lists as one text, a line each, for the phrase indexes to search for their stems at once."""

    def __init__(self, token_lists: Sequence[list[str]]) -> None:
        lines = list(map(" ".join, token_lists))
        self.text = " " + "\n ".join(lines)  # a stem is searched for after a space
        self.begins = list(
            accumulate((len(line) + 2 for line in lines), initial=0)
        )  # where each list's line is

    def holding(self, pattern: re.Pattern[str]) -> set[int]:
        """The indexes of the lists in whose line ``pattern`` matches (it must not match across lines)."""
        return {bisect_right(self.begins, match.start()) - 1 for match in pattern.finditer(self.text)}


_NOTHING: tuple[dict[str, list[Entry]], dict[str, list[Entry]], list[Entry]] = ({}, {}, [])


def _matches_at(tokens: list[str], i: int, phrase: tuple[str, ...], prefix: bool) -> bool:
    end = i + len(phrase)
    if end > len(tokens):
        return False
    for expected, word in zip(phrase[1:-1], tokens[i + 1 : end - 1], strict=True):
        if expected != ANY_WORD and expected != word:
            return False
    last, expected = tokens[end - 1], phrase[-1]
    if expected == ANY_WORD:
        return True
    return last.startswith(expected) if prefix else last == expected


def _key_word(phrase: tuple[str, ...], prefix: bool) -> str:
    """The word a match of ``phrase`` must contain as it is (not "_", not a stem) that the fewest posts have: the
    longest one that is not a common word ("luck" in "good luck", "e" in "a&e"), so fewer posts are walked."""
    exact = [word for word in (phrase[:-1] if prefix else phrase) if word != ANY_WORD]
    return max(exact, key=lambda word: (word not in COMMON_WORDS, len(word)))

"""Phrase lists matched on word tokens: one dict lookup per word, instead of a regular expression whose
alternatives are all tried at every character (which costs tens of microseconds per post for long lists).

A phrase is a sequence of words, matched case-insensitively on whole words. ``_`` stands for any one word, and a
trailing ``*`` on the last word matches any ending: ``"my _ appointment"``, ``"physio*"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
ANY_WORD = "_"


def words(text: str) -> list[str]:
    """The lower-case word tokens phrases are matched against."""
    return _WORD.findall(text.lower())


class PhraseIndex:
    """Built from {label: phrases}; ``find(words)`` returns {label: the words that matched} for each label found."""

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        self._stems: dict[str, list[str]] = {}
        for label, label_phrases in phrases.items():
            for phrase in label_phrases:
                tokens = words(phrase)
                if not tokens or tokens[0] == ANY_WORD:
                    continue
                prefix = phrase.strip().endswith("*")
                if prefix and len(tokens) == 1:
                    self._stems.setdefault(tokens[0], []).append(label)
                else:
                    self._by_first.setdefault(tokens[0], []).append((tuple(tokens), prefix, label))
        self._stem_tuple = tuple(self._stems)
        # Most posts contain no phrase: these answer that in C, so only the rest are walked word by word. Every
        # phrase needs its longest exact word (longer words are rarer), and every stem starts some word.
        self._key_words = frozenset(
            _key_word(phrase, prefix) for entries in self._by_first.values() for phrase, prefix, _ in entries
        )
        stems = "|".join(re.escape(stem) for stem in self._stems)
        self._stem_start = re.compile(f" (?:{stems})") if stems else None

    def could_match(self, tokens: list[str]) -> bool:
        """False when no word starts a phrase or a stem, so ``find`` would find nothing."""
        if not self._key_words.isdisjoint(tokens):
            return True
        return self._stem_start is not None and self._stem_start.search(" " + " ".join(tokens)) is not None

    def find(self, tokens: list[str], first_only: bool = False) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.could_match(tokens):
            return found
        for i, word in enumerate(tokens):
            for phrase, prefix, label in self._by_first.get(word, ()):
                if label not in found and _matches_at(tokens, i, phrase, prefix):
                    found[label] = " ".join(tokens[i : i + len(phrase)])
                    if first_only:
                        return found
            if self._stem_tuple and word.startswith(self._stem_tuple):
                for stem, labels in self._stems.items():
                    if word.startswith(stem):
                        for label in labels:
                            found.setdefault(label, word)
                if first_only and found:
                    return found
        return found

    def search(self, tokens: list[str]) -> str | None:
        """The first phrase found (its words), or None."""
        found = self.find(tokens, first_only=True)
        return next(iter(found.values()), None)


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
    """The longest word a match of ``phrase`` must contain as it is (not "_", not a stem)."""
    exact = [word for word in (phrase[:-1] if prefix else phrase) if word != ANY_WORD]
    return max(exact, key=len)

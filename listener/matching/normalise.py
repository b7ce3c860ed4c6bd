"""Turn a text into the form the matcher searches: lower-case words joined by single spaces.

``St. Thomas's``, ``ST THOMAS’`` and ``Saint Thomas`` all become ``st thomas`` (plus a possessive ``s``
token), so one automaton over this form finds every spelling. Folding is character for character, so the
n-th word of the searched form is the n-th word of ``token_spans(text)`` in the original text: that is how
a match is mapped back to the words the author wrote.

Rules, applied to texts and to configured terms alike:
- lower case; accents dropped (``é`` -> ``e``); every kind of apostrophe splits a word (``guy's`` -> ``guy s``);
- a word is a run of letters, digits and ``_``; ``@`` or ``#`` directly before a word (and not after another
  word character, so ``me@gstt.nhs.uk`` is no handle) stays on it (``@gsttnhs``, ``#gstt``); ``&`` is a word;
- ``saint`` is read as ``st``, ``&`` as ``and``, and ``hospitals`` and ``hosp`` as ``hospital``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_TOKEN = re.compile(r"(?<![\w@#])[@#]\w+|\w+|&")
_CANONICAL = {"saint": "st", "&": "and", "hospitals": "hospital", "hosp": "hospital"}
_CANONICAL_WORD = re.compile(r"(?<= )(?:saint|hospitals|hosp|&)(?= )")
_APOSTROPHES = "'’‘ʼ`´′"
_ASCII_FOLD = str.maketrans({c: "'" for c in _APOSTROPHES})
_MAX_VARIANTS = 16
_VOWELS = "aeiouy"
FUZZY_MIN_LENGTH = 5  # shorter words are too easily another word when one letter changes


_FOLD_TABLE: dict[int, str] = {ord(c): "'" for c in _APOSTROPHES}


def _fold_char(char: str) -> str:
    """One character for one: lower-cased, without accents, apostrophes unified."""
    if char in _APOSTROPHES:
        return "'"
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    base = unicodedata.normalize("NFKD", lowered)[:1]
    return base if base.isascii() and base.isalnum() else lowered


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length (so offsets stay valid)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered.translate(_ASCII_FOLD)
    if len(lowered) != len(text):  # a few characters lower-case to two ("İ"): fold one by one
        return "".join(_fold_char(char) for char in text)
    for char in set(lowered):
        if ord(char) > 127 and ord(char) not in _FOLD_TABLE:
            _FOLD_TABLE[ord(char)] = _fold_char(char)
    return lowered.translate(_FOLD_TABLE)


def searched_form(folded: str) -> str:
    """The searched form of an already folded text."""
    words = " ".join(_TOKEN.findall(folded))
    return _CANONICAL_WORD.sub(_canonical, f" {words} ")


def joined(text: str) -> str:
    """The searched form: `` word word word `` with a space before and after every word."""
    return searched_form(fold(text))


def _canonical(found: re.Match[str]) -> str:
    return _CANONICAL[found.group(0)]


def words(text: str) -> list[str]:
    """The words of ``text`` in searched form."""
    return joined(text).split()


def word_span(folded: str, first: int, last: int) -> tuple[int, int] | None:
    """Where words ``first`` to ``last`` (counted from 0) of the searched form lie in the text (start, end)."""
    found = list(itertools.islice(_TOKEN.finditer(folded), first, last + 1))
    return (found[0].start(), found[-1].end()) if found else None


def phrase_variants(phrase: str) -> list[str]:
    """The searched forms of a configured phrase, with and without its possessives.

    ``Guy's and St Thomas'`` gives ``guy s and st thomas``, ``guys and st thomas``, ``guy and st thomas`` and
    ``guy s and st thomas s``, and ``St Marys`` gives ``st mary s``: people write the same name with, without
    or with a different apostrophe.
    """
    tokens = words(phrase)
    options: list[list[str]] = []
    index = 0
    while index < len(tokens):
        word = tokens[index]
        if index + 1 < len(tokens) and tokens[index + 1] == "s" and word.isalpha():
            bare = [word] if len(tokens) > 2 else []  # "King's" alone must not become "king"
            options.append([f"{word} s", f"{word}s", *bare])
            index += 2
            continue
        if word.endswith("s") and len(word) > 3 and word.isalpha():
            options.append([word, f"{word} s", f"{word[:-1]} s"])  # "St Marys" is also "St Mary's"
        else:
            options.append([word])
        index += 1
    variants = [" ".join(choice) for choice in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]
    return list(dict.fromkeys(variants))


def compact(phrase_form: str) -> str:
    """A searched form written as one hashtag word: ``leeds teaching hospital`` -> ``leedsteachinghospital``."""
    return phrase_form.replace(" ", "")


def misspellings(phrase_form: str) -> set[str]:
    """Forms of a phrase with one word misspelt the way people do: a letter dropped, doubled or swapped with
    its neighbour, or one vowel for another (``whitington``, ``hosptial``, ``infirmery``, ``barnett``).

    Only words of ``FUZZY_MIN_LENGTH`` letters or more change, and only one word per form, so the other
    words of the phrase still have to be right.
    """
    words_ = phrase_form.split()
    found = set()
    for index, word in enumerate(words_):
        if len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            continue
        for changed in _one_edit(word):
            found.add(" ".join([*words_[:index], changed, *words_[index + 1 :]]))
    found.discard(phrase_form)
    return found


def _one_edit(word: str) -> set[str]:
    edits = set()
    for i, letter in enumerate(word):
        edits.add(word[:i] + word[i + 1 :])
        edits.add(word[:i] + letter + word[i:])
        if i + 1 < len(word) and word[i + 1] != letter:
            edits.add(word[:i] + word[i + 1] + letter + word[i + 2 :])
        if letter in _VOWELS:
            edits.update(word[:i] + vowel + word[i + 1 :] for vowel in _VOWELS if vowel != letter)
    return edits

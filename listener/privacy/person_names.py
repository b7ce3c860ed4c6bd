"""Names of private individuals written without a word for kin: "Sarah Jones was left on a trolley", "call Ahmed
back", "Tom (82) fell on ward 3", "Mrs Higgins in bed 4", "patient Oluwaseun Adeyemi", "paul roberts has been
waiting".

A capitalised word is a given name when it is in the shipped list of given names (``data/given_names*.txt``,
built by scripts/make_name_lists.py from openly licensed sources; see ``data/NOTICE.md``). What is redacted:

- **a full name**: a given name and one or two capitalised surname-like words right after it, separated only
  by spaces ("Sarah Jones", "Mary Ann Okafor"). A given name that is also an English word ("Will", "May",
  "Hope", "Rose", "Mark", "Grace", a month) counts only before a surname of the shipped surname list ("Will
  Smith"); a third word counts only when it is such a surname or the second word is a given name.
- **a name nobody's list holds** ("Harpreet Kaur"): a capitalised word that is neither a listed given name, an
  English word nor a word of an NHS organisation's name or post town, followed by a listed surname and by words
  that say a person (a verb it is the subject of, an age, a bed: "Harpreet Kaur waited"); or one to three such
  words right after "patient", "resident" or "a lady called" ("patient Oluwaseun Adeyemi").
- **a given name alone** where the words around it say it is a patient or relative: "call/ring/phone/text X
  back", "patient X", "a man called X", an age ("X (82)", "X, aged 82"), a bed ("X in bed 4"), care given to
  them ("looking after X", "any news on X", "visiting X on ward 6", "X's biopsy results"). A given name that is
  also a word counts alone only after "patient", a word for kin, in a call back or with an age.
- **a surname after Mr, Mrs, Ms, Miss or Mx** with a patient's context ("Mr Okoro (84)", "Mrs Higgins in bed
  4", "patient Mrs Adeyemi", "in the next bed, Mrs Doyle"); the title stays. Without one it is kept: surgeons
  are "Mr Davies" and "Miss Khan".
- **names in lower case** ("paul roberts has been waiting", "my dad keith", "call bernadette back"), and in a
  text written all in capitals: a given name that is not a word, with a listed surname and words that say a
  person after it, or alone in a patient's context.

Kept (``name_context.kept``): a name after a staff title or honour ("Nurse", "Dr", "Sister", "Sir") or a place
word ("St", "Royal", "Queen"), followed by a staff role ("Sarah Jones, ward sister", "Sarah Jones the HCA") or
by a place or service word ("John Radcliffe Hospital", "Florence Nightingale Ward"), after a staff role and
"called" ("my nurse was called Sarah Smith"), and two-word names of the organisations and places in the
shipped NHS directory ("Milton Keynes", "James Paget"). Staff named in praise by first name ("Kemi the HCA was
lovely", "Nurse Ali") are therefore kept, as are organisation, ward and place names. Public figures named in
full are redacted like anyone else: a name does not say whether its bearer is public.

The text is read once for capitalised words (one regular expression) and once for given names in lower case (an
Aho-Corasick automaton), and each name found is looked at with at most two words after it and a few dozen
characters before it, a bounded amount of work each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib.resources import files
from typing import NamedTuple

import ahocorasick

from listener.privacy.name_context import (
    BEFORE,
    PLACES,
    STAFF,
    kept,
    patient_context,
    said_to_be_a_person,
    titled_patient_context,
    word_set,
)


def _letters(case: str) -> str:
    """The letters of Latin Extended-A of one case ("Ł", "Ś" or "ł", "ś"), for a character class."""
    return "".join(c for c in map(chr, range(0x100, 0x180)) if getattr(c, f"is{case}")())


_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ" + _letters("upper"), "a-zß-öø-ÿ" + _letters("lower")
# "Tom", "O'Brien", "Smith-Jones", "McDonald", "Wiśniewska"; each repetition starts with a separator or a
# capital, so the pattern has one way to match a word.
NAME = rf"(?:O['’])?[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+|[{_UPPER}][{_LOWER}]+)*"
_CAPITALISED = re.compile(rf"(?<![\w@#/.-])({NAME})(?![\w@])")
# The word after a given name written in lower case.
_NEXT_LOWER = re.compile(rf"[ \t]{{1,3}}([{_LOWER}]+)(?![\w@])")


# Words that are the sentence going on rather than a surname ("Sarah Was", "Tom Thank you").
NOT_NAMES = word_set(
    """The A An And But So Or He She They We It His Her Their Was Is Has Had Who When Where Why How What At In On
    To From With For Of Thank Thanks Today Yesterday Tomorrow Tonight Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday Please Just Can Could Will Would Did Does Got Went Came This That Then"""
)
_MONTHS = word_set("January February March April May June July August September October November December")
_MONTHS |= word_set("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")  # "Loros Jan 13th"
_SENTENCE = word_set(
    """I Me My You Your Our Us Him Them Its If As By Up Not No Yes Very All Also Only After Before Because Are
    Were Be Been Do Should Said Says Told Asked Hi Hello Dear Many Some Every Each Here There Now Still Again Team
    Great Good Best Brilliant Amazing Excellent Lovely Fantastic Kind Caring Happy Sorry Mum Dad Nan Grandad Son
    Daughter Wife Husband Ltd Plc Love Xx"""
)
_NOT_SURNAMES = STAFF | PLACES | NOT_NAMES | _MONTHS | _SENTENCE
_TITLES = word_set("Mr Mrs Ms Miss Mx")
# Where capitals do not mark a name (a name nobody's list holds, or one written in lower case), a given name and
# surname count only where the words after them say a person: a verb they are the subject of ("paul roberts has
# been waiting", "Harpreet Kaur waited"), or a patient's context (see name_context.patient_context).
_VERB_AFTER = re.compile(
    r"[ \t]{1,3}(?:was|is|has|had|have|did|does|died|waited|waiting|went|got|gets|needs|needed|fell|still|gave"
    r"|collapsed|spent|missed|never|passed|hasn['’]t|hadn['’]t|wasn['’]t|isn['’]t|didn['’]t|can['’]t|shouldn['’]t)\b",
    re.IGNORECASE,
)


def _said_to_act(text: str, start: int, end: int) -> bool:
    return _VERB_AFTER.match(text, end) is not None or patient_context(text, start, end)


def _read(name: str) -> frozenset[str]:
    text = (files("listener.privacy") / "data" / name).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class _Lists(NamedTuple):
    given: frozenset[str]  # given names that are not English words
    given_words: frozenset[str]  # given names that are ("Will", "Grace")
    surnames: frozenset[str]  # folded
    english: frozenset[str]  # lower-case English words
    places: frozenset[str]  # two-word places that start with a given name ("milton keynes")
    given_lower: ahocorasick.Automaton  # finds the given names written in lower case (see _lower_case_given)
    never_first: frozenset[str]  # capitalised words that never start a name ("The", "Great", "Blackpool")


@cache
def _lists() -> _Lists:
    titles = {w.capitalize() for w in BEFORE} | _TITLES
    words = _read("given_names_also_words.txt") - _MONTHS - _SENTENCE - titles
    given = _read("given_names.txt") - words - _NOT_SURNAMES - titles
    surnames = frozenset(_fold(s) for s in _read("surnames.txt"))
    english = _read("english_words.txt")
    # A name nobody's list holds is never an English word or a word of an NHS organisation's name or post town
    # ("Blackpool Victoria"); nor does a listed name start with one.
    never_first = _NOT_SURNAMES | {w.capitalize() for w in english} | _read("place_words.txt")
    never_first -= given | words | _TITLES
    return _Lists(
        given,
        frozenset(words - STAFF - PLACES),
        surnames,
        english,
        _read("place_names.txt"),
        _lower_case_finder(given),
        frozenset(never_first),
    )


# What may come right before a word (a given name in lower case is looked for after one of these), and right
# after it.
_WORD_STARTS = " \t\n(\"'“‘"


def _lower_case_finder(given: frozenset[str]) -> ahocorasick.Automaton:
    """An automaton that finds each given name in lower case after a space, a line break, a bracket or a quote,
    in one pass over the text: cheaper than reading every lower-case word of every post. Names of two letters are
    left out: in lower case they are too like a word ("jo", "al")."""
    automaton = ahocorasick.Automaton()
    for name in given:
        if len(name) > 2:
            for before in _WORD_STARTS:
                automaton.add_word(before + name.lower(), len(name))
    automaton.make_automaton()
    return automaton


def _lower_case_given(text: str, finder: ahocorasick.Automaton) -> Iterator[tuple[int, int]]:
    """(start, end) of each given name written in lower case as a word ("sarah" in "sarah jones", not in
    "sarahs" or "Sarah")."""
    padded = " " + text  # so that a name at the start has a space before it too
    for last, length in finder.iter(padded):
        after = padded[last + 1 : last + 2]
        if not (after.isalnum() or after in "@_"):
            yield last - length, last  # in text, which has no leading space


def is_word_not_name(word: str) -> bool:
    """A capitalised word that is an English word and not a given name or surname ("Issues", "Thank")."""
    lists = _lists()
    if word in NOT_NAMES:
        return True
    return (
        word.lower() in lists.english
        and word not in lists.given
        and word not in lists.given_words
        and _fold(word) not in lists.surnames
    )


def _fold(word: str) -> str:
    """The key of a surname in the Census list, which writes "O'Brien" and "McDonald" as OBRIEN, MCDONALD."""
    return word.replace("'", "").replace("’", "").split("-")[0].lower()


class _Word(NamedTuple):
    """A capitalised word without its possessive "'s" ("Baker's": text "Baker", possessive True)."""

    text: str
    start: int
    end: int
    possessive: bool


def _word(match: re.Match[str]) -> _Word:
    word = match.group(1)
    possessive = len(word) > 3 and word.endswith(("'s", "’s"))
    bare = word[:-2] if possessive else word
    return _Word(bare, match.start(1), match.start(1) + len(bare), possessive)


def redact_person_names(text: str) -> str:
    """Replace full names and given names in a person's context with ``[name]``; keep a trailing "'s"."""
    lists = _lists()
    spans = [*_capitalised_names(text, lists)]
    given = [*_lower_case_given(text, lists.given_lower)]
    if given:
        spans = sorted([*spans, *_lower_case_names(text, given, lists)])
    elif text.isupper() and len(text.lower()) == len(text):  # "SARAH SMITH WAS LEFT"
        lowered = text.lower()
        spans = [*_lower_case_names(lowered, [*_lower_case_given(lowered, lists.given_lower)], lists)]
    if not spans:
        return text
    out, position = [], 0
    for start, end in spans:
        if start >= position:  # a name found in lower case never overlaps a capitalised one, but be sure
            out.append(text[position:start] + "[name]")
            position = end
    return "".join(out) + text[position:]


def _capitalised_names(text: str, lists: _Lists):
    """(start, end) of each name among the capitalised words, in order."""
    skip_to = 0
    for match in _CAPITALISED.finditer(text):
        word = match.group(1)
        if word in lists.never_first or match.start() < skip_to:
            continue
        forename = word.split("-")[0].removesuffix("'s").removesuffix("’s")  # "Lily-Mae", "Tom's"
        if forename in _TITLES:
            found = _titled_surname(text, _word(match), lists)
        elif forename in lists.given or forename in lists.given_words:
            found = _given_name(text, _word(match), forename in lists.given, lists)
        elif (
            forename.lower() in lists.english
            or forename in _NOT_SURNAMES
            or "'" in forename
            or "’" in forename
        ):
            continue  # a word, or "Can't"
        else:
            found = _unlisted_name(text, _word(match), lists)
        if found:
            skip_to = found[1]
            if found[0] is not None:
                yield found


def _given_name(text: str, first: _Word, plain: bool, lists: _Lists) -> tuple[int | None, int]:
    """A full name that starts with a listed given name, or the given name alone in a person's context."""
    following = _surnames_after(text, first, plain, lists)
    end = following[-1].end if following else first.end
    if following:
        if kept(text, first.start, end, f"{first.text} {following[0].text}".lower(), lists.places):
            return None, end
    elif not patient_context(text, first.start, end, also_a_word=not plain):
        return None, end
    return first.start, end


def _surnames_after(text: str, first: _Word, plain: bool, lists: _Lists) -> list[_Word]:
    """The surname-like words (none, one or two) right after a given name: a surname of the list, or, after a
    given name that is not an English word, any capitalised word that is not one either."""

    def takes(word: _Word, found: list[_Word]) -> bool:
        if _fold(word.text) in lists.surnames:
            return True
        return not (
            found and found[-1].text not in lists.given or not plain or word.text.lower() in lists.english
        )

    return _names_after(text, first, takes)


def _names_after(text: str, first: _Word, takes: Callable[[_Word, list[_Word]], bool]) -> list[_Word]:
    """The capitalised words (none, one or two) right after ``first``, separated only by spaces, that ``takes``
    says belong to the name (given the words found so far); never a word that cannot be a surname."""
    found: list[_Word] = []
    previous = first
    while len(found) < 2 and not previous.possessive:
        match = _NEXT_WORD.match(text, previous.end)
        if not match or match.group(1).capitalize() in _NOT_SURNAMES:
            break
        word = _word(match)
        if not takes(word, found):
            break
        found.append(word)
        previous = word
    return found


def _unlisted_name(text: str, first: _Word, lists: _Lists) -> tuple[int | None, int] | None:
    """A capitalised word that is neither a listed given name nor an English word ("Harpreet", "Oluwaseun"): a
    name when a listed surname that is not a word follows ("Harpreet Kaur"), or when the words before say it is
    a person's ("patient Oluwaseun Adeyemi", "a lady called Precious Mensah"), with up to two more such words."""
    following = _names_after(text, first, lambda word, _: word.text.lower() not in lists.english)
    end = following[-1].end if following else first.end
    surnamed = (
        following and _fold(following[0].text) in lists.surnames and _said_to_act(text, first.start, end)
    )
    if not surnamed and not said_to_be_a_person(text, first.start):
        return None
    if kept(
        text, first.start, end, f"{first.text} {following[0].text}".lower() if following else "", lists.places
    ):
        return None, end
    return first.start, end


def _titled_surname(text: str, title: _Word, lists: _Lists) -> tuple[int | None, int] | None:
    """The name after Mr, Mrs, Ms, Miss or Mx ("Higgins", "Jean Higgins") when the words around say it is a
    patient's or relative's ("Mr Okoro (84)", "Mrs Higgins in bed 4"); the title stays ("Mrs [name]")."""
    found = _names_after(
        text,
        title,
        lambda word, _: word.text.lower() not in lists.english or _fold(word.text) in lists.surnames,
    )
    if not found:
        return None
    start, end = found[0].start, found[-1].end
    if kept(text, title.start, end, "", lists.places) or not titled_patient_context(text, title.start, end):
        return None, end
    return start, end


def _lower_case_names(text: str, given: list[tuple[int, int]], lists: _Lists) -> Iterator[tuple[int, int]]:
    """(start, end) of each name written in lower case: a given name that is not a word and a surname that is
    not one either, or that is the subject of a verb ("paul roberts has", "sarah smith was"), or a given name
    alone in a person's context ("my dad keith", "call bernadette back")."""
    skip_to = 0
    for start, end in given:
        if start < skip_to:
            continue
        surname = _NEXT_LOWER.match(text, end)
        if surname and surname.group(1).capitalize() in _NOT_SURNAMES:  # "kingsley ward", "ted staff"
            surname = None
        if surname and _fold(surname.group(1)) in lists.surnames and _said_to_act(text, start, surname.end()):
            skip_to = surname.end()
            first_two = f"{text[start:end]} {surname.group(1)}"
            if not kept(text, start, surname.end(), first_two, lists.places):
                yield start, surname.end()
        elif patient_context(text, start, end) and not kept(text, start, end, "", lists.places):
            yield start, end


_NEXT_WORD = re.compile(rf"[ \t]{{1,3}}({NAME})(?![\w@])")

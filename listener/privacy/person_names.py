"""Names of private individuals written without a word for kin: "Sarah Jones was left on a trolley", "call Ahmed
back", "Tom (82) fell on ward 3".

A capitalised word is a given name when it is in the shipped list of given names (``data/given_names*.txt``,
built by scripts/make_name_lists.py from openly licensed sources; see ``data/NOTICE.md``). A given name is
redacted, with what follows it, in two cases:

- **a full name**: the given name and one or two capitalised surname-like words right after it, separated only
  by spaces ("Sarah Jones", "Mary Ann Okafor"). A given name that is also an English word ("Will", "May",
  "Hope", "Rose", "Mark", "Grace", a month) counts only before a surname of the shipped surname list ("Will
  Smith"); a third word counts only when it is such a surname or the second word is a given name. Kept: a name
  after a staff title or honour ("Nurse", "Dr", "Sister", "Sir") or a place word ("St", "Royal", "Queen"),
  followed by a staff role ("Sarah Jones, ward sister", "Sarah Jones the HCA") or by a place or service word
  ("John Radcliffe Hospital", "Florence Nightingale Ward"), and two-word names of the organisations and places
  in the shipped NHS directory ("Milton Keynes", "James Paget").
- **a given name alone** in a context that says it is a person: "call/ring/phone/text X back", "patient X",
  "resident X", or an age right after it ("X (82)", "X, aged 82").

Staff named in praise by first name ("Kemi the HCA was lovely", "Nurse Ali") are therefore kept, as are
organisation, ward and place names. Names not in the lists, lower-case and all-capital names are missed.

The text is read once: one regular expression finds the capitalised words, and each given name among them is
looked at with at most two words after it and a few dozen characters before it, a bounded amount of work each.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import NamedTuple

_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
# "Tom", "O'Brien", "Smith-Jones", "McDonald"; each repetition starts with a separator or a capital, so the
# pattern has one way to match a word.
NAME = rf"(?:O['’])?[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+|[{_UPPER}][{_LOWER}]+)*"
_CAPITALISED = re.compile(rf"(?<![\w@#/.-])({NAME})(?![\w@])")


def _words(text: str) -> set[str]:
    return set(text.split())


# Words that name a member of staff ("Nurse Ali"), a place or organisation ("St Thomas'"), or that are the
# sentence going on rather than a surname ("Sarah Was", "Tom Thank you").
STAFF = _words(
    "Nurse Dr Doctor Sister Matron Midwife Consultant Surgeon Professor Prof Paramedic Physio Staff"
)
STAFF |= _words("Healthcare Porter Registrar")
PLACES = _words(
    """Hospital Hospitals Ward Trust Unit Clinic Centre Center Centres Infirmary Royal St Saint Street General
    Surgery Practice Health Foundation University Hospice House Road Children Maternity Ambulance Service Services
    Nhs Medical Healthcare Park Avenue Drive Building Wing Block Suite Theatre Theatres Department Community
    College School Academy Council Group Institute Partnership Memorial Lodge Pharmacy Station Integrated Teaching
    Mental Primary Board Network City County Valley Gardens Square Bay Crescent Terrace Mews View Rise"""
)
_PLACES_LOWER = {w.lower() for w in PLACES}
NOT_NAMES = _words(
    """The A An And But So Or He She They We It His Her Their Was Is Has Had Who When Where Why How What At In On
    To From With For Of Thank Thanks Today Yesterday Tomorrow Tonight Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday Please Just Can Could Will Would Did Does Got Went Came This That Then"""
)
_MONTHS = _words("January February March April May June July August September October November December")
_SENTENCE = _words(
    """I Me My You Your Our Us Him Them Its If As By Up Not No Yes Very All Also Only After Before Because Are
    Were Be Been Do Should Said Says Told Asked Hi Hello Dear Many Some Every Each Here There Now Still Again Team
    Great Good Best Brilliant Amazing Excellent Lovely Fantastic Kind Caring Happy Sorry Mum Dad Nan Grandad Son
    Daughter Wife Husband Ltd Plc Love Xx"""
)
_NOT_SURNAMES = STAFF | PLACES | NOT_NAMES | _MONTHS | _SENTENCE
# Words before a name that make it a member of staff, an honour or part of a place ("St George's", "Queen Mary").
_BEFORE = {w.lower() for w in STAFF} | _words(
    """st saint royal queen king princess prince lady sir dame lord baroness cllr councillor rev hca mount
    assistant receptionist therapist manager pharmacist student volunteer cleaner gp"""
)
_ROLES = (
    r"nurses?|hcas?|healthcare[ \t]assistant|doctors?|dr|consultant|registrar|surgeon|anaesthetist|midwi(?:fe|ves)"
    r"|matron|sister|physio(?:therapist)?|porter|paramedic|receptionist|radiographer|sonographer|pharmacist"
    r"|therapist|ot|manager|cleaner|volunteer|gp|student|housekeeper|phlebotomist|staff|mp|chief[ \t]executive"
)
# A staff role right after a full name: "Sarah Jones, ward sister", "Sarah Jones (staff nurse)", "Sarah Jones
# the lovely HCA", "Sarah Jones who is a nurse". Every quantifier is bounded, so each try is constant work.
_ROLE_AFTER = re.compile(
    rf"[ \t]{{0,3}}(?:[,(–—-][ \t]{{0,3}})?(?:(?:the|our|a|an|your|my|his|her|their|who[ \t]is[ \t](?:a|an|the|our))"
    rf"[ \t]{{1,3}})?(?:[A-Za-z-]{{1,20}}[ \t]{{1,3}}){{0,2}}?(?:{_ROLES})\b",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(rf"[ \t]{{1,3}}({NAME})(?![\w@])")
_PLACE_AFTER = re.compile(r"(?:['’]s)?[ \t]{1,3}([A-Za-z]+)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?[ \t]{1,3}$")
_CALL_BEFORE = re.compile(r"\b(?:call|ring|phone|text)(?:s|ed|ing)?[ \t]{1,3}$", re.IGNORECASE)
_BACK_AFTER = re.compile(r"[ \t]{1,3}back\b", re.IGNORECASE)
_PATIENT_BEFORE = re.compile(r"\b(?:patient|resident|service[ \t]user)[ \t]{1,3}$", re.IGNORECASE)
_AGE_AFTER = re.compile(
    r"[ \t]{0,3}(?:\([ \t]{0,3}(?:aged?[ \t]{0,3})?\d{1,3}[ \t]{0,3}(?:y(?:ea)?rs?(?:[ \t]old)?|y/?o)?[ \t]{0,3}\)"
    r"|,?[ \t]{1,3}aged?[ \t]{1,3}\d{1,3}\b)",
    re.IGNORECASE,
)
_WINDOW = 40  # characters looked at before a name: enough for the longest pattern that must end there


def _read(name: str) -> frozenset[str]:
    text = (files("listener.privacy") / "data" / name).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _lists() -> tuple[frozenset[str], ...]:
    """Given names, given names that are also words, surnames (folded), English words, two-word places."""
    titles = {w.capitalize() for w in _BEFORE} | {"Mr", "Mrs", "Ms", "Miss", "Mx"}
    words = _read("given_names_also_words.txt") - _MONTHS - _SENTENCE - titles
    given = _read("given_names.txt") - words - _NOT_SURNAMES - titles
    surnames = frozenset(_fold(s) for s in _read("surnames.txt"))
    english = _read("english_words.txt")
    return given, words - STAFF - PLACES, surnames, english, _read("place_names.txt")


def is_word_not_name(word: str) -> bool:
    """A capitalised word that is an English word and not a given name or surname ("Issues", "Thank")."""
    given, given_words, surnames, english, _ = _lists()
    if word in NOT_NAMES:
        return True
    return (
        word.lower() in english
        and word not in given
        and word not in given_words
        and _fold(word) not in surnames
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
    given, given_words, surnames, english, places = _lists()
    out, position, skip_to = [], 0, 0
    for match in _CAPITALISED.finditer(text):
        forename = match.group(1).split("-")[0].removesuffix("'s").removesuffix("’s")  # "Lily-Mae", "Tom's"
        if match.start() < skip_to or (forename not in given and forename not in given_words):
            continue
        first = _word(match)
        following = _surnames_after(text, first, forename in given, (given, surnames, english))
        end = following[-1].end if following else first.end
        skip_to = end
        if following:
            if _kept(text, first.start, end, f"{first.text} {following[0].text}".lower(), places):
                continue
        elif not _person_context(text, first.start, end):
            continue
        out.append(text[position : first.start] + "[name]")
        position = end
    return "".join(out) + text[position:]


def _surnames_after(text: str, first: _Word, plain: bool, lists: tuple[frozenset[str], ...]) -> list[_Word]:
    """The surname-like words (none, one or two) right after a given name: a surname of the list, or, after a
    given name that is not an English word, any capitalised word that is not one either."""
    given, surnames, english = lists
    found: list[_Word] = []
    previous = first
    while len(found) < 2 and not previous.possessive:
        match = _NEXT_WORD.match(text, previous.end)
        if not match or match.group(1).capitalize() in _NOT_SURNAMES:
            break
        word = _word(match)
        known = _fold(word.text) in surnames
        if not known and (found and previous.text not in given or not plain or word.text.lower() in english):
            break
        found.append(word)
        previous = word
    return found


def _kept(text: str, start: int, end: int, first_two: str, places: frozenset[str]) -> bool:
    """A full name that belongs to staff, an honour, an organisation or a place."""
    before = _WORD_BEFORE.search(text, max(0, start - _WINDOW), start)
    if before and before.group(1).lower() in _BEFORE:
        return True
    after = _PLACE_AFTER.match(text, end)
    if after and after.group(1).lower() in _PLACES_LOWER or first_two in places:
        return True
    return _ROLE_AFTER.match(text, end) is not None


def _person_context(text: str, start: int, end: int) -> bool:
    """A given name alone that the words around it say is a person: "call Tom back", "patient Tom", "Tom (82)"."""
    window = max(0, start - _WINDOW)
    if _CALL_BEFORE.search(text, window, start) and _BACK_AFTER.match(text, end):
        return True
    return _PATIENT_BEFORE.search(text, window, start) is not None or _AGE_AFTER.match(text, end) is not None

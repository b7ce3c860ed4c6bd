"""Redaction of personal data in text: NHS numbers, UK phone numbers, e-mail addresses, full postcodes, the
@handles of private individuals and the names people give their relatives and friends.

Numbers are found as runs of digit groups separated by single spaces or hyphens ("943 476 5919", "07700-900123",
"(020) 7946 0958"), or by dots between groups of three or more digits ("07700.900.123"); a run may follow a word
and a colon ("tel:07700900123"), but not a digit and a colon (a time). Each run is then tested: ten digits grouped
10 or 3-3-4 with a valid modulus-11 check digit is an NHS number; 10 or 11 digits starting 0 (or +44 or 0044) with
a UK prefix is a phone number. Dates, times, prices, ward and bed numbers and ten-digit numbers that fail the
check are left alone.

E-mail addresses are also found written out ("tom.dad at gmail dot com", "tom [at] nhs [dot] net"): a bracketed
"at", or a plain " at " followed by a domain with a spelled-out "dot", so "I looked at nhs.uk" is left alone.
Postcodes are found in any case ("se1 7eh"); in lower case an inward code that reads as an ordinal or an hour
("B12 1st", "a1 2hr") is left alone. Handles include Bluesky's domain handles, Mastodon's ``@name@server`` and
the name in profile and post links (``bsky.app/profile/NAME``, ``x.com/NAME/status``, ``server/@NAME``).

Names are redacted where the text says whose relative or friend it is: the capitalised words right after "my",
"our", "his", "her", "their" or "your" and a word for kin ("my mum Margaret Jones", "her son Tom"); capitalised
words that are English words and not names ("my daughters Issues") end the name. Full names and given names in
a person's context ("Sarah Jones was left", "call Ahmed back", "Mrs Higgins in bed 4", "patient Oluwaseun
Adeyemi", "paul roberts has been waiting") are found by ``person_names``. Staff in praise ("Kemi the HCA",
"Nurse Ali", "Mr Davies the surgeon"), organisation and ward names are not names of that kind and are kept.

Every pattern is linear in the length of the text: each can start only at a word boundary or a marker, and no
pattern has two quantifiers that can match the same characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from listener.privacy.name_context import KIN, PLACES, STAFF
from listener.privacy.person_names import NAME, is_word_not_name, redact_person_names

CATEGORIES = ("nhs_number", "phone", "email", "postcode", "handle", "name")

_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_AT_BRACKETED = r"\s*[\[({<]\s*(?i:at)\s*[\])}>]\s*"
_DOT_WORD = r"(?:\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*|\s+(?i:dot)\s+)"
_LABEL = r"[A-Za-z0-9-]+"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+@-])[\w.+-]+"
    rf"(?:{_AT_BRACKETED}{_LABEL}(?:(?:{_DOT_WORD}|\.){_LABEL})*(?:{_DOT_WORD}|\.)[A-Za-z]{{2,}}\b"
    rf"|\s+(?i:at)\s+{_LABEL}(?:\.{_LABEL})*{_DOT_WORD}(?:{_LABEL}(?:{_DOT_WORD}|\.))*[A-Za-z]{{2,}}\b)"
)
_BRACKETED_AT = re.compile(_AT_BRACKETED)
_DIGIT = re.compile(r"\d")
# A run of digit groups: optional "(" and "+", separated by one space or hyphen, or a dot between groups of 3+
# digits; not part of a word, decimal, price, time or date written with "/", ":" or "." ("tel:" may precede it).
_DIGIT_RUN = re.compile(
    r"(?:(?<![\w.,£$€/:+-])|(?<=[A-Za-z]:))"
    r"\(?\+?\d+\)?(?:(?:[ -]|(?<=\))|(?<=\d{3})\.(?=\d{3}))\(?\d+\)?)*(?![\w/:]|[.,]\d)"
)
_TOKEN = re.compile(r"\(?(\+?\d+)\)?")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?(?!(?-i:\d(?:st|nd|rd|th|hr)\b))\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_DOMAIN = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_HANDLE = re.compile(rf"(?<![\w@.+-])@([A-Za-z0-9_][\w-]*(?:\.[A-Za-z0-9-]+)*(?:@{_DOMAIN})?)")
_LINKED_HANDLE = re.compile(
    rf"(?<=\bbsky\.app/profile/)(?!did:){_DOMAIN}"
    rf"|(?:(?<=\btwitter\.com/)|(?<=\bx\.com/))\w{{1,15}}(?=/status)",
    re.IGNORECASE,
)
_UK_PREFIXES = ("01", "02", "03", "05", "07", "08")
_MAX_GROUPS = 5  # no phone or NHS number is written in more groups, which bounds the work on long digit runs

_KIN_NAME = re.compile(
    rf"\b(?i:my|our|his|her|their|your)\s+(?:[\w'’-]+\s+){{0,3}}?(?i:(?:{KIN})(?:s|-in-law)?)\b,?\s+({NAME}(?:\s+{NAME}){{0,2}})"
)
# Searched in the lower-cased text: faster than _KIN_NAME's own start.
_POSSESSIVE = re.compile(r"\b(?:my|our|his|her|their|your)\s")
_WORD = re.compile(NAME)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits; 11 - remainder is the check."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _phone_digits(groups: list[str]) -> str | None:
    digits = "".join(g.lstrip("+") for g in groups)
    if groups[0].startswith("+"):
        if not digits.startswith("44"):
            return None
        digits = "0" + digits[2:].removeprefix("0")
    elif digits.startswith("0044"):  # the international prefix dialled from abroad
        digits = "0" + digits[4:].removeprefix("0")
    elif not digits.startswith("0"):
        return None
    return digits if len(digits) in (10, 11) and digits.startswith(_UK_PREFIXES) else None


def _number_ends(groups: list[str], start: int) -> list[int]:
    """Where a number beginning at ``groups[start]`` may end, longest first: a phone number begins with 0 or +
    and has up to five groups; an NHS number is written in one group of 10 or three of 3-3-4."""
    if groups[start][0] in "0+":
        return list(range(min(len(groups), start + _MAX_GROUPS), start, -1))
    size = {10: 1, 3: 3}.get(len(groups[start]))
    return [start + size] if size and start + size <= len(groups) else []


def _kin_names(match: re.Match[str]) -> str:
    """Replace the leading names of the capitalised words after "my mum": "Margaret Jones" -> "[name]"."""
    words = list(_WORD.finditer(match.group(1)))
    bare = [w.group(0).removesuffix("'s").removesuffix("’s").capitalize() for w in words]
    if bare[0] in STAFF or any(word in PLACES for word in bare):
        return match.group(0)
    count = next((i for i, word in enumerate(bare) if is_word_not_name(word)), len(bare))
    if count == 0:
        return match.group(0)
    last = words[count - 1].group(0)
    suffix = last[-2:] if last.endswith(("'s", "’s")) else ""
    start, end = match.start(1) - match.start(), match.start(1) + words[count - 1].end() - match.start()
    text = match.group(0)
    return text[:start] + "[name]" + suffix + text[end:]


class Redactor:
    """Replaces personal data with a visible placeholder such as ``[phone]``; organisation handles are kept."""

    def __init__(self, organisation_handles: Iterable[str] = (), categories: Iterable[str] = CATEGORIES):
        self.keep_handles = {h.lower().lstrip("@") for h in organisation_handles}
        self.categories = set(categories)
        unknown = self.categories - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown redaction categories {sorted(unknown)}; expected some of {CATEGORIES}")

    def __call__(self, text: str) -> str:
        if not text:
            return text
        # Each pattern runs only on text that holds what it needs ("@", a digit...): most posts hold little.
        lowered = text.lower()
        if "email" in self.categories:
            if "@" in text:
                text = _EMAIL.sub("[email]", text)
            if "dot" in lowered or _BRACKETED_AT.search(text):
                text = _SPELLED_EMAIL.sub("[email]", text)
        has_digits = _DIGIT.search(text) is not None
        if self.categories & {"nhs_number", "phone"} and has_digits:
            text = _DIGIT_RUN.sub(self._number, text)
        if "postcode" in self.categories and has_digits:
            text = _POSTCODE.sub("[postcode]", text)
        if "handle" in self.categories:
            if "@" in text:
                text = _HANDLE.sub(self._handle, text)
            if ".com/" in lowered or "bsky.app/" in lowered:
                text = _LINKED_HANDLE.sub(self._linked_handle, text)
        if "name" in self.categories:
            if _POSSESSIVE.search(lowered):
                text = _KIN_NAME.sub(_kin_names, text)
            text = redact_person_names(text)
        return text

    def _number(self, match: re.Match[str]) -> str:
        """Replace the longest valid number starting at each group of the run ("07700 900123 2 times")."""
        run = match.group(0)
        tokens = list(_TOKEN.finditer(run))
        groups = [t.group(1) for t in tokens]
        out, position, start = [], 0, 0
        while start < len(tokens):
            for end in _number_ends(groups, start):
                label = self._label(groups[start:end])
                if label:
                    out.append(run[position : tokens[start].start()] + label)
                    position, start = tokens[end - 1].end(), end
                    break
            else:
                start += 1
        return "".join(out) + run[position:]

    def _label(self, groups: list[str]) -> str | None:
        digits = "".join(g.lstrip("+") for g in groups)
        shape = [len(g) for g in groups]
        if "nhs_number" in self.categories and shape in ([10], [3, 3, 4]) and nhs_number_is_valid(digits):
            return "[NHS number]"
        if "phone" in self.categories and len(groups) <= 5 and _phone_digits(groups):
            return "[phone]"
        return None

    def _handle(self, match: re.Match[str]) -> str:
        return match.group(0) if match.group(1).lower() in self.keep_handles else "@[person]"

    def _linked_handle(self, match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).lower() in self.keep_handles else "[person]"


def redact(text: str, organisation_handles: Iterable[str] = ()) -> str:
    """Redact every category; keep the handles of the given organisations."""
    return Redactor(organisation_handles)(text)

"""Redaction of personal data in text: NHS numbers, UK phone numbers, e-mail addresses, full postcodes and the
@handles of private individuals.

Numbers are found as runs of digit groups separated by single spaces or hyphens ("943 476 5919", "07700-900123",
"(020) 7946 0958"); each run is then tested: ten digits grouped 10 or 3-3-4 with a valid modulus-11 check digit is
an NHS number; 10 or 11 digits starting 0 (or +44) with a UK prefix is a phone number. Dates, times, prices, ward
and bed numbers and ten-digit numbers that fail the check are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CATEGORIES = ("nhs_number", "phone", "email", "postcode", "handle")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# A run of digit groups: optional "(" and "+", separated by one space or hyphen; not part of a word, decimal,
# price, time or date written with "/", ":" or ".".
_DIGIT_RUN = re.compile(r"(?<![\w.,£$€/:+-])\(?\+?\d+\)?(?:(?:[ -]|(?<=\)))\(?\d+\)?)*(?![\w/:]|[.,]\d)")
_TOKEN = re.compile(r"\(?(\+?\d+)\)?")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
_HANDLE = re.compile(r"(?<![\w@/])@(\w{1,30})\b")
_UK_PREFIXES = ("01", "02", "03", "05", "07", "08")
_MAX_GROUPS = 5  # no phone or NHS number is written in more groups, which bounds the work on long digit runs


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
    elif not digits.startswith("0"):
        return None
    return digits if len(digits) in (10, 11) and digits.startswith(_UK_PREFIXES) else None


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
        if "email" in self.categories:
            text = _EMAIL.sub("[email]", text)
        if self.categories & {"nhs_number", "phone"}:
            text = _DIGIT_RUN.sub(self._number, text)
        if "postcode" in self.categories:
            text = _POSTCODE.sub("[postcode]", text)
        if "handle" in self.categories:
            text = _HANDLE.sub(self._handle, text)
        return text

    def _number(self, match: re.Match[str]) -> str:
        """Replace the longest valid number starting at each group of the run ("07700 900123 2 times")."""
        run = match.group(0)
        tokens = list(_TOKEN.finditer(run))
        out, position, start = [], 0, 0
        while start < len(tokens):
            for end in range(min(len(tokens), start + _MAX_GROUPS), start, -1):
                label = self._label([t.group(1) for t in tokens[start:end]])
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


def redact(text: str, organisation_handles: Iterable[str] = ()) -> str:
    """Redact every category; keep the handles of the given organisations."""
    return Redactor(organisation_handles)(text)

"""Word lists the matcher uses: health words that give an ambiguous alias its context, the prefixes and
suffixes a hashtag may carry around an organisation's tag (``#TeamGSTT``, ``#GSTTnurses``), and everyday
English words (an alias such as ``GOSH`` that is also one counts only in capitals).

Every list is in searched form (see ``normalise``): lower case, ``&`` read as ``and``, ``hospitals`` as
``hospital``. Changing a list changes the matcher's key, so stored posts are matched again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files

HEALTH_WORDS = (
    "hospital",
    "nhs",
    "a&e",
    "a and e",
    "emergency department",
    "urgent care",
    "ward",
    "wards",
    "nurse",
    "nurses",
    "nursing",
    "doctor",
    "doctors",
    "consultant",
    "consultants",
    "surgeon",
    "surgery",
    "operation",
    "clinic",
    "outpatient",
    "outpatients",
    "appointment",
    "appointments",
    "patient",
    "patients",
    "admitted",
    "discharged",
    "discharge",
    "ambulance",
    "ambulances",
    "paramedic",
    "paramedics",
    "maternity",
    "midwife",
    "midwives",
    "labour ward",
    "cancer",
    "chemo",
    "chemotherapy",
    "radiotherapy",
    "scan",
    "mri",
    "x ray",
    "xray",
    "blood test",
    "bloods",
    "waiting list",
    "waiting room",
    "infirmary",
    "physio",
    "physiotherapy",
    "mental health",
    "psychiatric",
    "pharmacy",
    "prescription",
    "treatment",
    "treated",
    "diagnosis",
    "diagnosed",
    "icu",
    "itu",
    "intensive care",
    "paediatric",
    "paediatrics",
    "children s ward",
    "gp",
    "trust",
    "foundation trust",
    "nicu",
    "neonatal",
    "oncology",
    "cardiology",
    "fracture",
    "stitches",
    "triage",
    "trauma",
    "major trauma centre",
    "theatre staff",
    "junior doctors",
    "health care",
    "healthcare",
    "care quality commission",
    "cqc",
    "inpatient",
    "inpatients",
    "dialysis",
    "transplant",
    "vaccine",
    "vaccination",
    "jab",
    "midwifery",
)

# Hashtag prefixes and suffixes, without the organisation's own tag: "" means none.
PREFIXES = (
    "",
    "team",
    "proud",
    "proudtobe",
    "weare",
    "welove",
    "love",
    "lovemy",
    "thankyou",
    "thanks",
    "support",
    "inside",
    "my",
    "our",
)
SUFFIXES = frozenset(
    {
        "",
        "s",
        "nhs",
        "ft",
        "trust",
        "nurse",
        "nurses",
        "nursing",
        "staff",
        "team",
        "teams",
        "charity",
        "charities",
        "hero",
        "heroes",
        "proud",
        "family",
        "fam",
        "careers",
        "jobs",
        "news",
        "volunteer",
        "volunteers",
        "midwife",
        "midwives",
        "midwifery",
        "research",
        "hospital",
        "hospitals",
        "ae",
        "ed",
        "maternity",
        "pharmacy",
        "physio",
        "therapies",
        "ambulance",
        "paramedics",
        "crew",
        "crews",
        "life",
        "people",
        "star",
        "stars",
        "award",
        "awards",
        "live",
        "together",
        "way",
        "values",
        "community",
        "strike",
        "strikes",
        "fail",
        "fails",
        "thanks",
        "thankyou",
        "birthday",
        "appeal",
        "run",
        "walk",
        "marathon",
        "fundraiser",
        "fundraising",
        "students",
        "student",
        "doctors",
        "juniordoctors",
        "covid",
        "vaccine",
        "vaccines",
        "jabs",
        "uk",
        "official",
        "online",
        "updates",
        "comms",
        "press",
        "media",
    }
)


def is_suffix(rest: str) -> bool:
    """Whether the end of a hashtag after an organisation's tag is a suffix we accept: a listed word, a year,
    or anything after an underscore (``#GSTT_and_proud``: the underscore ends the tag)."""
    return rest in SUFFIXES or (rest.isdigit() and len(rest) <= 4) or rest.startswith("_")


@cache
def everyday_words() -> frozenset[str]:
    """English words that are not surnames, lower case: the list redaction uses to tell words from names."""
    text = (files("listener.privacy") / "data" / "english_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_everyday_phrase(words: list[str]) -> bool:
    """Every word is an everyday English word (``gosh``, ``online``)."""
    return bool(words) and all(word in everyday_words() for word in words)


@cache
def fingerprint() -> str:
    """Changes whenever any list changes."""
    lists = [HEALTH_WORDS, PREFIXES, sorted(SUFFIXES), sorted(everyday_words())]
    payload = "|".join(",".join(words) for words in lists)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]

"""Word lists the matcher uses: health words and phrases that give an ambiguous alias its context (and everyday
phrases that take it from a health word), the prefixes and
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
    "clinic",
    "outpatient",
    "outpatients",
    "appointment",
    "appointments",
    "patient",
    "patients",
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

# "Operation", "surgery" and "trust" have everyday senses as common as their health ones, and a place name is
# often near them ("a military operation in Leeds", "cosmetic surgery deals", "an MP's advice surgery", "I trust
# Leeds United", "the King's Trust"), so alone they are no health words: only these phrases, whose other word
# fixes the health sense, are. ("GP surgery", "NHS trust" and "hospital trust" count by their other word.)
HEALTH_PHRASES = (
    "my operation",
    "his operation",
    "her operation",
    "their operation",
    "your operation",
    "s operation",  # mum's operation
    "had an operation",
    "having an operation",
    "need an operation",
    "needs an operation",
    "needed an operation",
    "for an operation",
    "operation on my",
    "operation on his",
    "operation on her",
    "operation cancelled",
    "operation was cancelled",
    "knee operation",
    "hip operation",
    "heart operation",
    "back operation",
    "had surgery",
    "having surgery",
    "need surgery",
    "needs surgery",
    "needed surgery",
    "after surgery",
    "before surgery",
    "in surgery",
    "out of surgery",
    "for surgery",
    "from surgery",
    "surgery went",
    "surgery on my",
    "surgery on his",
    "surgery on her",
    "emergency surgery",
    "major surgery",
    "day surgery",
    "keyhole surgery",
    "knee surgery",
    "hip surgery",
    "heart surgery",
    "back surgery",
    "health trust",
    "care trust",
    "trust board",
    # "admitted" alone is as often "confessed" ("a Rotherham man admitted assault"): its health sense is passive
    "was admitted",
    "were admitted",
    "been admitted",
    "being admitted",
    "got admitted",
    "get admitted",
    "gets admitted",
    "is admitted",
    "admitted overnight",
    "admitted last night",
)

# Phrases that give a health word its everyday sense: a health word inside one gives a place name no context
# ("a coaching clinic at Rotherham Leisure Complex", "Wythenshawe ward councillor", "be patient with Rotherham",
# "fans were treated to a thriller", "scan the QR code", "had the theatre in stitches"). Each word keeps its
# health sense everywhere else, which is most of the time near an NHS organisation's name.
_EVERYDAY_CLINICS = (
    "coaching", "football", "tennis", "golf", "netball", "rugby", "cricket", "basketball", "swimming", "skills",
    "training", "bike", "cycle", "legal", "law", "advice", "tax", "debt", "money", "benefits", "housing",
    "business", "pet", "vet", "vets", "veterinary", "animal", "dog", "cosmetic", "aesthetic", "aesthetics",
    "beauty", "botox", "laser", "hair", "tattoo", "tattoo removal", "teeth whitening",
    "plastic surgery", "cosmetic surgery",
)  # fmt: skip
_EVERYDAY_CONSULTANTS = (
    "management", "business", "marketing", "tech", "software", "digital", "financial", "finance", "mortgage",
    "property", "estate", "travel", "recruitment", "sales", "beauty", "fashion", "wedding", "planning",
    "political", "security", "engineering", "design", "media", "seo", "tax", "insurance", "retail", "image",
)  # fmt: skip
EVERYDAY_PHRASES = (
    *(f"{kind} {clinic}" for kind in _EVERYDAY_CLINICS for clinic in ("clinic", "clinics")),
    *(
        f"{kind} {consultant}"
        for kind in _EVERYDAY_CONSULTANTS
        for consultant in ("consultant", "consultants")
    ),
    "be patient",
    "being patient",
    "been patient",
    "stay patient",
    "remain patient",
    "patient enough",
    "ward councillor",
    "ward councillors",
    "electoral ward",
    "council ward",
    "ward by election",
    "ward boundary",
    "ward boundaries",
    "ward off",
    "wards off",
    "treated to",
    "treated us to",
    "treated me to",
    "treated them to",
    "treated myself",
    "treated ourselves",
    "treated himself",
    "treated herself",
    "treated themselves",
    "treated yourself",
    "scan the qr",
    "scan this qr",
    "scan our qr",
    "scan the code",
    "scan this code",
    "scan the barcode",
    "scan your ticket",
    "scan your tickets",
    "scan your card",
    "in stitches",
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
    lists = [
        HEALTH_WORDS,
        HEALTH_PHRASES,
        EVERYDAY_PHRASES,
        PREFIXES,
        sorted(SUFFIXES),
        sorted(everyday_words()),
    ]
    payload = "|".join(",".join(words) for words in lists)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]

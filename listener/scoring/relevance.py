"""More signs for relevance (``not_about_care``) than the care signals that route a post's sentiment.

themes.CARE_CUES and SERVICE_CUES also choose which sentiment head reads a post, and the sentiment figures were
measured with them, so they stay as they are. These lists only widen what relevance reads:

- ``care``: someone's own care or a visit, in the shapes people write it ("had my jab", "got my results", "rang
  111", "my nan who's in", "saved my life", "sent him home");
- ``service``: a named service, team or role (units, crews, call handlers, the crisis team, dialysis...);
- ``not_care``: who is writing, when it is not a patient or family: the organisation's own announcements ("our
  emergency department is very busy", "reminder", "read our response"), staff about their shifts ("I'm a student
  nurse", "night shift"), fiction and TV, figures and politics, fundraising.
"""

from __future__ import annotations

from listener.scoring.phrases import PhraseIndex

_KIN = [
    "mum",
    "dad",
    "son",
    "daughter",
    "wife",
    "husband",
    "partner",
    "nan",
    "nanna",
    "grandad",
    "grandma",
    "gran",
    "baby",
    "brother",
    "sister",
    "friend",
]
# what someone had done, got back or booked: "had my jab", "got my results"
_EVENTS = [
    "test",
    "test*",
    "scan",
    "results",
    "letter",
    "referral",
    "jab",
    "jabs",
    "booster",
    "vaccine",
    "vaccination",
    "appointment",
    "operation",
    "op",
    "prescription",
    "meds",
    "medication",
    "bloods",
    "injection",
    "stitches",
    "cast",
    "x-ray",
    "blood",
    "smear",
    "check",
    "checkup",
    "review",
]
_SERVICES = [
    "unit",
    "units",
    "crew",
    "crews",
    "999",
    "111",
    "chemo",
    "neonatal",
    "nicu",
    "scbu",
    "maternity",
    "antenatal",
    "postnatal",
    "renal",
    "dialysis",
    "stroke",
    "cardiac",
    "cardiology",
    "rehab",
    "oncology",
    "dermatology",
    "audiology",
    "radiology",
    "orthopaedics",
    "fracture",
    "camhs",
    "utc",
    "keyworker",
    "dietitian",
    "dietician",
    "phlebotomist",
    "phlebotomy",
    "audiologist",
    "optician",
    "chaplain",
    "chaplaincy",
    "cleaner",
    "receptionist",
    "receptionists",
    "surgery",
    "hospice",
    "sonographer",
    "theatre",
    "theatres",
    "ambulance",
    "ambulances",
]
_ROLES = [
    "nurse",
    "hca",
    "paramedic",
    "doctor",
    "midwife",
    "porter",
    "gp",
    "physio",
    "receptionist",
    "carer",
    "consultant",
]

RELEVANCE_CUES = PhraseIndex(
    {
        "care": [
            f"{verb} my {gap}{event}"
            for verb in ("had", "got", "get", "have", "booked")
            for gap in ("", "_ ")
            for event in _EVENTS
        ]
        + [
            f"{verb} {number}"
            for verb in ("rang", "called", "ring", "call", "phoned")
            for number in ("111", "999")
        ]
        + [f"my {kin} {verb}" for kin in _KIN for verb in ("who's", "who is", "is", "was", "has", "had")]
        + [f"left my {kin}" for kin in _KIN]
        + [
            f"{verb} my {part}"
            for verb in ("fixing", "fixed", "sorted", "saved")
            for part in ("life", "knee", "back")
        ]
        + [
            "saved my",
            "saved his",
            "saved her",
            "sent me home",
            "sent him home",
            "sent her home",
            "told me",
            "told my",
            "lost my",
            "seen in",
            "seen by",
            "booked a _ appointment",
            "booked an appointment",
            "bloods done",
            "can i get",
            "can i have",
            "can i book",
            "do i need",
            "is there a way",
            "still here",
            "my keyworker",
            "sick note",
        ],
        "service": [
            *_SERVICES,
            "call handler*",
            "crisis team",
            "walk in",
            "minor injuries",
            "district nurse*",
            "birth centre",
            "health visitor",
            "urgent treatment centre",
            "blood test",
            "appointments",
            "medical centre",
        ],
        "not_care": [f"i'm a {role}" for role in _ROLES]
        + [f"im a {role}" for role in _ROLES]
        + [f"as a {role}" for role in _ROLES]
        + [
            "i'm a student nurse",
            "im a student nurse",
            "night shift",
            "my shift",
            "last shift",
            "hr shift",
            "hour shift",
            "staff room",
            "christmas do",
            "staff party",
            "colleague",
            "colleagues",
            "our _ service",
            "our _ services",
            "our emergency department",
            "our trust",
            "our hospital",
            "our hospitals",
            "our staff",
            "our volunteers",
            "our amazing",
            "our nhs",
            "read our",
            "visit our",
            "our website",
            "we accept",
            "reminder",
            "will be closed",
            "please only attend",
            "board meets",
            "trust board",
            "open 24 7",
            "documentary",
            "drama",
            "thriller",
            "episode",
            "tv",
            "figures show",
            "new figures",
            "statistics",
            "management",
            "managers",
            "heroes",
            "donated",
            "appeal",
            "opening",
            "closed the",
            "closing the",
            "new _ centre",
            "new centre",
            "qualified as",
            "proud of",
        ],
    }
)

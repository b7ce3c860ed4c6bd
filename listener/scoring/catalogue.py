"""The themes listener tags: the NHS patient-experience framework v7, social-media themes, and relevance.

The 32 sub-categories of the Patient Experience Qualitative Data Categorisation framework (v7, 2023-09-25,
© NHS England, MIT) keep their published names and categories; the framework publishes no ids, so a theme's id is
its name in lower case with every run of other characters replaced by "_" (``theme_id``). The descriptions here
are our own short summaries, not the framework's text. "Not assigned" is not a theme: a post with no theme has
none.

Keywords are rules that a comms team can extend in config (``scoring.themes.keywords``): phrases matched
case-insensitively on word boundaries, where a trailing ``*`` matches any ending ("physio*").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    category: str
    description: str
    keywords: tuple[str, ...] = ()


def theme_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# Keywords match word tokens, so these may separate words in a keyword ("a&e", "covid-19") but nothing else may
# appear: "c++" would silently match every "c", "!!!" nothing at all.
_KEYWORD_SEPARATORS = frozenset(" '’&-/.,")


def keyword_problem(keyword: str) -> str | None:
    """Why a comms team's keyword (config ``scoring.themes.keywords``) cannot match as written, or None."""
    body = keyword.strip().removesuffix("*")
    if "*" in body:
        return f'{keyword!r}: a * may only end a keyword ("physio*"), it cannot start it or stand inside it'
    if not any(c.isalnum() for c in body):
        return f"{keyword!r}: expected a word or phrase"
    others = sorted({c for c in body if not (c.isalnum() or c in _KEYWORD_SEPARATORS)})
    if others:
        shown = " ".join(others)
        return f"{keyword!r}: keywords match whole words and cannot contain {shown}; write the words alone"
    return None


# (category, name, our description, built-in keywords)
_V7 = [
    ("General", "Positive experience & gratitude", "General praise or thanks, or nothing to improve.", ()),
    (
        "General",
        "Organisation & efficiency",
        "How well run, organised or efficient the service is.",
        ("well organised", "disorganised", "well run", "efficient*", "inefficien*"),
    ),
    (
        "General",
        "Funding & use of financial resources",
        "How much money the service has and how it spends it.",
        ("funding", "underfunded", "waste of money"),
    ),
    (
        "General",
        "Feeling safe",
        "Whether people felt safe or unsafe, and why.",
        ("felt safe", "feel safe", "feel unsafe", "felt unsafe"),
    ),
    ("General", "Labelling not possible", "Blank, unreadable or not about anything that can be tagged.", ()),
    (
        "Staff",
        "Staff manner & personal attributes",
        "How staff came across: kind, rude, caring, polite, professional.",
        (),
    ),
    (
        "Staff",
        "Staffing levels & responsiveness",
        "How many staff there were, how busy, how quickly they responded.",
        ("short staffed", "understaffed", "call bell*", "not enough staff"),
    ),
    (
        "Staff",
        "Competence & training",
        "Whether staff seemed skilled, knowledgeable and well trained.",
        ("incompetent", "well trained", "knowledgeable"),
    ),
    (
        "Access to medical care & support",
        "Contacting services",
        "How easy it was to get through to or reach the service.",
        ("phone line*", "get through", "answer the phone", "rings out"),
    ),
    (
        "Access to medical care & support",
        "Appointment arrangements",
        "Booking, frequency, punctuality, cancellation of appointments.",
        ("cancelled appointment*", "appointment cancelled", "rebook*", "reschedul*"),
    ),
    (
        "Access to medical care & support",
        "Appointment method",
        "Whether care was by phone, video or face to face, and how that suited.",
        (
            "video call*",
            "video appointment*",
            "telephone appointment*",
            "phone appointment*",
            "face to face",
            "face-to-face",
        ),
    ),
    (
        "Access to medical care & support",
        "Timeliness of care",
        "Waiting times, delays and how quickly care was available.",
        ("waiting list*", "waiting time*", "long wait*"),
    ),
    (
        "Communication & involvement",
        "Unspecified communication",
        "Communication mentioned in general terms.",
        (),
    ),
    (
        "Communication & involvement",
        "Staff listening, understanding & involving patients",
        "Being listened to, understood and involved in decisions.",
        ("listened to", "didn't listen", "did not listen", "not listened"),
    ),
    (
        "Communication & involvement",
        "Information directly from staff during care",
        "Explanations and answers given by staff during care.",
        ("explained everything", "explained things"),
    ),
    (
        "Communication & involvement",
        "Information provision & guidance",
        "Leaflets, websites, advice and guidance to take away.",
        ("leaflet*", "information sheet*"),
    ),
    (
        "Communication & involvement",
        "Being kept informed, clarity & consistency of information",
        "Being kept up to date, and getting clear, consistent information.",
        ("kept informed", "kept updated", "kept us updated", "mixed messages"),
    ),
    (
        "Communication & involvement",
        "Interaction with family/ carers",
        "How the service involves families and carers, and visiting.",
        ("visiting hours", "visiting time*"),
    ),
    (
        "Mental health specifics",
        "Mental Health Act",
        "Detention under the Mental Health Act, leave and restrictions.",
        ("sectioned", "mental health act", "section 2", "section 3", "detained"),
    ),
    (
        "Patient journey & service coordination",
        "Continuity of care",
        "Diagnosis, triage, referrals, handovers and care plans.",
        ("referral*", "referred", "care plan*", "triage*", "misdiagnos*"),
    ),
    (
        "Patient journey & service coordination",
        "Discharge",
        "Leaving a service: timing, arrangements and support.",
        ("discharge*",),
    ),
    (
        "Medication & pain",
        "Supplying & understanding medication",
        "Getting the right medicines on time and understanding them.",
        ("medication*", "meds", "prescription*", "pharmacy"),
    ),
    (
        "Medication & pain",
        "Pain management",
        "Pain, pain relief and how quickly it was dealt with.",
        ("pain relief", "painkiller*", "pain management"),
    ),
    (
        "Activities",
        "Activities & access to fresh air",
        "Things to do, exercise, groups and time outdoors.",
        ("fresh air", "activities"),
    ),
    (
        "Activities",
        "Electronic entertainment",
        "Wi-Fi, TV, radio and devices.",
        ("wifi", "wi-fi", "television"),
    ),
    (
        "Environment, equipment & catering",
        "Cleanliness, tidiness & infection control",
        "How clean and tidy places and equipment were; infection control.",
        ("clean", "cleanliness", "dirty", "filthy", "hygiene", "infection control"),
    ),
    (
        "Environment, equipment & catering",
        "Sensory experience",
        "Noise, temperature, light and smell.",
        ("noisy", "too hot", "too cold", "freezing"),
    ),
    (
        "Environment, equipment & catering",
        "Environment, facilities & equipment",
        "Buildings, rooms, toilets, signage, beds and equipment.",
        ("toilets", "signage", "waiting room", "equipment"),
    ),
    (
        "Environment, equipment & catering",
        "Food & drink provision & facilities",
        "Meals and drinks: quality, choice, timing, help with eating.",
        ("food", "meal*", "menu", "drinks", "sandwich*"),
    ),
    (
        "Service location, travel & transport",
        "Service location",
        "Where services are and how far people must travel.",
        ("too far", "miles away", "closer to home"),
    ),
    (
        "Service location, travel & transport",
        "Transport to/ from services",
        "Getting to and from services, including patient transport.",
        ("patient transport", "hospital transport", "taxi"),
    ),
    (
        "Service location, travel & transport",
        "Parking",
        "Parking: spaces, cost, disabled bays.",
        ("parking", "car park*"),
    ),
]

V7_THEMES: dict[str, str] = {name: category for category, name, _, _ in _V7}

SOCIAL = "Social media"
_SOCIAL = [
    (
        "Industrial action",
        "Strikes, picket lines and ballots.",
        ("strike*", "striking", "picket*", "walkout*", "industrial action", "ballot*"),
    ),
    (
        "Funding & politics",
        "Government, budgets, cuts and political debate about the NHS.",
        (
            "government",
            "minister*",
            "cuts",
            "budget*",
            "privatis*",
            "tories",
            "labour party",
            "petition",
            "mp",
            "election",
            "funding",
        ),
    ),
    (
        "Recruitment & jobs",
        "Vacancies, recruitment, apprenticeships and careers.",
        (
            "we are recruiting",
            "we're recruiting",
            "vacanc*",
            "job",
            "jobs",
            "apply",
            "apprenticeship*",
            "hiring",
            "careers",
        ),
    ),
    (
        "Staff wellbeing & morale",
        "How staff are coping: burnout, morale, pay, sickness.",
        (
            "morale",
            "burnout",
            "burnt out",
            "burned out",
            "exhausted",
            "wellbeing",
            "staff sickness",
            "pay rise",
            "underpaid",
        ),
    ),
    (
        "Staff recognition & celebration",
        "Awards, retirements, milestones and thanks to staff.",
        ("award*", "retire*", "congratulations", "well done", "nurses day", "celebrat*", "milestone"),
    ),
    (
        "Public health campaigns & information",
        "Vaccines, screening, symptoms to watch for, health advice.",
        (
            "vaccin*",
            "jab*",
            "booster",
            "screening",
            "flu",
            "know the signs",
            "symptoms",
            "stay home",
            "wear a mask",
            "call 999",
            "nhs app",
        ),
    ),
    (
        "Misinformation & scams",
        "False health claims and scams using the NHS name.",
        (
            "microchip*",
            "hoax",
            "fake news",
            "scam*",
            "do your research",
            "doctors don't want you to know",
            "5g",
            "click here",
            "bank details",
            "cures",
        ),
    ),
]

NOT_ABOUT_CARE = Theme(
    id="not_about_care",
    name="Not about care",
    category="Relevance",
    description="Not about care or service experience (news, fundraising, jobs, campaigns, politics...).",
)


def builtin_themes() -> list[Theme]:
    """Every built-in theme, in order: v7 sub-categories, social-media themes, then relevance."""
    themes = [Theme(theme_id(n), n, c, d, k) for c, n, d, k in _V7]
    themes += [Theme(theme_id(n), n, SOCIAL, d, k) for n, d, k in _SOCIAL]
    return [*themes, NOT_ABOUT_CARE]

"""Names a reader understands for the ids scorers and collectors write (themes, flags, platforms).

Theme ids come from the scorers; an id without an entry here is still shown, made readable
("waiting_times" -> "Waiting times"), so a new theme appears in reports before anyone names it.
"""

from __future__ import annotations

# Theme ids that say whether a post is about care at all (a relevance label), not what it is about.
RELEVANCE_THEMES = frozenset({"not_about_care"})

# The triage flags reports know, in the order a reader should act on them.
SAFEGUARDING = "safeguarding"
NEEDS_RESPONSE = "needs_response"
PRAISE_TO_SHARE = "praise_to_share"
ABUSE_OF_STAFF = "abuse_of_staff"
ATTENTION_FLAGS = (SAFEGUARDING, NEEDS_RESPONSE)

_THEMES = {
    "waiting_times": "Waiting times",
    "timeliness_of_care": "Waiting times and delays",
    "appointments": "Appointments",
    "staff_attitude": "Staff attitude",
    "staff_manner": "Staff manner and kindness",
    "staffing_levels": "Staffing levels",
    "communication": "Communication",
    "contacting_services": "Contacting services",
    "clinical_care": "Clinical care",
    "cleanliness": "Cleanliness",
    "food": "Food",
    "parking": "Car parking",
    "parking_and_travel": "Car parking and travel",
    "discharge": "Discharge",
    "medication": "Medication",
    "pain_management": "Pain management",
    "mental_health": "Mental health",
    "ambulance_response": "Ambulance response",
    "industrial_action": "Strikes and industrial action",
    "environment": "Buildings and environment",
    "praise": "Praise and thanks",
    "positive_experience": "Praise and thanks",
    "not_about_care": "Not about care",
}

_FLAGS = {
    SAFEGUARDING: "Safeguarding",
    NEEDS_RESPONSE: "Needs a response",
    PRAISE_TO_SHARE: "Praise to share",
    ABUSE_OF_STAFF: "Abuse of staff",
}

_PLATFORMS = {
    "x": "X (Twitter)",
    "nhs_uk": "NHS website reviews",
    "nhs_website": "NHS website reviews",
    "nhs_reviews": "NHS website reviews",
    "care_opinion": "Care Opinion",
    "careopinion": "Care Opinion",
    "news": "News",
    "rss": "News and RSS feeds",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "reddit": "Reddit",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "import": "Imported file",
}


def readable(identifier: str) -> str:
    """ "waiting_times" -> "Waiting times"; "a&e-delays" -> "A&e delays"."""
    words = identifier.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or identifier
    return text[:1].upper() + text[1:]


def theme_name(theme_id: str) -> str:
    return _THEMES.get(theme_id) or readable(theme_id)


def flag_name(flag: str) -> str:
    return _FLAGS.get(flag) or readable(flag)


def platform_name(platform: str) -> str:
    return _PLATFORMS.get(platform) or readable(platform)

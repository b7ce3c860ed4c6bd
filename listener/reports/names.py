"""Names a reader understands for the ids scorers and collectors write (themes, flags, platforms).

A theme is shown by the name the comms team gave it in config (``scoring.themes.names``), else by its published
name (the NHS patient-experience framework v7 and listener's social-media themes, listener.scoring.catalogue),
else by a plain name below (themes of other scorers), else made readable from its id ("waiting_times" ->
"Waiting times"), so a new theme appears in reports before anyone names it.
"""

from __future__ import annotations

from collections.abc import Mapping

from listener.scoring.catalogue import builtin_themes

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
    "appointments": "Appointments",
    "staff_attitude": "Staff attitude",
    "staff_manner": "Staff manner and kindness",
    "staffing_levels": "Staffing levels",
    "communication": "Communication",
    "clinical_care": "Clinical care",
    "cleanliness": "Cleanliness",
    "food": "Food",
    "parking_and_travel": "Car parking and travel",
    "medication": "Medication",
    "mental_health": "Mental health",
    "ambulance_response": "Ambulance response",
    "environment": "Buildings and environment",
    "praise": "Praise and thanks",
    "positive_experience": "Praise and thanks",
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


# The platform ids a collector kind's posts carry, where they differ from the kind itself.
_KIND_PLATFORMS = {
    "rss": ("news", "rss"),
    "nhs_reviews": ("nhs_website", "nhs_uk", "nhs_reviews"),
    "careopinion": ("careopinion", "care_opinion"),
}


def kind_platforms(kind: str) -> tuple[str, ...]:
    """The platform ids posts collected by a source of ``kind`` are stored with."""
    return _KIND_PLATFORMS.get(kind, (kind,))


def readable(identifier: str) -> str:
    """ "waiting_times" -> "Waiting times"; "a&e-delays" -> "A&e delays"."""
    words = identifier.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or identifier
    return text[:1].upper() + text[1:]


_PUBLISHED = {theme.id: theme.name for theme in builtin_themes()}


def theme_name(theme_id: str, configured: Mapping[str, str] | None = None) -> str:
    """``configured``: the config's ``scoring.themes.names``."""
    return (
        (configured or {}).get(theme_id)
        or _PUBLISHED.get(theme_id)
        or _THEMES.get(theme_id)
        or readable(theme_id)
    )


def flag_name(flag: str) -> str:
    return _FLAGS.get(flag) or readable(flag)


def platform_name(platform: str) -> str:
    return _PLATFORMS.get(platform) or readable(platform)

"""Theme tagging: the trained model's themes, keyword rules (built in and from config), and relevance.

A theme is given when the model's probability reaches that theme's threshold (tuned in training) or when one of
its keywords appears. Its confidence is the model's probability, or 1.0 for a keyword match. ``not_about_care`` is
given to a post with text but no sign of someone's care ("my appointment", "we waited", "discharged"...) that either
has a social-media theme or another sign of news (fundraising, research, welcomes), or names no service and gets
no care theme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from listener.scoring.catalogue import SOCIAL, Theme, builtin_themes, keyword_pattern

NOT_ABOUT_CARE = "not_about_care"
SOCIAL_THEMES = frozenset(theme.id for theme in builtin_themes() if theme.category == SOCIAL)
LABELLING_NOT_POSSIBLE = "labelling_not_possible"

# Strong signs that a post is about someone's own care or a service experience.
CARE_CUES = re.compile(
    r"(?<!\w)(?:"
    r"(?:my|mum'?s?|dad'?s?|our|his|her|their) (?:\w+ )?(?:appointment|operation|care|treatment|scan|results?|"
    r"referral|surgery|gp|nurse|doctor|consultant|midwife|bed|meds|medication|prescription|records|carer)|"
    r"i was|i've been|i have been|i had|we were|we waited|waited|waiting (?:for|in|on)|been waiting|treated|"
    r"seen by|discharged|admitted|looked after|got me|took my|for the care|cared for|left in|left on|nobody checked|"
    r"how do i|can someone|who do i|ring me|call me|on hold"
    r")(?!\w)",
    re.IGNORECASE,
)
# Weaker signs: a service or a member of staff is named.
SERVICE_CUES = re.compile(
    r"(?<!\w)(?:ward|a&e|a & e|outpatients?|clinic|reception(?:ist)?s?|ambulance|paramedics?|nurses?|doctors?|gp|"
    r"consultant|midwi(?:fe|ves)|porters?|physio\w*|radiographer|sonographer|pharmacy|hospital transport|"
    r"appointment|operation|care|staff|services?|dentist|carer)(?!\w)",
    re.IGNORECASE,
)
# Signs of the posts that most often mention an organisation without being about care (Greaves et al. 2014).
NOT_CARE_CUES = re.compile(
    r"(?<!\w)(?:charity|fundrais\w*|raised|donors?|donate|volunteers? needed|open day|research|chief executive|"
    r"welcome|congratulations|proud to|good luck|\d+k|half marathon|petition|retires?|new \w+ (?:wing|scanner|unit))"
    r"(?!\w)",
    re.IGNORECASE,
)


def mentions_care(text: str) -> bool:
    """Whether the text shows a sign of someone's care or a service experience."""
    return CARE_CUES.search(text) is not None or SERVICE_CUES.search(text) is not None


class ThemeTagger:
    """Built once from the built-in themes plus config's keywords and names for new themes."""

    def __init__(
        self, keywords: Mapping[str, Sequence[str]] | None = None, names: Mapping[str, str] | None = None
    ):
        themes = {theme.id: theme for theme in builtin_themes()}
        for theme_id, name in (names or {}).items():
            if theme_id not in themes:
                themes[theme_id] = Theme(theme_id, name, "Local", "Added in config.")
        for theme_id, extra in (keywords or {}).items():
            theme = themes[theme_id]
            themes[theme_id] = Theme(
                theme.id, theme.name, theme.category, theme.description, (*theme.keywords, *extra)
            )
        self.themes = themes
        self._social = {t.id for t in themes.values() if t.category == SOCIAL}
        self._pattern, self._group_themes = _compile(themes.values())

    def keyword_themes(self, text: str) -> dict[str, str]:
        """Theme id -> the first keyword of that theme found in the text."""
        found: dict[str, str] = {}
        if self._pattern is None:
            return found
        for match in self._pattern.finditer(text):
            for theme_id in self._group_themes[match.lastgroup]:
                found.setdefault(theme_id, match.group(0))
        return found

    def tag(
        self, text: str, probabilities: np.ndarray, thresholds: np.ndarray, model_ids: Sequence[str]
    ) -> dict:
        """Theme id -> confidence for one post, relevance included."""
        themes = {
            theme_id: round(float(p), 4)
            for theme_id, p, threshold in zip(model_ids, probabilities, thresholds, strict=True)
            if p >= threshold
        }
        for theme_id in self.keyword_themes(text):
            themes[theme_id] = 1.0
        if text.strip() and not self.about_care(text, themes):
            themes[NOT_ABOUT_CARE] = 1.0
        return themes

    def about_care(self, text: str, themes: Mapping[str, float]) -> bool:
        """Someone's care is described, or a service is named (or a care theme found) with no sign of other news."""
        if CARE_CUES.search(text):
            return True
        if any(t in self._social for t in themes) or NOT_CARE_CUES.search(text):
            return False
        care_themes = [t for t in themes if t not in self._social and t != LABELLING_NOT_POSSIBLE]
        return bool(care_themes) or SERVICE_CUES.search(text) is not None


def _compile(themes) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]]]:
    """One regular expression for every keyword; a group per set of themes sharing a keyword."""
    owners: dict[str, list[str]] = {}
    for theme in themes:
        for keyword in theme.keywords:
            owners.setdefault(keyword_pattern(keyword), []).append(theme.id)
    if not owners:
        return None, {}
    # longest first, so "car park charges" wins over "car park"
    ordered = sorted(owners, key=len, reverse=True)
    groups = {f"k{i}": tuple(dict.fromkeys(owners[p])) for i, p in enumerate(ordered)}
    pattern = "|".join(f"(?P<k{i}>{p})" for i, p in enumerate(ordered))
    return re.compile(pattern, re.IGNORECASE), groups

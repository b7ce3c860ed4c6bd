"""Theme tagging: the trained model's themes, keyword rules (built in and from config), and relevance.

A theme is given when the model's probability reaches that theme's threshold (tuned in training) or when one of
its keywords appears. Its confidence is the model's probability, or 1.0 for a keyword match. ``not_about_care`` is
given to a post with text but no sign of someone's care ("my appointment", "we waited", "discharged"...) that either
has a social-media theme or another sign of news (fundraising, research, welcomes), or names no service and gets
no care theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from listener.scoring.catalogue import SOCIAL, Theme, builtin_themes
from listener.scoring.phrases import Lines, PhraseIndex, words
from listener.scoring.relevance import RELEVANCE_CUES

NOT_ABOUT_CARE = "not_about_care"
SOCIAL_THEMES = frozenset(theme.id for theme in builtin_themes() if theme.category == SOCIAL)
LABELLING_NOT_POSSIBLE = "labelling_not_possible"

_POSSESSIVE = ("my", "mum", "mum's", "mums", "dad", "dad's", "dads", "our", "his", "her", "their")
_CARE_NOUNS = [
    "appointment",
    "operation",
    "care",
    "treatment",
    "scan",
    "result",
    "results",
    "referral",
    "surgery",
    "gp",
    "nurse",
    "doctor",
    "consultant",
    "midwife",
    "bed",
    "meds",
    "medication",
    "prescription",
    "records",
    "carer",
]
# "(they were lovely) with my wife": staff seen caring for someone close
_KIN = (
    "wife",
    "husband",
    "partner",
    "mum",
    "dad",
    "son",
    "daughter",
    "baby",
    "nan",
    "grandad",
    "grandma",
    "child",
)
# Strong signs that a post is about someone's own care or a service experience.
CARE_CUES = PhraseIndex(
    {
        "care": [f"{p} {n}" for p in _POSSESSIVE for n in _CARE_NOUNS]
        + [f"{p} _ {n}" for p in _POSSESSIVE for n in _CARE_NOUNS]
        + [
            "i was",
            "i've been",
            "i have been",
            "i had",
            "we were",
            "we waited",
            "waited",
            "waiting for",
            "waiting in",
            "waiting on",
            "been waiting",
            "treated",
            "seen by",
            "discharged",
            "admitted",
            "looked after",
            "got me",
            "took my",
            "for the care",
            "cared for",
            "left in",
            "left on",
            "nobody checked",
            "how do i",
            "can someone",
            "who do i",
            "ring me",
            "call me",
            "on hold",
        ]
        + [f"with my {kin}" for kin in _KIN]
    }
)
# Weaker signs: a service or a member of staff is named.
SERVICE_CUES = PhraseIndex(
    {
        "service": [
            "ward",
            "a&e",
            "outpatient",
            "outpatients",
            "clinic",
            "reception*",
            "ambulance",
            "paramedic",
            "paramedics",
            "nurse",
            "nurses",
            "doctor",
            "doctors",
            "gp",
            "consultant",
            "midwife",
            "midwives",
            "porter",
            "porters",
            "physio*",
            "radiographer",
            "sonographer",
            "pharmacy",
            "appointment",
            "operation",
            "care",
            "staff",
            "service",
            "services",
            "dentist",
            "carer",
            "hca",
            "hcas",
            "healthcare assistant",
            "health care assistant",
            "matron",
            "surgeon",
            "anaesthetist",
            "pharmacist",
        ]
        + ["hospital transport"]
    }
)
# Signs of the posts that most often mention an organisation without being about care (Greaves et al. 2014).
NOT_CARE_CUES = PhraseIndex(
    {
        "news": [
            "charity",
            "fundrais*",
            "raised",
            "donor",
            "donors",
            "donate",
            "volunteers needed",
            "volunteer needed",
            "open day",
            "research",
            "chief executive",
            "welcome",
            "congratulations",
            "proud to",
            "good luck",
            "5k",
            "10k",
            "half marathon",
            "marathon",
            "petition",
            "retire*",
            "new _ wing",
            "new _ scanner",
            "new _ unit",
            "new wing",
            "new scanner",
            "new unit",
        ]
    }
)


@dataclass(frozen=True)
class CareSignals:
    """Whether a text describes someone's care (strong) or names a service or staff (service)."""

    strong: bool
    service: bool

    @property
    def any(self) -> bool:
        return self.strong or self.service


def care_signals(tokens: list[str]) -> CareSignals:
    """Care signals of a text, from its word tokens (phrases.words)."""
    strong = CARE_CUES.search(tokens) is not None
    return _CARE_SIGNALS[strong, strong or SERVICE_CUES.search(tokens) is not None]


def care_signals_each(token_lists: Sequence[list[str]], lines: Lines | None = None) -> list[CareSignals]:
    """care_signals of each of a batch's texts (the phrase indexes read the batch at once: PhraseIndex.find_each;
    ``lines``: phrases.Lines(token_lists), if the caller has it)."""
    strong = CARE_CUES.search_each(token_lists, lines)
    service = SERVICE_CUES.search_each(token_lists, lines)
    return [
        _CARE_SIGNALS[cue is not None, cue is not None or named is not None]
        for cue, named in zip(strong, service, strict=True)
    ]


_CARE_SIGNALS = {
    (strong, service): CareSignals(strong, service) for strong in (False, True) for service in (False, True)
}


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
        self._keywords = PhraseIndex({theme.id: theme.keywords for theme in themes.values()})

    def keyword_themes(self, text: str, tokens: list[str] | None = None) -> dict[str, str]:
        """Theme id -> the first keyword of that theme found in the text."""
        return self._keywords.find(words(text) if tokens is None else tokens)

    def tag(
        self,
        text: str,
        probabilities: np.ndarray,
        thresholds: np.ndarray,
        model_ids: Sequence[str],
        tokens: list[str] | None = None,
        care: CareSignals | None = None,
    ) -> dict:
        """Theme id -> confidence for one post, relevance included. ``tokens`` are phrases.words(text)."""
        themes = model_themes(probabilities[None, :], thresholds, model_ids)[0]
        return self.add_rules(text, themes, tokens, care)

    def add_rules(
        self, text: str, themes: dict, tokens: list[str] | None = None, care: CareSignals | None = None
    ) -> dict:
        """The model's ``themes`` of a post (model_themes) with keyword themes and relevance added."""
        tokens = words(text) if tokens is None else tokens
        care = care or care_signals(tokens)
        return self.add_rules_each([themes], [tokens], [care])[0]

    def add_rules_each(
        self,
        themes: Sequence[dict],
        token_lists: Sequence[list[str]],
        care: Sequence[CareSignals],
        lines: Lines | None = None,
    ) -> Sequence[dict]:
        """add_rules for each post of a batch (``themes``, phrases.words and care_signals of each), the keyword,
        news and relevance phrases read for the whole batch at once (PhraseIndex.find_each; ``lines`` as there)."""
        lines = lines or Lines(token_lists)
        keywords = self._keywords.find_each(token_lists, lines=lines)
        news = NOT_CARE_CUES.search_each(token_lists, lines)
        relevance = RELEVANCE_CUES.find_each(token_lists, lines=lines)
        for post_themes, tokens, post_care, found, post_news, more in zip(
            themes, token_lists, care, keywords, news, relevance, strict=True
        ):
            for theme_id in found:
                post_themes[theme_id] = 1.0
            if tokens and not self.about_care(tokens, post_themes, post_care, post_news is not None, more):
                post_themes[NOT_ABOUT_CARE] = 1.0
        return themes

    def about_care(
        self,
        tokens: list[str],
        themes: Mapping[str, float],
        care: CareSignals,
        news: bool | None = None,
        more: Mapping[str, str] | None = None,
    ) -> bool:
        """Someone's care is described, or a service is named (or a care theme found) with no sign of other news
        and no sign that the writer is the organisation, staff or someone talking about TV or politics.
        ``news`` (whether NOT_CARE_CUES finds a phrase in ``tokens``) and ``more`` (RELEVANCE_CUES.find(tokens)):
        if the caller knows them."""
        more = RELEVANCE_CUES.find(tokens) if more is None else more
        if care.strong or "care" in more:
            return True
        if any(t in self._social for t in themes) or "not_care" in more:
            return False
        if NOT_CARE_CUES.search(tokens) is not None if news is None else news:
            return False
        care_themes = [t for t in themes if t not in self._social and t != LABELLING_NOT_POSSIBLE]
        return bool(care_themes) or care.service or "service" in more


def model_themes(probabilities: np.ndarray, thresholds: np.ndarray, model_ids: Sequence[str]) -> list[dict]:
    """For each row of a batch's probabilities: theme id -> probability (rounded) where it reaches the threshold."""
    rows, columns = np.nonzero(probabilities >= thresholds)
    found: list[dict] = [{} for _ in range(len(probabilities))]
    values = probabilities[rows, columns].tolist()
    for row, column, value in zip(rows.tolist(), columns.tolist(), values, strict=True):
        found[row][model_ids[column]] = round(value, 4)
    return found

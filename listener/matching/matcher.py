"""The mention matcher: finds every configured organisation a text mentions, and how.

First cut: case-insensitive, word-bounded search for each organisation's name, aliases, @handles and #hashtags.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from listener.config import OrganisationConfig

MATCHER_VERSION = "1"


@dataclass(frozen=True)
class Match:
    org_code: str
    method: str  # handle, hashtag, name or alias
    matched_text: str


class Matcher:
    """Built once from the organisations in config; ``find(text)`` returns one Match per organisation found."""

    def __init__(self, organisations: Iterable[OrganisationConfig]):
        self.organisations = tuple(organisations)
        self._patterns = [(org.code, self._pattern(org)) for org in self.organisations]

    @property
    def key(self) -> str:
        """Changes when the matcher or the organisations change, so stored posts are matched again."""
        described = [org.model_dump(mode="json") for org in self.organisations]
        payload = json.dumps([MATCHER_VERSION, described], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def find(self, text: str) -> list[Match]:
        matches = []
        for code, pattern in self._patterns:
            if pattern is None:
                continue
            found = pattern.search(text)
            if found:
                method = found.lastgroup or "name"
                matches.append(Match(code, method, found.group(0)[:300]))
        return matches

    @staticmethod
    def _pattern(org: OrganisationConfig) -> re.Pattern[str] | None:
        groups = []
        terms = {
            "handle": [rf"(?<![\w@])@{re.escape(h)}(?!\w)" for h in org.handles],
            "hashtag": [rf"(?<![\w#])#{re.escape(h)}(?!\w)" for h in org.hashtags],
            "name": [rf"(?<!\w){re.escape(org.name)}(?!\w)"],
            "alias": [rf"(?<!\w){re.escape(a)}(?!\w)" for a in org.aliases if a.strip()],
        }
        for method, alternatives in terms.items():
            if alternatives:
                groups.append(f"(?P<{method}>{'|'.join(alternatives)})")
        return re.compile("|".join(groups), re.IGNORECASE) if groups else None

"""Search queries for X built from the organisations in config, packed into as few queries as the length limit allows.

Each organisation becomes one clause: its handles (``@GSTTnhs``), hashtags (``#GSTT``), quoted name and aliases
and any extra terms, OR-ed together, followed by ``-from:`` its own accounts unless own posts are wanted:

    ((@GSTTnhs OR #GSTT OR "Guy's and St Thomas' NHS Foundation Trust") -from:GSTTnhs)

Only handles that are X usernames are used: ``organisations[].handles`` serves every platform, and a Bluesky
(``nhsengland.bsky.social``) or Mastodon (``nhs@mastodon.social``) handle is not one X could search for.

Clauses are OR-ed into queries, in config order, until the next one would pass the limit (512 characters for
recent search, 1,024 for full archive), then a new query starts; the filters every query shares (``-is:retweet``,
``lang:``, exclusions) follow the group. X evaluates AND (a space) before OR, so each clause carries its own parentheses and ``-from:``
only removes an organisation's own posts from that organisation's clause. X does not allow negated groups
(``-(a OR b)``), so exclusions are written one by one.

Packing is next-fit in config order (only the last query takes new clauses) rather than first-fit: a query's text
names its stream and cursor, and a changed query starts again with a backfill that re-reads (and pays for) posts
already stored. With next-fit, an organisation added at the end of the list changes only the last query.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from listener.config import OrganisationConfig
from listener.errors import CollectorError

log = logging.getLogger(__name__)

# An X username: 1 to 15 letters, digits or underscores (the pattern of ``username`` in X API v2's OpenAPI
# spec, https://api.x.com/2/openapi.json, and of the @mentions X finds in a post's entities)
X_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")
RECENT_QUERY_LIMIT = 512
ARCHIVE_QUERY_LIMIT = 1024
SHARED_FILTERS = ("-is:retweet",)


@dataclass(frozen=True)
class SearchQuery:
    """One query and the organisations it covers; ``stream`` names its cursor."""

    text: str
    org_codes: tuple[str, ...]

    @property
    def stream(self) -> str:
        """Short and stable: the organisations it covers and a hash of the exact query text."""
        codes = ",".join(self.org_codes[:8]) + (
            f"+{len(self.org_codes) - 8}" if len(self.org_codes) > 8 else ""
        )
        return f"{codes}#{hashlib.sha256(self.text.encode('utf-8')).hexdigest()[:10]}"


def term(value: str) -> str:
    """A search term: a phrase in double quotes unless it is a single word, handle, hashtag or operator."""
    value = " ".join(value.replace('"', " ").split())
    if not value:
        return ""
    if " " in value or not value.replace("_", "").replace("'", "").isalnum():
        if value[0] in "@#" and " " not in value:
            return value
        return f'"{value}"'
    return value


def x_usernames(org: OrganisationConfig) -> list[str]:
    """The organisation's handles that are X usernames; handles on other platforms are not searched on X."""
    return [h for h in org.handles if X_USERNAME.fullmatch(h)]


def organisation_terms(org: OrganisationConfig, extra: Sequence[str] = ()) -> list[str]:
    terms = [f"@{h}" for h in x_usernames(org)] + [f"#{h}" for h in org.hashtags]
    terms += [term(name) for name in (org.name, *org.aliases, *extra)]
    return list(dict.fromkeys(t for t in terms if t))  # no duplicates, order kept


def organisation_clauses(
    org: OrganisationConfig, extra: Sequence[str], include_own_posts: bool, room: int
) -> list[str]:
    """The organisation's clause, split into several when its terms alone pass ``room`` characters."""
    own = "" if include_own_posts else "".join(f" -from:{h}" for h in x_usernames(org))
    clauses: list[str] = []
    terms: list[str] = []
    for item in organisation_terms(org, extra):
        candidate = _clause([*terms, item], own)
        if terms and len(candidate) > room:
            clauses.append(_clause(terms, own))
            terms = []
        terms.append(item)
    if terms:
        clauses.append(_clause(terms, own))
    too_long = [c for c in clauses if len(c) > room]
    if too_long:
        raise CollectorError(
            f"organisation {org.code}: the search clause {too_long[0]!r} is longer than the {room} characters "
            "a query can hold; shorten that name or alias"
        )
    return clauses


def _clause(terms: Sequence[str], own: str) -> str:
    group = f"({' OR '.join(terms)})" if len(terms) > 1 else terms[0]
    return f"({group}{own})" if own else group


def shared_filters(lang: str | None, exclude: Iterable[str]) -> str:
    parts = [*SHARED_FILTERS]
    if lang:
        parts.append(f"lang:{lang}")
    parts += [f"-{term(word)}" for word in exclude if term(word)]
    return " ".join(parts)


def build_queries(
    organisations: Sequence[OrganisationConfig],
    *,
    limit: int,
    include_own_posts: bool = False,
    lang: str | None = None,
    exclude: Iterable[str] = (),
    extra_terms: Mapping[str, Sequence[str]] | None = None,
) -> list[SearchQuery]:
    """Pack every organisation's clauses, in order, into queries of at most ``limit`` characters (next-fit)."""
    suffix = " " + shared_filters(lang, exclude)
    room = limit - len(suffix) - 2  # the parentheses around the OR group
    if room < 20:
        raise CollectorError(
            f"the shared filters{suffix!r} leave no room for search terms in {limit} characters"
        )
    extra_terms = extra_terms or {}
    _log_other_handles(organisations)
    queries: list[tuple[list[str], list[str]]] = []  # (clauses, codes)
    for org in organisations:
        for clause in organisation_clauses(org, extra_terms.get(org.code, ()), include_own_posts, room):
            if not queries or len(" OR ".join([*queries[-1][0], clause])) > room:
                queries.append(([], []))
            target = queries[-1]
            target[0].append(clause)
            if org.code not in target[1]:
                target[1].append(org.code)
    return [SearchQuery(_group(clauses) + suffix, tuple(codes)) for clauses, codes in queries]


def _group(clauses: Sequence[str]) -> str:
    if len(clauses) == 1 and clauses[0].startswith("("):
        return clauses[0]
    return f"({' OR '.join(clauses)})"


def _log_other_handles(organisations: Sequence[OrganisationConfig]) -> None:
    """One line naming the handles left out of the X queries, so a mistyped X username can be found."""
    others = [f"{o.code}: {h}" for o in organisations for h in o.handles if not X_USERNAME.fullmatch(h)]
    if others:
        log.info(
            "handles left out of the X queries, not X usernames (1-15 letters, digits or _): %s",
            ", ".join(others),
        )

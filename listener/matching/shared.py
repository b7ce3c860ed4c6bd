"""Terms that more than one configured organisation uses: a post that mentions one is linked to all of them.

That may be meant (a city-wide hashtag such as ``#NHSLeeds`` for every trust in the city) or a slip (the same
alias pasted under two trusts), so it is a warning, never an error. Terms are compared the way the matcher reads
them: ``Guy's`` and ``Guys`` are one alias, and the hashtag ``#LTHT`` is also what the alias ``LTHT`` matches.
An ambiguous alias with its own ``context`` (``{alias: St Mary's Hospital, context: [Paddington]}``) is how two
trusts share a name on purpose, so a name that only such aliases share is not reported; nor is a term that every
organisation configuring it lists in its ``shared_terms_ok`` (``["#NHSLeeds"]``: the term as configured, with
``#`` for a hashtag and ``@`` for a handle or without either).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from listener.config import AmbiguousAlias, OrganisationConfig
from listener.matching import normalise


@dataclass(frozen=True)
class Use:
    """Where an organisation configures a term: ``organisations[2].hashtags[0]``."""

    org_index: int
    code: str
    key: str  # name, aliases, ambiguous_aliases, handles or hashtags
    item: int | None  # the item's number in the list (None for the name)
    written: str
    own_context: bool = False  # an ambiguous alias that counts only with its own context terms

    @property
    def path(self) -> str:
        where = f"organisations[{self.org_index}].{self.key}"
        return where if self.item is None else f"{where}[{self.item}]"


@dataclass(frozen=True)
class SharedTerm:
    """One term and every place that configures it, in config order."""

    uses: tuple[Use, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(use.code for use in self.uses))

    def __str__(self) -> str:
        first, *others = self.uses
        also = " and ".join(f'{use.path} "{use.written}" ({use.code})' for use in others)
        return (
            f'{first.path} "{first.written}" ({first.code}) is also {also}: a post that mentions it is linked '
            f"to {_joined(self.codes)} (if that is not meant, keep it for one organisation)"
        )


def shared_terms(organisations: Iterable[OrganisationConfig]) -> list[SharedTerm]:
    """Every term that two or more organisations configure, at least one of them without its own context and
    one of them without acknowledging it in ``shared_terms_ok``."""
    uses_by_key: dict[str, set[Use]] = defaultdict(set)
    acknowledged: set[Use] = set()
    for index, org in enumerate(organisations):
        ok = {key for term in org.shared_terms_ok for key in _acknowledged_keys(term)}
        for use, keys in _terms(index, org):
            acknowledged.update([use] if ok.intersection(keys) else [])
            for key in keys:
                uses_by_key[key].add(use)
    found: dict[tuple[Use, ...], SharedTerm] = {}
    for uses in uses_by_key.values():
        ordered = tuple(sorted(uses, key=lambda use: (use.org_index, use.path)))
        meant = all(use.own_context for use in ordered) or uses <= acknowledged
        if len({use.code for use in ordered}) > 1 and not meant:
            found.setdefault(ordered, SharedTerm(ordered))
    return sorted(found.values(), key=lambda shared: [(use.org_index, use.path) for use in shared.uses])


def unknown_acknowledgements(org: OrganisationConfig) -> list[tuple[int, str]]:
    """The items of ``org.shared_terms_ok`` (number, term) that are none of the organisation's terms: typos."""
    own = {key for _, keys in _terms(0, org) for key in keys}
    return [
        (n, term)
        for n, term in enumerate(org.shared_terms_ok)
        if not own.intersection(_acknowledged_keys(term))
    ]


def _acknowledged_keys(term: str) -> list[str]:
    """The automaton keys an item of ``shared_terms_ok`` stands for: ``#NHSLeeds`` the hashtag's, ``@GSTTnhs``
    the handle's, and a name or alias (or a hashtag or handle written without its sign) its own."""
    written = term.strip()
    body = normalise.fold(written[1:])
    if written.startswith("#"):
        return [f"#{body}"]
    if written.startswith("@"):
        return [f"@{body}", f"#{body}"]
    return _phrase_keys(written)


def _terms(index: int, org: OrganisationConfig) -> Iterator[tuple[Use, list[str]]]:
    """Each term the organisation configures, with the automaton keys the matcher builds from it."""
    yield Use(index, org.code, "name", None, org.name), _phrase_keys(org.name)
    for number, alias in enumerate(org.aliases):
        yield Use(index, org.code, "aliases", number, alias), _phrase_keys(alias)
    for number, ambiguous in enumerate(org.ambiguous_aliases):
        own = isinstance(ambiguous, AmbiguousAlias)
        written = ambiguous.alias if isinstance(ambiguous, AmbiguousAlias) else ambiguous
        yield Use(index, org.code, "ambiguous_aliases", number, written, own), _phrase_keys(written)
    for number, handle in enumerate(org.handles):
        body = normalise.fold(handle)
        yield Use(index, org.code, "handles", number, handle), [f"@{body}", f"#{body}"]
    for number, hashtag in enumerate(org.hashtags):
        yield Use(index, org.code, "hashtags", number, hashtag), [f"#{normalise.fold(hashtag)}"]


def _phrase_keys(phrase: str) -> list[str]:
    variants = normalise.phrase_variants(phrase)
    return [*variants, *(f"#{normalise.compact(variant)}" for variant in variants)]


def _joined(codes: tuple[str, ...]) -> str:
    return f"both {codes[0]} and {codes[1]}" if len(codes) == 2 else f"each of {', '.join(codes)}"

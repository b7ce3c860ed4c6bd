"""The mention matcher: finds every configured organisation a text mentions, and how.

One pass per text, whatever the number of organisations: every handle, hashtag, name, alias, context word and
exclusion of every organisation is a key of one Aho-Corasick automaton, searched over the text's normalised
form (``normalise.joined``: lower case, punctuation and apostrophes folded, ``Saint``/``St.`` read as ``st``).
Keys carry a space on each side, so a key only matches whole words ("leeds" never matches inside
"leedsfield"). The few hits are then checked in Python (``hits.accepted``):

- a hashtag matches a configured hashtag, an organisation's handle, or a name or alias written as one word
  (``#LeedsTeachingHospitals``), optionally with a common prefix (``#TeamGSTT``) or suffix (``#GSTTnurses``,
  ``#LTHTcharity``, ``#GSTT2026``) from ``affixes``;
- an ambiguous alias (a place name such as "Whittington") counts only with a context term within
  ``CONTEXT_WINDOW`` words of it: a health word (or a certain mention of any organisation) or one of the
  organisation's ``context`` terms, or, for an alias with its own ``context``, one of those. A health word
  inside a phrase that gives it its everyday sense ("coaching clinic", "be patient"; ``affixes``) is none;
- an ``exclude`` term that covers a name or alias ("Dick Whittington") cancels that occurrence; any other
  exclusion in the post ("panto") cancels all of the organisation's name and alias matches in it. Handles and
  configured hashtags always count;
- an alias configured in capitals that is an everyday word (``GOSH``) counts only where the text writes it in
  capitals: "GOSH nurses", not "oh my gosh" (its hashtag form counts either way);
- where a match lies inside a longer one ("Leeds" in "Leeds Teaching Hospitals"), the longer one wins.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from listener.config import AmbiguousAlias, OrganisationConfig
from listener.matching import affixes, normalise
from listener.matching.hits import (
    CONTEXT_WINDOW,
    EVERYDAY,
    HEALTH,
    METHOD_RANK,
    Hit,
    Term,
    WordNumbers,
    accepted,
)

# 5: operation, surgery, trust and admitted are health words only in health phrases, and everyday phrases
# (a coaching clinic, a ward councillor) give none; 4: an organisation is context only nearby; 3: possessives,
# everyday words in capitals
MATCHER_VERSION = "5"


@dataclass(frozen=True)
class Match:
    org_code: str
    method: str  # handle, hashtag, name, alias or fuzzy (a name or alias with one word misspelt)
    matched_text: str


class Matcher:
    """Built once from the organisations in config; ``find(text)`` returns one Match per organisation found."""

    def __init__(self, organisations: Iterable[OrganisationConfig]):
        self.organisations = tuple(organisations)
        self._keys: dict[str, list[Term]] = defaultdict(list)
        for word in (*affixes.HEALTH_WORDS, *affixes.HEALTH_PHRASES):
            self._add_phrase(word, Term(-1, "context", group=HEALTH))
        for phrase in affixes.EVERYDAY_PHRASES:
            self._add_phrase(phrase, Term(-1, EVERYDAY))
        for index, org in enumerate(self.organisations):
            self._add_organisation(index, org)
        exact = set(self._keys)
        for index, org in enumerate(self.organisations):
            self._add_misspellings(index, org, exact)
        self._automaton = ahocorasick.Automaton()
        for key, terms in self._keys.items():
            self._automaton.add_word(key, (len(key), tuple(dict.fromkeys(terms))))
        self._automaton.make_automaton()
        self.key_count = len(self._keys)
        self._capitals = any(term.capitals for terms in self._keys.values() for term in terms)
        del self._keys  # only needed while building

    @property
    def key(self) -> str:
        """Changes when the matcher or the organisations change, so stored posts are matched again."""
        # which shared terms are meant changes only the warnings, not a match
        described = [org.model_dump(mode="json", exclude={"shared_terms_ok"}) for org in self.organisations]
        payload = json.dumps(
            [MATCHER_VERSION, CONTEXT_WINDOW, affixes.fingerprint(), described], sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def find(self, text: str) -> list[Match]:
        """Every configured organisation ``text`` mentions, best evidence first within each organisation."""
        folded = normalise.fold(text)
        searched = normalise.searched_form(folded)
        hits = list(self._hits(searched))
        if not hits:
            return []
        words = WordNumbers(searched)
        if self._capitals:
            hits = [hit for hit in hits if not hit.term.capitals or _in_capitals(text, folded, words, hit)]
        best: dict[int, Hit] = {}
        for hit in accepted(hits, words):
            current = best.get(hit.term.org)
            if current is None or _rank(hit) < _rank(current):
                best[hit.term.org] = hit
        return [
            Match(self.organisations[org].code, hit.method, _original(text, folded, searched, words, hit))
            for org, hit in sorted(best.items())
        ]

    def _hits(self, searched: str):
        for last, (length, terms) in self._automaton.iter(searched):
            start, end = last - length + 1, last + 1
            for term in terms:
                if not term.hashtag:
                    yield Hit(start, end, term)
                    continue
                word_end = searched.find(" ", end)
                if affixes.is_suffix(searched[end:word_end]):
                    yield Hit(start, word_end + 1, term)

    def _add_organisation(self, index: int, org: OrganisationConfig) -> None:
        for handle in org.handles:
            body = normalise.fold(handle)
            self._keys[f" @{body} "].append(Term(index, "handle"))
            self._add_hashtag(body, Term(index, "handle", hashtag=True))
        for hashtag in org.hashtags:
            self._add_hashtag(normalise.fold(hashtag), Term(index, "hashtag", hashtag=True))
        self._add_phrase(org.name, Term(index, "name"), hashtag_form=True)
        for alias in org.aliases:
            self._add_phrase(
                alias, Term(index, "alias", capitals=_everyday_in_capitals(alias)), hashtag_form=True
            )
        for context in org.context:
            self._add_phrase(context, Term(index, "context", group=("org", index)))
        for number, ambiguous in enumerate(org.ambiguous_aliases):
            if isinstance(ambiguous, AmbiguousAlias):
                own = ("alias", index, number)
                for context in ambiguous.context:
                    self._add_phrase(context, Term(index, "context", group=own))
                alias, needs = ambiguous.alias, (own,)
            else:
                alias, needs = ambiguous, (HEALTH, ("org", index))
            term = Term(index, "alias", needs=needs, capitals=_everyday_in_capitals(alias))
            self._add_phrase(alias, term, hashtag_form=True)
        for exclude in org.exclude:
            self._add_phrase(exclude, Term(index, "exclude"))

    def _add_misspellings(self, index: int, org: OrganisationConfig, exact: set[str]) -> None:
        """Names and aliases (not ambiguous ones) with one word misspelt, unless that is someone's exact key."""
        term = Term(index, "fuzzy")
        for phrase in (org.name, *(alias for alias in org.aliases if not _everyday_in_capitals(alias))):
            for variant in normalise.phrase_variants(phrase):
                for misspelt in normalise.misspellings(variant):
                    if f" {misspelt} " not in exact:
                        self._keys[f" {misspelt} "].append(term)

    def _add_phrase(self, phrase: str, term: Term, *, hashtag_form: bool = False) -> None:
        for variant in normalise.phrase_variants(phrase):
            self._keys[f" {variant} "].append(term)
            if hashtag_form:
                hashtag = Term(term.org, term.kind, hashtag=True, needs=term.needs)  # a hashtag in any case
                self._add_hashtag(normalise.compact(variant), hashtag)

    def _add_hashtag(self, body: str, term: Term) -> None:
        if not body.replace("_", "").isalnum():
            return
        for prefix in affixes.PREFIXES:
            self._keys[f" #{prefix}{body}"].append(term)


def _rank(hit: Hit) -> tuple[int, int, int]:
    """Handles first, then hashtags, names and aliases; then the earliest and the longest."""
    return METHOD_RANK[hit.method], hit.start, hit.start - hit.end


def _everyday_in_capitals(alias: str) -> bool:
    """An alias configured in capitals that is also an everyday word: ``GOSH`` (not ``LGI``, not ``Online``)."""
    return alias.isupper() and affixes.is_everyday_phrase(normalise.words(alias))


def _in_capitals(text: str, folded: str, words: WordNumbers, hit: Hit) -> bool:
    span = normalise.word_span(folded, *words.span(hit))
    return span is not None and text[span[0] : span[1]].isupper()


def _original(text: str, folded: str, searched: str, words: WordNumbers, hit: Hit) -> str:
    """The words of ``text`` that the hit covers, as the author wrote them."""
    span = normalise.word_span(folded, *words.span(hit))
    return (text[span[0] : span[1]] if span else searched[hit.start : hit.end].strip())[:300]

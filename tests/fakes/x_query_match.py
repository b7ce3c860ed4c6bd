"""The subset of X search query syntax the fake X API understands, evaluated against stored posts.

Grammar as X documents it (docs.x.com, "Build a query"): a space is AND, ``OR`` is OR, AND binds before OR,
parentheses group, ``-`` negates a term; negated groups are refused. Terms: ``"exact phrase"``, bare keywords,
``@handle``, ``#hashtag``, ``from:``, ``lang:``, ``is:retweet``. All matching is case-insensitive. A quote post
matches on its own text only, never the quoted post's ("Quote Tweet matching" on the same page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]
TOKEN = re.compile(r'-?"[^"]*"|-?\(|\)|[^\s()]+')


class QueryError(ValueError):
    """The query is not one X would accept."""


def compile_query(query: str) -> Predicate:
    tokens = TOKEN.findall(query)
    predicate, rest = _or(tokens)
    if rest:
        raise QueryError(f"unexpected {rest[0]!r}")
    return predicate


def _or(tokens: list[str]) -> tuple[Predicate, list[str]]:
    parts = []
    while True:
        part, tokens = _and(tokens)
        parts.append(part)
        if not tokens or tokens[0] != "OR":
            return (lambda post: any(p(post) for p in parts)), tokens
        tokens = tokens[1:]


def _and(tokens: list[str]) -> tuple[Predicate, list[str]]:
    parts = []
    while tokens and tokens[0] not in (")", "OR"):
        part, tokens = _unary(tokens)
        parts.append(part)
    if not parts:
        raise QueryError("empty group or dangling OR")
    return (lambda post: all(p(post) for p in parts)), tokens


def _unary(tokens: list[str]) -> tuple[Predicate, list[str]]:
    token, tokens = tokens[0], tokens[1:]
    if token == "-(":
        raise QueryError("negated groups are not allowed: write -a -b instead of -(a OR b)")
    if token == "(":
        inner, tokens = _or(tokens)
        if not tokens or tokens[0] != ")":
            raise QueryError("unbalanced parentheses")
        return inner, tokens[1:]
    if token.startswith("-") and len(token) > 1:
        positive = _term(token[1:])
        return (lambda post: not positive(post)), tokens
    return _term(token), tokens


def _term(token: str) -> Predicate:
    if token.startswith('"'):
        return _words(token.strip('"'))
    if token.startswith(("@", "#")):
        return _words(token)
    if ":" in token:
        operator, value = token.split(":", 1)
        value = value.lower()
        if operator == "from":
            return lambda post: post["_username"].lower() == value
        if operator == "lang":
            return lambda post: post.get("lang") == value
        if operator == "is" and value == "retweet":
            return lambda post: any(r["type"] == "retweeted" for r in post.get("referenced_tweets", []))
        raise QueryError(f"operator {operator}: is not supported by the fake")
    return _words(token)


def _words(text: str) -> Predicate:
    pattern = re.compile(r"(?<![\w@#])" + re.escape(text) + r"(?!\w)", re.IGNORECASE)
    return lambda post: bool(pattern.search(post["text"]))

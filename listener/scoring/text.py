"""Text as the NHS-aware scorer sees it: bounded in size, tokenised, and turned into model features.

Every post is scored in bounded time. VADER's time grows steeply with emoji (each one becomes a description of
several words, and some of its checks are quadratic in the number of words): 2,000 emoji take it seconds and
10,000 take it half a minute. So before anything reads a post, ``clean_text``:

- turns a missing or non-string value into text (``None`` and NaN become ``""``);
- shortens runs of one repeated character to three ("soooooo" -> "sooo", twenty 😡 -> three);
- keeps the first ``MAX_EMOJI`` emoji and drops the rest;
- keeps the first ``MAX_CHARS`` characters, cut at a space where it can.

The same features are built at training time and at scoring time (this module is the only place they are made),
so a shipped model always sees what it was trained on.
"""

from __future__ import annotations

import hashlib
import math
import re

from listener.scoring.phrases import words

MAX_CHARS = 2000
MAX_EMOJI = 30
# Longer input is sliced before any regular expression reads it, so the cleaning itself is bounded too.
_MAX_RAW_CHARS = 4 * MAX_CHARS

_REPEATS = re.compile(r"(.)\1{3,}", re.DOTALL)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[!?]|[.;:,]")
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "nor",
        "neither",
        "without",
        "cannot",
        "cant",
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "arent",
        "aint",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_STEM = 5
_CLAUSE_END = frozenset(".;:,!?")
_NEGATION_SCOPE = 3

QUESTION_TYPES = ("could_improve", "what_good", "nonspecific")
_IMPROVE = re.compile(r"improve|better|change|dissatisf|worse|wrong", re.IGNORECASE)
_GOOD = re.compile(r"\bgood\b|went well|like best|positive", re.IGNORECASE)


def clean_text(value: object) -> str:
    """The text of a post, bounded in size (see the module docstring); never raises."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text[:_MAX_RAW_CHARS]
    text = _REPEATS.sub(_three, text)
    if not text.isascii() and len(_EMOJI.findall(text)) > MAX_EMOJI:  # every emoji is outside ASCII
        text = _drop_emoji_after(text, MAX_EMOJI)
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", MAX_CHARS // 2, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS]
    return text


def _three(run: re.Match[str]) -> str:
    """A run's character three times. A function rather than a template string: with a template, every call to
    sub goes through the re module's Python code (re._subx) to expand it, which costs more than calling this on
    the few runs there are."""
    return run.group(1) * 3


def _drop_emoji_after(text: str, keep: int) -> str:
    seen = 0

    def keep_first(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group(0) if seen <= keep else ""

    return _EMOJI.sub(keep_first, text)


def question_type(question: object) -> str:
    """Normalise a feedback question into the three types the model knows (as pxtextmining does).

    "How could we improve?" and "What could we do better?" are ``could_improve`` ("Nothing" answers them with
    praise); "What was good?" is ``what_good``; anything else, and a social post with no question at all, is
    ``nonspecific``.
    """
    text = clean_text(question)
    if _IMPROVE.search(text) and "satisfied and/or" not in text:
        return "could_improve"
    if _GOOD.search(text):
        return "what_good"
    return "nonspecific"


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; a word within three words after a negator (and before a clause ends) gets ``not_``."""
    return _negate(_TOKEN.findall(text.lower().replace("n't", "nt").replace("n’t", "nt")))


def read_words(text: str) -> tuple[list[str], list[str]]:
    """``(tokens(text), phrases.words(text))``, from one pass over the text when it has no "n't" to rewrite."""
    lower = text.lower()
    if "n't" in lower or "n’t" in lower:
        return tokens(text), words(text)
    found = _TOKEN.findall(lower)  # phrases.words' pattern, or one punctuation mark
    return _negate(found), [token for token in found if token not in _CLAUSE_END]


def _negate(found: list[str]) -> list[str]:
    if _NEGATORS.isdisjoint(found):  # nothing to negate: drop the clause ends but "!" and "?"
        return [token for token in found if token not in _CLAUSE_END or token in "!?"]
    out = []
    negated = 0
    for token in found:
        if token in _CLAUSE_END:
            negated = 0
            if token in "!?":
                out.append(token)
            continue
        if negated:
            out.append("not_" + token)
            negated -= 1
        else:
            out.append(token)
        if token in _NEGATORS:
            negated = _NEGATION_SCOPE
    return out


def question_key(question: str) -> str:
    """A short stable key for a question's wording ("" for no question): the question's lower-case words, hashed.

    The model learns which answers mean what under each question it was trained with ("Nothing" answers "How could we
    improve?" with praise); a question it never saw still gets its question type (question_type).
    """
    found = _WORD.findall(question.lower())
    return hashlib.sha1(" ".join(found).encode()).hexdigest()[:8] if found else ""


def text_features(text: str, qtype: str, text_tokens: list[str] | None = None, qkey: str = "") -> list[str]:
    """The sparse features of one answer or post. ``text_tokens`` are tokens(text) if the caller has them.

    - word unigrams and bigrams, and the question type as a token that also pairs with the first word;
    - the first ``_STEM`` letters of each longer word ("p:appoi" for appointment, appointments...), a cheap stem;
    - with a question (``qkey``, from question_key): the question itself and each word paired with it.
    """
    marker = "q=" + qtype
    words_ = tokens(text) if text_tokens is None else text_tokens
    grams = [marker, *words_]
    grams.extend(map(" ".join, zip(grams, grams[1:], strict=False)))
    grams.extend(
        ["p:" + word[:_STEM] for word in words_ if len(word) > _STEM and not word.startswith("not_")]
    )
    if qkey:
        grams.append("Q=" + qkey)
        grams.extend([f"Q{qkey}:{word}" for word in words_])
    return grams

"""The language a quoted post is marked with in the HTML report, so a screen reader reads it with the right voice.

Platforms give a post's language in their own ways: X ``"cy"``, ``"und"`` or its private ``"qme"``, Bluesky and
Mastodon a BCP 47 tag (``"en-GB"``), an imported file whatever it holds. Only a tag a screen reader can use is
kept; anything else is dropped, and the quote is read in the page's language as before.
"""

from __future__ import annotations

import re

PAGE_LANGUAGE = "en-GB"  # the report's own text; a post in English (any English) is read in the page's voice

# ISO 639-1, the two-letter codes a BCP 47 tag must use where a language has one.
_ISO_639_1 = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee "
    "el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is "
    "it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms "
    "mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk "
    "sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu"
)
_TWO_LETTER = frozenset(_ISO_639_1.split())
# Codes X still sends for Indonesian, Hebrew and Yiddish, which BCP 47 replaced.
_REPLACED = {"in": "id", "iw": "he", "ji": "yi"}
# Three-letter codes that name no one language: undetermined, several, none, uncoded; and English itself.
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis", "eng"})
_PRIVATE_USE = re.compile(r"q[a-t][a-z]")  # qaa-qtz: X's "qme" (media only), "qht" (hashtags only) and so on
_SCRIPT = re.compile(r"[a-z]{4}")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")


def quote_language(tag: str | None) -> str | None:
    """The ``lang`` for a quote of a post whose platform gave ``tag``; None to read it in the page's language.

    >>> [quote_language(t) for t in ("cy", "cy-gb", "en", "en-US", "und", "qme", "Welsh", None)]
    ['cy', 'cy-GB', None, None, None, None, None, None]
    """
    subtags = (tag or "").strip().replace("_", "-").lower().split("-")
    primary = _REPLACED.get(subtags[0], subtags[0])
    if not _is_language(primary) or primary == PAGE_LANGUAGE.split("-")[0]:
        return None
    parts = [primary]
    rest = subtags[1:]
    if rest and _SCRIPT.fullmatch(rest[0]):
        parts.append(rest.pop(0).title())
    if rest and _REGION.fullmatch(rest[0]):
        parts.append(rest.pop(0).upper())
    return "-".join(parts)  # variants and extensions are dropped: voices are chosen by language and region


def _is_language(code: str) -> bool:
    if len(code) == 2:
        return code in _TWO_LETTER
    # ISO 639-2/3 codes are taken as given: there are thousands, and a platform sends one only for a language
    # without a two-letter code
    return (
        len(code) == 3
        and code.isascii()
        and code.isalpha()
        and code not in _NOT_A_LANGUAGE
        and not (_PRIVATE_USE.fullmatch(code))
    )

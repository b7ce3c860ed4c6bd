"""Care Opinion sends a story's body as Markdown; listener stores text, as it does for every source.

What a reader would see is kept: a link's text (its URL only when that is its text), an image's alt text,
headings, list items and quotes as lines of their own, a line break per line, a blank line between paragraphs.
Markup is dropped: emphasis, heading and list markers, code fences, rules, reference definitions, escapes.
Plain text passes through unchanged: a ``*`` or ``_`` counts as emphasis only in pairs that hug a word
("5 * 3" and "A_and_E" stay), ``#`` only as a heading marker before a space, and ordered list numbers are kept.
"""

from __future__ import annotations

import html
import re

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
_PROTECTED = 0xE000  # escaped characters are parked in the private-use area until markup is gone

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_RULE_OR_UNDERLINE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_CODE = re.compile(r"`+([^`]+?)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"
)
# Only entities closed by ";": html.unescape alone reads "&not" in plain "A&notice" as "¬".
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_STRUCK = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


def markdown_text(markdown: str) -> str:
    """The text a reader sees in ``markdown`` (or in plain text, which comes back as it was)."""
    protected = _ESCAPED.sub(lambda m: chr(_PROTECTED + ord(m.group(1))), markdown.replace("\r\n", "\n"))
    lines = [_line_text(line) for line in protected.split("\n")]
    text = "\n".join(line for line in lines if line is not None)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    restored = re.sub("[\ue000-\ue0ff]", lambda m: chr(ord(m.group()) - _PROTECTED), text)
    return _ENTITY.sub(lambda m: html.unescape(m.group()), restored)


def _line_text(line: str) -> str | None:
    """One line without its block markup; None for a line that is only markup (a rule, a fence, a reference)."""
    if _RULE_OR_UNDERLINE.match(line) or _FENCE.match(line) or _REFERENCE.match(line):
        return None
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(1) or ""
    line = _BULLET.sub(r"\1", _QUOTE.sub("", line))
    return _inline_text(line).rstrip()


def _inline_text(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(lambda m: m.group(1).strip() or m.group(2), line)
    line = _REFERENCE_LINK.sub(r"\1", _AUTOLINK.sub(r"\1", line))
    line = _CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)
    return _STRUCK.sub(r"\1", line)

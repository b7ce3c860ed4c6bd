"""Mastodon sends a status's content as HTML; listener stores text."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _TextOfHtml(HTMLParser):
    """Keeps the text, with a line break per <br> and a blank line after each paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(spoiler: str, content: str) -> str:
    """A status's text: its content warning (``spoiler_text``), a blank line, then its content as text."""
    parser = _TextOfHtml()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts).strip()
    return f"{spoiler.strip()}\n\n{text}" if spoiler.strip() else text

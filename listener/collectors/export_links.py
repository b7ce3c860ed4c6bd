"""Links to posts that do not name their author.

Collectors build their own links without a handle (docs/data-protection.md, "Post ids and links"); a file import
takes links as an export wrote them, and exports write the platforms' usual links, which name the author:
``x.com/NAME/status/ID``, ``server/@NAME/ID``, ``bsky.app/profile/NAME/post/KEY``, ``reddit.com/user/NAME``.
``link_without_author`` turns each into the form the collectors store, or drops it where no such form exists.
"""

from __future__ import annotations

import re

from listener.collectors.mastodon_status import status_link

_X_STATUS = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?!i/)[A-Za-z0-9_]+/status(?:es)?/(\d+)", re.IGNORECASE
)
_MASTODON_STATUS = re.compile(r"(https?://[^/\s]+)/(?:@[^/\s]+|users/[^/\s]+/statuses)/(\d+)", re.IGNORECASE)
_BLUESKY_BY_HANDLE = re.compile(r"https?://bsky\.app/profile/(?!did:)[^/\s]+", re.IGNORECASE)
_REDDIT_USER = re.compile(r"https?://(?:[a-z]+\.)?reddit\.com/(?:u|user)/", re.IGNORECASE)


def link_without_author(url: str | None) -> str | None:
    """The link in a form that does not name its author, or None when the platform has none."""
    if not url:
        return None
    if found := _X_STATUS.match(url):
        return f"https://x.com/i/web/status/{found[1]}"
    if found := _MASTODON_STATUS.match(url):
        return status_link(found[1], found[2])
    if _BLUESKY_BY_HANDLE.match(url) or _REDDIT_USER.match(url):
        return None  # a Bluesky link needs the author's DID, which the export does not give
    return url

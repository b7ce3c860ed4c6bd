"""Collectors, chosen by the ``kind`` of a source. Modules are imported only when their kind is used."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from listener.collectors.base import Collector, SourceOptions

# kind -> "module:class". Add a platform by writing its module and naming it here.
COLLECTORS: dict[str, str] = {
    "bluesky": "listener.collectors.bluesky:BlueskyCollector",
    "careopinion": "listener.collectors.careopinion:CareOpinionCollector",
    "file": "listener.collectors.file:FileCollector",
    "mastodon": "listener.collectors.mastodon:MastodonCollector",
    "nhs_reviews": "listener.collectors.nhs_reviews:NhsReviewsCollector",
    "reddit": "listener.collectors.reddit:RedditCollector",
    "rss": "listener.collectors.rss:RssCollector",
    "x": "listener.collectors.x:XCollector",
}


def collector_kinds() -> list[str]:
    return sorted(COLLECTORS)


def collector_class(kind: str) -> type[Collector]:
    module_name, class_name = COLLECTORS[kind].split(":")
    return getattr(import_module(module_name), class_name)


def options_model(kind: str) -> type[SourceOptions]:
    return collector_class(kind).Options

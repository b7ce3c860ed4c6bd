"""Scorers, by name. Modules are imported only when their scorer is used."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from listener.scoring.base import Scorer

# name -> "module:class", in the order they run.
SCORERS: dict[str, str] = {
    "vader": "listener.scoring.vader:VaderScorer",
}


def scorer_names() -> list[str]:
    return list(SCORERS)


def load_scorer(name: str) -> Scorer:
    module_name, class_name = SCORERS[name].split(":")
    return getattr(import_module(module_name), class_name)()

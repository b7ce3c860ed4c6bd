"""Scorers, by name. Modules are imported only when their scorer is used."""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from listener.config import ScoringConfig
    from listener.scoring.base import Scorer

# name -> "module:class", in the order they run.
SCORERS: dict[str, str] = {
    "vader": "listener.scoring.vader:VaderScorer",
    "sentiment": "listener.scoring.nhs:NhsScorer",
}


def scorer_names() -> list[str]:
    return list(SCORERS)


def load_scorer(name: str, config: ScoringConfig | None = None) -> Scorer:
    """The named scorer; scorers whose results depend on config (theme keywords) take the scoring section."""
    module_name, class_name = SCORERS[name].split(":")
    cls = getattr(import_module(module_name), class_name)
    return cls(config) if config is not None and "config" in inspect.signature(cls).parameters else cls()

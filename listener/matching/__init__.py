"""Which configured organisations a post mentions. Everything downstream counts posts per organisation."""

from listener.matching.matcher import Match, Matcher

__all__ = ["Match", "Matcher"]

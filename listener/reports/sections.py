"""The weekly report's sections built from the store: needs attention, themes, praise, emerging, platforms."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from listener.privacy import redact
from listener.reports import data, names
from listener.reports.headline import usual_range
from listener.reports.languages import quote_language
from listener.reports.spc import xmr_chart
from listener.reports.terms import Term, document_counts, emerging_terms, exclusions
from listener.store.models import Flag, ThemeScore

ATTENTION_PER_FLAG = 25
PRAISE_QUOTES = 10
QUOTES_PER_THEME = 3
TEXT_SAMPLE = 20_000  # posts read for emerging terms; larger weeks are sampled by post id
# A theme is "rising" only with this many posts in the week: a theme usually seen once a month or less has a usual
# range of 0 posts, so a single post is "above" it, and with some 40 themes a few would "rise" every week by chance.
MIN_RISING_POSTS = 3
QUOTE_CHARS = 600  # about 100 words: a longer post (Reddit, a Care Opinion story) is shortened where quoted


@dataclass(frozen=True)
class PostItem:
    """A post as a reader sees it: redacted text, where and when, a link, its reach and age."""

    post_id: int
    created_at: datetime
    platform: str
    text: str
    url: str | None
    reach: int
    label: str | None
    age: str
    reason: str | None = None
    lang: str | None = None  # as the platform gave it

    @property
    def platform_name(self) -> str:
        return names.platform_name(self.platform)

    @property
    def quote_lang(self) -> str | None:
        """The HTML ``lang`` of the quote when it is not in the report's language, so it is read in its own."""
        return quote_language(self.lang)

    @property
    def quote(self) -> str:
        """The text as the report quotes it: shortened past QUOTE_CHARS (the post's link has it all)."""
        return shorten(self.text, QUOTE_CHARS)


def shorten(text: str, limit: int) -> str:
    """``text`` whole if it has at most ``limit`` characters, else cut at a word before it and marked "[…]".

    A redaction marker ("[NHS number]") is never cut in two: the cut goes before it."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    if cut.rfind("[") > cut.rfind("]"):
        cut = cut[: cut.rfind("[")]
    return cut.rstrip(" ,;:-") + " […]"


@dataclass(frozen=True)
class FlagGroup:
    flag: str
    name: str
    total: int
    posts: list[PostItem]


@dataclass(frozen=True)
class Attention:
    """Posts to act on, safeguarding first. ``available`` is False until a scorer has written any flag."""

    available: bool
    groups: list[FlagGroup]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    name: str
    posts: int
    negative: int
    neutral: int
    positive: int
    previous: int
    usual: float | None
    usual_high: float | None
    quotes: list[PostItem]
    baseline_weeks: int = 0

    @property
    def rising(self) -> bool:
        """Above its usual range (the same definition as the headline's), so never without a usual range, and in
        at least MIN_RISING_POSTS posts."""
        return self.usual_high is not None and self.posts > self.usual_high and self.posts >= MIN_RISING_POSTS

    @property
    def change(self) -> str:
        if not self.baseline_weeks:
            return "no earlier weeks to compare with"
        if self.usual is None:
            return f"{self.previous} last week; no usual range yet"
        if round(self.usual) == 0:
            return f"{self.previous} last week, rarely seen before"
        return f"{self.previous} last week, usually about {self.usual:.0f} a week"


@dataclass(frozen=True)
class Emerging:
    terms: list[Term]
    themes: list[ThemeRow]
    sample_every: int = 1
    baseline_weeks: int = 0


@dataclass(frozen=True)
class PlatformRow:
    platform: str
    posts: int
    previous: int
    negative: int
    neutral: int
    positive: int

    @property
    def name(self) -> str:
        return names.platform_name(self.platform)

    @property
    def net(self) -> float | None:
        scored = self.negative + self.neutral + self.positive
        return None if not scored else 100 * (self.positive - self.negative) / scored


def age_words(created_at: datetime, now: datetime) -> str:
    hours = max((now - created_at).total_seconds(), 0) / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{hours:.0f} hours" if round(hours) != 1 else "1 hour"
    days = hours / 24
    return f"{days:.0f} days" if days < 14 else f"{days / 7:.0f} weeks"


def post_items(frame: pd.DataFrame, handles: Sequence[str], now: datetime) -> list[PostItem]:
    zone = now.tzinfo
    return [
        PostItem(
            post_id=int(row["post_id"]),
            created_at=row["created_at"].astimezone(zone),
            platform=row["platform"],
            text=redact(row["text"], handles),
            url=_text_or_none(row["url"]),
            reach=int(row["reach"]),
            label=row["label"],
            age=age_words(row["created_at"], now),
            reason=_text_or_none(row.get("reason")),
            lang=_text_or_none(row["lang"]),
        )
        for row in frame.to_dict("records")
    ]


def _text_or_none(value: object) -> str | None:
    """A text column that may be NULL, as read into a frame: pandas reads NULL among strings as NaN, which is
    true and would be shown ("Open the post" linking to "nan")."""
    return value if isinstance(value, str) else None


def build_attention(
    engine: Engine, scope: data.OrgScope, week: data.Week, handles: Sequence[str], now: datetime
) -> Attention:
    wanted = (*names.ATTENTION_FLAGS, names.ABUSE_OF_STAFF)
    counts = data.flag_counts(engine, scope, week)
    posts = data.flagged_posts(engine, scope, week, wanted, ATTENTION_PER_FLAG)
    groups = [
        FlagGroup(
            flag,
            names.flag_name(flag),
            counts.get(flag, 0),
            post_items(posts[posts.flag == flag], handles, now),
        )
        for flag in wanted
    ]
    return Attention(data.store_has_rows(engine, Flag.__table__), groups)


def build_praise(
    engine: Engine, scope: data.OrgScope, week: data.Week, handles: Sequence[str], now: datetime
) -> list[PostItem] | None:
    """Posts flagged praise_to_share; None when no scorer has written flags yet."""
    if not data.store_has_rows(engine, Flag.__table__):
        return None
    posts = data.flagged_posts(engine, scope, week, [names.PRAISE_TO_SHARE], PRAISE_QUOTES)
    return post_items(posts, handles, now)


def build_themes(
    engine: Engine,
    scope: data.OrgScope,
    weeks: Sequence[data.Week],
    handles: Sequence[str],
    now: datetime,
    theme_names: Mapping[str, str] | None = None,
) -> list[ThemeRow] | None:
    """Themes of the last of ``weeks``, biggest first, against the weeks before (the baseline, as in the headline);
    None before any theme scores. ``theme_names`` are the names the config gives themes (``scoring.themes.names``)."""
    if not data.store_has_rows(engine, ThemeScore.__table__):
        return None
    counts = data.theme_week_counts(engine, scope, weeks)
    counts = counts[~counts.theme.isin(names.RELEVANCE_THEMES)]
    quotes = data.theme_quotes(engine, scope, weeks[-1], QUOTES_PER_THEME)
    last = len(weeks) - 1
    rows = []
    for theme, group in counts.groupby("theme"):
        this = group[group.week_index == last]
        if this.empty:
            continue
        per_week = group.groupby("week_index")["posts"].sum().reindex(range(len(weeks)), fill_value=0)
        split = this.groupby(this.label.fillna("unscored"))["posts"].sum()
        usual, high = _usual(per_week.iloc[:-1].tolist())
        rows.append(
            ThemeRow(
                theme=theme,
                name=names.theme_name(theme, theme_names),
                posts=int(per_week.iloc[-1]),
                negative=int(split.get("negative", 0)),
                neutral=int(split.get("neutral", 0)),
                positive=int(split.get("positive", 0)),
                previous=int(per_week.iloc[-2]) if len(per_week) > 1 else 0,
                usual=usual,
                usual_high=high,
                quotes=post_items(quotes[quotes.theme == theme], handles, now),
                baseline_weeks=last,
            )
        )
    return sorted(rows, key=lambda r: (-r.posts, r.name))


def _usual(history: list[int]) -> tuple[float | None, float | None]:
    """(average, top of the usual range) of a theme's weekly posts; (None, None) with too few weeks."""
    usual = usual_range(history, "count")
    if usual.high is None:
        return None, None
    return xmr_chart(history).mean, usual.high


def build_emerging(
    engine: Engine,
    scope: data.OrgScope,
    weeks: Sequence[data.Week],
    posts_per_week: dict[str, int],
    org_names: Sequence[str],
    themes: list[ThemeRow] | None,
) -> Emerging:
    """Terms that spike this week against the baseline weeks, and themes above their usual range."""
    total = sum(posts_per_week.values())
    every = max(1, math.ceil(total / TEXT_SAMPLE))
    texts = data.week_texts(engine, scope, weeks, every)
    exclude = exclusions(org_names)
    last = len(weeks) - 1
    current = texts[texts.week_index == last]["text"]
    history = texts[texts.week_index != last]
    first_week = min(history.week_index, default=last)  # weeks before the first post are not baseline
    baseline_weeks = last - int(first_week)
    terms = emerging_terms(
        document_counts(current, exclude),
        len(current),
        document_counts(history["text"], exclude),
        len(history),
        baseline_weeks,
    )
    if every > 1:
        terms = [Term(t.term, t.posts * every, t.expected * every, t.usual_per_week * every) for t in terms]
    rising = [t for t in themes or [] if t.rising]
    return Emerging(terms, rising, every, baseline_weeks)


def build_platforms(
    engine: Engine, scope: data.OrgScope, previous: data.Week, week: data.Week
) -> list[PlatformRow]:
    frame = data.platform_counts(engine, scope, previous, week)
    rows = [
        PlatformRow(**{k: (v if k == "platform" else int(v)) for k, v in r.items()})
        for r in frame.to_dict("records")
    ]
    return sorted(rows, key=lambda r: (-r.posts, r.platform))

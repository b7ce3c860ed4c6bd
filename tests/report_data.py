"""A fixed dataset for report tests, inserted straight into the store (as the scorers and collectors would).

RJ1 has posts in the 14 ISO weeks 2026-W34 to 2026-W47 (Europe/London). The last week has a spike in volume and
in negative posts, a burst of posts about a broken lift, theme scores (one of them the not-about-care relevance
label), triage flags, and collection runs that failed or were rate-limited. Everything is deterministic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from listener.store import Store
from listener.store.models import (
    CollectionRun,
    Flag,
    Mention,
    Organisation,
    Post,
    Scoring,
    SentimentScore,
    ThemeScore,
)

FIRST_WEEK, LAST_WEEK = 34, 47
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday morning after week 47
SCORER, VERSION = "sentiment", "test-1"
IN_WEEK = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # in 2026-W47

ROUTINE = [
    ("Lovely staff on the ward, thank you all", "positive", "staff_attitude"),
    ("Waited four hours in outpatients again", "negative", "waiting_times"),
    ("Parking at the hospital costs a fortune", "negative", "parking"),
    ("Visiting hours are 2pm to 8pm", "neutral", None),
    ("Fun run for the hospital charity on Sunday", "neutral", "not_about_care"),
]
SPIKE = [
    ("The lift broken again on level 3, had to carry the buggy up", "negative", "environment"),
    ("Lift broken for a week now, patients stuck. Email me jo@example.com", "negative", "environment"),
    ("Waited nine hours in A&E with my dad, call 07700 900123 @jo_bloggs", "negative", "waiting_times"),
]


def week_monday(week: int) -> date:
    return date.fromisocalendar(2026, week, 1)


def posts_in_week(week: int) -> int:
    return 30 if week == LAST_WEEK else 10 + week % 3


def load_report_dataset(store: Store, *, themes: bool = True, flags: bool = True, runs: bool = True) -> None:
    """Insert the dataset; ``themes``/``flags``/``runs`` False leaves those tables empty."""
    with store.transaction() as session:
        session.add(
            Organisation(
                code="RJ1",
                name="Guy's and St Thomas' NHS Foundation Trust",
                aliases=[],
                handles=["GSTTnhs"],
                hashtags=[],
                updated_at=NOW,
            )
        )
        post_id, later = 0, []
        for week in range(FIRST_WEEK, LAST_WEEK + 1):
            for n in range(posts_in_week(week)):
                post_id += 1
                text, label, theme = _content(week, n)
                created = datetime.combine(week_monday(week), datetime.min.time(), UTC) + timedelta(
                    hours=9 + (n * 7) % 150
                )
                later += _add_post(session, post_id, week, n, text, label, created)
                if themes and theme:
                    later.append(
                        ThemeScore(
                            post_id=post_id,
                            scorer=SCORER,
                            theme=theme,
                            version=VERSION,
                            confidence=0.5 + (n % 5) / 10,
                        )
                    )
        session.flush()
        session.add_all(later)
        session.flush()
        if flags:
            _add_flags(session, post_id)
        if runs:
            _add_runs(session)


def add_post(
    session, post_id, text, handle, orgs, label, *, theme=None, flag=None, created_at=IN_WEEK, vader=None
):
    """A post in 2026-W47 (or at ``created_at``) by ``handle`` (kept only for organisations' accounts) naming
    ``orgs``, labelled ``label`` by the sentiment scorer (None: not scored yet) and ``vader`` by VADER."""
    session.add(
        Post(
            id=post_id,
            platform="x",
            native_id=f"extra{post_id}",
            source="fixture",
            text=text,
            url=f"https://x.test/p/{post_id}",
            created_at=created_at,
            collected_at=NOW,
            author_key=f"key-{handle}",
            author_handle=handle,
        )
    )
    session.flush()
    session.add_all(
        Mention(post_id=post_id, org_code=code, method="name", matched_text=code) for code in orgs
    )
    for scorer, given in (("sentiment", label), ("vader", vader)):
        if given:
            score = {"positive": 0.6, "negative": -0.6, "neutral": 0.0}[given]
            session.add_all(
                [
                    Scoring(post_id=post_id, scorer=scorer, version="test-1", scored_at=NOW),
                    SentimentScore(
                        post_id=post_id, scorer=scorer, version="test-1", score=score, label=given
                    ),
                ]
            )
    if theme:
        session.add(
            ThemeScore(post_id=post_id, scorer="sentiment", theme=theme, version="test-1", confidence=1)
        )
    if flag:
        session.add(Flag(post_id=post_id, scorer="sentiment", flag=flag, version="test-1", reason="own post"))


def _content(week: int, n: int) -> tuple[str, str, str | None]:
    if week == LAST_WEEK and n % 2 == 0:
        return SPIKE[n % len(SPIKE)]
    return ROUTINE[(n + week) % len(ROUTINE)]


def _add_post(session, post_id: int, week: int, n: int, text: str, label: str, created: datetime) -> list:
    """Add the post; return its mention and scores, to add once the posts are flushed."""
    session.add(
        Post(
            id=post_id,
            platform="x" if n % 3 else "reddit",
            native_id=f"n{post_id}",
            source="fixture",
            text=f"{text} (#{post_id})",
            url=f"https://x.test/p/{post_id}",
            created_at=created,
            collected_at=NOW,
            author_key=f"author{(post_id * 7) % 23}",
            like_count=n % 4,
            repost_count=n % 2,
            reply_count=1,
            quote_count=None,
        )
    )
    score = {"positive": 0.6, "negative": -0.6, "neutral": 0.0}[label]
    return [
        Mention(post_id=post_id, org_code="RJ1", method="name", matched_text="St Thomas'"),
        Scoring(post_id=post_id, scorer=SCORER, version=VERSION, scored_at=NOW),
        SentimentScore(post_id=post_id, scorer=SCORER, version=VERSION, score=score, label=label),
    ]


def _add_flags(session, last_post: int) -> None:
    first_spike = last_post - posts_in_week(LAST_WEEK) + 1
    flagged = [
        (first_spike + 4, "safeguarding", "mentions feeling unsafe on discharge"),
        (first_spike + 2, "needs_response", "asks the trust a direct question"),
        (first_spike + 8, "needs_response", "complaint about a named service"),
        (first_spike + 3, "praise_to_share", "thanks the staff on the ward"),
    ]
    for post_id, flag, reason in flagged:
        session.add(Flag(post_id=post_id, scorer=SCORER, flag=flag, version=VERSION, reason=reason))


def _add_runs(session) -> None:
    monday = datetime.combine(week_monday(LAST_WEEK), datetime.min.time(), UTC)
    for hours, status, error in [
        (10, "ok", None),
        (11, "failed", "HTTP 503 from the platform"),
        (12, "rate_limited", "429: wait 900 s"),
        (13, "ok", None),
    ]:
        session.add(
            CollectionRun(
                source="x-search",
                stream="mentions",
                started_at=monday + timedelta(hours=hours),
                finished_at=monday + timedelta(hours=hours, minutes=1),
                status=status,
                requests=1,
                posts_read=0,
                posts_new=0,
                error=error,
            )
        )

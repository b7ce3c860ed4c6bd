"""The sections of config.yaml, each a typed frozen model, and the checks they share (durations, cron lines,
database URLs). ``listener.config`` puts them together into ``Config`` and loads the file."""

from __future__ import annotations

import logging
import re
import typing
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

log = logging.getLogger("listener.config")

DEFAULT_DATABASE_URL = "sqlite:///listener.db"

_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_duration(value: Any) -> timedelta:
    """Parse "30s", "15m", "2h", "1d" or combinations such as "1h30m"."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise ValueError(f'expected a duration like "15m", "2h" or "1d", got {value!r}')
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if duration <= timedelta(0):
        raise ValueError(f"expected a duration longer than zero, got {value!r}")
    return duration


def parse_duration_or_zero(value: Any) -> timedelta:
    """A duration that may be none at all, as an overlap or a lookback may: 0 (or "0"), else as parse_duration."""
    return timedelta(0) if value in (0, "0") else parse_duration(value)


class Section(BaseModel):
    """Base of every config section: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _env_keys_name_variables(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                named_env = isinstance(key, str) and key.endswith("_env") and value is not None
                if named_env and (not isinstance(value, str) or not _ENV_NAME.match(value)):
                    raise ValueError(
                        f"{key}: expected the name of an environment variable (the secret itself "
                        f"never goes in config.yaml), got {value!r}"
                    )
        return data


class StoreConfig(Section):
    """Where posts and results are kept."""

    url: str = Field(DEFAULT_DATABASE_URL, min_length=1)
    keep_raw: bool = False

    @field_validator("url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        return check_database_url(url)


def check_database_url(url: str) -> str:
    """A SQLite or Postgres URL that SQLAlchemy can parse (the error never shows the password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    expected = 'expected a SQLAlchemy URL like "sqlite:///listener.db" or "postgresql://user@host/db"'
    if not url.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
        raise ValueError(f"{expected}, got {_hide_password(url)!r}")
    try:
        make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ValueError(f"{expected}, got {_hide_password(url)!r}") from None
    return url


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


REDACTION_CATEGORIES = ("nhs_number", "phone", "email", "postcode", "handle", "name")


class PrivacyConfig(Section):
    """How authors are pseudonymised (a keyed hash whose secret never enters the database) and what is redacted."""

    pseudonym_key_env: str = "LISTENER_PSEUDONYM_KEY"
    pseudonym_key_file: Path | None = None
    redact_stored_text: bool = True
    redact: tuple[Literal["nhs_number", "phone", "email", "postcode", "handle", "name"], ...] = (
        REDACTION_CATEGORIES
    )


class RetentionConfig(Section):
    """How long personal data is kept: post text, author keys and payloads are purged after ``posts_days``."""

    posts_days: int | None = Field(180, gt=0)


class AmbiguousAlias(Section):
    """An alias that counts only with one of its own context terms nearby (e.g. "St Mary's Hospital")."""

    alias: str = Field(min_length=2)
    context: tuple[str, ...] = Field(min_length=1)


class OrganisationConfig(Section):
    """An NHS organisation to listen for. See docs/configuration.md for how each key is matched."""

    code: str = Field(pattern=r"^[A-Z0-9]{3,5}$")
    name: str = Field(min_length=2)
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str | AmbiguousAlias, ...] = ()
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    shared_terms_ok: tuple[str, ...] = ()  # terms shared with other organisations on purpose: no warning

    @field_validator("code", mode="before")
    @classmethod
    def _upper_code(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("handles", "hashtags", mode="before")
    @classmethod
    def _strip_sigils(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(v.strip().lstrip("@#") if isinstance(v, str) else v for v in value)
        return value


def check_cron(value: str) -> str:
    """A cron expression of five fields that APScheduler accepts."""
    from listener.scheduler import crontab_trigger

    if len(value.split()) != 5:
        raise ValueError(f'expected a cron expression with five fields like "0 * * * *", got {value!r}')
    try:
        crontab_trigger(value)
    except ValueError as exc:
        raise ValueError(f"expected a valid cron expression, got {value!r} ({exc})") from None
    return value


class ScheduleConfig(Section):
    """When a source is collected: every fixed interval, or on a cron expression."""

    every: timedelta | None = None
    cron: str | None = None

    @field_validator("every", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> ScheduleConfig:
        if (self.every is None) == (self.cron is None):
            given = "neither" if self.every is None else "both"
            raise ValueError(f'expected exactly one of "every" or "cron", got {given}')
        return self


class SourceConfig(Section):
    """A place posts come from. Keys other than the common ones are the kind's own options."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    kind: str
    enabled: bool = True
    schedule: ScheduleConfig = ScheduleConfig(every=timedelta(hours=1))
    alert_after_failures: int | None = Field(None, ge=1, le=1000)
    options: Any = None

    @model_validator(mode="before")
    @classmethod
    def _gather_options(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        common = {k: v for k, v in data.items() if k in cls.model_fields and k != "options"}
        common["options"] = {k: v for k, v in data.items() if k not in cls.model_fields}
        return common


class ThemesConfig(Section):
    """Keyword rules for themes, on top of the trained model (see docs/scoring.md)."""

    keywords: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_themes(self) -> ThemesConfig:
        from listener.scoring.catalogue import builtin_themes, keyword_problem

        known = {theme.id for theme in builtin_themes()} | set(self.names)
        for key in [*self.keywords, *self.names]:
            if not re.match(r"^[a-z][a-z0-9_]*$", key):
                raise ValueError(f"expected a theme id of lower-case letters, digits and _, got {key!r}")
        for key, keywords in self.keywords.items():
            if key not in known:
                raise ValueError(f"keywords.{key}: unknown theme; give a new theme a name under names.{key}")
            for keyword in keywords:
                if problem := keyword_problem(keyword):
                    raise ValueError(f"keywords.{key}: {problem}")
        return self


class ScoringConfig(Section):
    """How posts are scored."""

    batch_size: int = Field(1000, gt=0, le=100_000)
    scorers: tuple[str, ...] | None = None
    themes: ThemesConfig = ThemesConfig()
    # the safeguarding model's threshold (probability 0..1); None: the one chosen in training. Higher means fewer
    # false alarms and more missed concerns; 1 turns the model off (the rules still flag)
    safeguarding_threshold: float | None = Field(None, gt=0, le=1)

    @field_validator("scorers")
    @classmethod
    def _known_scorers(cls, names: tuple[str, ...] | None) -> tuple[str, ...] | None:
        from listener.scoring import scorer_names

        for name in names or ():
            if name not in scorer_names():
                raise ValueError(f"expected scorer names from {', '.join(scorer_names())}, got {name!r}")
        return names


class EmailConfig(Section):
    """Send each report by e-mail through an SMTP server; the password comes from the environment."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str = Field(min_length=1)
    port: int = Field(587, gt=0, lt=65536)
    starttls: bool = True
    from_address: str = Field(alias="from", pattern=r"^[^@\s]+@[^@\s]+$")
    to: tuple[str, ...] = Field(min_length=1)
    username: str | None = None
    password_env: str | None = None

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        value = (value,) if isinstance(value, str) else value
        if isinstance(value, list | tuple):
            for address in value:
                if not isinstance(address, str) or not re.match(r"^[^@\s]+@[^@\s]+$", address):
                    raise ValueError(f"expected e-mail addresses like comms@trust.nhs.uk, got {address!r}")
        return value


class ReportsConfig(Section):
    """Where and how weekly reports are written."""

    timezone: str = "Europe/London"
    output_dir: Path = Path("reports")
    notice: str | None = None
    email: EmailConfig | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f'expected an IANA time zone like "Europe/London", got {value!r}') from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SchedulerConfig(Section):
    """How ``listener run`` schedules jobs, and how long a worker's lease on a stream lasts."""

    timezone: str | None = None
    weekly_reports: str = "0 7 * * 1"
    daily_jobs: str = "30 3 * * *"
    misfire_grace_time: timedelta = timedelta(minutes=10)
    lease_ttl: timedelta = timedelta(minutes=5)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else ReportsConfig._known_zone(value)

    @field_validator("weekly_reports", "daily_jobs")
    @classmethod
    def _cron(cls, value: str) -> str:
        return check_cron(value)

    @field_validator("misfire_grace_time", "lease_ttl", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)


class StatusConfig(Section):
    """When ``listener status`` exits non-zero, so monitoring can alert."""

    alert_after_failures: int = Field(3, ge=1, le=1000)


class LoggingConfig(Section):
    """How log lines are written."""

    format: typing.Literal["text", "json"] = "text"

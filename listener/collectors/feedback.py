"""What the patient-feedback kinds (careopinion, nhs_reviews) share: a subscription key read from the
environment, API timestamps read as UTC, and ODS codes mapped onto the organisations in config."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import field_validator

from listener.collectors.base import secret_from_env
from listener.collectors.http import HttpOptions
from listener.config import Config, parse_duration

_ODS_CODE = re.compile(r"^[A-Z][A-Z0-9]{2,5}$")


class FeedbackOptions(HttpOptions):
    """Options both feedback APIs have; each kind sets its own defaults for the URL and the variable."""

    base_url: str
    subscription_key_env: str
    organisations: tuple[str, ...] = ()
    first_run: timedelta = timedelta(days=30)

    @field_validator("first_run", mode="before")
    @classmethod
    def _first_run(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("organisations", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return tuple(v.strip().upper() for v in value) if isinstance(value, list | tuple) else value

    def organisation_codes(self) -> list[tuple[str, str]]:
        return [(f"organisations[{index}]", code) for index, code in enumerate(self.organisations)]


def subscription_key(source: str, env_name: str, service: str) -> str:
    """The key in ``$env_name``; a clear AuthenticationError when it is not set."""
    return secret_from_env(source, env_name, f"{service} subscription key", "named by subscription_key_env")


def parse_api_time(value: Any) -> datetime:
    """An ISO 8601 time from a JSON API, as UTC; a time without an offset is taken as UTC (both APIs say
    their times are UTC). Raises ValueError with the value when it cannot be read."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected an ISO 8601 time, got {value!r}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time, got {value!r}") from None
    return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed).astimezone(UTC)


def configured_code(code: Any, config: Config) -> str | None:
    """The configured organisation an ODS code belongs to: the code itself, or the trust of a trust site
    (a 5-character site code such as RJ121 starts with its 3-character trust code, RJ1)."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    if not _ODS_CODE.match(code):
        return None
    known = {org.code for org in config.organisations}
    if code in known:
        return code
    if len(code) == 5 and code[:3] in known:
        return code[:3]
    return None


def configured_codes(codes: Iterable[Any], config: Config) -> tuple[str, ...]:
    found = (configured_code(code, config) for code in codes)
    return tuple(dict.fromkeys(code for code in found if code))

"""Reading the fields of an imported file's records: a value at a column, key or dotted path, as text, a count or
a time; and which mapped keys a JSONL file's records have. A value that cannot be read raises a ValueError that
never quotes it (rows hold personal data)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

MISSING = object()  # what lookup finds where a record has no such key
_EPOCH = re.compile(r"^\d+(\.\d+)?$")


class FoundKeys:
    """Which mapped keys the records of a JSONL file have, so a key no record has is reported, not ignored."""

    def __init__(self, mapped: dict[str, str]):
        self.mapped = mapped
        self.found: set[str] = set()
        self.first_keys: list[str] | None = None

    def note(self, record: dict[str, Any]) -> None:
        if self.first_keys is None:
            self.first_keys = list(record)
        self.found.update(name for name, key in self.mapped.items() if lookup(record, key) is not MISSING)

    def all_found(self) -> bool:
        return self.found == set(self.mapped)

    def missing(self) -> dict[str, str]:
        """The mapped fields no record had (none when the file had no records)."""
        if self.first_keys is None:
            return {}
        return {name: key for name, key in self.mapped.items() if name not in self.found}


def csv_record(columns: list[str], row: list[str]) -> dict[str | None, Any]:
    """A CSV row keyed by its columns as ``csv.DictReader`` keys it: values beyond the header go in a list under
    None, columns beyond the row's values are None."""
    record: dict[str | None, Any] = dict(zip(columns, row, strict=False))
    if len(row) > len(columns):
        record[None] = row[len(columns) :]
    for column in columns[len(row) :]:
        record[column] = None
    return record


def value_at(record: dict[str, Any], key: str | None) -> Any:
    if key is None:
        return None
    value = lookup(record, key)
    return None if value is MISSING else value


def lookup(record: dict[str, Any], key: str) -> Any:
    """The value at ``key`` (a column, a key, or a dotted path into nested objects), or ``MISSING``."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return str(value).strip()


def count_of(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        raise ValueError("expected a count") from None


def timestamp_of(value: Any, zone: ZoneInfo) -> datetime | None:
    """ISO 8601, epoch seconds (or milliseconds; decimal, as Reddit's ``created_utc``), X's archive format
    ("Wed Oct 10 20:19:24 +0000 2018") or RFC 2822; a time without an offset is in ``zone``."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if (isinstance(value, int | float) and not isinstance(value, bool)) or _EPOCH.match(text):
        seconds = float(text)
        if seconds > 1e11:  # milliseconds since the epoch
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    for parse in (datetime.fromisoformat, _x_archive_time, parsedate_to_datetime):
        try:
            parsed = parse(text)
        except (TypeError, ValueError):
            continue
        return (parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed).astimezone(UTC)
    raise ValueError("expected an ISO 8601 time, epoch seconds, or an X or RFC 2822 date")


def _x_archive_time(text: str) -> datetime:
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")

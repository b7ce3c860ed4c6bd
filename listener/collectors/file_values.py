"""Reading the fields of an imported file's records: a value at a column, key or dotted path, as text, an id, a
count or a time; which mapped keys a JSONL file's records have; and which rows could not be read. A value that
cannot be read raises a ValueError that never quotes it (rows hold personal data): a RewrittenId for an id a
spreadsheet rewrote."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("listener.collectors.file")  # skipped rows are logged as the file collector's

MISSING = object()  # what lookup finds where a record has no such key
_EPOCH = re.compile(r"^\d+(\.\d+)?$")

# The fields of each platform whose ids are whole numbers: a spreadsheet reads such an id as a number and writes
# it back as one, "12345.0", "1.858E+18" or rounded to the 15 significant digits it keeps, and the id then no
# longer names its post or author (collected posts and deletion checks use the platform's own ids).
NUMERIC_IDS = {"x": ("id", "author_id"), "careopinion": ("id",)}
SPREADSHEET_DIGITS = 15
EXACT_DECIMALS = 2**53  # a number a spreadsheet (or JSON reader) holds as a float is exact up to here
_DECIMAL = re.compile(r"^([0-9]+)\.0*$")
_SCIENTIFIC = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$")
_LONG_WHOLE = re.compile(r"^[0-9]{16,}$")  # longer than a spreadsheet keeps
# X times are whole seconds, and exports often write whole minutes: an id's own time is that close to them
SNOWFLAKE_SLACK = timedelta(seconds=61)


class RewrittenId(ValueError):
    """An id a spreadsheet rewrote as a number, losing digits: the row cannot be stored under its id."""


EXPORT_IDS_AS_TEXT = (
    "Ids longer than the 15 digits a spreadsheet keeps of a number must stay text: import the export as the tool "
    "that made it wrote it, not saved again by a spreadsheet; or, in Excel, open the CSV with Data > From "
    "Text/CSV, set the type of each id column to Text, and save it"
)


class SkippedRows:
    """The rows of a file that could not be read: each is logged with its line, but those whose ids a spreadsheet
    rewrote in one warning for the file (``log_rewritten``); the first reason is kept."""

    def __init__(self, source: str, path: Path):
        self.source, self.path = source, path
        self.count = 0
        self.first: str | None = None  # "(line L) because <problem>", of the first row skipped
        self.rewritten = 0  # rows skipped for an id a spreadsheet rewrote
        self.first_rewritten: str | None = None  # the same as first, of the first of those

    def note(self, line: int, problem: ValueError) -> None:
        self.count += 1
        self.first = self.first or f"(line {line}) because {problem}"
        if isinstance(problem, RewrittenId):
            self.rewritten += 1
            self.first_rewritten = self.first_rewritten or f"(line {line}) because {problem}"
        else:
            log.warning("%s: %s line %d skipped: %s", self.source, self.path.name, line, problem)

    def log_rewritten(self) -> None:
        if self.rewritten:
            log.warning(
                "%s: %s: %d rows skipped because a spreadsheet rewrote their ids, the first %s. %s",
                self.source,
                self.path.name,
                self.rewritten,
                self.first_rewritten,
                EXPORT_IDS_AS_TEXT,
            )

    def how_to_fix(self) -> str:
        """What to do when none of the file's rows could be read."""
        if not self.rewritten:
            return "the file will be read again once fields or timezone are fixed"
        return (
            f"a spreadsheet rewrote the ids of {self.rewritten} of them. {EXPORT_IDS_AS_TEXT}; the file will be "
            "read again once its ids are"
        )


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


def post_id_of(value: Any, platform: str, created_at: datetime | None) -> str:
    """A post's id as text (see ``id_of``); an X post id that a spreadsheet rounded is refused too."""
    native_id = id_of(value, "id" in NUMERIC_IDS.get(platform, ()))
    if platform == "x" and created_at is not None:
        _check_x_post_id(native_id, created_at)
    return native_id


def author_id_of(value: Any, platform: str) -> str:
    """An author's id as text (see ``id_of``)."""
    return id_of(value, "author_id" in NUMERIC_IDS.get(platform, ()))


def id_of(value: Any, numeric: bool) -> str:
    """An id as text; a ``numeric`` one that a spreadsheet wrote as a decimal ("12345.0") as the whole number,
    when that is exact. A RewrittenId when it wrote the id in scientific notation, or as a decimal too long to be
    exact: its last digits are lost."""
    text = text_of(value)
    if not numeric:
        return text
    if _SCIENTIFIC.match(text):
        raise RewrittenId("written in scientific notation (as 1.858E+18), which drops its last digits")
    decimal = _DECIMAL.match(text)
    if decimal is None:
        return text
    if int(decimal[1]) > EXACT_DECIMALS:
        raise RewrittenId("written as a decimal (as 1858000000000000000.0), too long to be exact")
    return decimal[1]


def _check_x_post_id(native_id: str, created_at: datetime) -> None:
    """A RewrittenId when a spreadsheet rounded an X post id: its digits after the 15th are zeros and the time it
    encodes (X ids are time-ordered "snowflakes") is not the post's. A rounding too fine to move that time cannot
    be told from a real id."""
    from listener.collectors.x_posts import SNOWFLAKE_EPOCH, snowflake_time  # here: x_posts loads tweepy

    if not _LONG_WHOLE.match(native_id) or native_id[SPREADSHEET_DIGITS:].strip("0"):
        return
    if created_at < SNOWFLAKE_EPOCH:  # posts before November 2010 have ids that are not snowflakes
        return
    if abs(snowflake_time(native_id) - created_at) > SNOWFLAKE_SLACK:
        raise RewrittenId("rounded: its last digits are zeros and the time it encodes is not the post's")


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

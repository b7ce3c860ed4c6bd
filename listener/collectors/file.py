"""``kind: file``: import posts from JSONL or CSV exports, as an analyst loads an export from another tool.

Each file matched by ``path`` (a glob) is a stream. The cursor remembers the file's SHA-256, a digest of the
``fields`` mapping, the version of this reader and the source's ``platform``, so an unchanged file is not read
again; a changed file, a changed mapping, or an older reader (unless its posts may be under another platform) reads
the file again in full and only posts not stored yet are added, because posts are unique on (platform, native id).
Rows that cannot be read are skipped and logged with their line (those whose ids a spreadsheet rewrote, in one
warning per file); a file none of whose rows can be read fails the stream without saving its cursor, so it is read
again once the mapping, time zone or file is fixed.

A mapped column that is not in a CSV file's header (``id``, ``text`` and ``created_at`` always; the other fields
when set in config), or a mapped key that no record of a JSONL file has, fails the stream before any of its posts
is stored and without saving its cursor: a wrong mapping would otherwise skip every row and mark the file as
imported, or store posts without their author (which no fixed mapping could add later, as posts are stored once).

file_records.py reads a file's records and checks its columns or keys; file_values.py reads each field of a record.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from listener.collectors.base import CollectedPost, Collector, Page, SourceOptions
from listener.collectors.export_links import link_without_author
from listener.collectors.file_records import ExportFile
from listener.collectors.file_values import (
    RewrittenId,
    SkippedRows,
    author_id_of,
    count_of,
    post_id_of,
    text_of,
    timestamp_of,
    value_at,
)
from listener.config import Section
from listener.errors import CollectorError

log = logging.getLogger(__name__)

# How rows are read into posts, recorded in each file's cursor: files imported by an older version are read again.
# Raise it when a change reads rows an older version skipped (2: decimal epoch, X archive and RFC 2822 times; a
# UTF-8 byte order mark); a row stored already stays as it was stored. Never raise it for a change to which post a
# row is (its platform or id): the posts already stored would be stored again under their new identity.
READER_VERSION = 2  # cursors written before it was recorded have none: version 1


class FieldMap(Section):
    """Which column (CSV) or key (JSONL, dotted for nested objects: ``user.id``) holds each field.

    An author is known by ``author_id`` (the account's id, which a change of handle does not change) and
    ``author_handle`` when the export has them apart, as the platform's own collector reads them; else by
    ``author``, one identifier serving as both."""

    id: str = "id"
    text: str = "text"
    created_at: str = "created_at"
    author: str | None = "author"
    author_id: str | None = None
    author_handle: str | None = None
    url: str | None = "url"
    lang: str | None = "lang"
    platform: str | None = "platform"
    likes: str | None = "likes"
    reposts: str | None = "reposts"
    replies: str | None = "replies"
    quotes: str | None = "quotes"

    @model_validator(mode="after")
    def _one_way_to_name_authors(self) -> FieldMap:
        if self.author is not None and "author" in self.model_fields_set and self.split_authors:
            raise ValueError(
                "author_id and author_handle replace author: map author (one identifier), or author_id "
                "and author_handle (the account id and the handle), not both"
            )
        return self

    @property
    def split_authors(self) -> bool:
        """Are the account id and the handle mapped apart?"""
        return self.author_id is not None or self.author_handle is not None

    def author_fields(self) -> tuple[str, str]:
        """The names of the fields holding the author's account id and handle."""
        return ("author_id", "author_handle") if self.split_authors else ("author", "author")

    def required_keys(self) -> dict[str, str]:
        """The fields whose column or key must exist (name -> column or key): id, text and created_at, and
        those set in config."""
        names = {"id", "text", "created_at"} | self.model_fields_set
        return {
            name: getattr(self, name)
            for name in FieldMap.model_fields
            if name in names and getattr(self, name) is not None
        }


class FileOptions(SourceOptions):
    path: str = Field(min_length=1)
    format: Literal["jsonl", "csv", "auto"] = "auto"
    platform: str = Field("import", pattern=r"^[a-z0-9_-]+$")
    fields: FieldMap = FieldMap()
    timezone: str = "UTC"
    encoding: str = "utf-8"
    page_size: int = Field(500, gt=0, le=10_000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception:
            raise ValueError(
                f'expected an IANA time zone like "UTC" or "Europe/London", got {value!r}'
            ) from None
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(f'expected a text encoding like "utf-8" or "cp1252", got {value!r}') from None

    @property
    def text_encoding(self) -> str:
        """The codec files are read with: a UTF-8 byte order mark (Excel writes one) is not part of the text."""
        return "utf-8-sig" if self.encoding == "utf-8" else self.encoding

    def resolve_paths(self, base_dir: Path) -> FileOptions:
        if Path(self.path).is_absolute():
            return self
        return self.model_copy(update={"path": str(base_dir / self.path)})


class FileCollector(Collector):
    kind = "file"
    Options = FileOptions
    options: FileOptions

    def streams(self) -> list[str]:
        paths = sorted(glob.glob(self.options.path))
        if not paths:
            raise CollectorError(f"source {self.name}: no file matches path {self.options.path!r}")
        return paths

    def collect(self, stream: str, cursor: dict[str, Any] | None, until: datetime | None) -> Iterator[Page]:
        file = ExportFile(self.name, Path(stream), self.options)
        done = {
            "sha256": file.sha256_of_text(),
            "fields": self._mapping_digest(),
            "parser": READER_VERSION,
            "platform": self.options.platform,
        }
        if not self._to_read(file, cursor, done):
            return
        if file.format == "jsonl":
            file.check_keys()  # before the first page: posts stored with a wrong mapping stay wrong
        page, held_back, skipped, read = Page(requests=1), False, SkippedRows(self.name, file.path), 0
        for line_number, record in file.records():
            page.read, read = page.read + 1, read + 1
            try:
                post = self._post(record)
            except ValueError as exc:
                skipped.note(line_number, exc)
                continue
            if until is not None and post.created_at >= until:
                held_back = True
            else:
                page.posts.append(post)
            if len(page.posts) >= self.options.page_size:
                yield page
                page = Page()
        skipped.log_rewritten()
        if (
            read and skipped.count == read
        ):  # a format nothing reads, not a few bad rows: read it again once fixed
            raise CollectorError(
                f"source {self.name}: none of the {read} rows of {file.path.name} could be read, the first "
                f"{skipped.first}; {skipped.how_to_fix()}",
                requests=page.requests,
                read=page.read,
            )
        # rows held back by ``until`` must be read on a later run, so the file is not marked as done
        page.cursor = None if held_back else done
        yield page

    def _to_read(self, file: ExportFile, cursor: dict[str, Any] | None, done: dict[str, Any]) -> bool:
        """Read the file unless this version read it as it is, with this mapping. One an older version imported is
        read again, adding the rows it skipped (posts are unique on platform and id), but not under another
        ``platform`` than then (nor, when the cursor does not say which, if a row has no platform of its own): each
        of its rows would then be a second copy of a stored post."""
        if cursor is None or any(cursor.get(key) != done[key] for key in ("sha256", "fields")):
            return True
        reader = cursor.get("parser", 1)
        if reader >= READER_VERSION:
            log.info("%s: %s unchanged since the last import", self.name, file.path.name)
            return False
        if "platform" not in cursor:  # written before it was recorded: safe only if no row takes the source's
            if not self._rows_name_their_platform(file):
                log.warning(
                    "%s: %s was imported by a version of listener that did not record the platform it stored the "
                    "file's posts under, so it is not read again to add the rows that version skipped: read under "
                    "another platform than then, its posts would be stored twice. To read it, rename the file and "
                    "run once with platform: set to the platform its posts were stored under (a file under a new "
                    "name is read in full, adding only posts not stored yet); to stop this warning, move it out of "
                    "path",
                    self.name,
                    file.path.name,
                )
                return False
        elif cursor["platform"] != self.options.platform:
            log.warning(
                "%s: %s was imported by an older version of the file reader, under platform %r: read again under "
                "platform %r, its posts would be stored twice, so it is not; set platform: %s on source %s for one "
                "run to read it again and add the rows that version skipped",
                self.name,
                file.path.name,
                cursor["platform"],
                self.options.platform,
                cursor["platform"],
                self.name,
            )
            return False
        log.info(
            "%s: %s read again: imported by an older version of the file reader (%d, now %d), which skipped rows "
            "this one reads; posts already stored are not added again",
            self.name,
            file.path.name,
            reader,
            READER_VERSION,
        )
        return True

    def _rows_name_their_platform(self, file: ExportFile) -> bool:
        """Does every record of the file name its platform, so that the source's ``platform`` is no post's?"""
        key = self.options.fields.platform
        values = (value_at(record, key) for _, record in file.records(quiet=True))
        return key is not None and all(
            not isinstance(value, dict | list) and text_of(value) for value in values
        )

    def _mapping_digest(self) -> str:
        mapping = self.options.fields.model_dump()
        for name in ("author_id", "author_handle"):  # added later: a mapping without them keeps its digest
            if mapping[name] is None:
                del mapping[name]
        return hashlib.sha256(json.dumps(mapping, sort_keys=True).encode()).hexdigest()[:16]

    def _post(self, record: dict[str, Any]) -> CollectedPost:
        """The post in ``record``; a ValueError naming the field (never its value: rows hold personal data)."""
        fields, zone = self.options.fields, ZoneInfo(self.options.timezone)

        def read(name: str, convert: Callable[[Any], Any] = text_of) -> Any:
            key = getattr(fields, name)
            try:
                return convert(value_at(record, key))
            except RewrittenId as exc:
                raise RewrittenId(f"fields.{name} ({key!r}): {exc}") from None
            except ValueError as exc:
                raise ValueError(f"fields.{name} ({key!r}): {exc}") from None

        platform = read("platform") or self.options.platform
        id_field, handle_field = fields.author_fields()
        created_at = read("created_at", lambda value: timestamp_of(value, zone))
        native_id = read("id", lambda value: post_id_of(value, platform, created_at))
        text = read("text")
        if not native_id:
            raise ValueError(f"no id in {fields.id!r}")
        if created_at is None:
            raise ValueError(f"no timestamp in {fields.created_at!r}")
        author_id = read(id_field, lambda value: author_id_of(value, platform)) or None
        return CollectedPost(
            platform=platform,
            native_id=native_id,
            text=text or "",
            created_at=created_at,
            url=link_without_author(read("url")),
            lang=read("lang") or None,
            author_id=author_id,
            author_handle=(read(handle_field) or None) if fields.split_authors else author_id,
            like_count=read("likes", count_of),
            repost_count=read("reposts", count_of),
            reply_count=read("replies", count_of),
            quote_count=read("quotes", count_of),
            raw=record,
        )

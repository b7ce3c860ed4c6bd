"""Reading an imported file as records: text in the source's encoding, CSV rows or JSONL objects each with the line
it starts on, and the check that every column or key the ``fields`` mapping names is in the file.

Both checks come before any of the file's posts is stored: a file that is not text in its encoding would otherwise
fail after the pages before its first odd byte, and a wrong mapping would skip every row and mark the file as
imported, or store posts without their author (which no fixed mapping could add later, as posts are stored once).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from listener.collectors.file_values import FoundKeys, csv_record
from listener.errors import CollectorError

if TYPE_CHECKING:
    from listener.collectors.file import FileOptions

log = logging.getLogger("listener.collectors.file")  # skipped lines are logged as the file collector's
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ExportFile:
    """One file matched by a file source's ``path``, read as the source's options say (format, encoding, fields)."""

    def __init__(self, source: str, path: Path, options: FileOptions):
        self.source = source
        self.path = path
        self.options = options

    @property
    def format(self) -> str:
        if self.options.format != "auto":
            return self.options.format
        return "csv" if self.path.suffix.lower() in (".csv", ".tsv") else "jsonl"

    def sha256_of_text(self) -> str:
        """The file's SHA-256, checking on the way that it is text in the configured encoding: a file that is not
        fails here, before any of its rows is stored, rather than after the pages before its first odd byte."""
        digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder(self.options.text_encoding)()
        try:
            with self.path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise self._not_text(exc) from None
        except OSError as exc:
            raise CollectorError(f"source {self.source}: cannot read {self.path} ({exc.strerror})") from None
        return digest.hexdigest()

    def check_keys(self) -> None:
        """Fail when a mapped key is in no record of a JSONL file (reading only until each key is found); a CSV
        file's columns are checked as its rows are read."""
        found = FoundKeys(self.options.fields.required_keys())
        for _, record in self.records(quiet=True):
            found.note(record)
            if found.all_found():
                return
        missing = found.missing()
        if missing:
            raise CollectorError(
                f"source {self.source}: no record in {self.path.name} has the key {_describe(missing)}; "
                f"keys of its first record: {', '.join(found.first_keys or []) or 'none'}"
            )

    def records(self, quiet: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
        """The file's records with their line numbers; unreadable lines are logged (unless ``quiet``) and skipped."""
        try:
            with self.path.open(encoding=self.options.text_encoding, newline="") as handle:
                if self.format == "csv":
                    yield from self._csv_rows(handle)
                else:
                    yield from self._jsonl_records(handle, quiet)
        except UnicodeDecodeError as exc:  # changed since sha256_of_text read it
            raise self._not_text(exc) from None
        except OSError as exc:
            raise CollectorError(f"source {self.source}: cannot read {self.path} ({exc.strerror})") from None

    def _csv_rows(self, handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each row as ``csv.DictReader`` reads it, with the line of the file it starts on: a quoted field may
        hold line breaks, so a row's place among the rows is not its line."""
        dialect = "excel-tab" if self.path.suffix.lower() == ".tsv" else "excel"
        reader = csv.reader(handle, dialect=dialect)
        columns = next(reader, None)
        while columns == []:  # blank lines before the header, which DictReader skips too
            columns = next(reader, None)
        self._check_header(columns)
        if columns is None:
            return
        first_line = reader.line_num + 1
        for row in reader:
            if row:  # a blank line is no row
                yield first_line, csv_record(columns, row)
            first_line = reader.line_num + 1

    def _check_header(self, columns: Sequence[str] | None) -> None:
        if columns is None:  # an empty file: no rows to read, nothing mapped wrongly
            return
        required = self.options.fields.required_keys()
        missing = {name: key for name, key in required.items() if key not in columns}
        if missing:
            raise CollectorError(
                f"source {self.source}: {self.path.name} has no column {_describe(missing)}; "
                f"its columns are: {', '.join(columns)}"
            )

    def _jsonl_records(self, handle: TextIO, quiet: bool) -> Iterator[tuple[int, dict[str, Any]]]:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problem = f"not valid JSON ({exc.msg})"
            else:
                if isinstance(record, dict):
                    yield number, record
                    continue
                problem = "expected a JSON object"
            if not quiet:
                log.warning("%s: %s line %d skipped: %s", self.source, self.path.name, number, problem)

    def _not_text(self, exc: UnicodeDecodeError) -> CollectorError:
        return CollectorError(
            f"source {self.source}: {self.path.name} is not {self.options.encoding} text ({exc.reason}); if it "
            "was saved by Excel or another Windows program, set encoding (e.g. cp1252) on the source"
        )


def _describe(missing: dict[str, str]) -> str:
    return ", ".join(f"{key!r} (fields.{name})" for name, key in missing.items())

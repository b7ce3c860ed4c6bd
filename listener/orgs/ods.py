"""Read files published by the NHS Organisation Data Service (ODS) and write the directory's copies.

- Trusts: ``etr.csv``, in ODS's standard headerless 27-field format (1 organisation code, 2 name, 3 national
  grouping, 4 high level health geography, 5-9 address lines 1-5, 10 postcode, 11 open date, 12 close date,
  18 contact telephone, 22 amended record indicator, 24 GOR code; the other fields are empty), or the headed
  copy with named columns that listener ships.
- ICBs: the ONS list (``ICB24CD, ICB24CDH, ICB24NM``), or ODS's ``eccg.csv`` in the same 27-field format,
  of which the rows with a three-character ``Q`` code are ICBs (the others are sub-ICB locations).
- Successions: the etr file has none. A CSV whose first two fields are the predecessor's and the successor's
  ODS codes (with or without a header ``predecessor,successor``; further fields are ignored) is read, e.g. a
  list derived from the ODS API's succession records.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from listener.errors import UsageError
from listener.files import replaced_on_success
from listener.orgs.directory import ICBS_FILE, SUCCESSORS_FILE, TRUSTS_FILE

TRUST_COLUMNS = (
    "org_code",
    "name",
    "national_grouping",
    "high_level_health_geography",
    "address1",
    "address2",
    "address3",
    "address4",
    "address5",
    "postcode",
    "open_date",
    "close_date",
    "telephone",
    "amended_record_indicator",
    "gor_code",
)
# 1-based field numbers of the standard 27-field format, for each headed column.
STANDARD_FIELDS = dict(zip(TRUST_COLUMNS, (*range(1, 13), 18, 22, 24), strict=True))
STANDARD_WIDTH = 27
ICB_COLUMNS = ("ICB24CD", "ICB24CDH", "ICB24NM", "ObjectId")
_CODE = re.compile(r"^[A-Z0-9]{3,5}$")


def read_trusts(path: Path) -> list[dict[str, str]]:
    """The trusts of an etr file, as rows with the headed copy's columns. Raises UsageError if unreadable."""
    rows = _read_csv(path)
    if rows and rows[0][:1] == ["org_code"]:
        header = rows[0]
        missing = [c for c in TRUST_COLUMNS if c not in header]
        if missing:
            raise UsageError(f"{path}: the header lacks the columns {', '.join(missing)}")
        found = [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]
    else:
        found = [_standard_row(path, number, row) for number, row in enumerate(rows, 1) if any(row)]
    if not found:
        raise UsageError(f"{path}: no organisations in the file")
    for number, row in enumerate(found, 1):
        if not _CODE.match(row.get("org_code", "")):
            raise UsageError(f"{path}: row {number}: expected an ODS code, got {row.get('org_code')!r}")
    return [{column: (row.get(column) or "").strip() for column in TRUST_COLUMNS} for row in found]


def _standard_row(path: Path, number: int, row: list[str]) -> dict[str, str]:
    if len(row) != STANDARD_WIDTH:
        raise UsageError(
            f"{path}: line {number}: expected the ODS standard format (27 fields, no header) or a header "
            f"starting with org_code, got {len(row)} fields"
        )
    return {column: row[field - 1] for column, field in STANDARD_FIELDS.items()}


def read_icbs(path: Path) -> list[dict[str, str]]:
    """The ICBs of the ONS list or of ODS's eccg file, as rows with the ONS list's columns."""
    rows = _read_csv(path)
    if rows and "ICB24CDH" in rows[0]:
        header = rows[0]
        found = [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]
    elif rows and all(len(row) == STANDARD_WIDTH for row in rows if any(row)):
        found = [
            {"ICB24CD": "", "ICB24CDH": row[0], "ICB24NM": row[1], "ObjectId": ""}
            for row in rows
            if len(row[0]) == 3 and row[0].startswith("Q")
        ]
    else:
        raise UsageError(f"{path}: expected the ONS ICB list (ICB24CDH column) or ODS's 27-field eccg file")
    if not found:
        raise UsageError(f"{path}: no ICBs in the file")
    return [{column: (row.get(column) or "").strip() for column in ICB_COLUMNS} for row in found]


def read_successors(path: Path) -> list[dict[str, str]]:
    """(predecessor, successor) pairs from a CSV whose first two fields are ODS codes."""
    pairs = []
    for number, row in enumerate(_read_csv(path), 1):
        if len(row) < 2 or not any(row):
            continue
        predecessor, successor = row[0].strip().upper(), row[1].strip().upper()
        if number == 1 and not _CODE.match(predecessor):
            continue  # a header
        if not (_CODE.match(predecessor) and _CODE.match(successor)):
            raise UsageError(f"{path}: line {number}: expected two ODS codes, got {row[:2]}")
        pairs.append({"predecessor": predecessor, "successor": successor})
    if not pairs:
        raise UsageError(f"{path}: no successions in the file")
    return pairs


READERS = {
    "trusts": (read_trusts, TRUSTS_FILE, TRUST_COLUMNS),
    "icbs": (read_icbs, ICBS_FILE, ICB_COLUMNS),
    "successors": (read_successors, SUCCESSORS_FILE, ("predecessor", "successor")),
}


def import_ods(path: Path, kind: str, folder: Path) -> tuple[Path, int]:
    """Read an ODS file of ``kind`` and write the directory's copy into ``folder``; return it and its rows."""
    read, name, columns = READERS[kind]
    rows = read(path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with replaced_on_success(target) as handle:  # readers never see a half-written file
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return target, len(rows)


def _read_csv(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except UnicodeDecodeError:
        with path.open(encoding="cp1252", newline="") as handle:
            return list(csv.reader(handle))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None

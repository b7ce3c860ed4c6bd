"""The NHS organisation directory: every NHS trust in the ODS ``etr`` file, and the Integrated Care Boards.

A copy ships inside the package (``listener/orgs/data``, Crown copyright, Open Government Licence v3; see
``data/NOTICE.md``). ``listener orgs import-ods`` writes a newer copy into the user's directory folder:
``$LISTENER_ORGS_DIR`` if set, else ``$XDG_DATA_HOME/listener/orgs`` (``~/.local/share/listener/orgs``). A
file found there is used instead of the shipped one.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from listener.errors import UsageError
from listener.matching import normalise

ORGS_DIR_ENV = "LISTENER_ORGS_DIR"
TRUSTS_FILE = "trusts.csv"
ICBS_FILE = "icbs.csv"
SUCCESSORS_FILE = "successors.csv"
REGIONS = {
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
    "Y60": "Midlands",
    "Y61": "East of England",
    "Y62": "North West",
    "Y63": "North East and Yorkshire",
    "W00": "Wales",
}


@dataclass(frozen=True)
class Trust:
    """One row of the ODS etr file. Names are as ODS publishes them: upper case."""

    code: str
    name: str
    region_code: str
    icb_code: str
    address: tuple[str, ...]
    postcode: str
    opened: date | None
    closed: date | None
    successors: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        return REGIONS.get(self.region_code, self.region_code or "Wales or unknown")

    @property
    def town(self) -> str:
        """The post town: ODS puts it in the fourth address line, or the last line before the county."""
        lines = [line for line in self.address[:4] if line]
        return self.address[3] or (lines[-1] if lines else "")

    @property
    def postcode_district(self) -> str:
        return self.postcode.split()[0] if self.postcode else ""

    def status(self, on: date | None = None) -> str:
        """``open``, ``closed`` (the close date has passed) or ``not yet open``."""
        on = on or date.today()
        if self.closed is not None and self.closed < on:
            return "closed"
        if self.opened is not None and self.opened > on:
            return "not yet open"
        return "open"


@dataclass(frozen=True)
class Icb:
    code: str  # the ODS code, e.g. QYG
    name: str
    ons_code: str = ""


@dataclass(frozen=True)
class Directory:
    trusts: dict[str, Trust]
    icbs: dict[str, Icb]
    source: Path  # the folder the trusts were read from

    def get(self, code: str) -> Trust:
        """The trust with this ODS code; UsageError naming close matches when there is none."""
        trust = self.trusts.get(code.strip().upper())
        if trust is None:
            hints = ", ".join(f"{t.code} {t.name}" for t in self.search(code)[:3])
            raise UsageError(
                f"no NHS trust with ODS code {code!r} in the directory ({self.source})"
                + (f"; did you mean: {hints}" if hints else "; try: listener orgs search NAME")
            )
        return trust

    def icb_name(self, code: str) -> str:
        icb = self.icbs.get(code)
        return icb.name if icb else ""

    def search(self, text: str) -> list[Trust]:
        """Trusts whose code, name, address (town, hospital) or postcode district match every word of ``text``.

        An exact code comes first, then matches on the name, then the rest; open trusts before closed ones.
        """
        query = normalise.words(text)
        if not query:
            return []
        found = []
        for trust in self.trusts.values():
            rank = _search_rank(trust, query, text.strip().upper())
            if rank is not None:
                found.append((rank, trust.status() == "closed", trust.name, trust))
        return [trust for *_, trust in sorted(found, key=lambda item: item[:3])]


def _search_rank(trust: Trust, query: list[str], raw: str) -> int | None:
    if raw in (trust.code, trust.postcode, trust.postcode_district):
        return 0
    name = normalise.words(trust.name)
    if _all_found(query, name):
        return 1
    everything = name + normalise.words(" ".join(trust.address)) + normalise.words(trust.postcode)
    return 2 if _all_found(query, everything + [trust.code.lower()]) else None


def _all_found(query: list[str], words: list[str]) -> bool:
    """Every query word is a word of ``words``, or (from three letters) the start of one."""
    return all(any(w == q or (len(q) >= 3 and w.startswith(q)) for w in words) for q in query)


def user_directory() -> Path:
    """Where ``import-ods`` writes and where a newer copy is looked for first."""
    if os.environ.get(ORGS_DIR_ENV):
        return Path(os.environ[ORGS_DIR_ENV]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "listener" / "orgs"


def shipped_directory() -> Path:
    return Path(str(files("listener.orgs") / "data"))


def load_directory(folder: Path | None = None) -> Directory:
    """The directory from ``folder``, else the user's copy, else the one shipped with listener (per file)."""
    folders = [folder] if folder else [user_directory(), shipped_directory()]
    trusts_path = _first_existing(folders, TRUSTS_FILE)
    icbs_path = _first_existing(folders, ICBS_FILE)
    successors_path = _first_existing(folders, SUCCESSORS_FILE, required=False)
    successors: dict[str, list[str]] = {}
    if successors_path is not None:
        for row in _read_rows(successors_path):
            successors.setdefault(row["predecessor"], []).append(row["successor"])
    trusts = {}
    for row in _read_rows(trusts_path):
        trust = trust_from_row(row, tuple(successors.get(row["org_code"], ())))
        trusts[trust.code] = trust
    icbs = {}
    for row in _read_rows(icbs_path):
        icbs[row["ICB24CDH"]] = Icb(row["ICB24CDH"], row["ICB24NM"], row.get("ICB24CD", ""))
    return Directory(trusts, icbs, trusts_path.parent)


def trust_from_row(row: dict[str, str], successors: tuple[str, ...] = ()) -> Trust:
    """A Trust from a row with the headed copy's columns (org_code, name, ...)."""
    return Trust(
        code=row["org_code"].strip(),
        name=row["name"].strip(),
        region_code=row["national_grouping"].strip(),
        icb_code=row["high_level_health_geography"].strip(),
        address=tuple(row[f"address{n}"].strip() for n in range(1, 6)),
        postcode=row["postcode"].strip(),
        opened=_date(row["open_date"]),
        closed=_date(row["close_date"]),
        successors=successors,
    )


def _date(value: str) -> date | None:
    value = (value or "").strip()
    return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if len(value) == 8 else None


def _first_existing(folders: list[Path], name: str, *, required: bool = True) -> Path | None:
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    if required:
        raise UsageError(f"no {name} in {', '.join(str(f) for f in folders)}")
    return None


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))

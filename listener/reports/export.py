"""``listener export``: a week's posts with their labels, for analysts, as CSV (and Parquet with pyarrow).

Personal data is taken out: quotes are redacted as in reports, and the author pseudonym, the platform's post id
and the post's address (which names its author on most platforms) are left out. ``post_id`` finds a post in the
store for anyone allowed to read it there. ``own_post`` is true on a row whose post was written by that row's
organisation's own account: its report leaves such posts out, and an analyst can too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from listener.config import Config
from listener.files import replaced_on_success
from listener.privacy import redact
from listener.reports import data

LEFT_OUT = ("author_key", "native_id", "url")


def export_frame(engine: Engine, config: Config, week: str, org_code: str | None = None) -> pd.DataFrame:
    """One row per post and organisation it mentions, for the ISO ``week`` in reports.timezone."""
    if org_code:
        org_code = config.organisation(org_code).code
    (bounds,) = data.weeks_ending(week, config.reports.zone, 1)
    frame = data.export_rows(engine, bounds, org_code).drop(columns=list(LEFT_OUT))
    scopes = {org.code: data.OrgScope(org.code, org.handles) for org in config.organisations}
    frame["own_post"] = [
        code in scopes and scopes[code].wrote(handle)
        for code, handle in zip(frame["org_code"], frame["author_handle"], strict=True)
    ]
    handles = [h for org in config.organisations for h in org.handles]
    frame["text"] = [redact(text, handles) for text in frame["text"]]
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame.insert(0, "week", bounds.label)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """One type per column whatever the week holds (a column empty all week is still text, or whole numbers),
    so that weeks' Parquet files have one schema and concatenate."""
    types = {column: "string" for column in frame.columns}
    types.update(
        {column: "Int64" for column in frame.columns if column.endswith("_count") or column == "post_id"}
    )
    types.update(
        {
            "created_at": "datetime64[us, UTC]",
            "sentiment_score": "Float64",
            "vader_compound": "Float64",
            "own_post": "boolean",
        }
    )
    return frame.astype({column: types[column] for column in frame.columns})


def parquet_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def write_export(frame: pd.DataFrame, folder: Path, week: str, org_code: str | None) -> dict[str, Path]:
    """``<folder>/<week>/<CODE or all>-posts.csv`` and ``.parquet`` (when pyarrow is installed)."""
    stem = folder / week / f"{org_code or 'all'}-posts"
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = {"csv": stem.with_suffix(".csv")}
    with replaced_on_success(paths["csv"]) as handle:
        frame.assign(created_at=[moment.isoformat() for moment in frame["created_at"]]).to_csv(
            handle, index=False
        )
    if parquet_available():
        paths["parquet"] = stem.with_suffix(".parquet")
        with replaced_on_success(paths["parquet"], binary=True) as handle:
            frame.to_parquet(handle, index=False)
    return paths

"""Score any CSV for analysts (``listener score-file``): every input column is kept and six are added.

The file is read and written in chunks, so its size is limited by disk, not memory. Values are read as text and
written back unchanged. The input is read as UTF-8 unless another encoding is given; a byte that cannot be decoded
stops the run with the line it is on. The output is always UTF-8, written beside its destination and renamed onto
it only when every row is scored, so a failure leaves an existing output as it was.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from listener.errors import UsageError
from listener.files import replaced_on_success
from listener.matching import Matcher
from listener.scoring.nhs import NhsScorer

OUTPUT_COLUMNS = ("sentiment_label", "sentiment_score", "vader_compound", "themes", "flags", "organisations")
CHUNK_ROWS = 5000


@dataclass
class ScoreFileResult:
    rows: int = 0
    output: Path | None = None


def score_csv(
    source: Path,
    output: Path,
    text_column: str,
    scorer: NhsScorer,
    matcher: Matcher,
    *,
    question_column: str | None = None,
    encoding: str = "utf-8",
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreFileResult:
    """Score ``source`` into ``output``; ``progress(bytes_read, rows_done)`` is called after each chunk."""
    _check_paths(source, output)
    _check_encoding(encoding)
    result = ScoreFileResult(output=output)
    with replaced_on_success(output) as written, open(source, "rb") as handle:
        for chunk in _read_chunks(handle, source, chunk_rows, encoding):
            _check_columns(chunk, source, text_column, question_column)
            scored = _score_chunk(chunk, text_column, question_column, scorer, matcher)
            scored.to_csv(written, header=result.rows == 0, index=False)
            result.rows += len(chunk)
            if progress:
                progress(handle.tell(), result.rows)
        if result.rows == 0:
            raise UsageError(f"{source}: no rows to score (the file is empty or has only a header)")
    return result


def _check_paths(source: Path, output: Path) -> None:
    if output.exists() and os.path.samefile(source, output):
        raise UsageError(f"{output}: -o is the input file; write the scores to another file")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: cannot write it, the folder {output.parent} does not exist")


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not a known encoding (try utf-8 or cp1252)") from None


def _read_chunks(handle, source: Path, chunk_rows: int, encoding: str) -> Iterator[pd.DataFrame]:
    options = {"dtype": str, "keep_default_na": False, "encoding": encoding}
    try:
        # pandas' own names for the columns ("a.1" for a repeated "a", "Unnamed: 2" for an empty one)
        columns = pd.read_csv(handle, nrows=0, **options).columns
        handle.seek(0)
        # Read the header line as a row, so that it fixes the number of fields: a data row with more is then an
        # error wherever it is, where after a header pandas would turn the first row's extra fields into an index.
        with pd.read_csv(handle, header=None, chunksize=chunk_rows, **options) as reader:
            reader.get_chunk(1)
            for chunk in reader:
                chunk.columns = columns
                yield chunk
    except pd.errors.EmptyDataError:
        return
    except pd.errors.ParserError as exc:
        raise UsageError(f"{source}: not a readable CSV file ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise UsageError(_undecodable_message(source, encoding)) from None


def _undecodable_message(source: Path, encoding: str) -> str:
    found = _first_undecodable(source, encoding)
    where = f"line {found[0]} (byte {found[1]})" if found else "it"
    if codecs.lookup(encoding).name == "utf-8":
        hint = "if it was saved by Excel or another Windows program, add --encoding cp1252"
    else:
        hint = "give the encoding it was saved in with --encoding"
    return f"{source}: {where} is not valid {encoding} text; {hint}"


def _first_undecodable(source: Path, encoding: str) -> tuple[int, int] | None:
    """The line number and byte offset of the first bytes ``encoding`` cannot decode, if lines can be split as bytes."""
    if "\n".encode(encoding) != b"\n":  # UTF-16 and the like: a newline byte may be half a character
        return None
    offset = 0
    with open(source, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as exc:
                return number, offset + exc.start
            offset += len(line)
    return None


def _check_columns(chunk: pd.DataFrame, source: Path, text_column: str, question_column: str | None) -> None:
    for option, column in (("--text-column", text_column), ("--question-column", question_column)):
        if column is not None and column not in chunk.columns:
            columns = ", ".join(map(str, chunk.columns))
            raise UsageError(f"{source}: {option} {column!r} is not a column (columns: {columns})")


def _score_chunk(chunk, text_column, question_column, scorer: NhsScorer, matcher: Matcher) -> pd.DataFrame:
    texts = chunk[text_column].tolist()
    questions = chunk[question_column].tolist() if question_column else None
    analyses = scorer.analyse(texts, questions)
    scored = chunk.copy()
    scored["sentiment_label"] = [a.sentiment.label for a in analyses]
    scored["sentiment_score"] = [a.sentiment.score for a in analyses]
    scored["vader_compound"] = [a.vader_compound for a in analyses]
    scored["themes"] = [";".join(a.themes) for a in analyses]
    scored["flags"] = [";".join(a.flags) for a in analyses]
    scored["organisations"] = [";".join(m.org_code for m in matcher.find(str(t))) for t in texts]
    return scored

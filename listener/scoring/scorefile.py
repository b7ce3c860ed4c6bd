"""Score any CSV for analysts (``listener score-file``): every input column is kept and six are added.

The file is read and written in chunks, so its size is limited by disk, not memory. Values and column names are read
as text and written back unchanged; an input column named like an added one is refused, never overwritten. The input is read as UTF-8 unless another encoding is given; a byte that cannot be decoded
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
    delimiter: str = ",",
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreFileResult:
    """Score ``source`` into ``output``; ``progress(bytes_read, rows_done)`` is called after each chunk."""
    _check_paths(source, output)
    _check_encoding(encoding)
    result = ScoreFileResult(output=output)
    options = {"dtype": str, "keep_default_na": False, "encoding": encoding, "sep": delimiter}
    with replaced_on_success(output) as written, open(source, "rb") as handle:
        for header, chunk in _read_chunks(handle, source, chunk_rows, options):
            if result.rows == 0:
                _check_columns(header, source, text_column, question_column, delimiter)
            scored = _score_chunk(chunk, header.index(text_column), question_column, header, scorer, matcher)
            scored.to_csv(
                written, header=[*header, *OUTPUT_COLUMNS] if result.rows == 0 else False, index=False
            )
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


def _read_chunks(handle, source: Path, chunk_rows: int, options: dict) -> Iterator[tuple[list, pd.DataFrame]]:
    """The header's names as written, with each chunk of rows (its columns numbered)."""
    header: list = []
    try:
        # Read the header line as a row, so that it fixes the number of fields: a data row with more is then an
        # error wherever it is, where after a header pandas would turn the first row's extra fields into an index.
        # It also keeps the names as written, where pandas would rename a repeated "a" to "a.1".
        with pd.read_csv(handle, header=None, chunksize=chunk_rows, **options) as reader:
            header = reader.get_chunk(1).iloc[0].tolist()
            for chunk in reader:
                yield header, chunk
    except pd.errors.EmptyDataError:
        return
    except pd.errors.ParserError as exc:
        hint = _delimiter_hint(header, options["sep"])
        raise UsageError(f"{source}: not a readable CSV file ({str(exc).strip()}){hint}") from None
    except UnicodeError:  # a decoding error, or UTF-16 without its byte order mark
        raise UsageError(_undecodable_message(source, options["encoding"])) from None


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


def _check_columns(header: list, source: Path, text_column: str, question_column: str | None, delimiter: str):
    names = ", ".join(map(str, header))
    for option, column in (("--text-column", text_column), ("--question-column", question_column)):
        if column is None:
            continue
        if column not in header:
            hint = _delimiter_hint(header, delimiter)
            raise UsageError(f"{source}: {option} {column!r} is not a column (columns: {names}){hint}")
        if header.count(column) > 1:
            raise UsageError(
                f"{source}: {option} {column!r} names {header.count(column)} columns; rename all but one"
            )
    clashes = [column for column in OUTPUT_COLUMNS if column in header]
    if clashes:
        raise UsageError(
            f"{source}: already has the column(s) {', '.join(clashes)} that score-file adds; rename them in the "
            "input (or score the file they were added to), so that no column is overwritten"
        )


def _delimiter_hint(header: list, delimiter: str) -> str:
    """A hint when the whole header was read as one column but holds another common delimiter."""
    if len(header) != 1:
        return ""
    for other, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if other != delimiter and other in str(header[0]):
            shown = "'\\t'" if other == "\t" else f"'{other}'"
            return f". Hint: its fields are separated by {name}: add --delimiter {shown}"
    return ""


def _score_chunk(
    chunk, text_at: int, question_column, header: list, scorer: NhsScorer, matcher
) -> pd.DataFrame:
    texts = chunk.iloc[:, text_at].tolist()
    questions = chunk.iloc[:, header.index(question_column)].tolist() if question_column else None
    analyses = scorer.analyse(texts, questions)
    scored = chunk.copy()
    added = len(header)
    scored[added] = [a.sentiment.label for a in analyses]
    scored[added + 1] = [a.sentiment.score for a in analyses]
    scored[added + 2] = [a.vader_compound for a in analyses]
    scored[added + 3] = [";".join(a.themes) for a in analyses]
    scored[added + 4] = [";".join(a.flags) for a in analyses]
    scored[added + 5] = [";".join(m.org_code for m in matcher.find(str(t))) for t in texts]
    return scored

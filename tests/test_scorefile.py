"""`listener score-file`: columns kept and scores added, in chunks, and awkward files."""

import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from listener.cli import cli, main
from listener.config import load_config
from listener.errors import UsageError
from listener.matching import Matcher
from listener.scoring.nhs import NhsScorer
from listener.scoring.scorefile import OUTPUT_COLUMNS, score_csv
from tests.conftest import write_config

TRIAGE = Path(__file__).parent / "data" / "triage_posts.csv"
CAFE_CP1252 = b"id,comment\n1,Caf\xe9 at Guy's Hospital was great\n"


@pytest.fixture(scope="module")
def scorer():
    return NhsScorer()


def run(tmp_path, monkeypatch, capsys, *args):
    """Run ``listener score-file ARGS`` as the command line does; return its exit code and its last stderr line."""
    config = write_config(tmp_path)
    monkeypatch.setattr(sys, "argv", ["listener", "--config", str(config), "score-file", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exited:
        code = exited.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip().splitlines()[-1]


def write_rows(path, rows, tail=""):
    lines = ["id,comment", *(f"{i},comment number {i} was fine" for i in range(rows))]
    path.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")


def test_the_output_cannot_be_the_input(tmp_path, monkeypatch, capsys):
    source = tmp_path / "same.csv"
    write_rows(source, 20)
    before = source.read_bytes()
    (tmp_path / "link.csv").symlink_to(source)
    for output in (source, tmp_path / "." / "same.csv", tmp_path / "link.csv"):
        code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)
        assert code == 2
        assert error == f"error: {output}: -o is the input file; write the scores to another file"
    assert source.read_bytes() == before


@pytest.mark.parametrize("existing", [None, b"the previous scores\n"])
def test_a_failure_after_the_first_chunk_writes_nothing(tmp_path, scorer, existing):
    source = tmp_path / "in.csv"
    write_rows(source, 12, tail="12,a row,with too many,fields\n")
    output = tmp_path / "out.csv"
    if existing is not None:
        output.write_bytes(existing)
    with pytest.raises(UsageError, match="Expected 2 fields in line 14, saw 4"):
        score_csv(source, output, "comment", scorer, Matcher([]), chunk_rows=5)
    assert (output.read_bytes() if output.exists() else None) == existing
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["in.csv", *(["out.csv"] if existing else [])]
    )


def test_a_successful_run_replaces_the_output(tmp_path, scorer):
    source = tmp_path / "in.csv"
    write_rows(source, 12)
    output = tmp_path / "out.csv"
    output.write_text("the previous scores\n", encoding="utf-8")
    assert score_csv(source, output, "comment", scorer, Matcher([]), chunk_rows=5).rows == 12
    assert pd.read_csv(output, dtype=str)["id"].tolist() == [str(i) for i in range(12)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("id,comment\n1,hello,extra,cols\n2\n3,ok\n", 2),
        ("id,comment\n1,hello\n2,extra,cols,here\n3,ok\n", 3),
        ("id,comment\n1,hello\n2,fine\n3,ok\n4,x,y,z\n", 5),
    ],
    ids=["first row", "second row", "second chunk"],
)
def test_a_row_with_extra_fields_is_an_error_wherever_it_is(tmp_path, scorer, content, line):
    source = tmp_path / "ragged.csv"
    source.write_text(content, encoding="utf-8")
    output = tmp_path / "out.csv"
    with pytest.raises(
        UsageError, match=f"not a readable CSV file .*Expected 2 fields in line {line}, saw 4"
    ):
        score_csv(source, output, "comment", scorer, Matcher([]), chunk_rows=2)
    assert not output.exists()


def test_cp1252_is_refused_as_utf8_and_read_with_encoding(tmp_path, monkeypatch, capsys):
    source = tmp_path / "latin1.csv"
    source.write_bytes(CAFE_CP1252)
    output = tmp_path / "out.csv"
    code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)
    assert code == 2 and not output.exists()
    assert error == (
        f"error: {source}: line 2 (byte 16) is not valid utf-8 text; "
        "if it was saved by Excel or another Windows program, add --encoding cp1252"
    )
    args = [source, "--text-column", "comment", "--encoding", "cp1252", "-o", output]
    assert run(tmp_path, monkeypatch, capsys, *args)[0] == 0
    scored = pd.read_csv(output, dtype=str, encoding="utf-8")
    assert scored.loc[0, "comment"] == "Café at Guy's Hospital was great"
    assert scored.loc[0, "organisations"] == "RJ1"


def test_utf8_with_a_byte_order_mark_is_read_as_utf8(tmp_path, scorer):
    source = tmp_path / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbf" + "id,comment\n1,Café\n".encode())
    output = tmp_path / "out.csv"
    config = load_config(write_config(tmp_path))
    score_csv(source, output, "comment", scorer, Matcher(config.organisations))
    assert pd.read_csv(output, dtype=str).loc[0, ["id", "comment"]].tolist() == ["1", "Café"]


def test_an_unknown_encoding_is_a_usage_error(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.csv"
    write_rows(source, 1)
    args = [source, "--text-column", "comment", "--encoding", "klingon", "-o", tmp_path / "out.csv"]
    code, error = run(tmp_path, monkeypatch, capsys, *args)
    assert code == 2 and "--encoding 'klingon' is not a known encoding" in error


def test_an_output_folder_that_does_not_exist_is_a_usage_error(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.csv"
    write_rows(source, 1)
    output = tmp_path / "nowhere" / "out.csv"
    code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)
    assert code == 2
    assert error == f"error: {output}: cannot write it, the folder {output.parent} does not exist"


def test_score_file_keeps_columns_and_adds_scores(tmp_path):
    config = write_config(tmp_path)
    source = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "FFT question": ["What could we do better?", "FFT Why?", "", ""],
            "FFT answer": ["Nothing", "Rude staff at Leeds General Infirmary", "", "😀" * 5000],
            "site": ["x", "y", "z", "w"],
        }
    ).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    args = ["--config", str(config), "score-file", str(source), "--text-column", "FFT answer"]
    result = CliRunner().invoke(cli, [*args, "--question-column", "FFT question", "-o", str(out)])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(scored.columns) == ["id", "FFT question", "FFT answer", "site", *OUTPUT_COLUMNS]
    assert scored["id"].tolist() == ["a", "b", "c", "d"] and scored["site"].tolist() == ["x", "y", "z", "w"]
    assert scored["sentiment_label"].tolist()[:3] == ["positive", "negative", "neutral"]
    assert scored["organisations"].tolist() == ["", "RR8", "", ""]
    assert "staff_manner_personal_attributes" in scored.loc[1, "themes"].split(";")


def test_score_file_needs_no_config_file(tmp_path, monkeypatch):
    """An analyst with only a CSV (no config.yaml, no database) can score it: the organisations column is then
    empty, and a line on stderr says how to fill it."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"comment": ["Rude staff at Leeds General Infirmary", "Lovely nurses"]}).to_csv(
        "in.csv", index=False
    )
    result = CliRunner().invoke(cli, ["score-file", "in.csv", "--text-column", "comment", "-o", "out.csv"])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert scored["sentiment_label"].tolist() == ["negative", "positive"]
    assert scored["organisations"].tolist() == ["", ""]
    assert "no config file: the organisations column is empty" in result.stderr
    assert not list(tmp_path.glob("*.db"))


def test_score_file_in_chunks_matches_one_pass(tmp_path):
    posts = pd.read_csv(TRIAGE)
    source = tmp_path / "triage.csv"
    posts.to_csv(source, index=False)
    scorer = NhsScorer()
    matcher = Matcher(load_config(write_config(tmp_path)).organisations)
    score_csv(source, tmp_path / "one.csv", "text", scorer, matcher)
    score_csv(source, tmp_path / "many.csv", "text", scorer, matcher, chunk_rows=7)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "no rows"), ("id,text\n1,hello\n", "'body' is not a column (columns: id, text)")],
)
def test_score_file_explains_bad_input(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    config = write_config(tmp_path)
    args = [
        "--config",
        str(config),
        "score-file",
        str(source),
        "--text-column",
        "body",
        "-o",
        str(tmp_path / "o.csv"),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert message in str(result.exception)


def test_a_column_named_like_an_added_one_is_refused_not_overwritten(tmp_path, monkeypatch, capsys):
    source = tmp_path / "coded.csv"
    source.write_text("id,comment,themes\n1,good nurses,hand-coded: staff\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)
    assert code == 2 and not output.exists()
    assert error.startswith(
        f"error: {source}: already has the column(s) themes that score-file adds; rename them"
    )


def test_repeated_column_names_are_written_as_they_were(tmp_path, monkeypatch, capsys):
    source = tmp_path / "repeated.csv"
    source.write_text("id,comment,note,note,\n1,good nurses,a,b,c\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    assert run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)[0] == 0
    header, row = output.read_text(encoding="utf-8").splitlines()
    assert header == ",".join(["id", "comment", "note", "note", "", *OUTPUT_COLUMNS])
    assert row.startswith("1,good nurses,a,b,c,positive,")
    code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "note", "-o", output)
    assert code == 2 and error == f"error: {source}: --text-column 'note' names 2 columns; rename all but one"


@pytest.mark.parametrize(
    ("content", "delimiter", "shown"),
    [
        ("id;comment\n1;lovely nurses\n", ";", "';'"),
        ("id;comment\n1;lovely nurses\n2;rude, and late\n", ";", "';'"),
        ("id\tcomment\n1\tlovely nurses\n", "\\t", "'\\t'"),
    ],
    ids=["semicolons", "semicolons and a comma", "tabs"],
)
def test_another_delimiter_is_named_and_read_with_delimiter(
    tmp_path, monkeypatch, capsys, content, delimiter, shown
):
    source = tmp_path / "excel.csv"
    source.write_text(content, encoding="utf-8")
    output = tmp_path / "out.csv"
    code, error = run(tmp_path, monkeypatch, capsys, source, "--text-column", "comment", "-o", output)
    assert code == 2 and error.endswith(
        f"Hint: its fields are separated by {'tabs' if 't' in shown else 'semicolons'}: add --delimiter {shown}"
    )
    args = [source, "--text-column", "comment", "--delimiter", delimiter, "-o", output]
    assert run(tmp_path, monkeypatch, capsys, *args)[0] == 0
    scored = pd.read_csv(output, dtype=str)
    assert list(scored.columns) == ["id", "comment", *OUTPUT_COLUMNS]
    assert scored.loc[0, "sentiment_label"] == "positive"


def test_a_utf16_encoding_for_a_file_that_is_not_is_a_usage_error(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.csv"
    write_rows(source, 1)
    args = [source, "--text-column", "comment", "--encoding", "utf-16", "-o", tmp_path / "out.csv"]
    code, error = run(tmp_path, monkeypatch, capsys, *args)
    assert (
        code == 2
        and error
        == f"error: {source}: it is not valid utf-16 text; give the encoding it was saved in with --encoding"
    )

"""`listener score-file` on awkward files."""

import pytest

from listener.errors import UsageError
from listener.matching import Matcher
from listener.scoring.nhs import NhsScorer
from listener.scoring.scorefile import score_csv


@pytest.fixture(scope="module")
def scorer():
    return NhsScorer()


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

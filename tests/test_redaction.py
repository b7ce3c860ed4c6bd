"""Redaction: at least 100 written cases, including near misses that must be left alone."""

from pathlib import Path

import pytest

from listener.privacy import Redactor, nhs_number_is_valid, redact

CASES_FILE = Path(__file__).parent / "data" / "redaction_cases.tsv"
ORG_HANDLES = ["GSTTnhs", "LeedsHospitals"]


def load_cases():
    cases = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        text, expected = line.split("\t")
        cases.append((text, expected))
    return cases


CASES = load_cases()


def test_there_are_at_least_100_cases():
    assert len(CASES) >= 100
    kept = [text for text, expected in CASES if text == expected]
    assert len(kept) >= 40  # near misses and clean text


@pytest.mark.parametrize("text, expected", CASES, ids=[t[:40] or "empty" for t, _ in CASES])
def test_redaction_case(text, expected):
    assert redact(text, ORG_HANDLES) == expected


def test_modulus_11():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("0000000000")


def test_categories_can_be_chosen():
    only_email = Redactor(categories=["email"])
    assert only_email("jo@example.com 07700 900123 @bob") == "[email] 07700 900123 @bob"
    with pytest.raises(ValueError, match="unknown redaction categories"):
        Redactor(categories=["names"])


def test_huge_text_is_fast_enough_to_finish():
    text = ("call 07700 900123 or jo@example.com at SE1 7EH " * 5000) + "1 " * 50_000
    assert "[phone]" in redact(text)

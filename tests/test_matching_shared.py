"""A term two organisations share links a post to both: loading the config says so, naming the term and both."""

import json
import logging

import pytest
from click.testing import CliRunner

from listener.cli import cli
from listener.config import load_config, parse_config
from listener.errors import ConfigError
from listener.matching import Matcher
from listener.matching.shared import shared_terms

LEEDS = """\
store:
  url: sqlite:///listener.db
organisations:
  - code: RR8
    name: Leeds Teaching Hospitals NHS Trust
    aliases: [LGI]
    hashtags: [NHSLeeds]
  - code: RGD
    name: Leeds and York Partnership NHS Foundation Trust
    aliases: [LYPFT]
    hashtags: [NHSLeeds]
"""


def organisations(*entries):
    return parse_config({"organisations": list(entries)}).organisations


def org(code, **terms):
    return {"code": code, "name": f"Trust {code}", **terms}


def test_loading_a_config_warns_of_a_hashtag_two_organisations_share(tmp_path, caplog):
    path = tmp_path / "config.yaml"
    path.write_text(LEEDS, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="listener.config"):
        config = load_config(path)
    assert [org.code for org in config.organisations] == ["RR8", "RGD"]  # a warning, not an error
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith(f'{path}: organisations[0].hashtags[0] "NHSLeeds" (RR8) is also ')
    assert 'organisations[1].hashtags[0] "NHSLeeds" (RGD)' in message
    assert "linked to both RR8 and RGD" in message
    # ... and it does link both, which is why it is worth a warning
    assert [m.org_code for m in Matcher(config.organisations).find("#NHSLeeds staff are brilliant")] == [
        "RR8",
        "RGD",
    ]


def test_every_command_that_reads_the_config_prints_the_warning_and_still_runs(tmp_path):
    (tmp_path / "config.yaml").write_text(LEEDS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.yaml"), "match"])
    assert result.exit_code == 0, result.output
    assert "WARNING listener.config: " in result.stderr and '"NHSLeeds" (RR8)' in result.stderr
    assert "matched 0 posts" in result.stdout


def test_terms_the_matcher_reads_alike_are_shared_whatever_their_kind():
    found = shared_terms(
        organisations(
            org("RJ1", aliases=["Guy's", "LTHT"], handles=["UCLH"]),
            org("RR8", ambiguous_aliases=["Guys"], hashtags=["ltht"]),
            org("RRV", aliases=["UCLH"]),
        )
    )
    assert [(shared.codes, [use.path for use in shared.uses]) for shared in found] == [
        (("RJ1", "RR8"), ["organisations[0].aliases[0]", "organisations[1].ambiguous_aliases[0]"]),
        (("RJ1", "RR8"), ["organisations[0].aliases[1]", "organisations[1].hashtags[0]"]),
        (("RJ1", "RRV"), ["organisations[0].handles[0]", "organisations[2].aliases[0]"]),
    ]


def test_a_name_shared_only_with_each_trusts_own_context_is_not_reported():
    paddington = {"alias": "St Mary's Hospital", "context": ["Paddington"]}
    newport = {"alias": "St Marys Hospital", "context": ["Newport"]}
    assert (
        shared_terms(
            organisations(org("RYJ", ambiguous_aliases=[paddington]), org("R1F", ambiguous_aliases=[newport]))
        )
        == []
    )
    # but where one of them counts without its own context, a post about the other links it too
    [shared] = shared_terms(
        organisations(org("RYJ", ambiguous_aliases=[paddington]), org("R1F", aliases=["St Mary's Hospital"]))
    )
    assert shared.codes == ("RYJ", "R1F")


def test_one_organisations_own_terms_are_never_shared():
    assert (
        shared_terms(organisations(org("RRV", aliases=["UCLH"], handles=["UCLH"], hashtags=["UCLH"]))) == []
    )


def add_royal_free_after_whittington_with_its_alias(tmp_path, settings=""):
    """``listener orgs add RAL`` to a config whose RKE has the alias orgs add proposes for RAL."""
    path = tmp_path / "config.yaml"
    path.write_text(
        settings + "organisations:\n  - code: RKE\n    name: Whittington Health NHS Trust\n"
        "    aliases: [Royal Free Hospital]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["orgs", "add", "RAL", "--config", str(path)])
    assert result.exit_code == 0, result.output
    return result


def test_orgs_add_warns_when_a_proposed_alias_is_another_organisations(tmp_path):
    result = add_royal_free_after_whittington_with_its_alias(tmp_path)
    assert '"Royal Free Hospital" (RKE) is also organisations[1].aliases[0]' in result.stderr
    assert "linked to both RKE and RAL" in result.stderr


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_the_warning_is_written_in_the_log_format_config_chooses(tmp_path):
    (tmp_path / "config.yaml").write_text(LEEDS + "logging:\n  format: json\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.yaml"), "match"])
    assert result.exit_code == 0, result.output
    [warning] = [entry for entry in json_lines(result.stderr) if entry["logger"] == "listener.config"]
    assert warning["level"] == "WARNING" and '"NHSLeeds" (RR8)' in warning["message"]
    assert "WARNING listener.config" not in result.stderr  # not also as text


def test_orgs_add_writes_the_warning_in_the_configs_log_format(tmp_path):
    result = add_royal_free_after_whittington_with_its_alias(tmp_path, "logging:\n  format: json\n")
    [warning] = json_lines(result.stderr)
    assert "linked to both RKE and RAL" in warning["message"]


ACKNOWLEDGED = LEEDS.replace(
    "    hashtags: [NHSLeeds]\n", "    hashtags: [NHSLeeds]\n    shared_terms_ok: ['#NHSLeeds']\n"
)


def test_a_shared_term_every_organisation_sharing_it_acknowledges_is_not_warned_of(tmp_path, caplog):
    path = tmp_path / "config.yaml"
    path.write_text(ACKNOWLEDGED, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="listener.config"):
        config = load_config(path)
    assert caplog.records == []
    assert [m.org_code for m in Matcher(config.organisations).find("#NHSLeeds")] == ["RR8", "RGD"]
    # the hashtag's name as written, without the #, acknowledges it too
    assert (
        shared_terms(
            organisations(
                *(org(code, hashtags=["NHSLeeds"], shared_terms_ok=["nhsleeds"]) for code in ("RR8", "RGD"))
            )
        )
        == []
    )


def test_a_shared_term_only_some_of_its_organisations_acknowledge_is_still_warned_of():
    found = shared_terms(
        organisations(
            org("RR8", hashtags=["NHSLeeds"], shared_terms_ok=["#NHSLeeds"]),
            org("RGD", hashtags=["NHSLeeds"], shared_terms_ok=["#NHSLeeds"]),
            org("RY6", aliases=["NHS Leeds"], hashtags=["NHSLeeds"]),  # pasted by mistake: still reported
        )
    )
    assert [shared.codes for shared in found] == [("RR8", "RGD", "RY6")]


def test_acknowledging_a_term_the_organisation_does_not_configure_is_a_config_error():
    with pytest.raises(ConfigError, match=r"organisations\[0\].shared_terms_ok\[0\]: .*#NHSLeds"):
        organisations(org("RR8", hashtags=["NHSLeeds"], shared_terms_ok=["#NHSLeds"]))


def test_acknowledging_a_shared_term_does_not_match_stored_posts_again():
    plain = organisations(org("RR8", hashtags=["NHSLeeds"]))
    acknowledged = organisations(org("RR8", hashtags=["NHSLeeds"], shared_terms_ok=["#NHSLeeds"]))
    assert Matcher(plain).key == Matcher(acknowledged).key

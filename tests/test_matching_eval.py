"""The matcher against 360+ posts labelled by hand: precision and recall must not fall below the floor."""

import json
from pathlib import Path

from click.testing import CliRunner

from listener.cli import cli
from listener.config import load_config
from listener.matching import Matcher
from listener.matching.evaluate import evaluate, load_labelled

DATA = Path(__file__).resolve().parent / "data"
POSTS = DATA / "matching_eval.jsonl"
CONFIG = DATA / "matching_eval_config.yaml"
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.95


def test_the_labelled_set_covers_what_the_issue_asks():
    posts = load_labelled(POSTS)
    assert len(posts) >= 300
    tags = {tag for post in posts for tag in post.tags}
    assert {"ambiguous", "handle_vs_name", "two_orgs", "misspelling", "hashtag_suffix", "none"} <= tags
    assert "everyday_sense" in tags  # "military operation", "I trust", "cosmetic surgery" near a place name
    assert sum(1 for post in posts if not post.orgs) >= 60
    assert sum(1 for post in posts if len(post.orgs) >= 2) >= 15
    configured = {org.code for org in load_config(CONFIG).organisations}
    assert {code for post in posts for code in post.orgs} <= configured


def test_precision_and_recall_hold_the_floor():
    result = evaluate(Matcher(load_config(CONFIG).organisations), load_labelled(POSTS))
    assert result.overall.precision >= PRECISION_FLOOR, result.mistakes
    assert result.overall.recall >= RECALL_FLOOR, result.mistakes


def test_evaluate_command_prints_the_figures():
    result = CliRunner().invoke(cli, ["--config", str(CONFIG), "match", "--evaluate", str(POSTS)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("364 posts") and "precision 0." in last and "recall 0." in last


def test_counts_are_over_post_and_organisation_pairs(tmp_path):
    labelled = tmp_path / "few.jsonl"
    rows = [
        {"id": "1", "text": "LGI and @GSTTnhs", "orgs": ["RR8", "RJ1"], "tags": ["two"]},
        {"id": "2", "text": "nothing here", "orgs": ["RKE"]},
        {"id": "3", "text": "LGI again", "orgs": []},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = evaluate(Matcher(load_config(CONFIG).organisations), load_labelled(labelled))
    counts = result.overall
    assert (counts.true_positives, counts.false_positives, counts.false_negatives) == (2, 1, 1)
    assert result.by_tag["two"].precision == 1.0
    assert [m.post.id for m in result.mistakes] == ["2", "3"]

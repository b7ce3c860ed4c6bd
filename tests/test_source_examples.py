"""The README has an example config for every kind of source, and each is valid config."""

import re
from pathlib import Path

import pytest
import yaml
from conftest import ORGANISATIONS

from listener.collectors import collector_kinds
from listener.config import parse_config

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("kind", collector_kinds())
def test_readme_example_config_is_valid(kind, tmp_path):
    blocks = [
        block
        for block in re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
        if f"kind: {kind}\n" in block
    ]
    assert blocks, f"README.md has no example config for kind {kind}"
    for block in blocks:
        config = parse_config(yaml.safe_load(ORGANISATIONS) | yaml.safe_load(block), base_dir=tmp_path)
        assert {source.kind for source in config.sources} == {kind}

"""Add an organisation to config.yaml without losing the user's comments or layout (ruamel.yaml round trip)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from listener.config import Config, parse_config, read_yaml
from listener.errors import ConfigError, UsageError
from listener.files import replaced_on_success


def add_organisation(path: Path, entry: dict[str, Any], comment: str) -> Config:
    """Append ``entry`` to ``organisations`` in the YAML file at ``path`` (created if missing); return the new
    config.

    ``comment`` goes on the line above the entry. The result is validated before the file is replaced, so a
    config that would not load is never written.
    """
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap the user's lines
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text.strip():
        read_yaml(path)  # bad YAML or a key given twice: the same one-line error as every other command
    document = yaml.load(text) if text.strip() else CommentedMap()
    if not isinstance(document, dict):
        raise ConfigError([f"{path}: expected a mapping of sections at the top level"])
    organisations = document.get("organisations")
    if organisations is None:
        organisations = document["organisations"] = CommentedSeq()
    codes = {str(org.get("code", "")).upper() for org in organisations if isinstance(org, dict)}
    if entry["code"] in codes:
        raise UsageError(f"{path}: organisation {entry['code']} is already in organisations")
    organisations.append(_entry_map(entry))
    organisations.yaml_set_comment_before_after_key(len(organisations) - 1, before=comment, indent=2)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    config = parse_config(
        YAML(typ="safe").load(buffer.getvalue()), source_name=str(path), base_dir=path.parent, path=path
    )
    with replaced_on_success(path) as handle:
        handle.write(buffer.getvalue())
    return config


def _entry_map(entry: dict[str, Any]) -> CommentedMap:
    mapping = CommentedMap()
    for key, value in entry.items():
        if isinstance(value, list):
            if not value:
                continue
            sequence = CommentedSeq(value)
            sequence.fa.set_flow_style()
            mapping[key] = sequence
        else:
            mapping[key] = value
    return mapping

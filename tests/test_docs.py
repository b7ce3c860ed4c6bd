"""Docs are checked: every config key is documented, and CI runs the README's commands."""

import re
from pathlib import Path

from pydantic import BaseModel

from listener.collectors import collector_kinds, options_model
from listener.config import Config

ROOT = Path(__file__).resolve().parent.parent


def keys(model: type[BaseModel]):
    for name, field in model.model_fields.items():
        if field.exclude or name == "options":
            continue
        yield field.alias or name
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                yield from keys(candidate)


def test_every_config_key_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)", text))
    models = [Config, *(options_model(kind) for kind in collector_kinds())]
    missing = {key for model in models for key in keys(model)} - documented
    assert not missing, f"undocumented config keys: {sorted(missing)}"


def test_every_kind_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for kind in collector_kinds():
        assert f"### `kind: {kind}`" in text


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(pip install .*?)\n```", readme)
    assert commands[:2] == ["pip install . && listener demo", "pip install '.[test]' && pytest"]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    from listener.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in cli.commands
        if f"`listener {name}" not in readme and f"/ `listener {name}" not in readme
    ]
    assert not missing, f"commands missing from the README's table: {missing}"


def test_every_cron_line_runs_listener_with_the_secrets(tmp_path):
    """cron does not have the shell's exported variables: each line goes through the README's wrapper, and the
    wrapper gives listener the variables of the secrets file (as systemd's EnvironmentFile does)."""
    import os
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [
        line
        for block in re.findall(r"```cron\n(.*?)```", readme, re.S)
        for line in block.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    for line in lines:
        assert "listener.sh " in line and not re.search(r"bin/listener\b", line), line
    (wrapper,) = re.findall(r"```sh\n(#!/bin/sh\n.*?)```", readme, re.S)
    secrets = tmp_path / "secrets.env"
    secrets.write_text("LISTENER_PSEUDONYM_KEY=k3y-from-the-file\nLISTENER_SMTP_PASSWORD='a b$c'\n")
    fake = tmp_path / ".venv" / "bin" / "listener"
    fake.parent.mkdir(parents=True)
    fake.write_text('#!/bin/sh\necho "$LISTENER_PSEUDONYM_KEY|$LISTENER_SMTP_PASSWORD|$*|$(pwd)"\n')
    fake.chmod(0o755)
    script = tmp_path / "listener.sh"
    script.write_text(
        wrapper.replace("/etc/listener/secrets.env", str(secrets)).replace("/srv/listener", str(tmp_path))
    )
    script.chmod(0o755)
    done = subprocess.run(
        [str(script), "collect", "--score"], env={"PATH": os.defpath}, capture_output=True, text=True
    )
    assert done.stdout == f"k3y-from-the-file|a b$c|collect --score|{tmp_path}\n", done.stderr


def test_every_table_and_column_is_in_the_schema_doc():
    from listener.store.models import Base

    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^#)", text, re.S | re.M))
    missing = []
    for table in Base.metadata.sorted_tables:
        described = sections.get(table.name)
        if described is None:
            missing.append(table.name)
            continue
        missing += [f"{table.name}.{c.name}" for c in table.columns if f"`{c.name}`" not in described]
    assert not missing, f"not described in docs/schema.md: {missing}"


def _long_options(command, *, subcommands: bool = True) -> set[str]:
    names = {o for p in command.params for o in p.opts + p.secondary_opts if o.startswith("--")} - {"--help"}
    for sub in getattr(command, "commands", {}).values() if subcommands else ():
        names |= _long_options(sub)
    return names


def test_the_commands_table_lists_every_option_and_no_other():
    from listener.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `listener ")]
    for row in rows:
        first_cell = row.split(" | ")[0]
        names = re.findall(r"`listener ([a-z-]+)", first_cell)
        options = set().union(*(_long_options(cli.commands[name]) for name in names))
        written = set(re.findall(r"(--[a-z][a-z-]*)", first_cell))
        assert written == options, f"{names}: missing {options - written}, not options {written - options}"
    table_end = section.index("\n\n", section.index("| `listener "))
    after_table = section[table_end:]
    for option in _long_options(cli, subcommands=False) - {"--config"}:  # --config: under Configuration
        assert f"`{option}" in after_table, option

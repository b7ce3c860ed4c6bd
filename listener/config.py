"""Load and validate config.yaml once, into typed frozen objects.

Every problem is reported as one line that names the key path, what was expected and what was found, for example
``config.yaml: sources[2].schedule.every: expected a duration like "15m", got 15``. Unknown keys are errors: a typo
must never be silently ignored, nor a key given twice.

Relative paths in the file (the SQLite database, file sources, the report directory) are resolved against the
directory that holds config.yaml, so the same config works from cron, whatever the working directory.
"""

from __future__ import annotations

import logging
import os
import typing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import Field, ValidationError, model_validator

from listener.config_errors import describe_errors, show_value
from listener.config_sections import (
    DEFAULT_DATABASE_URL,
    REDACTION_CATEGORIES,
    AmbiguousAlias,
    EmailConfig,
    LoggingConfig,
    OrganisationConfig,
    PrivacyConfig,
    ReportsConfig,
    RetentionConfig,
    ScheduleConfig,
    SchedulerConfig,
    ScoringConfig,
    Section,
    SourceConfig,
    StatusConfig,
    StoreConfig,
    ThemesConfig,
    check_cron,
    check_database_url,
    parse_duration,
    parse_duration_or_zero,
)
from listener.errors import ConfigError

log = logging.getLogger(__name__)

# the sections (config_sections.py) are imported from here by the rest of listener, as before they moved
__all__ = [
    "DEFAULT_DATABASE_URL",
    "REDACTION_CATEGORIES",
    "AmbiguousAlias",
    "EmailConfig",
    "LoggingConfig",
    "OrganisationConfig",
    "PrivacyConfig",
    "ReportsConfig",
    "RetentionConfig",
    "ScheduleConfig",
    "SchedulerConfig",
    "ScoringConfig",
    "Section",
    "SourceConfig",
    "StatusConfig",
    "StoreConfig",
    "ThemesConfig",
    "check_cron",
    "check_database_url",
    "parse_duration",
    "parse_duration_or_zero",
    "CONFIG_ENV",
    "DATABASE_URL_ENV",
    "Config",
    "find_config_path",
    "load_config",
    "parse_config",
    "read_yaml",
    "warn_of_shared_terms",
]

CONFIG_ENV = "LISTENER_CONFIG"
DATABASE_URL_ENV = "LISTENER_DATABASE_URL"


class Config(Section):
    """The whole of config.yaml."""

    store: StoreConfig = StoreConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    organisations: tuple[OrganisationConfig, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    scoring: ScoringConfig = ScoringConfig()
    reports: ReportsConfig = ReportsConfig()
    retention: RetentionConfig = RetentionConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    status: StatusConfig = StatusConfig()
    logging: LoggingConfig = LoggingConfig()
    path: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for label, values in (
            ("organisations", [o.code for o in self.organisations]),
            ("sources", [s.name for s in self.sources]),
        ):
            seen: set[str] = set()
            for index, value in enumerate(values):
                if value in seen:
                    key = "code" if label == "organisations" else "name"
                    raise ValueError(f"{label}[{index}].{key}: expected a unique value, got {value!r} twice")
                seen.add(value)
        return self

    @model_validator(mode="after")
    def _acknowledged_terms_are_configured(self) -> Config:
        from listener.matching.shared import unknown_acknowledgements  # listener.matching imports this module

        for index, org in enumerate(self.organisations):
            for number, term in unknown_acknowledgements(org):
                raise ValueError(
                    f"organisations[{index}].shared_terms_ok[{number}]: expected one of this organisation's "
                    f"names, aliases, handles or hashtags, got {term!r}"
                )
        return self

    @property
    def schedule_zone(self) -> ZoneInfo:
        """The zone of cron expressions: scheduler.timezone, else reports.timezone."""
        return ZoneInfo(self.scheduler.timezone or self.reports.timezone)

    def require_organisations(self) -> Config:
        """This config, if it names at least one organisation; else a ConfigError (a pipeline with none would
        collect and report nothing, silently, for ever)."""
        if not self.organisations:
            raise ConfigError(
                [
                    f"{self.path or 'config'}: organisations: at least one is required; "
                    "add one with `listener orgs add CODE` (find codes with `listener orgs search NAME`)"
                ]
            )
        return self

    def organisation(self, code: str) -> OrganisationConfig:
        for org in self.organisations:
            if org.code == code.upper():
                return org
        known = ", ".join(o.code for o in self.organisations) or "none configured"
        raise ConfigError([f"organisation {code!r} is not in the config (configured: {known})"])

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError([f"source {name!r} is not in the config (configured: {known})"])


def find_config_path(explicit: str | Path | None = None) -> Path | None:
    """The config file to use: --config, then $LISTENER_CONFIG, then ./config.yaml if it exists."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    default = Path("config.yaml")
    return default if default.exists() else None


def load_config(path: str | Path | None = None, *, required: bool = True, warn: bool = True) -> Config:
    """Read, validate and resolve the config. Raises ConfigError with one line per problem.

    With ``warn``, terms that two organisations share are logged as warnings (``warn_of_shared_terms``); a
    command turns that off to log them once logging follows the config's ``logging.format``.
    """
    found = find_config_path(path)
    if found is None:
        if required:
            raise ConfigError(
                [
                    "no config file: pass --config FILE, set LISTENER_CONFIG, or run from a folder with config.yaml"
                ]
            )
        return _resolve(Config(), Path.cwd())
    data = read_yaml(found)
    config = parse_config(data, source_name=str(found), base_dir=found.resolve().parent, path=found)
    if warn:
        warn_of_shared_terms(config)
    return config


def parse_config(
    data: Any, *, source_name: str = "config", base_dir: Path | None = None, path: Path | None = None
) -> Config:
    """Validate already-parsed YAML data into a Config (used by load_config and by tests)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            [f"{source_name}: expected a mapping of sections at the top level, got {show_value(data)}"]
        )
    data = {key: value for key, value in data.items() if value is not None}  # all lines commented out
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([f"{source_name}: {line}" for line in describe_errors(exc, Config)]) from None
    config = _validate_source_options(config, source_name)
    return _resolve(config.model_copy(update={"path": path}), base_dir or Path.cwd())


def warn_of_shared_terms(config: Config) -> None:
    """Log a warning for each alias, handle or hashtag two organisations share, unless every one of them lists it
    in ``shared_terms_ok``: their posts link to all of them."""
    from listener.matching.shared import shared_terms  # listener.matching imports this module

    for shared in shared_terms(config.organisations):
        log.warning("%s: %s", config.path or "config", shared)


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error.

    YAML requires keys to be unique, but PyYAML keeps the last value silently; in a config that hides a mistake
    (two ``store:`` sections, one of them ignored). Keys brought in by a ``<<`` merge may still be overridden.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, typing.Hashable):
                continue  # PyYAML reports an unhashable key itself
            if key in first_line:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice in one mapping, first on line {first_line[key] + 1}",
                    key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the config file ({exc.strerror})"]) from None
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError([f"{path}: {where}not valid YAML ({problem})"]) from None


def _validate_source_options(config: Config, source_name: str) -> Config:
    from listener.collectors import collector_kinds, options_model

    problems: list[str] = []
    sources = []
    for index, source in enumerate(config.sources):
        if source.kind not in collector_kinds():
            expected = ", ".join(collector_kinds())
            problems.append(
                f"{source_name}: sources[{index}].kind: expected one of {expected}, got {source.kind!r}"
            )
            continue
        model = options_model(source.kind)
        try:
            options = model.model_validate(source.options or {})
        except ValidationError as exc:
            at = f"sources[{index}]"
            problems.extend(f"{source_name}: {line}" for line in describe_errors(exc, model, at=at))
            continue
        problems.extend(
            f"{source_name}: sources[{index}].{key}: {problem}"
            for key, problem in _unknown_organisations(options, config)
        )
        sources.append(source.model_copy(update={"options": options}))
    if problems:
        raise ConfigError(problems)
    return config.model_copy(update={"sources": tuple(sources)})


def _unknown_organisations(options: Any, config: Config) -> list[tuple[str, str]]:
    """A source's ODS codes that are not under ``organisations``: a mistyped code would otherwise fail the source
    on every run, long after the config was accepted."""
    known = [org.code for org in config.organisations]
    expected = f"expected one of: {', '.join(known)}" if known else "no organisations are configured"
    return [
        (key, f"unknown organisation {code!r} ({expected})")
        for key, code in options.organisation_codes()
        if code not in known
    ]


def _resolve(config: Config, base_dir: Path) -> Config:
    """Apply LISTENER_DATABASE_URL and make relative paths relative to the config file's folder."""
    url = _database_url_from_environment() or _absolute_sqlite(config.store.url, base_dir)
    reports = config.reports
    if not reports.output_dir.is_absolute():
        reports = reports.model_copy(update={"output_dir": base_dir / reports.output_dir})
    privacy = config.privacy
    if privacy.pseudonym_key_file and not privacy.pseudonym_key_file.is_absolute():
        privacy = privacy.model_copy(update={"pseudonym_key_file": base_dir / privacy.pseudonym_key_file})
    sources = tuple(
        s.model_copy(update={"options": s.options.resolve_paths(base_dir)})
        if hasattr(s.options, "resolve_paths")
        else s
        for s in config.sources
    )
    return config.model_copy(
        update={
            "store": config.store.model_copy(update={"url": url}),
            "reports": reports,
            "privacy": privacy,
            "sources": sources,
        }
    )


def _database_url_from_environment() -> str | None:
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        return None
    try:
        return check_database_url(url)
    except ValueError as exc:
        raise ConfigError([f"{DATABASE_URL_ENV}: {exc}"]) from None


def _absolute_sqlite(url: str, base_dir: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
        return prefix + str(base_dir / url[len(prefix) :])
    return url

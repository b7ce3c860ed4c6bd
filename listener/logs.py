"""Log lines as readable text or JSON, one per event, with every secret masked.

Secrets are the values of the environment variables that config.yaml names in keys ending in ``_env`` (the
pseudonymisation key, API tokens), the pseudonymisation key file's content and the database password. Masking
happens on the finished line, after the message, its arguments and any traceback are formatted, so a token that a
library puts in a URL or an exception message is masked too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from listener.config import Config

MASK = "***"
MIN_SECRET_CHARS = 4  # shorter values would mask ordinary text
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_secrets: set[str] = set()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and, when any, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class MaskingFormatter(logging.Formatter):
    """Formats with ``inner``, then replaces every known secret by ***."""

    def __init__(self, inner: logging.Formatter):
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return mask(self.inner.format(record))


def mask(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def add_secrets(values: Iterable[str | None]) -> None:
    _secrets.update(v for v in values if v and len(v) >= MIN_SECRET_CHARS)


def secrets_of(config: Config) -> set[str]:
    """The secret values config.yaml points at: env variables named by ``*_env`` keys, key file, DB password."""
    names = set(_env_names(config.model_dump(mode="python")))
    values = {os.environ.get(name, "").strip() for name in names} | {os.environ.get(n, "") for n in names}
    key_file = config.privacy.pseudonym_key_file
    if key_file is not None and key_file.is_file():
        values.add(key_file.read_text(encoding="utf-8").strip())
    password = make_url(config.store.url).password
    if password:
        values.add(str(password))
    return {v for v in values if v}


def _env_names(data: Any) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.endswith("_env") and isinstance(value, str):
                yield value
            else:
                yield from _env_names(value)
    elif isinstance(data, list | tuple):
        for item in data:
            yield from _env_names(item)


def configure_logging(level: int, log_format: str = "text") -> None:
    """Send log lines of ``level`` and above to stderr, as text or JSON, secrets masked."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_listener", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._listener = True  # type: ignore[attr-defined]
    handler.setFormatter(_formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)


def use_format(log_format: str) -> None:
    """Switch listener's log handler to another format (once config.yaml, which may choose one, is read)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_listener", False):
            handler.setFormatter(_formatter(log_format))


def _formatter(log_format: str) -> logging.Formatter:
    inner = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    return MaskingFormatter(inner)

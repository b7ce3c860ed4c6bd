"""Pseudonymised authors: a keyed hash (HMAC-SHA256) of the platform and the author's id.

The key never enters the database, so the store alone cannot be turned back into handles; the same author gets
the same key across runs, so counts of unique authors stay right. Handles are kept in clear only for the
organisations' own accounts named in config.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable

from listener.config import Config
from listener.errors import ConfigError

KEY_HINT = (
    'create one with: python -c "import secrets; print(secrets.token_hex(32))" and put it in the '
    "environment variable {env} (or in a file named by privacy.pseudonym_key_file)"
)


def load_pseudonym_key(config: Config) -> bytes:
    """The secret for author keys, from the environment variable or key file named in config."""
    privacy = config.privacy
    env = privacy.pseudonym_key_env
    value = os.environ.get(env, "").strip()
    if not value and privacy.pseudonym_key_file:
        try:
            value = privacy.pseudonym_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                [f"privacy.pseudonym_key_file: cannot read {privacy.pseudonym_key_file} ({exc.strerror})"]
            ) from None
    if not value:
        raise ConfigError(
            ["no pseudonymisation key: authors are stored only as keyed hashes; " + KEY_HINT.format(env=env)]
        )
    if len(value) < 16:
        raise ConfigError(
            [
                f"the pseudonymisation key in {env} is too short: use at least 16 characters; "
                + KEY_HINT.format(env=env)
            ]
        )
    return value.encode("utf-8")


class Pseudonymiser:
    """Turns (platform, author id) into a stable key; keeps organisation handles recognisable."""

    def __init__(self, key: bytes, organisation_handles: Iterable[str] = ()):
        self._key = key
        self._org_handles = {h.lower().lstrip("@") for h in organisation_handles}

    def author_key(self, platform: str, author_id: str | None) -> str | None:
        if not author_id:
            return None
        message = f"{platform}\x1f{author_id.strip().lower()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def public_handle(self, handle: str | None) -> str | None:
        """The handle if it belongs to a configured organisation, else None (private individuals)."""
        if handle and handle.lower().lstrip("@") in self._org_handles:
            return handle.lstrip("@")
        return None

    @classmethod
    def for_config(cls, config: Config) -> Pseudonymiser:
        handles = [h for org in config.organisations for h in org.handles]
        return cls(load_pseudonym_key(config), handles)


_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:\s?\d){8,9}(?!\d)")
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")


def redact(text: str, organisation_handles: Iterable[str] = ()) -> str:
    """Hide personal data in a quote: e-mail addresses, UK phone numbers and handles of private individuals."""
    keep = {h.lower().lstrip("@") for h in organisation_handles}
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    return _HANDLE.sub(lambda m: m.group(0) if m.group(1).lower() in keep else "@[person]", text)

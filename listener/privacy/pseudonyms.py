"""Pseudonymised authors: a keyed hash (HMAC-SHA256) of the platform and the author's id.

The key never enters the database, so the store alone cannot be turned back into handles; the same author gets
the same key across runs, so counts of unique authors stay right. Handles are kept in clear only for the
organisations' own accounts named in config.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from listener.config import Config
from listener.errors import ConfigError, PseudonymKeyMismatch
from listener.store import Store
from listener.store.models import PseudonymKeyCheck, utcnow
from listener.store.removal import record_action

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


def key_fingerprint(key: bytes) -> str:
    """What the store keeps to recognise the key: a keyed hash of a fixed text, from which the key cannot be found."""
    return hmac.new(key, b"listener pseudonym key check", hashlib.sha256).hexdigest()


def check_key_with_store(store: Store, config: Config, key: bytes) -> None:
    """Refuse a key other than the one the store's author keys were made with; remember the key on first use.

    With another key every author gets another key: erasure requests would match nothing and suppressed authors
    would be stored again, silently. So a changed or lost key stops the command instead.
    """
    fingerprint = key_fingerprint(key)
    for _ in range(2):  # a second worker may record its key between our read and our insert: read it then
        try:
            with store.transaction() as session:
                recorded = session.scalar(
                    select(PseudonymKeyCheck.fingerprint).where(PseudonymKeyCheck.id == 1)
                )
                if recorded is None:
                    session.add(PseudonymKeyCheck(id=1, fingerprint=fingerprint, recorded_at=utcnow()))
                    return
        except IntegrityError:
            continue
        if hmac.compare_digest(recorded, fingerprint):
            return
        raise PseudonymKeyMismatch(
            f"the pseudonymisation key in {key_source(config)} is not the one this database's authors were "
            "pseudonymised with, so erasure requests could not find them: restore the original key; only if it "
            'is lost for good, run `listener accept-new-key` (see docs/data-protection.md, "Losing the key")'
        )


def accept_new_key(store: Store, config: Config) -> bool:
    """Make the configured key the store's key from now on (the old one is lost); False if it already was."""
    fingerprint = key_fingerprint(load_pseudonym_key(config))
    with store.transaction() as session:
        row = session.get(PseudonymKeyCheck, 1)
        if row is not None and hmac.compare_digest(row.fingerprint, fingerprint):
            return False
        if row is None:
            session.add(PseudonymKeyCheck(id=1, fingerprint=fingerprint, recorded_at=utcnow()))
        else:
            row.fingerprint, row.recorded_at = fingerprint, utcnow()
        record_action(session, "key_change", 0, "a new pseudonymisation key accepted; the old one was lost")
    return True


def key_source(config: Config) -> str:
    """Where the key was read from, for messages."""
    privacy = config.privacy
    if not os.environ.get(privacy.pseudonym_key_env, "").strip() and privacy.pseudonym_key_file:
        return str(privacy.pseudonym_key_file)
    return privacy.pseudonym_key_env


class Pseudonymiser:
    """Turns (platform, author id) into a stable key; keeps organisation handles recognisable."""

    def __init__(self, key: bytes, organisation_handles: Iterable[str] = ()):
        self._key = key
        self._org_handles = {h.lower().lstrip("@") for h in organisation_handles}

    @property
    def key(self) -> bytes:
        """The secret itself, for the other keyed digests that must match this key's (post ids in tombstones)."""
        return self._key

    def author_key(self, platform: str, author: str | None) -> str | None:
        """The key of one identifier (handle or account id) of an author on a platform."""
        author = (author or "").strip().lstrip("@").lower()
        if not author:
            return None
        message = f"{platform}\x1f{author}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def post_author_keys(
        self, platform: str, author_id: str | None, handle: str | None
    ) -> tuple[str | None, str | None]:
        """(author key, handle key) of a post: the author key is of the account id when the platform gives one,
        so it survives a change of handle; the handle key, kept only when it differs, lets erasure by handle
        find the post."""
        by_id, by_handle = self.author_key(platform, author_id), self.author_key(platform, handle)
        if by_id is None:
            return by_handle, None
        return by_id, (by_handle if by_handle != by_id else None)

    def public_handle(self, handle: str | None) -> str | None:
        """The handle if it belongs to a configured organisation, else None (private individuals)."""
        if handle and handle.lower().lstrip("@") in self._org_handles:
            return handle.lstrip("@")
        return None

    @classmethod
    def for_config(cls, config: Config) -> Pseudonymiser:
        handles = [h for org in config.organisations for h in org.handles]
        return cls(load_pseudonym_key(config), handles)

    @classmethod
    def for_store(cls, store: Store, config: Config) -> Pseudonymiser:
        """The pseudonymiser of config's key, refusing a key other than the one the store was used with."""
        pseudonymiser = cls.for_config(config)
        check_key_with_store(store, config, pseudonymiser.key)
        return pseudonymiser

"""The ``listener`` command group, the context every command shares, and stopping on signals."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from listener.config import Config, find_config_path, load_config, warn_of_shared_terms
from listener.errors import UsageError

log = logging.getLogger("listener")

EXIT_FAILED = 1
EXIT_CONFIG = 2


class Context:
    def __init__(self, config_path: str | None, verbose: int = 0, log_format: str | None = None):
        self.config_path = config_path
        self.verbose = verbose
        self.log_format = log_format
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = self.log_as_configured(load_config(self.config_path, warn=False))
        return self._config

    def log_as_configured(self, config: Config) -> Config:
        """Mask the config's secrets and write log lines in its ``logging.format`` (unless ``--log-format``
        chose one); then warn of the terms its organisations share, so the warnings follow that format too."""
        from listener.logs import add_secrets, secrets_of, use_format

        add_secrets(secrets_of(config))
        if self.log_format is None:
            use_format(config.logging.format)
        warn_of_shared_terms(config)
        return config

    @property
    def config_if_found(self) -> Config | None:
        """The config, or None when no config file is given or found (for a command that works without one)."""
        if self._config is None and find_config_path(self.config_path) is None:
            return None
        return self.config

    @property
    def pipeline_config(self) -> Config:
        """The config of a command that collects, matches, scores or reports: it must name an organisation."""
        return self.config.require_organisations()

    def store(self):
        from listener.store import open_store

        return open_store(self.config.store.url)


pass_context = click.make_pass_decorator(Context)


def output_folder(option: Path | None, config: Config) -> Path:
    """The folder a command writes files to (``--out``, else reports.output_dir), created if need be.

    A folder that cannot be created or written is a UsageError naming the setting to change, before any work.
    """
    folder, setting = (option, "--out") if option else (config.reports.output_dir, "reports.output_dir")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create the folder {folder} ({exc.strerror}): set {setting} to a folder listener may write"
        ) from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write to the folder {folder}: set {setting} to a folder listener may write")
    return folder


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    envvar="LISTENER_CONFIG",
    help="config.yaml to use (default: $LISTENER_CONFIG, then ./config.yaml).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    help="Log lines as text or JSON objects (default: logging.format in config, else text).",
)
@click.version_option(package_name="listener")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, log_format: str | None) -> None:
    """Social listening for NHS organisations: collect public posts, match them to organisations, score
    sentiment and themes, and write weekly reports.

    \b
    Example:
      listener demo                       # the whole pipeline on a synthetic sample
      listener --config config.yaml collect --score
    """
    from listener.logs import configure_logging

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    configure_logging(level, log_format or "text")
    # httpx logs every request at INFO, with its whole URL; the collectors log their own line without the query
    for noisy in ("alembic", "apscheduler", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.WARNING)
    ctx.obj = Context(config_path, verbose, log_format)


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT: work stops after the page or batch being committed.

    A second SIGINT (Ctrl-C twice) stops at once. The previous handlers are restored afterwards.
    """
    stop = threading.Event()

    def handle(signum: int, _frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("%s: stopping after the current page", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

"""Writing a file so that readers never see it half-written and a failure leaves the old one as it was."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from listener.errors import UsageError


@contextmanager
def replaced_on_success(target: Path, binary: bool = False) -> Iterator[TextIO | BinaryIO]:
    """Yield a new file beside ``target`` (text in UTF-8, or ``binary``), renamed onto it when the block succeeds
    and removed if it fails. A target that cannot be written at all is a UsageError naming it."""
    partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.partial")
    try:  # "x": never an existing file, such as an input
        handle = partial.open("xb") if binary else partial.open("x", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write it ({exc.strerror})") from None
    try:
        with handle:
            yield handle
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

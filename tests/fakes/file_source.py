"""The collector contract case for ``kind: file``: a JSONL export in the test's folder instead of a server."""

from __future__ import annotations

import json
from pathlib import Path


class FileContractCase:
    kind = "file"
    not_applicable = {
        "rate_limit": "a local file has no rate limit",
        "server_error": "a local file has no HTTP status",
        "bad_auth": "a local file takes no credentials",
    }

    def __init__(self):
        self.path: Path | None = None
        self.lines: list[str] = []

    def start(self, folder: Path) -> None:
        self.path = folder / "export.jsonl"
        self._write()

    def stop(self) -> None:
        pass

    def source_config(self) -> dict:
        return {"kind": "file", "path": str(self.path), "platform": "import", "page_size": 2}

    def env(self) -> dict[str, str]:
        return {}

    def install_sleep(self, monkeypatch, sleep) -> None:
        pass  # the file kind never waits

    def seed(self, posts) -> None:
        for post in posts:
            record = {"id": post.key, "text": post.text, "created_at": post.created_at.isoformat()}
            self.lines.append(json.dumps(record))
        self._write()

    def add_malformed(self) -> None:
        self.lines.insert(len(self.lines) // 2, '{"id": "broken", "text": "cut off')
        self._write()

    def set_failure(self, mode: str | None, times: int | None = None, retry_after: int = 5) -> None:
        if mode == "unreachable" and self.path is not None:
            self.path.unlink(missing_ok=True)
        elif mode is not None:
            raise ValueError(f"the file kind has no {mode!r} failure")

    def _write(self) -> None:
        if self.path is not None:
            self.path.write_text("".join(line + "\n" for line in self.lines), encoding="utf-8")


def contract_case() -> FileContractCase:
    return FileContractCase()

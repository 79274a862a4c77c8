"""Finished exports waiting for their download: made by the submissions page in the background, taken
once by the route that serves them (both in submissions.py), kept by the site every handler is given."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ExportFile:
    path: Path
    filename: str
    media_type: str
    username: str
    made: float


class ExportFiles:
    """Finished exports waiting to be downloaded, each once, by whoever made it; then deleted. They hold
    personal data, so none outlives an hour or a restart of the server."""

    LIFETIME = 3600

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.iterdir():
            leftover.unlink(missing_ok=True)
        self._files: dict[str, ExportFile] = {}
        self._lock = threading.Lock()

    def new_path(self, suffix: str) -> tuple[str, Path]:
        token = secrets.token_urlsafe(24)
        return token, self.folder / f"{token}{suffix}"

    def add(self, token: str, file: ExportFile) -> None:
        with self._lock:
            self._forget_old()
            self._files[token] = file

    def take(self, token: str, username: str) -> ExportFile | None:
        with self._lock:
            self._forget_old()
            file = self._files.get(token)
            if file is None or file.username != username:
                return None
            return self._files.pop(token)

    def _forget_old(self) -> None:
        for token, file in list(self._files.items()):
            if time.monotonic() - file.made > self.LIFETIME:
                file.path.unlink(missing_ok=True)
                del self._files[token]

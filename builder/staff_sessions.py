"""A staff browser's session is kept on disk only while someone is signed in to it.

NiceGUI gives every browser that asks for anything under /staff its own storage, and writes it to a
file in DATA_DIR/nicegui as soon as anything is put in it. A stranger's script choosing a language
on the sign-in page wrote a file per request, never removed. Here a browser's storage is written
only once it holds a sign-in (the file keeps the sign-in across a restart of the server), and its
file goes when the session is signed out; before that, and after, it lives in memory only, as long
as the browser has a page open. Files of sessions that ran out without signing out, and what older
versions left, go at start and every hour (`sweep`).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from nicegui import background_tasks, core, run
from nicegui.app import App
from nicegui.persistence import FilePersistentDict, PersistentDict
from nicegui.storage import USER_PREFIX, Storage

from .auth import SESSION_LIFETIME

SIGNED_IN = "user_id"  # the key a sign-in writes first (auth.renew_session, auth.start_session)
SWEEP_EVERY = 3600.0  # seconds


class SignedInOnly(FilePersistentDict):
    """A browser's storage, written to its file only while it holds a sign-in; signed out, the file goes."""

    def backup(self) -> None:
        if SIGNED_IN in self:
            super().backup()
        elif self.filepath.exists():
            if core.is_loop_running():  # after any write still under way for this file (same task name)
                background_tasks.create_lazy(self._forget(), name=self.filepath.stem)
            else:
                self.filepath.unlink(missing_ok=True)

    async def _forget(self) -> None:
        if SIGNED_IN not in self:  # unless signed in again meanwhile
            await asyncio.to_thread(self.filepath.unlink, True)


def install() -> None:
    """Have NiceGUI make every browser's storage a SignedInOnly. NiceGUI has no setting for this: its
    Storage makes each one in `_create_persistent_dict`, which this wraps (the general storage and
    Redis are left as they are). Idempotent."""
    original = Storage._create_persistent_dict
    if getattr(original, "signed_in_only", False):
        return

    def create(id: str) -> PersistentDict:  # noqa: A002 - NiceGUI's parameter name
        made = original(id)
        if id.startswith(USER_PREFIX) and type(made) is FilePersistentDict:
            return SignedInOnly(made.filepath, encoding=made.encoding)
        return made

    create.signed_in_only = True  # type: ignore[attr-defined]
    Storage._create_persistent_dict = staticmethod(create)  # type: ignore[method-assign]  # NiceGUI has no hook


def sweep(folder: Path, now: float | None = None) -> int:
    """Remove the files of sessions nobody can be signed in to any more (signed in longer ago than a
    session lasts, or never: older versions wrote those); how many went."""
    now = time.time() if now is None else now
    removed = 0
    for path in folder.glob(f"storage-{USER_PREFIX}*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        since = data.get("signed_in_at") if isinstance(data, dict) else None
        if not isinstance(since, int | float) or now - since > SESSION_LIFETIME.total_seconds():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep_regularly(app: App) -> None:
    """Sweep the session files at start and every SWEEP_EVERY seconds, in a thread."""

    async def job() -> None:
        await run.io_bound(sweep, Storage.path)

    app.timer(SWEEP_EVERY, job)

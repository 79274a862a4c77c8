"""Staff session files: only sessions someone can still be signed in to stay on disk.

The server side (nothing anonymous written, the file gone at sign-out) is proved against a real server
in tests/browser/test_staff_socket.py; here the hourly sweep, on a folder of files as NiceGUI writes them.
"""

from __future__ import annotations

import json
import time

from builder.auth import SESSION_LIFETIME
from builder.staff_sessions import sweep


def test_the_sweep_removes_the_files_of_sessions_that_ran_out_or_never_signed_in(tmp_path):
    now = time.time()
    files = {
        "storage-user-current.json": {"user_id": 1, "signed_in_at": now - 3600, "lang": "en"},
        "storage-user-ran-out.json": {"user_id": 1, "signed_in_at": now - SESSION_LIFETIME.total_seconds() - 1},
        "storage-user-anonymous.json": {"lang": "en"},  # what older versions wrote for a stranger
        "storage-user-broken.json": "{not json",
        "storage-general.json": {"kept": True},  # NiceGUI's own, not a browser's
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")

    assert sweep(tmp_path, now) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["storage-general.json", "storage-user-current.json"]

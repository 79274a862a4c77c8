"""What residents write never reaches the server's log, even at info level with every request logged."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from generated_apps.store import Store

from .test_booking_servers import CSRF, free_port
from .test_crash_safety import REFERENCE, SURVEY

SECRET_WORDS = "梅本町の秘密 0142-99-8765 hanako@example.jp"


def test_answers_names_and_phone_numbers_stay_out_of_the_server_log(tmp_path):
    url = f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}"
    store = Store.open(url)
    store.save_app(SURVEY, by="kato")
    store.publish("iken", by="kato")
    store.engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_DATA_DIR": str(tmp_path)}
    with open(tmp_path / "server.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "generated_apps.asgi:app", "--port", str(port),
                                 "--log-level", "debug"], env=env, stdout=log, stderr=log)
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=30) as client:
                token = CSRF.search(client.get("/a/iken/p/1").text).group(1)
                client.post("/a/iken/p/1", data={"csrf": token, "view": SECRET_WORDS})
                client.post("/a/iken/p/2", data={"csrf": token, "name": "x" * 600 + SECRET_WORDS})  # refused: too long
                client.post("/a/iken/p/2", data={"csrf": token, "name": SECRET_WORDS})
                client.post("/a/iken/submit", data={"csrf": token})
                assert REFERENCE.search(client.get("/a/iken/done").text)
                client.post("/a/iken/p/1", data={"csrf": "forged", "view": SECRET_WORDS})  # refused: bad token
                client.post("/a/iken/status", data={"csrf": token, "reference": SECRET_WORDS, "last4": "8765"})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "POST /a/iken/p/1" in logged  # requests are logged...
    for word in SECRET_WORDS.split():
        assert word not in logged, f"{word!r} is in the server log"  # ...what residents wrote is not

"""What a resident's phone downloads: the demo survey's pages against the same question in NiceGUI.

Run: python bench/page_weight.py

Starts `madoguchi serve --demo` and bench/nicegui_question.py on free loopback ports, loads each page
in headless Chromium with the cache disabled and JavaScript on (as on a resident's phone), and adds
up the bytes of every response (CDP Network.loadingFinished encodedDataLength: compressed body plus
headers) and of websocket frames received. Targets: the question page at most 15 KB with all its
CSS; at least 30 times lighter than NiceGUI. A benchmark: it always exits 0.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import (
    CHROMIUM,
    CHROMIUM_ARGS,
    data_env,
    first_question,
    free_port,
    madoguchi_command,
    running,
    survey,
    table,
)

QUESTION_PAGE_LIMIT = 15_000  # bytes
MIN_RATIO = 30.0
SETTLE_SECONDS = 1.0  # after the load event and network quiet, for late requests and websocket frames


@dataclass
class Weight:
    label: str
    url: str
    bytes: int = 0
    requests: int = 0
    ws_bytes: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.bytes + self.ws_bytes


def measure(browser, label: str, url: str, *, wait_for: str | None = None) -> Weight:
    weight = Weight(label, url)
    context = browser.new_context(java_script_enabled=True, viewport={"width": 390, "height": 844}, locale="ja-JP")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        types: dict[str, str] = {}

        def on_response(event: dict) -> None:
            types[event["requestId"]] = event.get("type", "Other")

        def on_finished(event: dict) -> None:
            size = int(event.get("encodedDataLength", 0))
            weight.bytes += size
            weight.requests += 1
            kind = types.get(event["requestId"], "Other")
            weight.kinds[kind] = weight.kinds.get(kind, 0) + size

        def on_frame(event: dict) -> None:
            weight.ws_bytes += len(event.get("response", {}).get("payloadData", "").encode())

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.webSocketFrameReceived", on_frame)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        response = page.goto(url, wait_until="networkidle", timeout=60_000)
        if response is None or response.status != 200:
            raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
        if wait_for:
            page.get_by_text(wait_for).first.wait_for(timeout=30_000)
        time.sleep(SETTLE_SECONDS)
    finally:
        context.close()
    return weight


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def main() -> int:
    if not CHROMIUM.exists():
        print(f"SKIP: {CHROMIUM} is missing (install Debian's chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    spec = survey()
    slug = spec["slug"]
    number, question = first_question(spec)
    first_option = question["options"][0]["label"]["ja"] if question.get("options") else question["label"]["ja"]
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        tmp_path = Path(tmp)
        port, nice_port = free_port(), free_port()
        base, nice = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{nice_port}"
        server_cmd = [*madoguchi_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
        nice_cmd = [sys.executable, str(Path(__file__).with_name("nicegui_question.py")), str(nice_port)]
        with (running("madoguchi", server_cmd, base + "/", data_env(tmp_path / "data"), tmp_path),
              running("nicegui", nice_cmd, nice + "/", data_env(tmp_path / "data"), tmp_path),
              sync_playwright() as playwright):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                # One warm-up load each, so that server-side first-request work is not counted as page weight.
                measure(browser, "warm-up", f"{base}/a/{slug}/p/{number}")
                measure(browser, "warm-up", nice + "/", wait_for=first_option)
                start = measure(browser, "Madoguchi start page", f"{base}/a/{slug}")
                asked = measure(browser, f"Madoguchi question page (p/{number})", f"{base}/a/{slug}/p/{number}")
                nicegui = measure(browser, "NiceGUI, same question", nice + "/", wait_for=first_option)
            finally:
                browser.close()

    rows = [["page", "requests", "HTTP bytes", "websocket", "total"]]
    for w in (start, asked, nicegui):
        rows.append([w.label, str(w.requests), kb(w.bytes), kb(w.ws_bytes), kb(w.total)])
    print(f"Page weight, headless Chromium, cache disabled, JavaScript on, question: {question['key']}")
    print(table(rows))
    for w in (start, asked, nicegui):
        print(f"  {w.label}: " + ", ".join(f"{k} {kb(v)}" for k, v in sorted(w.kinds.items())))
    ratio = nicegui.total / asked.total if asked.total else float("inf")
    print(f"NiceGUI / question page: {ratio:.1f}x")
    fits = asked.total <= QUESTION_PAGE_LIMIT
    print(f"{'PASS' if fits else 'FAIL'}: question page {kb(asked.total)} (target at most {kb(QUESTION_PAGE_LIMIT)})")
    lighter = ratio >= MIN_RATIO
    print(f"{'PASS' if lighter else 'FAIL'}: {ratio:.1f}x lighter than NiceGUI (target at least {MIN_RATIO:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The editor on a 100-widget app: time from a keystroke to the preview showing it, and server memory per editor.

Run: python bench/editor.py [--edits 15] [--budget 20] [--tabs 5] [--large-tabs 2]

Starts `madoguchi serve` (no demo) on a free loopback port with a fresh data dir holding one admin
and two generated apps: a large one (100 widgets of every type on 50 pages: content and a question
on each, in Japanese and English) and a tiny one (one question on one page). Headless Chromium
(JavaScript on, as staff use it) signs in and measures:

- Edit to preview. In the editor, select the question on the large app's middle page, type one
  character at the end of its Japanese label, and time, inside the browser, from the keydown to
  the moment the preview iframe's document holds the new label. That is the whole round trip: the
  websocket event, the edit, the canvas, checklist and header drawn again, the draft saved to
  SQLite, the iframe pointed at the new revision, and the preview page rendered and loaded.
  A few warm-up edits, then up to `--edits` timed ones, fewer (at least 5) once `--budget` seconds
  have passed, so that a slow editor does not make the bench slow; median and p90.
  Peer: the same round trip on the tiny app, in the same server and browser, so the ratio is what
  99 more widgets cost, with the browser, the websocket, the save and the preview's fixed costs
  divided out. (A bare NiceGUI round trip would instead measure the editor's fixed costs, which
  the tiny app already shows in milliseconds.) Target: at most 3 times the tiny app's median.
- Memory per open editor. The server's resident set size (VmRSS in /proc/PID/status) after
  opening tabs of one signed-in browser, minus before, divided by the number of tabs: first
  `--tabs` of the dashboard (/staff/, a plain signed-in NiceGUI page: the peer), then `--tabs`
  editors of the tiny app, then `--large-tabs` editors of the large app, each set kept open while
  the next is measured, so that no tab reuses memory another one freed. The ratio to the
  dashboard is what an editor costs beyond any NiceGUI client of the staff side; the tiny app's
  row shows how much of it grows with the app. Measured before the latency, on a server that has
  drawn the dashboard and a tiny editor once (code loaded, caches filled) but freed little. No
  target: printed for information.
  Also printed: how long the editor takes to open (page, every row, the preview, the websocket).

RSS is noisy (the allocator keeps freed memory; NiceGUI drops a closed tab's client only after its
reconnect timeout), hence several tabs and the peers in the same process. A benchmark: it always
exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import CHROMIUM, CHROMIUM_ARGS, data_env, free_port, madoguchi_command, running, table

MAX_RATIO = 3.0
PAGES = 50  # of the large app, two widgets each
WARM_UP_EDITS = 1
MIN_EDITS = 5
SELECT_TIMEOUT_MS = 30_000  # per click on a widget's row
SETTLE_SECONDS = 5.0  # after closing tabs: NiceGUI drops a client 3 s after its tab goes
ADMIN = "bench"
TIMEOUT_MS = 60_000
CONTENT = ["heading", "paragraph", "notice", "contact_card"]
QUESTIONS = ["short_text", "long_text", "number", "email", "phone", "postal_code", "name", "date",
             "single_choice", "multiple_choice", "yes_no", "dropdown", "consent", "rating"]


# --- the two apps ---------------------------------------------------------------------------------

def text(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, "en": en}


def content_widget(kind: str, n: int) -> dict[str, Any]:
    if kind == "heading":
        return {"type": "heading", "text": text(f"見出し{n}", f"Heading {n}")}
    if kind == "paragraph":
        return {"type": "paragraph",
                "text": text(f"説明の文です。{n}番目の段落です。", f"An explanation, paragraph {n}.")}
    if kind == "notice":
        return {"type": "notice", "level": "info", "heading": text(f"お知らせ{n}", f"Notice {n}"),
                "body": text("窓口は平日に開いています。", "The counter is open on weekdays.")}
    return {"type": "contact_card", "department": text("伊達市役所 市民課", "Date City Office, Citizens Division"),
            "phone": "0142-23-3331"}


def question(kind: str, n: int) -> dict[str, Any]:
    widget: dict[str, Any] = {"type": kind, "key": f"q{n:03d}", "label": text(f"質問{n:03d}", f"Question {n:03d}")}
    if kind in ("single_choice", "multiple_choice", "dropdown"):
        widget["options"] = [{"value": f"o{k}", "label": text(f"選択肢{k}", f"Choice {k}")} for k in range(1, 5)]
    if kind == "consent":
        widget["statement"] = text("内容に同意します。", "I agree.")
    return widget


def large_app() -> dict[str, Any]:
    """100 widgets on 50 pages: content and a question on each page, every widget type in turn."""
    pages = [{"title": text(f"ページ{p}", f"Page {p}"),
              "widgets": [content_widget(CONTENT[p % len(CONTENT)], p), question(QUESTIONS[p % len(QUESTIONS)], p)]}
             for p in range(1, PAGES + 1)]
    return app_file("bench-large", "100部品のアプリ", "A 100-widget app", pages)


def tiny_app() -> dict[str, Any]:
    return app_file("bench-tiny", "1部品のアプリ", "A one-widget app", [{"widgets": [question("short_text", 1)]}])


def app_file(slug: str, ja: str, en: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format_version": 1, "slug": slug, "kind": "form", "title": text(ja, en), "languages": ["ja", "en"],
            "contact": {"phone": "0142-23-3331", "department": text("伊達市役所", "Date City Office")},
            "pages": pages}


def seed(tmp: Path, env: dict[str, str], password: str) -> None:
    def madoguchi(*args: str, stdin: str = "") -> None:
        done = subprocess.run([*madoguchi_command(), *args], input=stdin, cwd=tmp, env=env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise SystemExit(f"madoguchi {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    madoguchi("create-admin", ADMIN, "--password-stdin", stdin=password + "\n")
    for spec in (large_app(), tiny_app()):
        path = tmp / f"{spec['slug']}.json"
        path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
        madoguchi("import", str(path))


# --- the browser side -----------------------------------------------------------------------------

# Records the time of each keydown, before the input sees it.
KEYDOWN_CLOCK = ("window.__mdgKeydown = 0;"
                 " window.addEventListener('keydown', () => { window.__mdgKeydown = performance.now(); }, true);")

# Polled in the page: once the preview's document holds `label`, the milliseconds since the keydown.
PREVIEW_SHOWS = """label => {
  const frame = document.querySelector('iframe.mdg-preview');
  const doc = frame && frame.contentDocument;
  if (!doc || !doc.body || doc.readyState === 'loading' || !doc.body.textContent.includes(label)) return false;
  return Math.max(performance.now() - window.__mdgKeydown, 0.001);
}"""

CONNECTED = "() => !!(window.did_handshake && window.socket && window.socket.connected)"

PREVIEW_LOADED = """() => {
  const frame = document.querySelector('iframe.mdg-preview');
  const doc = frame && frame.contentDocument;
  return !!(doc && doc.readyState === 'complete' && doc.body && doc.body.textContent.trim());
}"""

# The property panel's input of a Japanese text that holds `label` (its aria-label is "<field>: 日本語"),
# focused with the caret at the end; false while there is none.
FOCUS_LABEL = """label => {
  const input = [...document.querySelectorAll('.mdg-properties input')]
    .find(e => e.value === label && (e.getAttribute('aria-label') || '').endsWith(': 日本語'));
  if (!input) return false;
  if (document.activeElement !== input) input.focus();
  input.setSelectionRange(label.length, label.length);
  return true;
}"""


def sign_in(context, base: str, password: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/staff/signin", wait_until="domcontentloaded")
    page.locator("input[autocomplete=username]").fill(ADMIN)
    page.locator("input[autocomplete=current-password]").fill(password)
    page.locator("input[autocomplete=current-password]").press("Enter")
    page.wait_for_url(f"{base}/staff/", timeout=TIMEOUT_MS)
    page.close()


def app_ids(context, base: str) -> dict[str, int]:
    """The editor address of each app, read from the dashboard's links."""
    page = open_dashboard(context, base)
    ids = {}
    for slug in ("bench-large", "bench-tiny"):
        href = page.locator("tr.mdg-row", has_text=f"/a/{slug}").locator("a").first.get_attribute("href") or ""
        ids[slug] = int(href.rstrip("/").rsplit("/", 1)[-1])
    page.close()
    return ids


def open_dashboard(context, base: str):
    page = context.new_page()
    page.goto(f"{base}/staff/", wait_until="domcontentloaded")
    page.locator("tr.mdg-row").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(CONNECTED, timeout=TIMEOUT_MS)
    return page


def open_editor(context, base: str, app_id: int, widgets: int):
    """An editor tab with all its rows and a loaded preview."""
    page = context.new_page()
    page.add_init_script(KEYDOWN_CLOCK)
    page.goto(f"{base}/staff/apps/{app_id}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    rows = page.locator("li.mdg-widget")
    rows.nth(widgets - 1).wait_for(timeout=TIMEOUT_MS)
    if rows.count() != widgets:
        raise SystemExit(f"the editor of app {app_id} shows {rows.count()} widgets, not {widgets}")
    page.wait_for_function(PREVIEW_LOADED, timeout=TIMEOUT_MS)
    page.wait_for_function(CONNECTED, timeout=TIMEOUT_MS)
    return page


def select_widget(page, row: int, label: str) -> int:
    """Click the row's button until the property panel shows the widget; returns the clicks it took.

    Retried because a click made while the page is still settling (its websocket just connected)
    can be lost; the editor no longer redraws its canvas after sending the page, which once made
    every early click miss.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for clicks in range(1, 4):
        page.locator("li.mdg-widget").nth(row).locator(".mdg-widget-name").click()
        try:
            page.wait_for_function(FOCUS_LABEL, arg=label, polling=50, timeout=SELECT_TIMEOUT_MS)
        except PlaywrightTimeout:
            continue
        return clicks
    raise SystemExit(f"clicking row {row} of the editor did not show {label!r} in the property panel")


def edit_latencies(page, row: int, label: str, edits: int, budget: float) -> tuple[list[float], int]:
    """Milliseconds from each keystroke to the preview showing it, after WARM_UP_EDITS unrecorded ones.

    Stops after `edits` timed edits, or earlier once `budget` seconds have passed and MIN_EDITS are in.
    Also returns the clicks the selection took.
    """
    clicks = select_widget(page, row, label)
    page.wait_for_function(PREVIEW_SHOWS, arg=label, polling=10, timeout=TIMEOUT_MS)  # the widget's page
    times: list[float] = []
    started = None
    for n in range(WARM_UP_EDITS + edits):
        if n == WARM_UP_EDITS:
            started = time.monotonic()
        elif started is not None and len(times) >= MIN_EDITS and time.monotonic() - started > budget:
            break
        page.wait_for_function(FOCUS_LABEL, arg=label, polling=50, timeout=TIMEOUT_MS)
        label += "abcdefghijklmnopqrstuvwxyz"[n % 26]
        page.keyboard.press(label[-1])
        shown = page.wait_for_function(PREVIEW_SHOWS, arg=label, polling=5, timeout=TIMEOUT_MS)
        if n >= WARM_UP_EDITS:
            times.append(float(shown.json_value()))
        time.sleep(0.3)  # let the save state and any late messages settle before the next keystroke
    return times, clicks


# --- memory ---------------------------------------------------------------------------------------

def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise SystemExit(f"no VmRSS for process {pid}")


def settled_rss(pid: int, seconds: float = 2.0) -> int:
    """RSS once the server has finished the work the last tab caused: the last of a few readings."""
    time.sleep(seconds)
    readings = []
    for _ in range(5):
        readings.append(rss_bytes(pid))
        time.sleep(0.2)
    return readings[-1]


def memory_per_tab(pid: int, open_tab, tabs: int) -> tuple[float, list, list[float]]:
    """Bytes of server RSS per tab opened with `open_tab`, the tabs (left open) and the seconds each took to open."""
    before = settled_rss(pid)
    pages, seconds = [], []
    for _ in range(tabs):
        t0 = time.monotonic()
        pages.append(open_tab())
        seconds.append(time.monotonic() - t0)
    after = settled_rss(pid)
    return (after - before) / tabs, pages, seconds


# --- report ---------------------------------------------------------------------------------------

def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value:.0f} ms"


def mb(value: float) -> str:
    return f"{value / 1e6:.2f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description="the editor: edit-to-preview latency and memory per editor")
    parser.add_argument("--edits", type=int, default=15,
                        help=f"timed edits per app, after {WARM_UP_EDITS} warm-up ones")
    parser.add_argument("--budget", type=float, default=20.0,
                        help=f"seconds of timed edits per app, after which it stops (with at least {MIN_EDITS})")
    parser.add_argument("--tabs", type=int, default=5, help="dashboard and tiny-app editor tabs opened for the memory")
    parser.add_argument("--large-tabs", type=int, default=2, help="large-app editor tabs opened for the memory")
    args = parser.parse_args()
    edits, tabs, large_tabs = max(args.edits, MIN_EDITS), max(args.tabs, 1), max(args.large_tabs, 1)
    if not CHROMIUM.exists():
        print(f"SKIP: {CHROMIUM} is missing (install Debian's chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    large_widgets = sum(len(p["widgets"]) for p in large_app()["pages"])
    middle = PAGES // 2  # its question is the page's second widget
    large_row, large_label = 2 * (middle - 1) + 1, f"質問{middle:03d}"
    password = secrets.token_urlsafe(18)
    started = time.monotonic()
    phases: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        tmp_path = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = data_env(tmp_path / "data", MADOGUCHI_PUBLIC_URL=base)
        seed(tmp_path, env, password)
        server_cmd = [*madoguchi_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        with (running("madoguchi", server_cmd, base + "/staff/signin", env, tmp_path) as server,
              sync_playwright() as playwright):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="ja-JP")
                context.set_default_timeout(TIMEOUT_MS)
                sign_in(context, base, password)
                ids = app_ids(context, base)

                # Memory first, on a server that has drawn an editor and the dashboard once (code loaded,
                # caches filled) but has not yet freed much that later tabs could reuse: the warm-up
                # editor is the tiny app's.
                open_editor(context, base, ids["bench-tiny"], 1).close()
                open_dashboard(context, base).close()
                time.sleep(SETTLE_SECONDS)  # NiceGUI deletes a closed tab's client after its reconnect timeout
                start_rss = rss_bytes(server.pid)
                phases["setup"] = time.monotonic() - started
                dashboard_each, dashboards, _ = memory_per_tab(server.pid, lambda: open_dashboard(context, base), tabs)
                tiny_each, tiny_editors, _ = memory_per_tab(
                    server.pid, lambda: open_editor(context, base, ids["bench-tiny"], 1), tabs)
                editor_each, editors, large_opens = memory_per_tab(
                    server.pid, lambda: open_editor(context, base, ids["bench-large"], large_widgets), large_tabs)
                end_rss = rss_bytes(server.pid)
                # The last editor stays open for the latency of the large app.
                large_page = editors.pop()
                for page in dashboards + tiny_editors + editors:
                    page.close()
                time.sleep(SETTLE_SECONDS)
                phases["memory"] = time.monotonic() - started - phases["setup"]

                t0 = time.monotonic()
                tiny_page = open_editor(context, base, ids["bench-tiny"], 1)
                tiny_open = time.monotonic() - t0
                tiny, tiny_clicks = edit_latencies(tiny_page, 0, "質問001", edits, args.budget)
                tiny_page.close()
                large, large_clicks = edit_latencies(large_page, large_row, large_label, edits, args.budget)
                large_page.close()
                context.close()
                phases["latency"] = time.monotonic() - started - phases["setup"] - phases["memory"]
            finally:
                browser.close()

    tiny_median, large_median = statistics.median(tiny), statistics.median(large)
    ratio = large_median / tiny_median if tiny_median else float("inf")
    print(f"Editor, headless Chromium, per app at most {edits} timed edits (or {args.budget:.0f} s) after "
          f"{WARM_UP_EDITS} warm-up, {os.cpu_count()} CPUs, {time.monotonic() - started:.0f} s in all")
    print(table([["edit to preview (keydown to new text in the iframe)", "edits", "median", "p90", "min", "max"],
                 [f"large app ({large_widgets} widgets, {PAGES} pages)", str(len(large)), ms(large_median),
                  ms(p90(large)), ms(min(large)), ms(max(large))],
                 ["tiny app (1 widget)", str(len(tiny)), ms(tiny_median),
                  ms(p90(tiny)), ms(min(tiny)), ms(max(tiny))]]))
    if tiny_clicks > 1 or large_clicks > 1:
        print(f"  clicks it took to select the widget: large app {large_clicks}, tiny app {tiny_clicks} "
              "(a click on the editor's first rows can be lost, see select_widget)")
    print(f"  opening the editor (page, every row, the preview, the websocket): large app "
          f"{statistics.median(large_opens):.1f} s (median of {len(large_opens)}), tiny app {tiny_open:.1f} s")
    print()
    memory_ratio = editor_each / dashboard_each if dashboard_each > 0 else float("inf")
    print(table([["server memory (RSS), tabs kept open", "tabs", "per tab"],
                 [f"editor of the large app ({large_widgets} widgets)", str(large_tabs), mb(editor_each)],
                 ["editor of the tiny app (1 widget)", str(tabs), mb(tiny_each)],
                 ["dashboard (/staff/)", str(tabs), mb(dashboard_each)]]))
    print(f"Server RSS {mb(start_rss)} before the tabs, {mb(end_rss)} with all {2 * tabs + large_tabs} open; "
          f"large app's editor / dashboard: {memory_ratio:.0f}x (for information, no target)")
    print("  seconds spent: " + ", ".join(f"{name} {value:.0f}" for name, value in phases.items()))
    print()
    print(f"{'PASS' if ratio <= MAX_RATIO else 'FAIL'}: "
          f"an edit on the {large_widgets}-widget app reaches the preview in "
          f"{ratio:.1f}x the tiny app's time, median (target at most {MAX_RATIO:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

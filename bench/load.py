"""Load on loopback: page views, submissions and bookings per second, and the 95th-percentile time.

Run: python bench/load.py [--seconds 8] [--residents 16]

Two set-ups of the resident-only app (`uvicorn generated_apps.web.asgi:app`), each with a survey and a
facility booking published:
- SQLite (a file in a temp dir), one process: the embedded default;
- PostgreSQL (a schema of its own on the local server, dropped afterwards), two workers: the scale path.
Beside each, in the same run, a bare Starlette app under the same uvicorn settings that answers every
request with the survey's question page (bench/bare_starlette.py): the floor of the HTTP stack and of
this load generator, walked through the same requests.

Scenarios, each for --seconds after a short warm-up, with --residents at a time (asyncio + httpx in
this process, keep-alive within a resident):
- page view: a resident who scanned a poster opens the first question (GET, no draft yet);
- submission: a new resident's whole survey: open, answer two pages, send, read the reference (5 requests);
- booking: a new resident's whole booking: open, choose a time, name, phone, send, read the reference (6 requests).
Times are of one page view or of one resident's whole flow. Afterwards the database must hold exactly
the submissions whose reference numbers residents were shown, and the slot exactly its bookings.
Target: no errors, nothing lost. A benchmark: it always exits 0 and prints what it found.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from benchlib import REPO, free_port, postgres_schema, running, table
from sqlmodel import func, select

sys.path.insert(0, str(REPO))

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings  # noqa: E402 - after the path is set
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Booking, Submission  # noqa: E402
from generated_apps.domain.store import Store  # noqa: E402
from widgets import AppSpec  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARM_UP_SECONDS = 1.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
REFERENCE = re.compile(r'<p class="reference">([0-9]{4}-[0-9]{4})</p>')
CONTACT = {"contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True}}
SURVEY = {
    "slug": "iken", "title": {"ja": "ご意見", "en": "Your views"}, **CONTACT,
    "pages": [{"widgets": [{"type": "long_text", "key": "view", "label": {"ja": "ご意見", "en": "Your view"}}]},
              {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"},
                            "reading": "none"}]}],
}


def booking(resource_id: int) -> dict:
    return {
        "slug": "gym", "kind": "reservation", "title": {"ja": "体育館の予約", "en": "Book the gym"}, **CONTACT,
        "pages": [
            {"widgets": [{"type": "slot_picker", "key": "time", "resource": resource_id,
                          "label": {"ja": "使う日と時間", "en": "Day and time"}}]},
            {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"}, "reading": "none"}]},
            {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]},
        ]}


Flow = Callable[[httpx.AsyncClient, int, int], Awaitable[str | None]]


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)  # seconds, one per page view or whole flow
    errors: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def row(self, setup: str, scenario: str, seconds: float, floor: Tally | None) -> list[str]:
        rate = len(self.times) / seconds
        p95 = statistics.quantiles(self.times, n=20)[-1] * 1000 if len(self.times) >= 20 else float("nan")
        median = statistics.median(self.times) * 1000 if self.times else float("nan")
        ratio = f"{rate / (len(floor.times) / seconds):.2f}" if floor and floor.times else "-"
        return [setup, scenario, f"{rate:,.1f}", f"{median:.1f}", f"{p95:.1f}", str(len(self.errors)), ratio]


def prepare(url: str) -> int:
    """Publish the survey and the booking app; the slot id (a slot with room for everyone)."""
    store = Store.open(url)
    bookings = Bookings(store)
    day = (dt.datetime.now(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=3)).date()
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    gym = bookings.create_resource("体育館", {weekday: [{"start": "10:00", "end": "12:00", "capacity": 10000}]},
                                   by="bench", holidays_closed=False)
    [view] = bookings.slots(gym, day, day)
    for spec in (SURVEY, booking(gym.id)):
        Apps(store).save_app(AppSpec.model_validate(spec), by="bench")
        Lifecycle(store).publish(spec["slug"], by="bench")
    store.engine.dispose()
    return view.slot.id


def check(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url.path}: {response.status_code}")
    return response


async def page_view(client: httpx.AsyncClient, _n: int, _slot: int) -> str | None:
    check(await client.get("/a/iken/p/1"), 200)
    return None


async def submission(client: httpx.AsyncClient, n: int, _slot: int) -> str | None:
    token = CSRF.search(check(await client.get("/a/iken/p/1"), 200).text).group(1)
    check(await client.post("/a/iken/p/1", data={"csrf": token, "view": f"除雪をもっと早く {n}"}), 303)
    check(await client.post("/a/iken/p/2", data={"csrf": token, "name": f"住民 {n}"}), 303)
    check(await client.post("/a/iken/submit", data={"csrf": token}), 303)
    return REFERENCE.search(check(await client.get("/a/iken/done"), 200).text).group(1)


async def booking_flow(client: httpx.AsyncClient, n: int, slot: int) -> str | None:
    token = CSRF.search(check(await client.get("/a/gym/p/1"), 200).text).group(1)
    check(await client.post("/a/gym/p/1", data={"csrf": token, "time": str(slot)}), 303)
    check(await client.post("/a/gym/p/2", data={"csrf": token, "name": f"住民 {n}"}), 303)
    check(await client.post("/a/gym/p/3", data={"csrf": token, "phone": f"0142{n % 1000000:06d}"}), 303)
    check(await client.post("/a/gym/submit", data={"csrf": token}), 303)
    return REFERENCE.search(check(await client.get("/a/gym/done"), 200).text).group(1)


def bare(requests: list[str]) -> Flow:
    """The same number and kinds of request against the bare app, which answers each with 200."""
    async def flow(client: httpx.AsyncClient, _n: int, _slot: int) -> str | None:
        for method in requests:
            check(await client.request(method, "/a/iken/p/1", data={"csrf": "x"} if method == "POST" else None), 200)
        return None
    return flow


async def load(base: str, flow: Flow, slot: int, residents: int, seconds: float, fresh: bool) -> Tally:
    """`residents` at a time doing `flow` until the time is up; a new browser per flow when `fresh`."""
    tally, counter = Tally(), iter(range(10**9))
    limits = httpx.Limits(max_keepalive_connections=1)

    async def resident() -> None:
        client = httpx.AsyncClient(base_url=base, timeout=30, limits=limits)
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if fresh:  # a new resident: no cookies, a new draft
                    client.cookies.clear()
                started = time.perf_counter()
                try:
                    reference = await flow(client, next(counter), slot)
                except (httpx.HTTPError, RuntimeError, AttributeError) as error:
                    tally.errors.append(repr(error)[:120])
                    continue
                tally.times.append(time.perf_counter() - started)
                if reference:
                    tally.references.append(reference)
        finally:
            await client.aclose()

    await asyncio.gather(*(resident() for _ in range(residents)))
    return tally


def run(base: str, flow: Flow, slot: int, residents: int, seconds: float, fresh: bool) -> Tally:
    asyncio.run(load(base, flow, slot, residents, min(WARM_UP_SECONDS, seconds), fresh))  # warm-up, not counted
    return asyncio.run(load(base, flow, slot, residents, seconds, fresh))


def uvicorn(app: str, port: int, workers: int, app_dir: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning", "--no-access-log"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    if app_dir:
        cmd += ["--app-dir", str(app_dir)]
    return cmd


def measure(name: str, url: str, workers: int, args: argparse.Namespace, work: Path, rows: list[list[str]],
            notes: list[str]) -> None:
    slot = prepare(url)
    env = {**os.environ, "MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_DATA_DIR": str(work),
           "MADOGUCHI_SECRET_KEY": "one-key-for-every-worker", "PYTHONPATH": str(REPO),
           "MADOGUCHI_POST_LIMIT": "0"}  # every resident comes from this one address
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(f"madoguchi-{name}", uvicorn("generated_apps.web.asgi:app", port, workers), base + "/", env, work):
        page = httpx.get(f"{base}/a/iken/p/1").content
        results = {
            "page view": run(base, page_view, slot, args.residents, args.seconds, fresh=False),
            "submission": run(base, submission, slot, args.residents, args.seconds, fresh=True),
            "booking": run(base, booking_flow, slot, args.residents, args.seconds, fresh=True),
        }
    body = work / "page.html"
    body.write_bytes(page)
    bare_port = free_port()
    bare_base = f"http://127.0.0.1:{bare_port}"
    bare_env = {**env, "BARE_BODY_FILE": str(body)}
    with running(f"bare-{name}", uvicorn("bare_starlette:app", bare_port, workers, REPO / "bench"),
                 bare_base + "/", bare_env, work):
        floors = {
            "page view": run(bare_base, bare(["GET"]), slot, args.residents, args.seconds, False),
            "submission": run(bare_base, bare(["GET", "POST", "POST", "POST", "GET"]), slot,
                              args.residents, args.seconds, True),
            "booking": run(bare_base, bare(["GET", "POST", "POST", "POST", "POST", "GET"]), slot,
                           args.residents, args.seconds, True),
        }
    for scenario, tally in results.items():
        rows.append(tally.row(name, scenario, args.seconds, floors[scenario]))
        rows.append(floors[scenario].row(f"bare Starlette, {workers} worker{'s' if workers > 1 else ''}",
                                         scenario, args.seconds, None))
        for error in sorted(set(tally.errors))[:3]:
            notes.append(f"ERROR {name}, {scenario}: {error}")
    # Nothing lost: the database holds exactly the submissions whose reference numbers were shown.
    store = Store.open(url)
    with store.session() as s:
        stored = set(s.exec(select(Submission.reference)))
        booked = s.exec(select(func.count()).select_from(Booking)).one()
    store.engine.dispose()
    shown = set(results["submission"].references) | set(results["booking"].references)
    lost = shown - stored
    notes.append(f"{name}: {len(shown)} reference numbers shown, {len(stored)} submissions stored "
                 f"(incl. warm-up), {len(lost)} lost; {booked} bookings for "
                 f"{len(results['booking'].references)} shown in the timed run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--residents", type=int, default=16)
    args = parser.parse_args()
    rows = [["set-up", "scenario", "per second", "median ms", "p95 ms", "errors", "vs bare"]]
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-load-") as folder:
        work = Path(folder)
        (work / "sqlite").mkdir()
        measure("SQLite, 1 process", f"sqlite:///{work / 'sqlite' / 'madoguchi.sqlite3'}", 1, args,
                work / "sqlite", rows, notes)
        skipped: list[str] = []
        with postgres_schema(POSTGRES, skipped) as url:
            if url:
                (work / "pg").mkdir()
                measure("PostgreSQL, 2 workers", url, 2, args, work / "pg", rows, notes)
        notes += skipped
    print(f"Load on loopback: {args.residents} residents at a time, {args.seconds:g} s a scenario. "
          "Times are of one page view, or of one resident's whole flow (5 requests a survey, 6 a booking).\n")
    print(table(rows))
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()

"""Staff pages over a million submissions: how long each page takes to build (NiceGUI answers with an error
page after 3 s) and how long its rows then take to show, against a small staff page as the floor.

Run: python bench/staff_pages.py [--rows 1000000] [--audit-rows 1000000] [--runs 5]

A fresh SQLite store (a file in a temp dir, WAL) gets one app with --rows submissions (bench/exports.py's
`fill`) and --audit-rows lines of audit log, bulk-inserted. The builder's pages run in NiceGUI's user
simulation in this process, an admin signed in. For each page: the median of --runs GETs of the page (its
build, what NiceGUI's 3 s limit applies to), and once, the time from opening it until what it lists is shown
(read after the page is sent). Floor: the users page (a handful of rows), the same way, in the same run.

A benchmark: the times pass or fail nothing; it exits 1 only when a page does not answer 200 or never shows
its rows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import table
from exports import fill
from sqlalchemy import text

from generated_apps.domain.staff_accounts import StaffAccounts

PAGE_LIMIT = 3.0  # NiceGUI's response_timeout for building a page
PASSWORD = "bench password for staff"


def fill_audit(store, n: int, app_id: int) -> float:
    """n audit lines, as months of staff work leave them: lists, views, exports and sign-ins."""
    from generated_apps.domain.models import AuditEvent

    t0 = time.perf_counter()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / max(n, 1)
    actions = ("submissions.list", "submission.view", "submission.view", "auth.sign_in", "submission.export")
    done = 0
    while done < n:
        chunk = [{"at": start + step * i, "actor": ("sato", "kato", "suzuki")[i % 3], "action": actions[i % 5],
                  "app_id": app_id, "target": f"{i // 10000:04d}-{i % 10000:04d}", "detail": {}}
                 for i in range(done, min(done + 10_000, n))]
        with store.engine.begin() as c:
            c.execute(AuditEvent.__table__.insert(), chunk)
        done += len(chunk)
    with store.engine.begin() as c:
        c.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def shows(user, marker: str) -> bool:
    try:
        with user.client:
            user.find(marker=marker)  # raises until it is there
        return True
    except AssertionError:
        return False


async def measure(store, settings, app_id: int, submission_id: int, runs: int) -> list[tuple[str, float, float]]:
    from nicegui import ui
    from nicegui.testing.user_simulation import user_simulation

    from builder import auth, staff

    StaffAccounts(store).create("kato", "加藤 一郎", auth.hash_password(PASSWORD), "admin", by="bench")
    pages = [  # (name, path, the marker of what shows once its rows are read)
        ("floor: users page (a few rows)", "/users", "user-kato"),
        ("submissions", f"/apps/{app_id}/submissions", "submissions-total"),
        ("one submission", f"/apps/{app_id}/submissions/{submission_id}", "submission-facts"),
        ("charts", f"/apps/{app_id}/charts", "total"),
        ("audit log", "/audit", "audit-total"),
        ("dashboard (counts every app's submissions)", "/", None),
    ]
    results = []
    async with user_simulation() as user:
        staff.register(store, settings, mount_path="")
        await user.open("/lang/en?next=/signin")
        user.find("User name").type("kato")
        user.find(kind=ui.input, content="Password").type(PASSWORD)
        user.find(kind=ui.button, content="Sign in").click()
        await user.should_see("加藤 一郎", retries=300)
        for name, path, shown in pages:
            builds = []
            for _ in range(runs + 1):  # the first is a warm-up
                t0 = time.perf_counter()
                response = await user.http_client.get(path)
                builds.append(time.perf_counter() - t0)
                if response.status_code != 200 or response.headers.get("X-Nicegui-Content") != "page":
                    raise SystemExit(f"FAIL: {path} answered {response.status_code}: {response.text[:300]}")
            loaded = float("nan")
            if shown is not None:
                t0 = time.perf_counter()
                await user.open(path)
                for _ in range(6000):  # up to 10 minutes
                    if shows(user, shown):
                        break
                    await asyncio.sleep(0.1)
                else:
                    raise SystemExit(f"FAIL: {path} never showed {shown}")
                loaded = time.perf_counter() - t0
            results.append((name, statistics.median(builds[1:]), loaded))
            print(f"  {name}: built in {results[-1][1] * 1000:.0f} ms, rows shown after {loaded:.1f} s", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="staff pages over a million submissions")
    parser.add_argument("--rows", type=int, default=1_000_000, help="submissions to fill (default 1,000,000)")
    parser.add_argument("--audit-rows", type=int, default=1_000_000, help="audit lines to fill (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed builds of each page, after a warm-up")
    args = parser.parse_args()
    n, runs = max(args.rows, 1), min(max(args.runs, 1), 50)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        os.environ["MADOGUCHI_DATA_DIR"] = tmp
        from generated_apps.domain.config import Settings
        from generated_apps.domain.store import Store

        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                            public_url="http://testserver")
        store = Store.open(settings.database_url)
        app_id, seconds = fill(store, n)
        print(f"  {n:,} submissions in {seconds:.0f} s", flush=True)
        print(f"  {args.audit_rows:,} audit lines in {fill_audit(store, args.audit_rows, app_id):.0f} s", flush=True)
        with store.engine.connect() as c:
            newest = c.execute(text("SELECT max(id) FROM submission")).scalar_one()
        results = asyncio.run(measure(store, settings, app_id, newest, runs))
        store.engine.dispose()
    floor = results[0][1]
    rows = [["page", "build ms", "build / floor", f"within {PAGE_LIMIT:.0f} s", "rows shown after s"]]
    for name, build, loaded in results:
        rows.append([name, f"{build * 1000:.0f}", f"{build / floor:.1f}", "yes" if build < PAGE_LIMIT else "NO",
                     "-" if loaded != loaded else f"{loaded:.1f}"])
    print()
    print(f"Staff pages over {n:,} submissions and {args.audit_rows:,} audit lines (SQLite), in NiceGUI's user "
          f"simulation: the page's build (a GET, the median of {runs} after a warm-up) against the floor, and the "
          "time until what it lists is shown, read after the page is sent")
    print(table(rows))
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

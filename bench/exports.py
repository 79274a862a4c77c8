"""Exports and the submissions table at a million rows: export rows per second and peak memory; paging time.

Run: python bench/exports.py [--rows 1000000] [--runs 5] [--no-postgres]

A fresh SQLite store (a file in a temp dir, WAL, as Store.open makes it) gets one app and --rows
submissions, bulk-inserted 10,000 to a transaction, then ANALYZEd: a choice, a number, a short Japanese
text and a name each; statuses, access points and counter entries mixed; a year of dates.

Exports, each in a child process of its own (spawn), so that its memory is its own: the real
`exports.export` to CSV (UTF-8 with BOM), JSON and XLSX; seconds, rows per second, the peak resident
memory of the child during the export (Linux's VmHWM, reset through /proc/self/clear_refs just before
it) and its growth over the memory in use just before it (imports done, the store opened). Peers, run the
same way: the floor of any CSV export (a bare SELECT of the raw columns, the answers as their JSON text,
through csv.writer) and openpyxl's write-only mode writing those same raw cells to XLSX.

Paging: `Submissions.page` (50 rows, newest first, with its count of the total) for the first, middle
and last page, the first and middle page of one status, and a search for words in the answers (common
and rare); the median of --runs runs after a warm-up each, beside a bare `SELECT ... ORDER BY id DESC
LIMIT 50` on the same engine. The same on the local PostgreSQL (127.0.0.1:5432, database `test`, user
`postgres`, in a schema of its own, filled by COPY, then VACUUM ANALYZE as autovacuum would do, and
dropped afterwards; skipped, saying why, when unreachable).

A benchmark: the times pass or fail nothing; it exits 1 only when a row count is wrong.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchlib import postgres_schema, table
from sqlalchemy import text

from generated_apps.domain import exports
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Submission
from generated_apps.domain.search_text import search_text
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import SubmissionFilter, Submissions
from widgets import AppSpec

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHUNK = 10_000  # rows per transaction while filling
SPEC = {
    "slug": "bench-survey", "kind": "form", "title": {"ja": "市民アンケート（ベンチ）"}, "languages": ["ja"],
    "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [
        {"widgets": [{"type": "single_choice", "key": "town", "label": {"ja": "お住まいの地区"},
                      "options": [{"value": v, "label": {"ja": ja}} for v, ja in
                                  (("umemoto", "梅本町"), ("suenaga", "末永町"), ("ajiro", "網代町"),
                                   ("ojima", "大島町"), ("other", "その他"))]}]},
        {"widgets": [{"type": "number", "key": "people", "label": {"ja": "ご家族の人数"}, "unit": {"ja": "人"}}]},
        {"widgets": [{"type": "short_text", "key": "comment", "label": {"ja": "ひとこと"}}]},
        {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前"}, "reading": "optional"}]},
    ],
}
TOWNS = ("umemoto", "suenaga", "ajiro", "ojima", "other")
SURNAMES = (("伊達", "ダテ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
            ("渡辺", "ワタナベ"), ("伊藤", "イトウ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"))
GIVEN = (("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("幸子", "サチコ"), ("健", "ケン"),
         ("恵", "メグミ"))
COMMENTS = ("除雪をもっと早くしてほしい", "図書館の開館時間を延ばしてください", "バスの本数が少ないです",
            "公園がきれいになりました", "特になし", "市役所の窓口が親切でした", "有珠山の防災訓練に参加しました")
STATUSES = ("received",) * 4 + ("in_progress",) * 2 + ("answered",) * 2 + ("closed",) * 2
COLUMNS = ("app_id", "version_id", "reference", "answers", "lang", "created_at", "access_point", "status",
           "entered_by", "status_failures", "search_text")
SKIPPED: list[str] = []


def rows(app_id: int, version_id: int, n: int, points: list[str]) -> Iterator[tuple]:
    """The submissions to insert, oldest first, one every (a year / n)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / max(n, 1)
    for i in range(n):
        surname, given = SURNAMES[i % 10], GIVEN[(i // 10) % 6]
        answers = {"town": TOWNS[i % 5], "people": i % 7 + 1, "comment": f"{COMMENTS[i % 7]}（{i}）",
                   "name": {"name": f"{surname[0]} {given[0]}", "reading": f"{surname[1]} {given[1]}"}}
        reference = f"{i // 10000:04d}-{i % 10000:04d}"
        yield (app_id, version_id, reference, answers, "ja", start + step * i,
               points[i % 3] if i % 3 < len(points) else None, STATUSES[i % 10],
               "sato" if i % 20 == 0 else None, 0, search_text(reference, answers))


def make_app(store: Store) -> tuple[int, int, list[str]]:
    app = Apps(store).create(AppSpec.model_validate(SPEC), by="bench")
    version = Lifecycle(store).publish(app.slug, by="bench", warnings_acknowledged=True)
    points = [AccessPoints(store).create(app.id, label, by="bench").code
              for label in ("本庁舎1階 市民課窓口", "ポスター")]
    return app.id, version.id, points


def fill(store: Store, n: int) -> tuple[int, float]:
    """The app and its n submissions: SQLite by executemany, PostgreSQL by COPY, CHUNK rows a transaction."""
    app_id, version_id, points = make_app(store)
    t0 = time.perf_counter()
    source = rows(app_id, version_id, n, points)
    if store.engine.dialect.name == "postgresql":
        raw = store.engine.raw_connection()
        try:
            with raw.cursor() as cursor, cursor.copy(f"COPY submission ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in source:
                    copy.write_row((*row[:3], json.dumps(row[3], ensure_ascii=False), *row[4:]))
            raw.commit()
            # What autovacuum does to a table after many inserts: statistics, and the visibility map that lets
            # a count walk the index alone. Outside a transaction, as VACUUM must be.
            raw.driver_connection.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE submission")
            raw.driver_connection.autocommit = False
        finally:
            raw.close()
    else:
        table_ = Submission.__table__
        while True:
            chunk = [dict(zip(COLUMNS, row, strict=True)) for _, row in zip(range(CHUNK), source, strict=False)]
            if not chunk:
                break
            with store.engine.begin() as c:
                c.execute(table_.insert(), chunk)
        with store.engine.begin() as c:
            c.execute(text("ANALYZE"))
    return app_id, time.perf_counter() - t0


# --- exports, one child process each ---------------------------------------------------------------

def memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, from Linux's /proc; ru_maxrss where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def reset_peak() -> bool:
    """Start the peak (VmHWM) again from the memory in use now (Linux 4.0 and later)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def raw_rows(store: Store, app_id: int) -> Iterator[tuple]:
    """The floor: every submission's raw columns, the answers as stored JSON text, by a bare SQLite cursor."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT reference, created_at, status, access_point, version_id, entered_by, assigned_to, "
                       "answers FROM submission WHERE app_id = ? ORDER BY id", (app_id,))  # SQLite's JSON is text
        while batch := cursor.fetchmany(1000):
            yield from batch
    finally:
        raw.close()


def floor_csv(store: Store, app_id: int, path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 16) as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["reference", "created_at", "status", "access_point", "version", "entered_by",
                         "assigned_to", "answers"])
        for row in raw_rows(store, app_id):
            writer.writerow(row)
            n += 1
    return n


def openpyxl_xlsx(store: Store, app_id: int, path: Path) -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("bench")
    sheet.append(["reference", "created_at", "status", "access_point", "version", "entered_by", "assigned_to",
                  "answers"])
    n = 0
    for row in raw_rows(store, app_id):
        sheet.append([str(c) if isinstance(c, dt.datetime) else c for c in row])
        n += 1
    book.save(path)
    return n


def child(url: str, case: str, app_id: int, path: str, results) -> None:
    """One export in a fresh process: its seconds, rows, peak memory and the growth over what came before."""
    try:
        store = Store.open(url)
        exports.columns(store, app_id)  # the spec read and cached, as any export's first step
        reset_peak()
        before = memory_mb("VmRSS")
        t0 = time.perf_counter()
        if case == "floor-csv":
            n = floor_csv(store, app_id, Path(path))
        elif case == "openpyxl-xlsx":
            n = openpyxl_xlsx(store, app_id, Path(path))
        else:
            n = exports.export(store, app_id, case, Path(path), by="bench").rows
        seconds = time.perf_counter() - t0
        peak = memory_mb("VmHWM")
        results.put(("ok", (n, seconds, peak, peak - before, Path(path).stat().st_size / 2**20)))
        store.engine.dispose()
    except BaseException as error:  # noqa: BLE001 - tell the parent, which would otherwise wait for nothing
        results.put(("error", repr(error)))


def measure_export(url: str, case: str, app_id: int, path: Path) -> tuple[int, float, float, float, float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=child, args=(url, case, app_id, str(path), results))
    process.start()
    kind, value = results.get(timeout=3600)
    process.join(timeout=60)
    path.unlink(missing_ok=True)
    if kind == "error":
        raise SystemExit(f"the {case} export failed: {value}")
    return value


# --- paging ----------------------------------------------------------------------------------------

def median_ms(call, runs: int) -> float:
    call()  # warm-up: the pages and indexes it walks read once
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def paging(database: str, store: Store, app_id: int, n: int, runs: int) -> list[list[str]]:
    submissions = Submissions(store)
    closed = SubmissionFilter(status="closed")
    rare = f"({n * 2 // 3})"  # in one comment only (search text is folded: （ is ( )
    cases = {
        "first page": lambda: submissions.page(app_id, offset=0),
        "middle page": lambda: submissions.page(app_id, offset=n // 2),
        "last page": lambda: submissions.page(app_id, offset=max(n - 50, 0)),
        "status Closed, first page": lambda: submissions.page(app_id, closed),
        "status Closed, middle page": lambda: submissions.page(app_id, closed, offset=n // 20),
        "search a surname in 1 of 10": lambda: submissions.page(app_id, SubmissionFilter(search="小林")),
        "search words in 1 only": lambda: submissions.page(app_id, SubmissionFilter(search=rare)),
    }
    expected = {"first page": min(50, n), "last page": min(50, n)}
    bare = text("SELECT id, reference, created_at, status FROM submission WHERE app_id = :app "
                "ORDER BY id DESC LIMIT 50")

    def peer() -> None:
        with store.engine.connect() as c:
            c.execute(bare, {"app": app_id}).all()

    peer_ms = median_ms(peer, runs)
    out = []
    for name, call in cases.items():
        got = call()
        if name in expected and len(got.rows) != expected[name]:
            raise SystemExit(f"FAIL: {database} {name}: {len(got.rows)} rows, {expected[name]} expected")
        ms = median_ms(call, runs)
        out.append([database, name, f"{got.total:,}", f"{ms:.1f}", f"{peer_ms:.2f}", f"{ms / peer_ms:.0f}x"])
    return out




def main() -> int:
    parser = argparse.ArgumentParser(description="exports and paging of submissions at a million rows")
    parser.add_argument("--rows", type=int, default=1_000_000, help="submissions to fill (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each page, after a warm-up")
    parser.add_argument("--no-postgres", action="store_true", help="page on SQLite only")
    args = parser.parse_args()
    n, runs = max(args.rows, 1), min(max(args.runs, 1), 50)
    started, took = time.perf_counter(), {}

    export_rows, paging_rows = [], []
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        store = Store.open(url)
        app_id, seconds = fill(store, n)
        took["fill SQLite"] = seconds
        print(f"  SQLite: {n:,} submissions in {seconds:.0f} s", flush=True)
        t0 = time.perf_counter()
        results = {}
        for case in ("floor-csv", "csv", "json", "openpyxl-xlsx", "xlsx"):
            results[case] = measure_export(url, case, app_id, Path(tmp) / f"out-{case}")
            if results[case][0] != n:
                raise SystemExit(f"FAIL: the {case} export wrote {results[case][0]:,} rows, not {n:,}")
            print(f"  {case}: {results[case][1]:.0f} s", flush=True)
        took["exports"] = time.perf_counter() - t0
        names = {"floor-csv": "floor: bare SELECT + csv.writer of raw columns (peer)", "csv": "CSV, UTF-8 with BOM",
                 "json": "JSON", "openpyxl-xlsx": "openpyxl write-only, the same raw cells (peer)", "xlsx": "XLSX"}
        floor, openpyxl_s = results["floor-csv"][1], results["openpyxl-xlsx"][1]
        for case, (rows_, seconds, peak, growth, size) in results.items():
            versus = f"{seconds / openpyxl_s:.2f}" if case == "xlsx" else "-"
            export_rows.append([names[case], f"{rows_:,}", f"{seconds:.1f}", f"{rows_ / seconds:,.0f}",
                                f"{peak:.0f}", f"{growth:.1f}", f"{size:.0f}", f"{seconds / floor:.1f}", versus])
        t0 = time.perf_counter()
        paging_rows += paging("SQLite", store, app_id, n, runs)
        took["paging SQLite"] = time.perf_counter() - t0
        store.engine.dispose()

    if not args.no_postgres:
        with postgres_schema(POSTGRES, SKIPPED) as pg_url:
            if pg_url is not None:
                store = Store.open(pg_url)
                try:
                    app_id, seconds = fill(store, n)
                    took["fill PostgreSQL"] = seconds
                    print(f"  PostgreSQL: {n:,} submissions in {seconds:.0f} s", flush=True)
                    t0 = time.perf_counter()
                    paging_rows += paging("PostgreSQL", store, app_id, n, runs)
                    took["paging PostgreSQL"] = time.perf_counter() - t0
                finally:
                    store.engine.dispose()

    print()
    print(f"Exports of {n:,} submissions (SQLite), each in a child process of its own; memory: the child's peak "
          "RSS during the export (VmHWM, reset just before it) and its growth over the RSS just before it")
    print(table([["export", "rows", "s", "rows/s", "peak RSS MB", "growth MB", "file MB", "s / floor",
                  "s / openpyxl"], *export_rows]))
    print()
    print(f"Paging the submissions table at {n:,} rows: Submissions.page, 50 rows with the total counted, median "
          f"of {runs} runs after a warm-up; peer: a bare SELECT ... ORDER BY id DESC LIMIT 50")
    print(table([["database", "page", "total", "ms", "peer ms", "ms / peer"], *paging_rows]))
    print()
    for note in SKIPPED:
        print(note)
    print("(" + ", ".join(f"{part} {seconds:.0f} s" for part, seconds in took.items())
          + f"; {time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Facility bookings: bookings per second and the time of one attempt, 200 attempts at once.

Run: python bench/bookings.py [--rounds 3] [--threads 16] [--attempts 200]

Through the real `Bookings.book(slot_id, name, phone)` (one conditional UPDATE per booking), on SQLite
(a file on disk, WAL, as Store.open makes it) and on the local PostgreSQL (127.0.0.1:5432, database
`test`, user `postgres`, in a schema of its own that is dropped afterwards; skipped, saying why, when
unreachable). Two scenarios, each of --attempts attempts in flight together on a pool of --threads
threads, and on PostgreSQL also from two processes (spawn) of half as many threads each:

- contention: every attempt at ONE slot of 10 places. Exactly 10 must succeed, and do (checked).
- spread: the attempts spread over 40 slots of 10 places, 5 each. All must succeed (checked).

Peer: as many plain one-row INSERTs (store.create_draft: a resident's answers, as JSON) through the
same engine, the same threads or processes, timed in alternation with the bookings in the same run,
so the ratio says what an atomic booking attempt costs over a plain write. One warm-up round of each,
then --rounds timed rounds on fresh slots; rates are the median of the rounds, times of one attempt
are over all timed rounds. A benchmark: the times pass or fail nothing. It exits 1 only when a count
is wrong (an overbooking is a bug, not a figure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from benchlib import postgres_schema, survey, table

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import WEEKDAYS, Bookings
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import BookingRefused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from widgets import AppSpec

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CITY = ZoneInfo("Asia/Tokyo")
CAPACITY = 10
SPREAD_SLOTS = 40
SPREAD_HOURS = [(f"{h:02d}:00", f"{h + 1:02d}:00") for h in range(8, 18)]  # ten slots a day
FIRST_DAY_AHEAD = 3  # slots start well inside the booking window (from 24 hours ahead)
PROCESSES = 2
WAIT = 120.0  # seconds: the most any round or process start may take before the bench gives up


@dataclass(frozen=True)
class Job:
    """One round: book (attempt n at slot_ids[n % len]) or write (the peer), for the numbers given."""

    kind: str  # "book" | "write"
    numbers: range
    slot_ids: tuple[int, ...] = ()
    app_id: int = 0
    version_id: int = 0


@dataclass(frozen=True)
class Outcome:
    references: list[str]  # "" for a refused booking attempt
    seconds: list[float]  # the time of each attempt
    elapsed: float  # wall time of the whole round


def work(store: Store, bookings: Bookings, job: Job) -> Callable[[int], tuple[str, float]]:
    """What one attempt of `job` does: a booking through the real API, or the peer's plain INSERT."""
    if job.kind == "book":
        def attempt(n: int) -> tuple[str, float]:
            t0 = time.perf_counter()
            try:
                reference = bookings.book(job.slot_ids[n % len(job.slot_ids)], f"住民{n}", f"0142{n:06d}").reference
            except BookingRefused:
                reference = ""
            return reference, time.perf_counter() - t0
        return attempt

    def write(n: int) -> tuple[str, float]:
        t0 = time.perf_counter()
        draft = Drafts(store).create(job.app_id, job.version_id, {"name": f"住民{n}", "phone": f"0142{n:06d}"})
        return draft.id, time.perf_counter() - t0
    return write


def run_on(pool: ThreadPoolExecutor, store: Store, bookings: Bookings, job: Job) -> Outcome:
    attempt = work(store, bookings, job)
    t0 = time.perf_counter()
    done = list(pool.map(attempt, job.numbers))
    elapsed = time.perf_counter() - t0
    return Outcome([r for r, _ in done], [s for _, s in done], elapsed)


class Threads:
    """A pool of threads in this process, on the store's one engine."""

    def __init__(self, store: Store, threads: int) -> None:
        self.label = f"{threads} threads"
        self.store, self.bookings = store, Bookings(store)
        self.pool = ThreadPoolExecutor(threads)

    def run(self, job: Job) -> Outcome:
        return run_on(self.pool, self.store, self.bookings, job)

    def close(self) -> None:
        self.pool.shutdown()


def process_main(url: str, threads: int, jobs, results) -> None:
    """A worker process: its own Store.open on the same database, its own pool of threads."""
    try:
        store = Store.open(url)
        bookings = Bookings(store)
        with ThreadPoolExecutor(threads) as pool:
            results.put(("ready", None))
            for job in iter(jobs.get, None):
                results.put(("done", run_on(pool, store, bookings, job)))
        store.engine.dispose()
    except BaseException:  # noqa: BLE001 - tell the parent, which would otherwise wait for nothing
        results.put(("error", traceback.format_exc()))


class Processes:
    """Two processes (spawn) of half the threads each, each with its own engine, as two replicas would be."""

    def __init__(self, url: str, threads: int) -> None:
        each = max(1, threads // PROCESSES)
        self.label = f"{PROCESSES} processes x {each} threads"
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.jobs = [context.Queue() for _ in range(PROCESSES)]
        self.processes = [context.Process(target=process_main, args=(url, each, q, self.results), daemon=True)
                          for q in self.jobs]
        for p in self.processes:
            p.start()
        for _ in self.processes:
            self._receive()

    def _receive(self) -> Outcome | None:
        kind, value = self.results.get(timeout=WAIT)
        if kind == "error":
            raise SystemExit(f"a worker process failed:\n{value}")
        return value

    def run(self, job: Job) -> Outcome:
        n = len(job.numbers)
        parts = [job.numbers[n * i // PROCESSES:n * (i + 1) // PROCESSES] for i in range(PROCESSES)]
        t0 = time.perf_counter()
        for q, part in zip(self.jobs, parts, strict=True):
            q.put(replace(job, numbers=part))
        outcomes = [self._receive() for _ in self.processes]
        elapsed = time.perf_counter() - t0  # includes handing the jobs over and the results back
        return Outcome([r for o in outcomes for r in o.references], [s for o in outcomes for s in o.seconds], elapsed)

    def close(self) -> None:
        for q in self.jobs:
            q.put(None)
        for p in self.processes:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)


class Slots:
    """Fresh slots for every round: one of 10 places for contention, 40 of 10 for spread."""

    def __init__(self, bookings: Bookings, rounds: int) -> None:
        first = dt.datetime.now(CITY).date() + dt.timedelta(days=FIRST_DAY_AHEAD)
        every_day = {"holidays_closed": False, "days_ahead": 366}

        def make(name: str, times: list[tuple[str, str]], days: int) -> list[int]:
            schedule = {day: [{"start": s, "end": e, "capacity": CAPACITY} for s, e in times] for day in WEEKDAYS}
            resource = bookings.create_resource(name, schedule, by="bench", **every_day)
            views = bookings.slots(resource, first, first + dt.timedelta(days=days - 1))
            return [v.slot.id for v in views if v.bookable]

        self.single = make("体育館 (bench)", [("09:00", "12:00")], rounds)
        per_day = len(SPREAD_HOURS)
        self.many = make("会議室 (bench)", SPREAD_HOURS, math.ceil(rounds * SPREAD_SLOTS / per_day))
        if len(self.single) < rounds or len(self.many) < rounds * SPREAD_SLOTS:
            raise SystemExit("the bench could not make enough bookable slots")

    def take(self, scenario: str) -> tuple[int, ...]:
        if scenario == "contention":
            return (self.single.pop(0),)
        taken, self.many = self.many[:SPREAD_SLOTS], self.many[SPREAD_SLOTS:]
        return tuple(taken)


def check(bookings: Bookings, scenario: str, slot_ids: tuple[int, ...], outcome: Outcome, attempts: int) -> int:
    """The bookings made, after checking that they are exactly the right number, also in the database."""
    made = [r for r in outcome.references if r]
    expected = min(CAPACITY, attempts) if scenario == "contention" else attempts
    booked = sum(bookings.slot(i).booked for i in slot_ids)
    if len(made) != expected or len(set(made)) != expected or booked != expected:
        raise SystemExit(f"FAIL: {scenario}: {len(made)} bookings made ({len(set(made))} distinct references), "
                         f"{booked} places taken in the database; exactly {expected} expected")
    return len(made)


def percentile(values: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Result:
    database: str
    concurrency: str
    scenario: str
    attempts: int
    made: int  # bookings made in each round
    attempts_per_s: float
    bookings_per_s: float
    p50: float
    p95: float
    peer_per_s: float
    peer_p95: float


def measure(database: str, runner: Threads | Processes, bookings: Bookings, slots: Slots, peer: Job,
            attempts: int, rounds: int) -> list[Result]:
    results = []
    for scenario in ("contention", "spread"):
        rates, peer_rates, seconds, peer_seconds, made = [], [], [], [], 0
        for round_number in range(rounds + 1):  # round 0 warms up: connections, caches, the pool's threads
            slot_ids = slots.take(scenario)
            booked = runner.run(Job("book", range(attempts), slot_ids))
            made = check(bookings, scenario, slot_ids, booked, attempts)
            wrote = runner.run(peer)
            if len([r for r in wrote.references if r]) != len(peer.numbers):
                raise SystemExit("FAIL: the peer's plain INSERTs did not all succeed")
            if round_number == 0:
                continue
            rates.append((attempts / booked.elapsed, made / booked.elapsed))
            peer_rates.append(len(peer.numbers) / wrote.elapsed)
            seconds += booked.seconds
            peer_seconds += wrote.seconds
        results.append(Result(database, runner.label, scenario, attempts, made,
                              statistics.median(a for a, _ in rates), statistics.median(b for _, b in rates),
                              percentile(seconds, 0.50), percentile(seconds, 0.95),
                              statistics.median(peer_rates), percentile(peer_seconds, 0.95)))
        print(f"  {database}, {runner.label}, {scenario}: done", flush=True)
    return results


def bench_database(database: str, url: str, args: argparse.Namespace, with_processes: bool) -> list[Result]:
    store = Store.open(url)
    try:
        bookings = Bookings(store)
        runners = 2 if with_processes else 1
        slots = Slots(bookings, runners * 2 * (args.rounds + 1))  # 2 scenarios; each round takes fresh slots
        spec = AppSpec.model_validate(survey())
        Apps(store).save_app(spec, by="bench")
        version = Lifecycle(store).publish(spec.slug, "bench", warnings_acknowledged=True)
        peer = Job("write", range(args.attempts), app_id=version.app_id, version_id=version.id)
        results = []
        threads = Threads(store, args.threads)
        try:
            results += measure(database, threads, bookings, slots, peer, args.attempts, args.rounds)
        finally:
            threads.close()
        if with_processes:
            processes = Processes(url, args.threads)
            try:
                results += measure(database, processes, bookings, slots, peer, args.attempts, args.rounds)
            finally:
                processes.close()
        return results
    finally:
        store.engine.dispose()


SKIPPED: list[str] = []


def main() -> int:
    parser = argparse.ArgumentParser(description="facility bookings under concurrent attempts, against plain INSERTs")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per scenario, after one warm-up (1-10)")
    parser.add_argument("--threads", type=int, default=16, help="threads in flight together (2-32)")
    parser.add_argument("--attempts", type=int, default=200, help="attempts per round (20-1000)")
    args = parser.parse_args()
    args.rounds = min(max(args.rounds, 1), 10)
    args.threads = min(max(args.threads, 2), 32)
    args.attempts = min(max(args.attempts, 20), 1000)
    if args.attempts > SPREAD_SLOTS * CAPACITY:
        args.attempts = SPREAD_SLOTS * CAPACITY  # spread: every attempt must find a place

    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        results += bench_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args, with_processes=False)
    with postgres_schema(POSTGRES, SKIPPED) as url:
        if url is not None:
            results += bench_database("PostgreSQL", url, args, with_processes=True)

    print()
    print(f"Facility bookings: {args.attempts} attempts a round through Bookings.book, median of {args.rounds} "
          f"rounds after a warm-up; peer: as many plain INSERTs (store.create_draft) on the same engine and workers")
    rows = [["database", "concurrency", "scenario", "attempts", "booked", "attempts/s", "bookings/s",
             "p50 ms", "p95 ms", "peer/s", "peer p95 ms", "attempts/s / peer/s", "p95 / peer p95"]]
    for r in results:
        rows.append([r.database, r.concurrency, r.scenario, str(r.attempts), str(r.made), f"{r.attempts_per_s:.0f}",
                     f"{r.bookings_per_s:.0f}", f"{r.p50 * 1000:.1f}", f"{r.p95 * 1000:.1f}", f"{r.peer_per_s:.0f}",
                     f"{r.peer_p95 * 1000:.1f}", f"{r.attempts_per_s / r.peer_per_s:.2f}",
                     f"{r.p95 / r.peer_p95:.1f}x"])
    print(table(rows))
    print()
    for r in results:
        if r.scenario == "contention":
            print(f"OK: {r.database}, {r.concurrency}: {r.attempts} attempts at one slot of {CAPACITY} places made "
                  f"exactly {r.made} bookings in every round")
        else:
            print(f"OK: {r.database}, {r.concurrency}: {r.attempts} attempts over {SPREAD_SLOTS} slots all booked")
    for note in SKIPPED:
        print(note)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Requests per second of the resident-only app against a bare Starlette app serving the same bytes.

Run: python bench/throughput.py [--seconds 10] [--connections 16]

Imports and publishes builder/app_templates/citizen-survey.json into a temp data dir, starts
`uvicorn generated_apps.web.asgi:app` (one worker, loopback), fetches the survey's first question page
once, and starts bench/bare_starlette.py serving those bytes verbatim under the same uvicorn
settings. Each gets a warm-up and then a timed load with wrk (`wrk -t1 -c16`) when it is installed,
else with bench/http_load.py in a separate process. Target: the resident app serves at least half
as many requests per second as the bare app. A benchmark: it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from benchlib import (
    REPO,
    SURVEY_FILE,
    data_env,
    first_question,
    free_port,
    madoguchi_command,
    running,
    survey,
    table,
)

MIN_RATIO = 0.5
WARM_UP_SECONDS = 2.0
BENCH_DIR = Path(__file__).resolve().parent


def uvicorn(app: str, app_dir: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--app-dir", str(app_dir), "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"]


def load(url: str, seconds: float, connections: int, cookie: str = "") -> tuple[float, str]:
    """Requests per second at `url`, and a note on anything that went wrong."""
    wrk = shutil.which("wrk")
    if wrk:
        duration = max(1, round(seconds))
        header = ["-H", f"Cookie: {cookie}"] if cookie else []
        out = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{duration}s", *header, url],
                             capture_output=True, text=True, timeout=duration + 60).stdout
        found = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not found:
            raise SystemExit(f"wrk printed no Requests/sec:\n{out}")
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        errors = re.search(r"Socket errors:.*", out)
        note = "; ".join(x for x in (bad and f"{bad.group(1)} non-2xx", errors and errors.group(0)) if x)
        return float(found.group(1)), note
    out = subprocess.run([sys.executable, str(BENCH_DIR / "http_load.py"), url, "--connections", str(connections),
                          "--seconds", str(seconds), "--cookie", cookie],
                         capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise SystemExit(f"http_load.py failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    note = "; ".join(f"{result[k]} {k}" for k in ("errors", "non_2xx") if result[k])
    return float(result["rps"]), note


def draft_cookie(url: str, spec: dict) -> str:
    """Answer the first question once, as a resident would, and return the cookies that resume the form."""
    _, question = first_question(spec)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar := CookieJar()))
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    value = question["options"][0]["value"]
    opener.open(url, data=urlencode({"csrf": token, question["key"]: value}).encode(), timeout=10).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main() -> int:
    parser = argparse.ArgumentParser(description="resident app vs bare Starlette, requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="timed load per server (at most 60)")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), 60.0)

    spec = survey()
    number, _ = first_question(spec)
    path = f"/a/{spec['slug']}/p/{number}"
    tool = f"wrk -t1 -c{args.connections}" if shutil.which("wrk") else "bench/http_load.py (wrk not installed)"
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        tmp_path = Path(tmp)
        env = data_env(tmp_path / "data")
        seeded = subprocess.run([*madoguchi_command(), "import", str(SURVEY_FILE), "--publish"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        if seeded.returncode != 0:
            raise SystemExit(f"madoguchi import failed:\n{seeded.stdout}{seeded.stderr}")

        port, bare_port = free_port(), free_port()
        url, bare_url = f"http://127.0.0.1:{port}{path}", f"http://127.0.0.1:{bare_port}{path}"
        results: dict[str, tuple[float, str]] = {}
        with running("resident", uvicorn("generated_apps.web.asgi:app", REPO, port), url, env, tmp_path):
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                content_type = response.headers.get("content-type", "text/html; charset=utf-8")
            load(url, WARM_UP_SECONDS, args.connections)
            results["resident"] = load(url, seconds, args.connections)
            # For information: the same page for a resident part-way through the form (a draft cookie),
            # which is rendered afresh with their answers each time rather than served from memory.
            cookie = draft_cookie(url, spec)
            load(url, WARM_UP_SECONDS, args.connections, cookie)
            results["mid-flow"] = load(url, seconds, args.connections, cookie)

        body_file = tmp_path / "body.html"
        body_file.write_bytes(body)
        bare_env = {**env, "BARE_BODY_FILE": str(body_file), "BARE_CONTENT_TYPE": content_type}
        with running("bare", uvicorn("bare_starlette:app", BENCH_DIR, bare_port), bare_url, bare_env, tmp_path):
            load(bare_url, WARM_UP_SECONDS, args.connections)
            results["bare"] = load(bare_url, seconds, args.connections)

    resident, bare = results["resident"][0], results["bare"][0]
    ratio = resident / bare if bare else 0.0
    print(f"Throughput, GET {path} ({len(body)} bytes), uvicorn 1 worker, {tool}, {seconds:.0f} s each")
    rows = [["server", "requests/s", "notes"],
            ["generated_apps.web.asgi:app", f"{resident:.0f}", results["resident"][1] or "-"],
            ["bare Starlette, same bytes", f"{bare:.0f}", results["bare"][1] or "-"],
            ["resident mid-flow (draft cookie)", f"{results['mid-flow'][0]:.0f}",
             (results["mid-flow"][1] + "; " if results["mid-flow"][1] else "") + "rendered afresh; not the target"]]
    print(table(rows))
    print(f"{'PASS' if ratio >= MIN_RATIO else 'FAIL'}: resident/bare = {ratio:.2f} (target at least {MIN_RATIO})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

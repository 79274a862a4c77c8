"""Lighthouse's performance, accessibility and best-practices audits of every page of every demo app.

Run: python bench/lighthouse/run.py [--only citizen-survey ...] [--keep DIR]

Starts `madoguchi serve --demo` on a free loopback port with a fresh data dir, and audits, one after
another, the portal and, for each app template (the demo apps): its start page, every question page,
the check page and the confirmation page. A resident's way through each form is walked with httpx,
answering every page validly (once per value a condition asks for, so that every page a condition
opens is reached). Each page is audited as the resident arrives on it, before it is answered, with
the resident's cookies (the draft, not the stylesheet's) given to Lighthouse as an extra header;
each must answer 200, not a redirect. Lighthouse runs Debian's Chromium with its defaults: the
mobile profile and simulated throttling. It prints the scores, then every failed audit (score under
1 and not informative, not applicable or manual) with what fails, marking those Lighthouse keeps
out of its report (its hidden group). Target (issue 8): no failed audit in Lighthouse's report,
performance 100. A benchmark: it exits 0 whatever the scores, and non-zero only when it cannot measure.

Lighthouse comes from bench/lighthouse/package-lock.json, installed here with `npm ci` when missing.
It is Lighthouse 12: 13 needs Node 22. The overrides pin two dependencies that Lighthouse's trace
engine asks for as "latest" to the versions locked, or `npm ci` finds the lock file out of date the
day a newer one is published. .npmrc keeps the registry's address out of the lock file.

Over 500 lines: one script run as a file (walk the forms, run Lighthouse, write the report), kept
whole so that it needs nothing of ours but the server it starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchlib import CHROMIUM, CHROMIUM_ARGS, data_env, free_port, madoguchi_command, running  # noqa: E402

from builder.templates_gallery import TEMPLATES_DIR, templates  # noqa: E402
from generated_apps.web.forms import HONEYPOT  # noqa: E402
from generated_apps.web.site import STYLESHEET_COOKIE  # noqa: E402

LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
FIGURE = re.compile(r"\d+(?:\.\d+)?")
NOT_SCORED = {"informative", "notApplicable", "manual"}
LIGHTHOUSE_TIMEOUT = 240  # seconds for one page
MAX_PAGES = 40  # a guard against a flow that never reaches the check page
MAX_WEEKS = 8  # weeks a slot picker is paged through for a time still open
MAX_ITEMS = 8  # failing items shown per group of pages that fail an audit alike
MAX_GROUPS = 4  # such groups shown with their items; the pages of any more are listed by path
CONTENT_TYPES = {"heading", "paragraph", "notice", "image", "contact_card"}

# What a resident types, by widget type; dates of birth (and past-only dates) in 1950, others three weeks ahead.
TYPED = {"short_text": "特にありません", "long_text": "バスの本数が増えると、病院へ通いやすくなります。",
         "email": "hanako.date@example.jp", "phone": "0142-23-3331", "postal_code": "052-0021",
         "name": "伊達 花子"}
READING = "だて はなこ"
PAST_DATE = dt.date(1950, 3, 4)


@dataclass
class Page:
    label: str
    path: str
    cookie: str  # the Cookie header the resident's browser sends on it ("" for none)


@dataclass
class Audit:
    page: Page
    scores: dict[str, float | None]
    failed: list[dict[str, Any]]  # Lighthouse's audit results that failed, each with "hidden" added


# --- the resident's walk ----------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The controls of the first POST form inside <main>: what a browser would send, and the choices."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = self.in_form = self.done = False
        self.action = ""
        self.controls: list[dict[str, Any]] = []  # tag, type, name, value, checked; a select's options
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and not self.done and a.get("method", "").lower() == "post":
            self.in_form, self.action = True, a.get("action", "")
        elif not self.in_form:
            return
        elif tag == "input":
            self.controls.append({"tag": tag, "type": a.get("type", "text").lower(), "name": a.get("name", ""),
                                  "value": a.get("value", ""), "checked": "checked" in a})
        elif tag == "textarea":
            self._textarea = {"tag": tag, "type": "textarea", "name": a.get("name", ""), "value": ""}
            self.controls.append(self._textarea)
        elif tag == "select":
            self._select = {"tag": tag, "type": "select", "name": a.get("name", ""), "options": [], "value": None}
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data


def form_of(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def answers(html: str, widgets: list[dict[str, Any]], picks: dict[str, str]) -> dict[str, list[str]]:
    """The form data a resident sends from this page: hidden fields as they are, the value a walk picks
    (else the first choice) of each group of choices, and a plausible answer in each text field."""
    by_key = {w["key"]: w for w in widgets if w.get("key")}
    data: list[tuple[str, str]] = []
    chosen: set[str] = set()
    controls = form_of(html).controls
    for control in controls:
        name, kind = control["name"], control["type"]
        if not name or name == HONEYPOT or kind in {"submit", "button", "reset", "image"}:
            continue
        if kind == "hidden":
            data.append((name, control["value"]))
        elif kind in {"radio", "checkbox"}:
            if name in chosen:
                continue
            chosen.add(name)
            values = [c["value"] for c in controls if c["name"] == name]
            data.append((name, picks[name] if picks.get(name) in values else values[0]))
        elif kind == "select":
            wanted = picks.get(name)
            if wanted in control["options"]:
                data.append((name, wanted))
            elif control["value"] is not None:  # what the page chose already (a date's era)
                data.append((name, control["value"]))
            else:
                data.append((name, next(v for v in control["options"] if v)))
        else:
            data.append((name, typed(name, by_key)))
    return form_data(data)


def form_data(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Name/value pairs as httpx sends them: one list of values per name."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def typed(name: str, by_key: dict[str, dict[str, Any]]) -> str:
    """What a resident types into the text field `name` of one of these widgets."""
    widget = by_key.get(name)
    if widget is not None:
        if widget["type"] == "number":
            return str(widget.get("min", 1))
        return TYPED.get(widget["type"], TYPED["short_text"])
    key, _, part = name.rpartition("-")
    widget = by_key.get(key)
    if widget is None:
        raise SystemExit(f"a text field {name!r} that belongs to no question on its page: {sorted(by_key)}")
    if part == "reading":
        return READING
    if widget["type"] == "date" and part in {"year", "month", "day"}:
        past = widget.get("purpose") == "birth" or widget.get("past_only")
        day = PAST_DATE if past else dt.date.today() + dt.timedelta(days=21)
        return str(getattr(day, part))
    raise SystemExit(f"no answer for the text field {name!r} of a {widget['type']} question")


def walks(spec: dict[str, Any]) -> list[dict[str, str]]:
    """The values to pick, one set per walk, so that every condition holds in some walk: for each
    question a condition names, walk i picks the i-th value the conditions want (or the last)."""
    wanted: dict[str, list[str]] = {}
    for page in spec["pages"]:
        for widget in page["widgets"]:
            condition = widget.get("show_if")
            if condition and condition.get("op", "equals") != "answered":
                values = wanted.setdefault(condition["key"], [])
                if condition["value"] not in values:
                    values.append(condition["value"])
    count = max((len(values) for values in wanted.values()), default=1)
    return [{key: values[min(i, len(values) - 1)] for key, values in wanted.items()} for i in range(count)]


def with_open_slot(client: httpx.Client, html: str, widgets: list[dict[str, Any]]) -> str:
    """The page at the first week with a time still open, when it picks a time: late in the week the
    first week shown may have none left."""
    keys = [w["key"] for w in widgets if w["type"] == "slot_picker" and f'name="{w["key"]}"' not in html]
    for _ in range(MAX_WEEKS):
        if not any(f'name="{key}"' not in html for key in keys):
            return html
        weeks = re.findall(r'href="([^"]*[?&](?:amp;)?week=[^"]*)"', html)
        if not weeks:
            break
        html = arrive(client, unescape(weeks[-1]))  # the last link is the next week's
    raise SystemExit(f"no time open to book for {keys} in {MAX_WEEKS} weeks")


def cookie_header(client: httpx.Client) -> str:
    """The resident's cookies but the one that says the browser holds the stylesheet: Lighthouse loads
    each page with an empty cache, as a resident's first page, so the page must carry its stylesheet
    as a first page does. (A later page links the file, which a real browser then has in its cache.)"""
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar if c.name != STYLESHEET_COOKIE)


def arrive(client: httpx.Client, path: str) -> str:
    """GET a page as the resident's browser does; it must answer 200 itself, not by a redirect."""
    response = client.get(path)
    if response.status_code != 200:
        where = response.headers.get("location")
        raise SystemExit(f"{path} answered {response.status_code}" + (f", to {where}" if where else ""))
    return response.text


def resident_pages(base: str, name: str, spec: dict[str, Any], seen: set[str]) -> Iterator[Page]:
    """Every page of one app, each yielded as the resident arrives on it (before they answer it):
    the start page, then, when the app asks anything, every question page over as many walks as its
    conditions need, the check page and, after sending once, the confirmation page."""
    slug = spec["slug"]
    has_questions = any(w["type"] not in CONTENT_TYPES for p in spec["pages"] for w in p["widgets"])
    for number, picks in enumerate(walks(spec) if has_questions else [{}], start=1):
        with httpx.Client(base_url=base, timeout=30) as client:
            start = arrive(client, f"/a/{slug}")
            if f"/a/{slug}" not in seen:
                yield Page(f"{name}: start", f"/a/{slug}", cookie_header(client))
            if not has_questions:
                return
            found = re.search(rf'href="(/a/{re.escape(slug)}/p/\d+)"', start)
            if not found:
                raise SystemExit(f"/a/{slug} links to no question page")
            path = found.group(1)
            for _ in range(MAX_PAGES):
                if path == f"/a/{slug}/check":
                    break
                html = arrive(client, path)
                page_number = int(path.rsplit("/", 1)[1])
                widgets = spec["pages"][page_number - 1]["widgets"]
                if path not in seen:
                    yield Page(f"{name}: question {page_number}", path, cookie_header(client))
                html = with_open_slot(client, html, widgets)
                posted = client.post(path, data=answers(html, widgets, picks))
                if posted.status_code != 303:
                    problem = re.search(r'class="error-summary".*?</div>', posted.text, re.S)
                    text = re.sub(r"<[^>]+>|\s+", " ", problem.group(0)) if problem else ""
                    raise SystemExit(f"{path} (walk {number}, picking {picks}) refused the answers "
                                     f"({posted.status_code}): {text.strip()}")
                path = posted.headers["location"]
            else:
                raise SystemExit(f"{name}: no check page after {MAX_PAGES} question pages")
            check = arrive(client, path)
            if path not in seen:
                yield Page(f"{name}: check", path, cookie_header(client))
            done = f"/a/{slug}/done"
            if done in seen:
                continue
            form = form_of(check)
            sent = client.post(form.action or f"/a/{slug}/submit",
                               data=form_data([(c["name"], c["value"])
                                               for c in form.controls if c["type"] == "hidden"]))
            if sent.status_code != 303 or sent.headers.get("location") != done:
                raise SystemExit(f"sending {name} answered {sent.status_code}, to {sent.headers.get('location')}")
            arrive(client, done)
            yield Page(f"{name}: confirmation", done, cookie_header(client))


# --- Lighthouse -------------------------------------------------------------------------------------


def install_lighthouse() -> str | None:
    """`npm ci` when Lighthouse is missing or older than the lock file; a reason to skip, or None."""
    installed = HERE / "node_modules" / ".package-lock.json"
    if (LIGHTHOUSE.exists() and installed.exists()
            and installed.stat().st_mtime >= (HERE / "package-lock.json").stat().st_mtime):
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is missing: Lighthouse needs Node.js 18.16 or newer, with npm"
    print("Installing Lighthouse (npm ci in bench/lighthouse) ...", flush=True)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"npm ci in {HERE} failed:\n{done.stdout}\n{done.stderr}")
    return None


def audit(base: str, page: Page, out_dir: Path, index: int) -> Audit:
    report = out_dir / f"{index:02d}-{re.sub(r'[^a-z0-9]+', '-', page.path.lower()).strip('-') or 'portal'}.json"
    command = [
        str(LIGHTHOUSE), base + page.path, f"--chrome-path={CHROMIUM}", "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
        "--only-categories=" + ",".join(CATEGORIES), "--output=json", f"--output-path={report}", "--quiet",
    ]
    if page.cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": page.cookie}))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"Lighthouse did not finish {page.path} within {LIGHTHOUSE_TIMEOUT} s") from None
    if done.returncode != 0 or not report.exists():
        raise SystemExit(f"Lighthouse failed on {page.path} ({done.returncode}):\n{done.stderr[-3000:]}")
    lhr = json.loads(report.read_text(encoding="utf-8"))
    if lhr.get("runtimeError"):
        raise SystemExit(f"Lighthouse could not load {page.path}: {lhr['runtimeError'].get('message')}")
    if lhr.get("finalDisplayedUrl") != base + page.path:
        raise SystemExit(f"Lighthouse was sent from {page.path} to {lhr.get('finalDisplayedUrl')}")
    return results(page, lhr)


def results(page: Page, lhr: dict[str, Any]) -> Audit:
    """The category scores of one Lighthouse report, and the audits that failed."""
    failed = []
    for category in lhr["categories"].values():
        for ref in category["auditRefs"]:
            result = lhr["audits"][ref["id"]]
            if result["scoreDisplayMode"] in NOT_SCORED:
                continue
            if result["scoreDisplayMode"] == "error" or (result["score"] is not None and result["score"] < 1):
                failed.append({**result, "hidden": ref.get("group") == "hidden"})
    scores = {key: lhr["categories"][key]["score"] for key in CATEGORIES}
    return Audit(page, scores, failed)


def items(details: dict[str, Any] | None) -> list[str]:
    """What an audit found, one short line each, from the several shapes of Lighthouse's details."""
    if not details:
        return []
    kind = details.get("type")
    if kind == "checklist":
        return [item["label"] for item in details["items"].values() if not item.get("value")]
    if kind == "list":
        return [line for item in details["items"]
                for line in items(item.get("value") if item.get("type") == "list-section" else item)]
    if kind == "network-tree":
        return chains(details.get("chains", {}))
    if kind in {"table", "opportunity"}:
        keys = [h["key"] for h in details.get("headings", []) if h.get("key")]
        return [" | ".join(text for key in keys if (text := cell(item.get(key)))) for item in details["items"]]
    return []


def chains(tree: dict[str, Any], before: str = "") -> list[str]:
    lines = []
    for node in tree.values():
        here = (before + " -> " if before else "") + node["url"]
        children = node.get("children") or {}
        lines += chains(children, here) if children else [f"{here} ({node.get('navStartToEndTime', 0):.0f} ms)"]
    return lines


def cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        if value.get("type") == "node":
            text = value.get("snippet") or value.get("selector") or value.get("nodeLabel", "")
            explanation = (value.get("explanation") or "").strip().replace("\n", " ")
            return text + (f" — {explanation}" if explanation else "")
        if value.get("type") == "source-location":
            return f"{value.get('url')}:{value.get('line', 0) + 1}"
        if value.get("type") in {"code", "url", "text"}:
            return str(value.get("value", ""))
        return ""
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


# --- the report -------------------------------------------------------------------------------------


def score(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}"


def report(audits: list[Audit], base: str) -> str:
    lines = ["| page | path | performance | accessibility | best practices |", "| --- | --- | ---: | ---: | ---: |"]
    lines += [f"| {a.page.label} | {a.page.path} | " + " | ".join(score(a.scores[c]) for c in CATEGORIES) + " |"
              for a in audits]
    failed: dict[str, list[tuple[Audit, dict[str, Any]]]] = {}
    for a in audits:
        for result in a.failed:
            failed.setdefault(result["id"], []).append((a, result))
    slow = [a for a in audits if a.scores["performance"] is None or a.scores["performance"] < 1]
    # Lighthouse keeps some audits out of its report (its "hidden" group: old metrics such as max
    # potential FID, and insights still on trial). They are listed below, marked, but not counted.
    reported = [audit_id for audit_id, found in failed.items() if not found[0][1]["hidden"]]
    met = not slow and not reported
    lines += ["", f"Target (issue 8), no failed audit in Lighthouse's report and performance 100 on every page: "
              f"{'met' if met else 'not met'} ({len(reported)} audits in the report failed; "
              f"{len(failed) - len(reported)} hidden ones under 1, listed, not counted; "
              f"performance under 100 on {len(slow)} of {len(audits)} pages)."]
    lines += ["", f"## Failed audits: {len(failed)}" if failed else "## Failed audits: none"]
    for audit_id, found in sorted(failed.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = found[0][1]
        scored = [r["score"] for _, r in found if r["score"] is not None]
        hidden = " (hidden in Lighthouse's report)" if first["hidden"] else ""
        where = "every page" if len(found) == len(audits) else f"{len(found)} of {len(audits)} pages"
        scores = f", score {score(min(scored))}" + (f" to {score(max(scored))}" if max(scored) != min(scored) else "") \
            if scored else ", errors"
        lines += ["", f"### {first['title']} (`{audit_id}`){hidden}: {where}{scores}"]
        # Pages that failed alike (the same items but for their figures) are listed together, with
        # the items of the first of them.
        alike: dict[tuple[str, ...], list[tuple[Audit, dict[str, Any], tuple[str, ...]]]] = {}
        for a, result in found:
            own = re.compile(re.escape(base + a.page.path) + r"(?![\w/])")  # the page itself, whatever its path
            what = tuple(own.sub("(the page)", line).replace(base, "") for line in items(result.get("details")))
            what = what or (result.get("errorMessage") or "",)
            alike.setdefault(tuple(FIGURE.sub("#", line) for line in what), []).append((a, result, what))
        groups = list(alike.values())
        for group in groups[:MAX_GROUPS]:
            lines.append(f"- on {pages_and_values([(a, r) for a, r, _ in group], audits)}")
            what = group[0][2]
            figures = f" (figures of {group[0][0].page.path})" if any(other != what for _, _, other in group) else ""
            lines += [f"  - {line}{figures if i == 0 else ''}" for i, line in enumerate(what[:MAX_ITEMS]) if line]
            if len(what) > MAX_ITEMS:
                lines.append(f"  - and {len(what) - MAX_ITEMS} more")
        rest = [(a, r) for group in groups[MAX_GROUPS:] for a, r, _ in group]
        if rest:
            lines.append(f"- and on {len(rest)} more pages, with items of their own (--keep DIR keeps the reports): "
                         + pages_and_values(rest, audits))
    return "\n".join(lines)


def pages_and_values(pages: list[tuple[Audit, dict[str, Any]]], audits: list[Audit]) -> str:
    """Which pages, and what Lighthouse shows as the value on each: once when all agree, as a range when
    they are most of the pages, else page by page."""
    values = [result.get("displayValue") or "" for _, result in pages]
    paths = [a.page.path for a, _ in pages]
    if len(pages) > len(audits) / 2:
        others = [a.page.path for a in audits if a.page.path not in paths]
        listed = f"every page but {', '.join(others)}" if others else "every page"
        shown = sorted({value for value in values if value}, key=first_figure)
        if not shown:
            return listed
        if len(shown) == 1:
            return f"{listed} ({shown[0]})"
        prefix = FIGURE.split(shown[-1])[0]  # "Est savings of 0 ms to 150 ms", not "... to Est savings of 150 ms"
        return (f"{listed} ({shown[0]} to "
                f"{shown[-1].removeprefix(prefix) if shown[0].startswith(prefix) else shown[-1]})")
    if len(set(values)) == 1:
        return ", ".join(paths) + (f" ({values[0]})" if values[0] else "")
    return ", ".join(path + (f" ({value})" if value else "") for path, value in zip(paths, values, strict=True))


def first_figure(text: str) -> float:
    found = FIGURE.search(text)
    return float(found.group(0)) if found else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="TEMPLATE", help="audit these app templates only (and the portal)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep Lighthouse's JSON reports in DIR")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"SKIP: {CHROMIUM} is missing (install Debian's chromium)")
        return 0
    missing = install_lighthouse()
    if missing:
        print(f"SKIP: {missing}")
        return 0
    found = [t.name for t in templates()]
    chosen = [name for name in found if not args.only or name in args.only]
    unknown = sorted(set(args.only or []) - set(found))
    if unknown:
        raise SystemExit(f"no app template named {unknown}; there are {found}")

    started = time.monotonic()
    audits: list[Audit] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-lighthouse-") as tmp:
        tmp_path = Path(tmp)
        out_dir = args.keep or tmp_path / "reports"
        out_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = [*madoguchi_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
        with running("madoguchi", server, base + "/", data_env(tmp_path / "data", MADOGUCHI_PUBLIC_URL=base), tmp_path):
            with httpx.Client(base_url=base, timeout=30) as client:
                arrive(client, "/")
            audits.append(run_one(base, Page("portal", "/", ""), out_dir, 1))
            seen = {"/"}
            for name in chosen:
                spec = json.loads((TEMPLATES_DIR / f"{name}.json").read_text(encoding="utf-8"))
                for page in resident_pages(base, name, spec, seen):
                    audits.append(run_one(base, page, out_dir, len(audits) + 1))
                    seen.add(page.path)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print()
    print(f"Lighthouse {lighthouse_version()}, Debian Chromium, mobile profile, simulated throttling: "
          f"{len(audits)} pages in {minutes} min {seconds} s")
    print()
    print(report(audits, base))
    return 0


def run_one(base: str, page: Page, out_dir: Path, index: int) -> Audit:
    started = time.monotonic()
    result = audit(base, page, out_dir, index)
    print(f"{index:3d} {page.path}: " + ", ".join(f"{c} {score(result.scores[c])}" for c in CATEGORIES)
          + f" ({time.monotonic() - started:.0f} s)", flush=True)
    return result


def lighthouse_version() -> str:
    package = json.loads((HERE / "node_modules" / "lighthouse" / "package.json").read_text(encoding="utf-8"))
    return package["version"]


if __name__ == "__main__":
    sys.exit(main())

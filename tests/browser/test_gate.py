"""The accessibility gate (ACCESSIBILITY.md; issue 8, point 6): no page a resident can reach slips past.

Every page of every app template (enumerated from the gallery, so a new template is walked as soon as
it is there) and the pages around them, in headless Chromium with JavaScript off (16), in every cell:
the widths 320 and 390 px × the reading modes standard, largest text, high contrast and furigana. In
each cell: axe-core configured as ACCESSIBILITY.md says finds nothing, and our own checks hold —
(1) text sizes, (3) no sideways scrolling (at 320 px also with text spacing, and at 200 % text with and
without it), (6) a focus that shows, in pixels (at 320 px; each kind of element pictured once per mode),
(7) 44 px targets, (8) labels and required/optional in words, (10) one h1 and a Back link, (11) each link
of an error summary leaves its question and message on the screen, (17) the help block, plus the cheap
style checks of style_checks.py. Across a template: (11) every question page with a required field sent
empty, and with a wrong value where a field has a format; (13) nothing asked twice; (17) the same
help block on every page. A widget type reaches the gate by being in a template: a test makes sure
each one is.

The pages a resident reaches: the start page, every question page (the answers are chosen so that
every page a condition opens is reached, over one or more walks), the question pages sent back with
errors, the check page, the confirmation, a booking's slot picker one week on and its cancel pages,
a consultation's status pages (with a reply from the city), and the portal, a retired app, an app
not open yet, the not-found page, an unknown QR code and the problem page.

Sharing the work keeps the gate within minutes: one walk per template; on each page the mode is
changed by its cookie and the page fetched again (a page sent back with errors is sent again), the
width by resizing the same page, and axe's copy of the page is made once per mode and run at both
widths. The gate runs its own server (`uvicorn generated_apps.web.asgi:app`, the resident side that
`madoguchi serve` also mounts) on a database prepared first: the demo apps, a retired app and one
scheduled to open later. A walk in each other language (18) runs at 320 px in the standard mode: no
sideways scrolling (3), and Japanese only inside lang="ja"; in English, all our checks, and no Japanese.

Over 500 lines on purpose: the walks, their cells and their checks share one server and one browser
session, and each check is asserted where the walk meets it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest

from builder.server import DEMO_BY, load_demo
from builder.templates_gallery import templates
from generated_apps.domain.apps import Apps
from generated_apps.domain.i18n import UI_LANGS
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from widgets import furigana
from widgets.catalog import REGISTRY, widget_adapter

from .axe import MUST_RUN, NOSCRIPT_TAG, RUN_AXE, TAGS, AxeRunner, describe
from .conftest import free_port, running
from .demo import SLUGS, SURVEY, spec, widgets_on_page
from .page_checks import (
    KANA_OR_KANJI,
    error_link_problems,
    error_page_problems,
    japanese_text,
    label_problems,
    script_problems,
)
from .resident import LONG_TEXT_ANSWER, PAST_DATE, TEXT_ANSWER, future_date, press_continue, question_form
from .style_checks import (
    NARROW_PX,
    focus_pixel_problems,
    help_block,
    line_length_problems,
    page_problems,
    text_zoom_problems,
    zoomed_problems,
)

pytestmark = pytest.mark.browser

WIDTHS = (390, NARROW_PX)
HEIGHT = 844
# Each reading mode as the cookies a resident's choice sets (generated_apps/web/preferences.py), and the
# class it puts on <html>.
MODES: dict[str, dict[str, str]] = {
    "standard": {},
    "largest text": {"mdg_size": "largest"},
    "high contrast": {"mdg_contrast": "high"},
    "furigana": {"mdg_furigana": "on"},
}
MODE_COOKIES = ("mdg_size", "mdg_contrast", "mdg_furigana")
# Largest text is a zoom of its own (150 %): zoomed to 400 % on top, a screen is 600 %, beyond what (3) asks.
ZOOM_ON_ITS_OWN = {"largest text"}
MODE_CLASS = {"largest text": "size-largest", "high contrast": "contrast-high", "furigana": "furigana-on"}
# (6) the focus of every element Tab reaches is pictured at 320 px in each mode; an element like one
# pictured before (the same kind, classes, size, place across and backdrop: style_checks.FOCUSABLE) is
# not pictured again, on any page of any template.
FOCUS_PICTURED: dict[str, set[str]] = defaultdict(set)

CONTENT_TYPES = {name for name, cls in REGISTRY.items() if not cls.is_question}
# What a resident types, by widget type.
TYPED = {"short_text": TEXT_ANSWER, "long_text": LONG_TEXT_ANSWER, "email": "hanako.date@example.jp",
         "phone": "0142-23-3331", "postal_code": "052-0021"}
LAST4 = "3331"  # of the phone typed: what finds a booking or a consultation again
# (11) a value each field with a format refuses, by widget type: field name (from the key) -> value.
WRONG: dict[str, Callable[[dict], dict[str, str]]] = {
    "email": lambda w: {w["key"]: "hanako.date@"},
    "phone": lambda w: {w["key"]: "12"},
    "postal_code": lambda w: {w["key"]: "12-34"},
    "number": lambda w: {w["key"]: "たくさん"},
    "date": lambda w: {f"{w['key']}-year": "2025", f"{w['key']}-month": "13", f"{w['key']}-day": "1"},
    "name": lambda w: ({w["key"]: "伊達 花子", f"{w['key']}-reading": "hanako"}
                       if w.get("reading", "none") != "none" else {}),
}
# (13) autocomplete tokens of personal data: two fields with one of these in a flow ask the same twice.
NOT_PERSONAL = {"off", "on", ""}
MAX_PAGES = 40  # a guard against a flow that never reaches the check page
AUTOCOMPLETE = """(form) => [
  ...form.querySelectorAll('input[autocomplete], select[autocomplete], textarea[autocomplete]')]
  .filter((e) => !e.closest('[aria-hidden="true"]'))
  .map((e) => [e.name, e.getAttribute('autocomplete').trim().toLowerCase()])"""
# Widget types not in any template yet. The lead decides where each goes; until then it is not walked.
NOT_IN_A_TEMPLATE_YET = {"image"}


# --- the server: the demo apps, a retired app, an app that opens later --------------------------

@dataclass(frozen=True)
class GateServer:
    url: str
    store: Store
    retired: str    # the slug of an app whose service has ended
    scheduled: str  # the slug of an app published to open in a month


def publish_retired_and_scheduled(store: Store) -> tuple[str, str]:
    """A copy of the survey, published and retired with a message and the survey as its successor; a
    copy of the event sign-up, published to open in a month. Returns their slugs."""
    gallery = {t.name: t.spec for t in templates()}
    retired = gallery["citizen-survey"].model_copy(update={"slug": "gate-retired-survey"})
    Apps(store).save_app(retired, by=DEMO_BY)
    Lifecycle(store).publish(retired.slug, by=DEMO_BY, warnings_acknowledged=True)
    Lifecycle(store).retire(retired.slug, by=DEMO_BY,
                            message="このアンケートは終わりました。新しいアンケートにお答えください。",
                 successor_id=Apps(store).by_slug(SURVEY).id)
    later = gallery["event-signup"].model_copy(update={"slug": "gate-opens-later"})
    Apps(store).save_app(later, by=DEMO_BY)
    Lifecycle(store).publish(later.slug, by=DEMO_BY, at=store.now() + dt.timedelta(days=30), warnings_acknowledged=True)
    return retired.slug, later.slug


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GateServer]:
    data_dir = tmp_path_factory.mktemp("gate-data")
    database = f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
    store = Store.open(database)
    load_demo(store)
    retired, scheduled = publish_retired_and_scheduled(store)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # One resident here sends far more forms than a person does (each page sent back in every mode):
    # no limit on forms sent per address.
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_DATABASE_URL": database,
           "MADOGUCHI_PUBLIC_URL": url, "MADOGUCHI_POST_LIMIT": "0"}
    log = data_dir.parent / f"{data_dir.name}-server.log"
    try:
        with running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--host", "127.0.0.1",
                      "--port", str(port), "--log-level", "warning"], url + "/", log, env=env):
            yield GateServer(url, store, retired, scheduled)
    finally:
        store.engine.dispose()


@pytest.fixture(scope="module")
def base_url(server: GateServer) -> str:
    """The gate's own server, for conftest.py's `resident_context`."""
    return server.url


class CellAxe(AxeRunner):
    """axe as ACCESSIBILITY.md configures it (axe.py), on one copy of the page run at several widths."""

    def violations_at(self, page: Any, widths: tuple[int, ...]) -> dict[int, list[dict]]:
        self._url = page.url
        self._html = NOSCRIPT_TAG.sub("", page.content())
        self.context.clear_cookies()
        self.context.add_cookies(page.context.cookies())
        found = {}
        for width in widths:
            self.copy.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
            if not found:
                self.copy.goto(self._url, wait_until="load")
            result = self.copy.evaluate(RUN_AXE, [TAGS, MUST_RUN])
            not_run = [rule for rule in MUST_RUN if rule not in result["ran"]]
            assert not not_run, f"axe did not run {not_run}: the configuration is wrong"
            found[width] = result["violations"]
        return found


@pytest.fixture(scope="module")
def cell_axe(browser: Any) -> Iterator[CellAxe]:
    runner = CellAxe(browser)
    yield runner
    runner.close()


# --- one page in every cell ---------------------------------------------------------------------

class Cells:
    """Checks a page in every mode at every width, and keeps what it found to report at the end."""

    def __init__(self, page: Any, axe: CellAxe, server: GateServer) -> None:
        self.page, self.axe, self.server = page, axe, server
        self.mode = "standard"  # what the context's cookies choose now
        self.findings: list[str] = []
        self.help_blocks: dict[str, dict[str, dict | None]] = defaultdict(dict)  # mode -> where -> block

    def choose(self, mode: str) -> None:
        context = self.page.context
        for name in MODE_COOKIES:
            context.clear_cookies(name=name)
        context.add_cookies([{"name": name, "value": value, "url": self.server.url}
                             for name, value in MODES[mode].items()])
        self.mode = mode

    def check(self, where: str, again: Callable[[], None] | None = None, *, back_link: bool = True) -> None:
        """The page as it is now, in the mode it was reached in, then in each other mode: fetched again
        (`page.reload`), or made again by `again` (a page that answers a POST)."""
        url = self.page.url
        for mode in [self.mode, *(m for m in MODES if m != self.mode)]:
            if mode != self.mode:
                self.choose(mode)
                if again is None:
                    response = self.page.reload()
                    assert response is not None and response.status < 500, f"{where}: reloading {url} failed"
                else:
                    again()
                assert self.page.url == url, f"{where} in {mode}: at {self.page.url}, not {url}"
            self._cell(where, mode, back_link)

    def _cell(self, where: str, mode: str, back_link: bool) -> None:
        page, at = self.page, f"{where} ({urlparse(self.page.url).path}), {mode}"
        classes = page.evaluate("() => [...document.documentElement.classList]")
        wanted = MODE_CLASS.get(mode)
        if wanted and wanted not in classes:
            self.findings.append(f"{at}: <html> has no class {wanted!r} (it has {classes})")
        if mode == "standard" and set(classes) & set(MODE_CLASS.values()):
            self.findings.append(f"{at}: <html> has mode classes {classes} in the standard mode")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            problems = script_problems(page) + page_problems(page)
            if width == NARROW_PX:
                problems += text_zoom_problems(page) + focus_pixel_problems(page, FOCUS_PICTURED[mode])
                if mode not in ZOOM_ON_ITS_OWN:
                    problems += zoomed_problems(page)
            if page.locator("main .error-summary").count():
                problems += error_link_problems(page)
            if not back_link:
                problems = [p for p in problems if not p.startswith("(10) no visible Back link")]
            if problems:
                self.findings.append(f"{at}, {width}px, our checks:\n" + "\n".join(f"- {p}" for p in problems))
        for width, violations in self.axe.violations_at(page, WIDTHS).items():
            if violations:
                self.findings.append(f"{at}, {width}px, axe:\n{describe(violations)}")
        self.help_blocks[mode][where] = help_block(page)

    def help_block_findings(self) -> list[str]:
        """(17) in each mode, the same help block, saying the same, in the same place on every page."""
        findings = []
        for mode, blocks in self.help_blocks.items():
            missing = [where for where, block in blocks.items() if block is None]
            if missing:
                findings.append(f"(17) {mode}: no aside.help on {missing}")
                continue
            (first_where, first), *others = blocks.items()
            findings += [f"(17) {mode}: the help block's {key} on {where} differs from {first_where}: "
                         f"{block[key]!r} != {first[key]!r}"
                         for where, block in others for key in ("path", "text", "tel") if block[key] != first[key]]
        return findings


# --- a resident's way through a template --------------------------------------------------------

def choices(app: dict) -> list[dict[str, str]]:
    """The answers to pick, one set per walk, so that every condition holds in some walk.

    For each question a condition names, the values the conditions want, in page order; walk i
    picks value i of each (or its last). Other questions get the first choice (Walk.fill).
    """
    wanted: dict[str, list[str]] = {}
    for page in app["pages"]:
        for widget in page["widgets"]:
            condition = widget.get("show_if")
            if condition and condition.get("op", "equals") != "answered":
                values = wanted.setdefault(condition["key"], [])
                if condition["value"] not in values:
                    values.append(condition["value"])
    walks = max((len(values) for values in wanted.values()), default=1)
    return [{key: values[min(i, len(values) - 1)] for key, values in wanted.items()} for i in range(walks)]


def has_questions(app: dict) -> bool:
    return any(w["type"] not in CONTENT_TYPES for p in app["pages"] for w in p["widgets"])


class Walk:
    """One resident's way through one app, from the start page to the check page; `visit` checks a page."""

    def __init__(self, page: Any, slug: str, checked: set[str]) -> None:
        self.page, self.slug = page, slug
        self.checked = checked  # pages checked already, in an earlier walk of the same app: not again
        self.visited: set[int] = set()  # question pages, numbered from 1

    @property
    def path(self) -> str:
        return urlparse(self.page.url).path

    def arrive(self, where: str, again: Callable[[], None] | None = None) -> None:
        """Check the page, unless an earlier walk of the same app did."""
        if where not in self.checked:
            self.checked.add(where)
            self.visit(where, again)

    def visit(self, where: str, again: Callable[[], None] | None) -> None:
        raise NotImplementedError

    def on_question_page(self, number: int, where: str, picks: dict[str, str]) -> None:
        """More to do on a question page before it is answered (the gate sends it with errors)."""

    def questions_shown(self, number: int) -> list[dict]:
        """The questions of page `number` the page shows now (a condition may hide some)."""
        form = question_form(self.page)
        return [w for w in widgets_on_page(self.slug, number) if w["type"] not in CONTENT_TYPES
                and not (w.get("show_if") and not form.locator(f"[name^='{w['key']}']").count())]

    def fill(self, number: int, picks: dict[str, str]) -> None:
        """Answer question page `number` as its spec says: the chosen value where a walk picks one, else
        the first."""
        form = question_form(self.page)
        for widget in self.questions_shown(number):
            kind, key = widget["type"], widget["key"]
            if kind in TYPED:
                form.locator(f"[name='{key}']").fill(TYPED[kind])
            elif kind == "number":
                form.locator(f"[name='{key}']").fill(str(widget.get("min", 1)))
            elif kind == "name":
                form.locator(f"[name='{key}']").fill("伊達 花子")
                if widget.get("reading", "none") != "none":
                    form.locator(f"[name='{key}-reading']").fill("だて はなこ")
            elif kind == "date":
                day = PAST_DATE if widget.get("purpose") == "birth" or widget.get("past_only") else future_date()
                for part in ("year", "month", "day"):  # a 4-digit year is Western whatever the era select says
                    form.locator(f"[name='{key}-{part}']").fill(str(getattr(day, part)))
            elif kind == "dropdown":
                form.locator(f"select[name='{key}']").select_option(picks.get(key, widget["options"][0]["value"]))
            elif kind == "slot_picker":
                if not form.locator(f"input[name='{key}']").count():  # nothing free this week: the next
                    self.page.goto(self.page.locator(".slot-weeks a").last.get_attribute("href"))
                    form = question_form(self.page)
                form.locator(f"input[name='{key}']").first.check()
            elif form.locator(f"input[name='{key}']:is([type=radio], [type=checkbox])").count():
                value = picks.get(key)
                form.locator(f"input[name='{key}']" + (f"[value='{value}']" if value else "")).first.check()
            else:  # a type not named above: the answer the widget gives as its own example
                question = widget_adapter.validate_python(widget)
                for name, values in question.to_raw(question.example_answer).items():
                    form.locator(f"[name='{name}']").fill(values[0])

    def answer(self, number: int, picks: dict[str, str]) -> None:
        self.fill(number, picks)
        response = press_continue(self.page)
        summary = self.page.locator(".error-summary")
        assert response.status == 303, f"{self.path}: the answers were refused ({response.status}): " + (
            summary.first.inner_text() if summary.count() else "")

    def start(self) -> None:
        response = self.page.goto(f"/a/{self.slug}")
        assert response.status == 200, f"/a/{self.slug} answered {response.status}"

    def through(self, picks: dict[str, str], questions: bool) -> None:
        """From the start page through every question page the picks lead to, to the check page."""
        page, slug = self.page, self.slug
        self.start()
        self.arrive("the start page")
        if not questions:
            return
        with page.expect_navigation(wait_until="load"):
            page.locator("main a.button").first.click()
        for _ in range(MAX_PAGES):
            if self.path == f"/a/{slug}/check":
                break
            found = re.fullmatch(rf"/a/{re.escape(slug)}/p/(\d+)", self.path)
            assert found, f"unexpected page {page.url}"
            number = int(found.group(1))
            self.visited.add(number)
            self.arrive(f"question page {number}")
            self.on_question_page(number, f"question page {number}", picks)
            self.answer(number, picks)
        else:
            pytest.fail(f"no check page after {MAX_PAGES} question pages")
        self.arrive("the check page")


class GateWalk(Walk):
    """The Japanese walk of the gate: every page in every cell, errors (11), nothing asked twice (13),
    then what follows the confirmation: a booking's cancel pages, a consultation's status pages."""

    def __init__(self, page: Any, slug: str, checked: set[str], cells: Cells) -> None:
        super().__init__(page, slug, checked)
        self.cells = cells
        self.findings: list[str] = []
        self.autocomplete: dict[str, set[str]] = defaultdict(set)  # (13) token -> field names

    def visit(self, where: str, again: Callable[[], None] | None) -> None:
        self.cells.check(where, again)

    def resend(self, status: int) -> Callable[[], None]:
        """Press the form's button again, with what it holds now: the same answer to the POST."""
        def again() -> None:
            response = press_continue(self.page)
            assert response.status == status, f"{self.path}: sent again, {response.status}, not {status}"
        return again

    def on_question_page(self, number: int, where: str, picks: dict[str, str]) -> None:
        form = question_form(self.page)
        for name, token in form.evaluate(AUTOCOMPLETE):
            if token not in NOT_PERSONAL:
                self.autocomplete[token].add(name)
        if self.page.locator(".slot-weeks a").count():
            here = self.page.url
            self.page.goto(self.page.locator(".slot-weeks a").last.get_attribute("href"))
            self.arrive("the slot picker, another week")
            self.page.goto(here)
        if f"{where}, sent empty" in self.checked:
            return
        shown = self.questions_shown(number)
        required = [w for w in shown if w.get("required", True)]
        if required:  # (11) sent with nothing entered
            response = press_continue(self.page)
            assert response.status == 422, f"{where} sent empty: {response.status}, not 422"
            self.errors(f"{where}, sent empty", len(required), {})
        formatted = [w for w in shown if w["type"] in WRONG and WRONG[w["type"]](w)]
        wrong = {name: value for w in formatted for name, value in WRONG[w["type"]](w).items()}
        if wrong:  # (11) sent with a value its format refuses, the other answers right
            self.fill(number, picks)
            form = question_form(self.page)
            for name, value in wrong.items():
                form.locator(f"[name='{name}']").fill(value)
            response = press_continue(self.page)
            assert response.status == 422, f"{where} sent with {wrong}: {response.status}, not 422"
            self.errors(f"{where}, sent with a wrong value", len(formatted), wrong)

    def errors(self, where: str, expected: int, entered: dict[str, str]) -> None:
        problems = error_page_problems(self.page, expected, entered)
        if problems:
            self.findings.append(f"{where} ({self.path}), (11):\n" + "\n".join(f"- {p}" for p in problems))
        self.arrive(where, self.resend(422))

    def after_check_page(self) -> None:
        """Send the answers; the confirmation; then the pages it leads to."""
        response = press_continue(self.page)
        assert response.status == 303 and self.path == f"/a/{self.slug}/done", f"sending led to {self.page.url}"
        reference = self.page.locator(".reference").inner_text().strip()
        self.arrive("the confirmation")
        follow_ups = {href for href in (self.page.locator("main a").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"))}
        if f"/a/{self.slug}/cancel" in follow_ups:
            self.lookup_pages("/cancel", "the cancel page", reference)
        if f"/a/{self.slug}/status" in follow_ups:
            self.lookup_pages("/status", "the status page", reference)

    def look(self, reference: str, last4: str, status: int) -> None:
        self.page.locator("#f-reference").fill(reference)
        self.page.locator("#f-last4").fill(last4)
        response = press_continue(self.page)
        assert response.status == status, (
            f"{self.path}: looking up {reference}/{last4}: {response.status}, not {status}")

    def lookup_pages(self, tail: str, name: str, reference: str) -> None:
        """The cancel or status page: empty, with a badly typed number (11), refused (wrong digits: one
        try a mode, fewer than a record allows), and found; for a booking, cancelled."""
        if name in self.checked:
            return
        url = f"/a/{self.slug}{tail}"
        assert self.page.goto(url).status == 200
        self.arrive(name)
        self.look("12", LAST4, 422)
        self.errors(f"{name} with an error", 1, {"reference": "12", "last4": LAST4})
        self.look(reference, "0000", 422)
        self.arrive(f"{name}, refused", self.resend(422))
        if tail == "/status":  # the city has replied
            store = self.cells.server.store
            staff = Submissions(store)
            staff.write_reply(staff.by_reference(Apps(store).by_slug(self.slug).id, reference).id,
                              "ご相談ありがとうございます。\n\n12月1日から、除雪車が回ります。", by="sato")

        def found_again() -> None:
            self.page.goto(url)
            self.look(reference, LAST4, 200)

        self.look(reference, LAST4, 200)
        self.arrive(f"{name}, found", found_again)
        if tail == "/cancel":
            response = press_continue(self.page)
            assert response.status == 303 and self.path == f"/a/{self.slug}/cancelled", (
                f"cancelling led to {self.page.url}")
            self.arrive("the cancelled page")

    def asked_twice(self) -> list[str]:
        """(13) personal data asked for in two fields of one flow."""
        return [f"(13) autocomplete={token!r} on {sorted(names)}: asked twice"
                for token, names in self.autocomplete.items() if len(names) > 1]


@pytest.mark.parametrize("name", list(SLUGS))
def test_every_page_of_the_template_passes_in_every_cell(resident_context, cell_axe, server, name):
    slug = SLUGS[name]
    app = spec(slug)
    questions = has_questions(app)
    walks = choices(app) if questions else [{}]
    findings, visited, checked = [], set(), set()
    cells = Cells(None, cell_axe, server)  # one for all walks: (17) compares the pages of every walk
    for picks in walks:
        page = resident_context(WIDTHS[0], HEIGHT).new_page()  # a new resident: a new draft, no choices
        cells.page, cells.mode = page, "standard"
        walk = GateWalk(page, slug, checked, cells)
        walk.through(picks, questions)
        if questions:
            walk.after_check_page()
        findings += walk.findings + walk.asked_twice()
        visited |= walk.visited
    if questions:
        assert visited == set(range(1, len(app["pages"]) + 1)), (
            f"the walks {walks} did not reach pages {sorted(set(range(1, len(app['pages']) + 1)) - visited)}")
    findings += cells.findings + cells.help_block_findings()
    assert not findings, f"{name}: {len(findings)} finding(s):\n" + "\n".join(findings)


def test_the_pages_around_the_apps_pass_in_every_cell(resident_context, cell_axe, server):
    """The portal, a retired app, one not open yet, the not-found page, an unknown QR code, the problem page."""
    page = resident_context(WIDTHS[0], HEIGHT).new_page()
    cells = Cells(page, cell_axe, server)

    def go(url: str, status: int) -> None:
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}, not {status}"

    go("/", 200)
    for slug in SLUGS.values():
        assert page.locator(f"main a[href$='/a/{slug}']").count() >= 1, f"the portal does not link to {slug}"
    for slug in (server.retired, server.scheduled):
        assert page.locator(f"main a[href$='/a/{slug}']").count() == 0, f"the portal links to {slug}"
    cells.check("the portal", back_link=False)  # the first page has nowhere to go back to
    go(f"/a/{server.retired}", 410)
    assert page.locator(f"main a[href='/a/{SURVEY}']").count() == 1, "the retired app links to its successor"
    cells.check("a retired app")
    go(f"/a/{server.scheduled}", 404)
    assert page.locator("main .lead").count() == 1, "the page says when the app opens"
    cells.check("an app not open yet")
    go("/a/no-such-app", 404)
    cells.check("the not-found page")
    go("/q/no-such-code", 404)
    cells.check("an unknown QR code")
    go(f"/a/{SURVEY}/submit", 405)  # a form's address opened as a link: the problem page
    cells.check("the problem page")
    assert not cells.findings, f"{len(cells.findings)} finding(s):\n" + "\n".join(cells.findings)


# --- the walks in the other languages (18), at 320 px ----------------------------------------------

JAPANESE = re.compile(KANA_OR_KANJI)
OTHER_LANGS = [lang for lang in UI_LANGS if lang not in ("ja", "en")]


def japanese_sources(app: dict) -> list[str]:
    """The app's Japanese texts, as a page shows them: without the furigana notation staff write."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("ja"), str):
                found.append(furigana.plain(value["ja"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(app)
    return found


class LanguageWalk(Walk):
    """In another language, chosen with its link on the start page, in the standard mode: (3) no sideways
    scrolling, at 200 % text and with text spacing too; (18) <html lang> the language's, and Japanese (a
    text staff wrote only in Japanese) only inside an element marked lang="ja". In English, where every
    demo app has its text, nothing may be left in Japanese, and all our checks run, line length too."""

    def __init__(self, page: Any, slug: str, checked: set[str], lang: str) -> None:
        super().__init__(page, slug, checked)
        self.lang = lang
        self.sources = japanese_sources(spec(slug))
        self.findings: list[str] = []
        self.help_blocks: dict[str, dict | None] = {}

    def start(self) -> None:
        super().start()
        with self.page.expect_navigation(wait_until="load"):
            self.page.locator(f"a[hreflang='{self.lang}']").first.click()
        assert self.path == f"/a/{self.slug}", f"the language switch led to {self.page.url}"

    def visit(self, where: str, again: Callable[[], None] | None) -> None:
        page = self.page
        problems = text_zoom_problems(page)
        lang = page.locator("html").get_attribute("lang")
        if lang != self.lang:
            problems.append(f"(18) <html lang={lang!r}>, not {self.lang!r}")
        found = japanese_text(page, self.sources)
        if found["unmarked"]:
            problems.append(f"(18) Japanese text outside any lang=\"ja\" element: {found['unmarked']}")
        if self.lang == "en":
            problems += script_problems(page) + page_problems(page) + line_length_problems(page)
            title, h1 = page.title(), page.evaluate("() => document.querySelector('h1')?.innerText || ''")
            for name, text in (("<title>", title), ("h1", h1)):
                if not text or JAPANESE.search(text):
                    problems.append(f"(18) the {name} {text!r} is not English")
            if found["fallback"]:
                problems.append(f"(18) shown in Japanese, with no English text: {found['fallback']}")
            self.help_blocks[f"{where} ({self.path})"] = help_block(page)
        if problems:
            self.findings.append(f"{where} ({self.path}):\n" + "\n".join(f"- {p}" for p in problems))

    def help_block_findings(self) -> list[str]:
        if not self.help_blocks:
            return []
        (first_where, first), *others = self.help_blocks.items()
        return [f"(17) the help block's {key} on {where} differs from {first_where}: {block[key]!r} != {first[key]!r}"
                for where, block in others for key in ("path", "text", "tel")
                if block and first and block[key] != first[key]]


def walk_in(resident_context: Callable[..., Any], lang: str, name: str) -> list[str]:
    slug = SLUGS[name]
    app = spec(slug)
    questions = has_questions(app)
    findings, checked = [], set()
    for picks in choices(app) if questions else [{}]:
        walk = LanguageWalk(resident_context(NARROW_PX, HEIGHT).new_page(), slug, checked, lang)
        walk.through(picks, questions)
        findings += walk.findings + walk.help_block_findings()
    return findings


@pytest.mark.parametrize("name", list(SLUGS))
def test_every_page_of_the_template_in_english(resident_context, name):
    findings = walk_in(resident_context, "en", name)
    assert not findings, f"{name} in English at {NARROW_PX}px:\n" + "\n".join(findings)


@pytest.mark.parametrize("name", list(SLUGS))
@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_every_page_of_the_template_in_each_other_language(resident_context, lang, name):
    findings = walk_in(resident_context, lang, name)
    assert not findings, f"{name} in {lang} at {NARROW_PX}px:\n" + "\n".join(findings)


# --- what keeps the gate whole -------------------------------------------------------------------

def test_the_gate_browses_with_javascript_off(resident_context):
    """(16) the residents' browser contexts of the gate run no script of the page."""
    page = resident_context(NARROW_PX, HEIGHT).new_page()
    page.route("**/__script-test", lambda route: route.fulfill(
        status=200, body="<!doctype html><title>off</title><script>document.title = 'on'</script>",
        headers={"content-type": "text/html; charset=utf-8"}))
    page.goto("/__script-test")
    assert page.title() == "off"


# (8) and (11) seen to fail: a page with one planted fault per check, on the real stylesheet.
FAULT_PAGE = """<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>植えた誤り</title><link rel="stylesheet" href="/static/madoguchi.css"></head>
<body><div class="wrap"><main id="main" class="main">
<a class="back" href="/">戻る</a>
<h1 class="title">植えた誤り</h1>
<div class="error-summary" role="alert"><h2 class="error-summary-title">問題があります</h2><ul
 class="error-summary-list">
<li><a href="#fault-no-aria-invalid">メールアドレスを入力してください</a></li>
<li><a href="#fault-other-words">電話番号を入力してください</a></li>
<li><a href="#nowhere">行き先のないリンク</a></li>
<li><a href="#fault-star">説明のつながらない誤り</a></li>
</ul></div>
<form method="post" action="/">
<div class="field"><label class="label"
 for="fault-no-aria-invalid">メールアドレス <span class="need">（必須）</span></label>
<p class="error-message"
 id="email-error"><span class="visually-hidden">エラー: </span>メールアドレスを入力してください</p>
<input class="input" type="email" id="fault-no-aria-invalid" name="email" value="" aria-describedby="email-error"></div>
<div class="field"><label class="label" for="fault-other-words">電話番号 <span class="need">（必須）</span></label>
<p class="error-message" id="phone-error"><span class="visually-hidden">エラー: </span>ちがうことば</p>
<input class="input" type="tel" id="fault-other-words" name="phone" value="0142" aria-invalid="true"
 aria-describedby="phone-error"></div>
<div class="field"><span class="label">ラベルのない欄 （必須）</span>
<input class="input" type="text" id="fault-no-label" name="nolabel" value=""></div>
<div class="field"><label class="label" for="fault-star">星だけの欄 *</label>
<p class="error-message" id="star-error">説明のつながらない誤り</p>
<input class="input" type="text" id="fault-star" name="star" value="" aria-invalid="true"></div>
<div class="field"><label class="label visually-hidden" for="fault-hidden-label">見えないラベル （必須）</label>
<input class="input" type="text" id="fault-hidden-label" name="hidden" value=""></div>
<div class="choices"><div class="choice"><input class="choice-input" type="radio" id="fault-no-legend"
 name="pick" value="a">
<label class="choice-label" for="fault-no-legend">質問のない選択肢 （任意）</label></div></div>
<button class="button" type="submit">次へ進む</button>
</form>
</main></div></body></html>"""

LABEL_FAULTS = {
    "(8) no visible label": ["fault-no-label", "fault-hidden-label"],
    "(8) a radio button or check box outside a fieldset": ["fault-no-legend"],
    "(8) its label or legend does not say in words": ["fault-star", "fault-no-label", "fault-hidden-label"],
}
ERROR_FAULTS = [
    "(11) the form has no novalidate",
    "(11) the <title> \"植えた誤り\" does not start with \"エラー:\"",
    "(11) the error summary is not at the top of <main>: after h1",
    "(11) the error summary comes after the h1",
    "(11) the error summary lists 4 problem(s), not 3",
    "(11) the summary's link \"行き先のないリンク\" (href=\"#nowhere\") leads to no element",
    "(11) no aria-invalid=\"true\" on input#fault-no-aria-invalid",
    "(11) the inline message \"ちがうことば\" is not the summary's \"電話番号を入力してください\"",
    "(11) aria-describedby of input#fault-star.input points at no error message",
    "(11) phone holds \"0142\", not \"0142-23\"",
]


def test_the_label_and_error_checks_report_their_planted_faults(resident_context):
    page = resident_context(NARROW_PX, HEIGHT).new_page()
    page.route("**/__planted-faults", lambda route: route.fulfill(
        status=200, body=FAULT_PAGE, headers={"content-type": "text/html; charset=utf-8"}))
    page.goto("/__planted-faults")
    labels = label_problems(page)
    missed = [f"{start} … {element}" for start, elements in LABEL_FAULTS.items() for element in elements
              if not any(p.startswith(start) and element in p for p in labels)]
    assert not missed, "the (8) check missed planted faults: {}\nit reported:\n{}".format(missed, "\n".join(labels))
    assert all("fault-" in p for p in labels), "the (8) check reported a field with no fault:\n" + "\n".join(labels)
    errors = error_page_problems(page, 3, {"email": "", "phone": "0142-23"})
    missed = [fault for fault in ERROR_FAULTS if not any(p.startswith(fault) for p in errors)]
    assert not missed, "the (11) check missed planted faults: {}\nit reported:\n{}".format(missed, "\n".join(errors))
    assert len(errors) == len(ERROR_FAULTS), "the (11) check reported more than was planted:\n" + "\n".join(errors)


def test_every_widget_type_is_in_a_template():
    """A new widget type is walked by the gate only inside a template: it cannot land without one."""
    used = {w.type for t in templates() for p in t.spec.pages for w in p.widgets}
    missing = set(REGISTRY) - used
    assert missing == NOT_IN_A_TEMPLATE_YET, (
        f"widget types in no app template: {sorted(missing)}; put each into a template in builder/app_templates "
        f"so the gate walks it" if missing - NOT_IN_A_TEMPLATE_YET else
        f"{sorted(NOT_IN_A_TEMPLATE_YET - missing)} is in a template now: take it off NOT_IN_A_TEMPLATE_YET")


@pytest.mark.parametrize("name", list(SLUGS))
def test_nothing_is_asked_twice_in_a_template(name):
    """(13) over the template's spec: no data key twice, no personal-data autocomplete token twice."""
    template = next(t for t in templates() if t.name == name)
    keys: dict[str, int] = defaultdict(int)
    tokens: dict[str, list[str]] = defaultdict(list)
    for question in template.spec.questions():
        for field in question.fields():
            keys[field] += 1
        token = question.autocomplete or ("bday" if getattr(question, "purpose", None) == "birth" else None)
        if token:
            tokens[token].append(question.key)
    twice = [f"data key {key!r} {count} times" for key, count in keys.items() if count > 1]
    twice += [f"autocomplete {token!r} on {questions}" for token, questions in tokens.items() if len(questions) > 1]
    assert not twice, f"{name} asks the same twice: {twice}"


def test_the_walks_open_every_condition():
    """The answers picked for the consultation reach both of its follow-ups, one in each walk."""
    assert choices(spec(SLUGS["consultation"])) == [
        {"topic": "other", "contact_method": "phone"}, {"topic": "other", "contact_method": "email"}]
    assert choices(spec(SLUGS["notice"])) == [{}]

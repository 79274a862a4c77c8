"""A resident answers the demo forms on a small phone with JavaScript off, from start to reference number.

Every page on the way must pass axe (configured as ACCESSIBILITY.md says) and our own checks; at
320 px the deeper ones too (200 % text, line length at 1280 px, focus indicators; style_checks.py),
and across the journey: the same help block in the same place (17), personal-data fields with their
autocomplete token and type (9), `<html lang>` (18).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from .axe import describe
from .demo import FACILITY, SURVEY, widgets_on_page
from .page_checks import script_problems
from .resident import fill_in, press_continue, question_form
from .style_checks import deep_problems, help_block, page_problems, screenshot_focused

pytestmark = pytest.mark.browser

MAX_PAGES = 40  # a guard against a flow that never reaches the check page
DEEP_WIDTH = 320  # the width at which the checks that change the page for a moment run

# (9) widget type -> the autocomplete token and the input type of its field.
PERSONAL_DATA = {
    "name": ("name", "text"),
    "phone": ("tel", "tel"),
    "email": ("email", "email"),
    "postal_code": ("postal-code", "text"),
}
# (5) the kinds of element whose focus indicator a journey must have checked.
FOCUS_KINDS = {"field", "choice", "link", "button"}
FIELD_SELECTOR = "main input.input[type=text], main input.input[type=tel], main input.input[type=email]"


class Journey:
    """The pages one resident visits, each checked as it is reached.

    Accessibility findings are collected and reported together at the end, so that one run lists
    everything the page author needs to fix; a broken flow still fails at once.
    """

    def __init__(self, page, axe, slug: str, screenshot_dir=None):
        self.page = page
        self.axe = axe
        self.slug = slug
        self.deep = page.viewport_size["width"] == DEEP_WIDTH
        self.screenshot_dir = screenshot_dir if self.deep else None
        self.screenshot = None
        self.titles: dict[str, str] = {}
        self.findings: list[str] = []
        self.help_blocks: dict[str, dict | None] = {}
        self.focus_kinds: set[str] = set()
        self.personal_data_checked: set[str] = set()

    @property
    def path(self) -> str:
        return urlparse(self.page.url).path

    def arrive(self, where: str) -> None:
        page = self.page
        assert page.locator("a[href^='/lang/']").count() >= 1, f"{where}: no language switch links"
        problems = script_problems(page) + page_problems(page) + self.personal_data_problems()
        lang = page.locator("html").get_attribute("lang")
        if lang != "ja":
            problems.append(f"(18) <html lang={lang!r}>, not 'ja', on a page in Japanese")
        if self.deep:
            deep, kinds = deep_problems(page)
            self.focus_kinds.update(kinds)
            problems += deep
            if self.screenshot_dir is not None and self.screenshot is None and page.locator(FIELD_SELECTOR).count():
                self.screenshot = screenshot_focused(page, FIELD_SELECTOR, self.screenshot_dir / "focused-field.png")
                print(f"(6) a focused text field, for review: {self.screenshot}")
        self.help_blocks[f"{where} ({self.path})"] = help_block(page)
        if problems:
            self.findings.append(f"{where} ({page.url}), our checks:\n" + "\n".join(f"- {p}" for p in problems))
        violations = self.axe.violations(page)
        if violations:
            self.findings.append(f"{where} ({page.url}), axe:\n{describe(violations)}")
        self.titles.setdefault(self.path, page.title())

    def personal_data_problems(self) -> list[str]:
        """(9) each personal-data question's field has its autocomplete token and input type."""
        found = re.fullmatch(rf"/a/{re.escape(self.slug)}/p/(\d+)", self.path)
        if not found:
            return []
        problems = []
        for widget in widgets_on_page(self.slug, int(found.group(1))):
            if widget["type"] not in PERSONAL_DATA:
                continue
            token, kind = PERSONAL_DATA[widget["type"]]
            field = question_form(self.page).locator(f"input[name='{widget['key']}']")
            if field.count() != 1:
                problems.append(f"(9) {field.count()} inputs named {widget['key']!r} for the {widget['type']} question")
                continue
            attrs = field.evaluate("(e) => [e.getAttribute('autocomplete'), e.getAttribute('type')]")
            if attrs != [token, kind]:
                problems.append(f"(9) the {widget['type']} field {widget['key']!r} has autocomplete={attrs[0]!r} "
                                f"type={attrs[1]!r}, not autocomplete={token!r} type={kind!r}")
            self.personal_data_checked.add(widget["type"])
        return problems

    def help_block_findings(self) -> list[str]:
        """(17) the same help block, saying the same, in the same place on every page of the journey."""
        findings = []
        for where, block in self.help_blocks.items():
            if block is None:
                findings.append(f"(17) {where}: no aside.help")
            elif not (block["after_main"] and block["last"]):
                findings.append(f"(17) {where}: the help block is not right after <main> and last in its parent "
                                f"({block['path']})")
        blocks = [(where, b) for where, b in self.help_blocks.items() if b is not None]
        if blocks:
            first_where, first = blocks[0]
            for key in ("path", "text", "tel"):
                differ = [f"{where}: {b[key]!r}" for where, b in blocks if b[key] != first[key]]
                if differ:
                    findings.append(f"(17) the help block's {key} differs from {first_where} ({first[key]!r}) on: "
                                    + "; ".join(differ))
        return findings

    def assert_no_findings(self) -> None:
        self.findings += self.help_block_findings()
        if self.deep:
            missing = FOCUS_KINDS - self.focus_kinds
            if missing:
                self.findings.append(f"(5) no focus indicator checked on any {sorted(missing)} of this journey")
        width = self.page.viewport_size["width"]
        assert not self.findings, f"accessibility findings at {width}px:\n" + "\n".join(self.findings)

    def assert_titles_unique(self) -> None:
        by_title: dict[str, list[str]] = {}
        for path, title in self.titles.items():
            by_title.setdefault(title, []).append(path)
        repeated = {title: paths for title, paths in by_title.items() if len(paths) > 1}
        assert not repeated, f"pages share a <title> (ACCESSIBILITY.md 18): {repeated}"


def assert_error_pattern(page, response) -> None:
    """ACCESSIBILITY.md 11, for a required question sent empty."""
    assert response.status == 422, f"an empty required answer gave {response.status}, not 422"
    assert page.title().startswith("エラー"), f"title {page.title()!r} does not start with エラー"
    summary_links = page.locator(".error-summary a[href^='#']")
    assert summary_links.count() >= 1, "no error summary with links to the fields"
    form = question_form(page)
    assert page.locator(".error-summary").first.evaluate(
        "(s, form) => !!(s.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING)", form.element_handle()
    ), "the error summary is not above the form"
    for i in range(summary_links.count()):
        link = summary_links.nth(i)
        message = link.inner_text().strip()
        target_id = link.get_attribute("href")[1:]
        field = page.locator(f"[id='{target_id}']")
        assert field.count() == 1, f"the summary links to #{target_id}, which is not on the page"
        info = field.evaluate("""(f) => {
          const group = f.closest('fieldset, [role=radiogroup], [role=group]');
          const ids = [f, group].filter(Boolean)
            .flatMap((e) => (e.getAttribute('aria-describedby') || '').split(/\\s+/)).filter(Boolean);
          return {
            tag: f.tagName.toLowerCase(), type: f.type || '',
            invalid: f.getAttribute('aria-invalid') === 'true' ||
                     (!!group && group.getAttribute('aria-invalid') === 'true'),
            described: ids.map((id) => document.getElementById(id)).filter(Boolean)
                          .map((e) => e.textContent.trim()),
          };
        }""")
        assert info["tag"] in {"input", "select", "textarea"}, f"#{target_id} is a {info['tag']}, not a field"
        inline = [text for text in info["described"] if message.replace("エラー:", "").strip() in text]
        assert inline, (f"no inline message {message!r} tied to #{target_id} by aria-describedby "
                        f"(it describes: {info['described']})")
        # ARIA 1.2 allows aria-invalid on a check box or a radio group, not on one radio: a radio group
        # is marked through its fieldset's aria-describedby (asserted just above) instead.
        if info["type"] != "radio":
            assert info["invalid"], f"#{target_id} has no aria-invalid=\"true\""


def answer_the_page(page, where: str) -> None:
    """Fill in and send one question page; a refused date is tried once more in the past."""
    done = fill_in(page)
    response = press_continue(page)
    if response.status == 422 and page.locator("main form input[name$='-year']").count():
        done += fill_in(page, past_dates=True, again=True)
        response = press_continue(page)
    summary = page.locator(".error-summary")
    assert response.status == 303, f"{where}: answers {done} were refused ({response.status}): " + (
        summary.first.inner_text() if summary.count() else "")


def complete(page, axe, slug: str, screenshot_dir=None) -> Journey:
    """The whole journey through one demo form, from its start page to the reference number."""
    journey = Journey(page, axe, slug, screenshot_dir)

    # Given the app's start page
    response = page.goto(f"/a/{slug}")
    assert response.status == 200
    journey.arrive("the start page")

    # When I press start
    start = page.locator(f"main a[href$='/a/{slug}/p/1']")
    if start.count() == 0:
        start = page.locator("main .button, main button[type=submit]")
    with page.expect_navigation(wait_until="load"):
        start.first.click()
    assert journey.path == f"/a/{slug}/p/1"

    # Then I answer one question per page, once sending a required one empty first
    error_tested = False
    for _ in range(MAX_PAGES):
        if journey.path.endswith("/check"):
            break
        assert re.fullmatch(rf"/a/{slug}/p/\d+", journey.path), f"unexpected page {page.url}"
        where = f"question page {journey.path}"
        journey.arrive(where)
        assert page.locator("main form input[name=csrf]").count() == 1, f"{where}: no csrf field"
        if not error_tested and "必須" in question_form(page).inner_text():
            response = press_continue(page)
            assert_error_pattern(page, response)
            journey.arrive(f"the error page of {journey.path}")
            error_tested = True
        answer_the_page(page, where)
    else:
        pytest.fail(f"no check page after {MAX_PAGES} question pages")
    assert error_tested, f"no required question in {slug}: the error pattern went untested"

    # And I see my answers, each with a 変更 link
    journey.arrive("the check page")
    change_links = page.locator("main a", has_text="変更")
    assert change_links.count() >= 1, "no 変更 links on the check page"
    for i in range(change_links.count()):
        href = change_links.nth(i).get_attribute("href")
        assert re.fullmatch(rf"/a/{slug}/p/\d+\?change=1", href), f"変更 link to {href}"

    # When I change one answer, the question comes back filled in, and sending it takes me back
    with page.expect_navigation(wait_until="load"):
        change_links.first.click()
    assert "change=1" in page.url
    journey.arrive(f"the change page {journey.path}")
    filled = question_form(page).evaluate("""(f) => [...f.elements].some((e) =>
        e.type !== 'hidden' && !e.closest('[aria-hidden="true"]') &&
        ((e.type === 'radio' || e.type === 'checkbox') ? e.checked : e.tagName !== 'BUTTON' && e.value !== ''))""")
    assert filled, "the 変更 link's page came back empty"
    response = press_continue(page)
    assert response.status == 303
    assert journey.path == f"/a/{slug}/check", f"after a change I landed on {page.url}, not the check page"

    # And I send my answers
    send = page.locator(f"main form[action$='/a/{slug}/submit'] button")
    assert send.count() >= 1, "no send button on the check page"
    with page.expect_navigation(wait_until="load"):
        send.first.click()

    # Then I get a reference number that I can read aloud
    assert journey.path == f"/a/{slug}/done", f"after sending I landed on {page.url}"
    journey.arrive("the confirmation page")
    assert re.search(r"\d{4}-\d{4}", page.locator("main").inner_text()), "no reference number like 4821-0937"
    journey.assert_titles_unique()
    journey.assert_no_findings()
    return journey


@pytest.mark.parametrize("width", [320, 390])
def test_resident_completes_the_survey_without_javascript(resident_context, axe, width):
    complete(resident_context(width).new_page(), axe, SURVEY)


@pytest.mark.parametrize("width", [320, 390])
def test_resident_applies_for_a_facility_without_javascript(resident_context, axe, width, tmp_path):
    """Dates (era select, 年/月/日), a number, a name with its reading, phone, email and postal code."""
    journey = complete(resident_context(width).new_page(), axe, FACILITY, screenshot_dir=tmp_path)
    assert journey.personal_data_checked == set(PERSONAL_DATA), (
        f"(9) the journey met only {sorted(journey.personal_data_checked)} of {sorted(PERSONAL_DATA)}")
    if journey.deep:
        assert journey.screenshot is not None and journey.screenshot.stat().st_size > 0, "(6) no focus screenshot"

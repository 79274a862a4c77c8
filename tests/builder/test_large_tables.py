"""Staff pages that list a growing table are sent before the slow part has run (issue 17).

At a million rows, counting and reading take longer than NiceGUI's page-build limit (3 s), and staff got an
error page. Here the slow part (the submissions' count and rows, one submission, the audit log, the charts'
count) is held until the test lets it go: each page must arrive with its title, its filters and an honest
loading state while it is held, and show what was read once it is let go. (How long the pages take at a
million rows is measured by bench/staff_pages.py, as a ratio; no test here times anything.)
"""

from __future__ import annotations

import threading

import pytest

from builder.pages import charts as charts_page
from generated_apps.domain.audit import Audit
from generated_apps.domain.submissions import Submissions
from tests.generated_apps.test_summary import answers, publish, send, survey_spec

from .conftest import SLOW
from .test_lifecycle_screens import admin_in  # noqa: F401 - the fixture


@pytest.fixture
def held(monkeypatch):
    """`held(owner, name)`: calls of owner.name wait (in their thread) until the test sets the returned event."""
    gates = []

    def hold(owner, name: str) -> threading.Event:
        gate = threading.Event()
        gates.append(gate)
        slow = getattr(owner, name)

        def waiting(*args, **kwargs):
            gate.wait(timeout=30)  # never longer: a test that fails must not hang
            return slow(*args, **kwargs)

        monkeypatch.setattr(owner, name, waiting)
        return gate

    yield hold
    for gate in gates:
        gate.set()


@pytest.fixture
def survey(store) -> tuple[int, list]:
    app_id = publish(store, survey_spec())
    return app_id, [send(store, app_id, answers()) for _ in range(3)]


async def test_the_submissions_page_is_sent_while_its_rows_are_still_being_read(signed_in, survey, held):
    app_id, sent = survey
    gate = held(Submissions, "page")
    await signed_in.open(f"/apps/{app_id}/submissions")  # answered although the rows cannot be read yet
    await signed_in.should_see("Submissions: Residents' survey")
    await signed_in.should_see(marker="filter-status")
    await signed_in.should_see("Loading the submissions…")
    await signed_in.should_not_see(marker="submissions-total")
    gate.set()
    await signed_in.should_see("3 submissions", retries=SLOW)
    await signed_in.should_see(sent[0].reference)
    await signed_in.should_not_see("Loading the submissions…")


async def test_one_submission_is_sent_with_a_way_back_while_it_is_read(signed_in, survey, held):
    app_id, sent = survey
    gate = held(Submissions, "detail")
    await signed_in.open(f"/apps/{app_id}/submissions/{sent[0].id}")
    await signed_in.should_see("Back to the submissions")
    await signed_in.should_see("Loading the submission…")
    gate.set()
    await signed_in.should_see(f"Reference number {sent[0].reference}", retries=SLOW)


async def test_the_audit_log_is_sent_with_its_filters_while_its_lines_are_counted(admin_in, held):  # noqa: F811
    gate = held(Audit, "page")
    await admin_in.open("/audit")
    await admin_in.should_see(marker="filter-actor")
    await admin_in.should_see("Loading the audit log…")
    await admin_in.should_not_see(marker="audit-total")
    gate.set()
    await admin_in.should_see(marker="audit-row", retries=SLOW)
    await admin_in.should_see("auth.sign_in")


async def test_the_charts_are_sent_while_the_submissions_are_counted(signed_in, survey, held):
    app_id, _sent = survey
    gate = held(charts_page, "summarise")
    await signed_in.open(f"/apps/{app_id}/charts")
    await signed_in.should_see("Charts: Residents' survey")
    await signed_in.should_see("Counting the submissions…")
    gate.set()
    await signed_in.should_see("3 submissions", retries=SLOW)


@pytest.fixture
def failing(monkeypatch):
    """`failing(owner, name)`: calls of owner.name raise, as a database gone away would."""
    def fail(owner, name: str) -> None:
        def broken(*args, **kwargs):
            raise RuntimeError("planted: the database went away")
        monkeypatch.setattr(owner, name, broken)
    return fail


@pytest.mark.server_errors("planted: the database went away")
async def test_rows_that_cannot_be_read_are_said_so_instead_of_loading_for_ever(signed_in, survey, failing):
    app_id, sent = survey
    failing(Submissions, "page")
    await signed_in.open(f"/apps/{app_id}/submissions")
    await signed_in.should_see(marker="load-failed", retries=SLOW)
    await signed_in.should_see("This could not be read. Reload the page")
    await signed_in.should_not_see("Loading the submissions…")
    failing(Submissions, "detail")
    await signed_in.open(f"/apps/{app_id}/submissions/{sent[0].id}")
    await signed_in.should_see(marker="load-failed", retries=SLOW)


@pytest.mark.server_errors("planted: the database went away")
async def test_an_audit_log_that_cannot_be_read_is_said_so(admin_in, failing):  # noqa: F811
    failing(Audit, "page")
    await admin_in.open("/audit")
    await admin_in.should_see(marker="load-failed", retries=SLOW)
    await admin_in.should_not_see("Loading the audit log…")

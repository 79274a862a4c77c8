"""One submission: every answer labelled as the resident saw it (in the version they used), where and
when it came in, and the staff's work on it — status, assignment, notes, and a consultation's reply.

Residents' words are shown as text, never as HTML (NiceGUI labels set textContent). The page is sent first
with a way back and a loading state; the submission is read once the browser has connected. Staff are
named by their display names, as everywhere else in the builder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from nicegui import run, ui

from generated_apps.domain import flow
from generated_apps.domain.audit import Audit
from generated_apps.domain.config import Settings
from generated_apps.domain.errors import Refused
from generated_apps.domain.i18n import Translator
from generated_apps.domain.models import StaffUser, is_row_id
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import STATUS_NAMES, STATUSES, SubmissionDetail, Submissions

from ..i18n import _, local_time, staff_lang
from ..roles import as_staff
from .components import labelled, loading, said_if_it_fails, text_in
from .frame import frame

if TYPE_CHECKING:
    from .site import StaffSite

LANG_NAMES = {"ja": "日本語", "en": "English", "zh": "中文", "ko": "한국어", "vi": "Tiếng Việt",
              "easy-ja": "やさしい日本語"}


class SubmissionPage:
    def __init__(self, store: Store, settings: Settings, app_id: int, submission_id: int, *, viewer: str) -> None:
        self.store, self.app_id, self.submission_id, self.viewer = store, app_id, submission_id, viewer
        self.zone = settings.time_zone
        self.submissions = Submissions(store, settings.time_zone)

    async def build(self) -> None:
        ui.link(_("Back to the submissions"), f"/apps/{self.app_id}/submissions")
        self.box = ui.column().classes("w-full")
        with self.box:
            loading(_("Loading the submission…"), "submission-loading")
        await ui.context.client.connected()  # the page is sent first; the reading follows
        await self.load()
        if self.found is not None:  # who read which resident's answers: in the audit log, by reference only
            await run.io_bound(Audit(self.store).record, self.viewer, "submission.view", app_id=self.app_id,
                               target=self.found.reference)

    async def load(self) -> None:
        with said_if_it_fails(self.box):
            detail = await run.io_bound(self.submissions.detail, self.submission_id)
            users = await run.io_bound(StaffAccounts(self.store).all) or []  # None: the server is shutting down
        self.names = {u.username: u.display_name for u in users}  # deactivated ones too: their notes stay theirs
        self.staff = {u.username: u.display_name for u in users if u.active}  # who can be assigned
        self.box.clear()
        self.found = detail.submission if detail is not None and detail.submission.app_id == self.app_id else None
        with self.box:
            if detail is None or self.found is None:
                ui.label(_("There is no such submission. It may have been deleted at the end of its retention "
                           "period.")).classes("text-h5")
                return
            self.show(detail)

    def show(self, detail: SubmissionDetail) -> None:
        s, spec = detail.submission, detail.spec
        tr = Translator(staff_lang())
        ui.label(_("Reference number {reference}", reference=s.reference)).classes("text-h4 q-my-sm").props(
            'role="heading" aria-level="1"').mark("submission-heading")
        facts = [
            (_("Received at"), local_time(s.created_at, self.zone) + f" ({self.zone})"),
            (_("Status"), _(STATUS_NAMES.get(s.status, s.status))),
            (_("Version"), _("Version {number}", number=detail.version_number)),
            (_("Access point"), f"{detail.access_point_label} ({s.access_point})" if detail.access_point_label
             else s.access_point or _("None (the app's address)")),
            (_("Language"), LANG_NAMES.get(s.lang, s.lang)),
            (_("Entered by staff"), self.name(s.entered_by) or _("No: sent by the resident")),
            (_("Assigned to"), self.name(s.assigned_to) or _("Nobody yet")),
        ]
        with ui.element("dl").classes("mdg-facts q-mb-md").mark("submission-facts"):
            for term, value in facts:
                text_in("dt", term).classes("text-weight-bold")
                text_in("dd", value)

        ui.label(_("Answers")).classes("text-h5 q-mt-md").props('role="heading" aria-level="2"')
        with ui.element("table").classes("mdg-table w-full").mark("answers"):
            with ui.element("tbody"):
                for row in flow.check_rows(spec, s.answers, tr):
                    with ui.element("tr").mark("answer-row"):
                        text_in("th", row.question.label.text(tr.lang)).props('scope="row"').classes(
                            "text-left q-pa-sm").style("width: 35%")
                        text_in("td", row.answer or "—").classes("q-pa-sm").style("white-space: pre-wrap")

        if spec.kind == "consultation":
            self.reply_section(s.reply, s.replied_at, s.replied_by)
        self.work_section(s.status, s.assigned_to)
        self.notes_section(detail)
        ui.link(_("Print the resident's slip again"), f"/counter/{self.app_id}/slip/{s.id}").classes(
            "q-mt-md").mark("slip-link")

    def name(self, username: str | None) -> str | None:
        """A member of staff as colleagues know them; the user name only if the account is gone."""
        return self.names.get(username, username) if username else None

    # --- staff's work ------------------------------------------------------------------------------

    async def act(self, command: Callable[[str], Any], done_message: str, error: ui.label) -> None:
        error.text = ""

        def refused(why: Refused) -> None:
            error.text = _(why.msgid, **why.params)

        if await as_staff(self.store, command, on_refused=refused) is not None:
            ui.notify(done_message, type="positive")
            await self.load()

    def reply_section(self, reply: str | None, replied_at: dt.datetime | None, replied_by: str | None) -> None:
        ui.label(_("Reply to the resident")).classes("text-h5 q-mt-lg").props('role="heading" aria-level="2"')
        ui.label(_("The resident reads this on the app's status page with the reference number and the last 4 "
                   "digits of their phone. Write plainly; it is shown as you write it.")).classes("text-body2")
        if replied_at is not None:
            ui.label(_("Last replied {when} by {who}", when=local_time(replied_at, self.zone),
                       who=self.name(replied_by) or "?")).classes("text-body2 text-grey-9").mark("replied")
        text = ui.textarea(_("Reply"), value=reply or "").props("outlined autogrow").classes("w-full").mark("reply")
        error = ui.label().classes("text-negative text-body1").props('role="alert"')
        ui.button(_("Save the reply"), on_click=lambda: self.act(
            lambda by: self.submissions.write_reply(self.submission_id, text.value or "", by),
            _("The reply is saved. The resident can read it now."), error)).props("unelevated").mark("save-reply")

    def work_section(self, status: str, assigned_to: str | None) -> None:
        ui.label(_("Work on it")).classes("text-h5 q-mt-lg").props('role="heading" aria-level="2"')
        staff = self.staff
        error = ui.label().classes("text-negative text-body1").props('role="alert"')
        with ui.row().classes("items-end q-gutter-md"):
            chosen = ui.select({k: _(STATUS_NAMES[k]) for k in STATUSES}, value=status, label=_("Status")).props(
                "outlined").classes("w-48").mark("status")
            ui.button(_("Change the status"), on_click=lambda: self.act(
                lambda by: self.submissions.set_status(self.submission_id, chosen.value, by),
                _("The status is changed."), error)).props("outline").mark("save-status")
            person = ui.select({"": _("Nobody"), **staff}, value=assigned_to or "", label=_("Assigned to")).props(
                "outlined").classes("w-56").mark("assignee")
            ui.button(_("Assign"), on_click=lambda: self.act(
                lambda by: self.submissions.assign(self.submission_id, person.value or None, by),
                _("The assignment is saved."), error)).props("outline").mark("save-assignee")

    def notes_section(self, detail: SubmissionDetail) -> None:
        ui.label(_("Staff notes")).classes("text-h5 q-mt-lg").props('role="heading" aria-level="2"')
        ui.label(_("Only staff see these notes.")).classes("text-body2")
        if detail.notes:
            with ui.element("ul").classes("q-pl-md").mark("notes"):
                for note in detail.notes:
                    with ui.element("li").classes("q-mb-sm").mark("note"):
                        ui.label(f"{local_time(note.at, self.zone)} · {self.name(note.by)}").classes(
                            "text-caption text-grey-9").mark("note-by")
                        ui.label(note.text).style("white-space: pre-wrap")
        text = labelled(ui.textarea(_("New note")).props("outlined autogrow").classes("w-full"), _("New note")).mark(
            "note-text")
        error = ui.label().classes("text-negative text-body1").props('role="alert"')
        ui.button(_("Add the note"), on_click=lambda: self.act(
            lambda by: self.submissions.add_note(self.submission_id, text.value or "", by),
            _("The note is added."), error)).props("outline").mark("add-note")


# --- the route ----------------------------------------------------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int, submission_id: int) -> None:
    with frame(request, user, None):
        # An id typed into the address that no row can have reads as the id of no row: "no such submission".
        submission_id = submission_id if is_row_id(submission_id) else 0
        await SubmissionPage(site.store, site.settings, app_id, submission_id, viewer=user.username).build()

"""One app's publishing page: what residents see now, what would change, publish or schedule, retire,
and the versions with their changes and roll back.

Staff see it all; only admins get the buttons, and each action asks `roles.require_admin` again
on the server, since a button can outlive the role it was drawn for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import Request
from nicegui import ui

from generated_apps.domain.apps import Apps, AppState
from generated_apps.domain.errors import DraftChanged, PublishRefused, SlugTaken
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import AppVersion, StaffUser
from generated_apps.domain.specs import DAMAGED_DRAFT, readable_spec, shown_title
from generated_apps.domain.store import Store
from widgets import LANGS, REGISTRY, AppSpec, LocalizedText, lint
from widgets.diff import Change, diff_specs
from widgets.lint import LANGUAGE_NAMES, LintIssue, retire_message_issues

from .. import roles
from ..i18n import _, local_time, staff_lang
from .components import labelled, text_in, type_title
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite

STATUS_WORDS = {
    "draft": "Draft: residents cannot see this app",
    "scheduled": "Scheduled: not yet visible to residents",
    "live": "Live: residents see the published version, which matches this draft",
    "live_with_changes": "Live: your changes are not visible to residents until an admin publishes",
    "retired": "Retired: residents see the service-ended page",
}
# The days a publication or retirement may be set for: a year typed wrong (0001, 9999) is told, never stored.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def parse_local(day: str, time: str, zone: str) -> dt.datetime | None:
    """A date (YYYY-MM-DD) and a time (HH:MM) typed in the city's zone, as an aware datetime; None if unreadable."""
    try:
        local = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time))
    except (TypeError, ValueError):
        return None
    return local.replace(tzinfo=ZoneInfo(zone))


def describe(change: Change) -> str:
    """One change in the staff's language: "Changed: Single choice 「…」 on page 2 (Options)"."""
    thing = type_title(change.name) if change.what == "widget" else ""
    named = f"{thing} 「{change.label}」" if change.label else thing
    page = (change.page or 0) + 1
    if change.what == "setting":
        return _("Settings changed: {fields}", fields=_fields(AppSpec, change.properties or (change.name,)))
    if change.what == "page":
        title = f" 「{change.label}」" if change.label else ""
        words = {"added": _("Page {number} added{title}", number=page, title=title),
                 "removed": _("Page {number} removed{title}", number=page, title=title),
                 "changed": _("Page {number}: title changed", number=page)}
        return words.get(change.kind, "")
    if change.kind == "added":
        return _("Added on page {number}: {widget}", number=page, widget=named)
    if change.kind == "removed":
        return _("Removed from page {number}: {widget}", number=page, widget=named)
    model = REGISTRY.get(change.name)
    fields = _fields(model, change.properties) if model is not None else ", ".join(change.properties)
    if change.kind == "moved":
        text = _("Moved from page {old} to page {new}: {widget}", old=(change.old_page or 0) + 1, new=page,
                 widget=named)
        return text + (f" ({fields})" if change.properties else "")
    return _("Changed on page {number}: {widget} ({fields})", number=page, widget=named, fields=fields)


def _fields(model: Any, paths: tuple[str, ...]) -> str:
    """Property paths as the field titles staff know from the property panel: "Label (en), Options"."""
    names = []
    for path in paths:
        first, _dot, rest = path.partition(".")
        first = first.split("[")[0]
        info = model.model_fields.get(first) if hasattr(model, "model_fields") else None
        title = _(info.title) if info is not None and info.title else first
        names.append(f"{title} ({rest})" if rest else title)
    return ", ".join(dict.fromkeys(names))


@dataclass(frozen=True)
class Seen:
    """What the page shows of one app, read together in a thread before it is drawn."""

    state: AppState
    spec: AppSpec | None  # the draft; None when it cannot be read
    live_spec: AppSpec | None  # the version residents see, to compare the draft with
    languages: list[str]  # those of the version residents see (or will see first): the retired page's
    issues: list[LintIssue]  # the draft's, with the facilities taking bookings now
    successors: dict[int, str]  # the other live apps a retirement may point to (for admins only)
    versions: list[AppVersion]


class PublishingPage:
    def __init__(self, store: Store, app_id: int, user: StaffUser, *, time_zone: str) -> None:
        self.store, self.app_id, self.user, self.zone = store, app_id, user, time_zone
        self.apps = Apps(store)
        self.lifecycle = Lifecycle(store)
        self.live = LiveApps(store)
        self.lang = staff_lang()
        self.seen: Seen | None = None

    def local(self, moment: dt.datetime) -> str:
        return local_time(moment, self.zone)

    def read(self) -> Seen | None:
        """Everything the page shows, in a thread; None when there is no such app."""
        state = self.apps.state(self.app_id)
        if state is None:
            return None
        spec = readable_spec(state.app.draft_spec)
        version = state.live or state.scheduled
        retiring = roles.is_admin(self.user) and state.status not in ("draft", "retired") and state.retire_at is None
        successors = {s.id: (LocalizedText.model_validate(s.spec["title"]).text(self.lang) or s.slug)
                      for s in self.apps.summaries()
                      if s.id != self.app_id and s.status in ("live", "live_with_changes")} if retiring else {}
        return Seen(state, spec,
                    live_spec=self.live.version_spec(state.live.id) if state.live is not None else None,
                    languages=list(self.live.version_spec(version.id).languages) if version is not None else ["ja"],
                    issues=lint(spec, self.apps.facility_ids()) if spec is not None else [],
                    successors=successors, versions=self.apps.versions(self.app_id))

    async def build(self) -> None:
        self.seen = await in_thread(self.read)
        self.body()

    async def redraw(self) -> None:
        """Read the app again (after an action) and draw the page anew."""
        self.seen = await in_thread(self.read)
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        seen = self.seen
        if seen is None:
            ui.label(_("There is no such app. It may have been deleted.")).classes("text-h5")
            return
        # A draft that cannot be read is said so, with the way to the editor's restore: what residents
        # see, retiring and rolling back do not need it.
        state, spec = seen.state, seen.spec
        title = (spec.title.text(self.lang) if spec is not None else shown_title(state.app)) or state.app.slug
        ui.label(_("Publishing: {title}", title=title)).classes("text-h4").props('role="heading" aria-level="1"')
        ui.link(_("Back to the editor"), f"/apps/{self.app_id}").classes("text-body1 q-mb-md")
        admin = roles.is_admin(self.user)
        with ui.row().classes("w-full items-start q-gutter-lg no-wrap"):
            with ui.column().classes("col q-gutter-md"):
                self.now_card(state)
                if spec is None:
                    with ui.card().classes("w-full q-gutter-sm").mark("damaged"):
                        ui.label(_(DAMAGED_DRAFT)).classes("text-body1 text-negative").props('role="alert"')
                        ui.link(_("Open the editor to restore the draft"), f"/apps/{self.app_id}").classes(
                            "text-body1").mark("restore-link")
                else:
                    self.changes_card(seen.live_spec, spec)
                if admin:
                    if spec is not None:
                        self.publish_card(state, seen.issues)
                    self.retire_card(state, seen.languages, seen.successors)
                else:
                    ui.label(_("Only an admin can publish, schedule, retire or roll back this app. "
                               "Ask an admin of your office when it is ready.")).classes("text-body1")
            with ui.column().classes("col q-gutter-md"):
                self.versions_card(state, seen.versions, admin)

    # --- what residents see now ---------------------------------------------------------------------

    def now_card(self, state: AppState) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("What residents see")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_(STATUS_WORDS[state.status])).classes("text-body1 text-weight-bold").mark("status")
            if state.live is not None:
                ui.label(_("Version {number}, published {when}", number=state.live.number,
                           when=self.local(state.live.published_at))).classes("text-body1")
            if state.scheduled is not None:
                with ui.row().classes("items-center q-gutter-sm"):
                    ui.label(_("Version {number} is scheduled for {when}", number=state.scheduled.number,
                               when=self.local(state.scheduled.published_at))).classes("text-body1")
                    if roles.is_admin(self.user):
                        ui.button(_("Call off the scheduled publication"), on_click=lambda: self.act(
                            "app.unschedule", lambda by: self.lifecycle.cancel_scheduled(self.app_id, by),
                            _("The scheduled publication is called off"))).props("outline").mark("unschedule")
            app = state.app
            retire_at = state.retire_at
            if retire_at is not None:
                with ui.row().classes("items-center q-gutter-sm"):
                    ui.label(_("Retires on {when}", when=self.local(retire_at))).classes("text-body1")
                    if roles.is_admin(self.user):
                        ui.button(_("Call off the retirement"), on_click=lambda: self.confirm_unretire(
                            state, retire_at)).props("outline").mark("unretire")
            elif state.status == "retired" and app.retired_at is not None:
                ui.label(_("Retired since {when}", when=self.local(app.retired_at))).classes("text-body1")
            if app.retire_message and (retire_at is not None or state.status == "retired"):
                self.message_lines(app.retire_message)
            if state.open_drafts:
                ui.label(_("{count} residents have answers in progress that are not sent. They are kept until "
                           "they expire.", count=state.open_drafts)).classes("text-body1").mark("open-drafts")

    def message_lines(self, message: dict[str, str]) -> None:
        """The retirement message as residents get it: each language written, named when there are several."""
        written = {lang: message[lang] for lang in LANGS if message.get(lang)}
        if list(written) == ["ja"]:
            ui.label(_("Message to residents: {message}", message=written["ja"])).classes(
                "text-body1 whitespace-pre-wrap")
            return
        for lang, text in written.items():
            ui.label(_("Message to residents ({language}): {message}", language=LANGUAGE_NAMES[lang], message=text)
                     ).classes("text-body1 whitespace-pre-wrap").mark(f"message-{lang}")

    def changes_card(self, live_spec: AppSpec | None, spec: AppSpec) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("Changes not yet published")).classes("text-h6").props('role="heading" aria-level="2"')
            if live_spec is None:
                ui.label(_("Nothing is published yet: residents will see the whole app.")).classes("text-body1")
                return
            self.change_list(diff_specs(live_spec, spec), _("The draft is the same as the published version."))

    def change_list(self, changes: list[Change], none: str) -> None:
        if not changes:
            ui.label(none).classes("text-body1")
            return
        with ui.element("ul").classes("q-pl-md"):
            for change in changes:
                with ui.element("li"):
                    ui.label(describe(change)).classes("text-body1").mark("change")

    # --- publish ------------------------------------------------------------------------------------

    def publish_card(self, state: AppState, issues: list[LintIssue]) -> None:
        errors = [i for i in issues if i.level == "error"]
        warnings = [i for i in issues if i.level == "warning"]
        advice = [i for i in issues if i.level == "advice"]  # shown, never to acknowledge
        retired = state.status == "retired"
        with ui.card().classes("w-full q-gutter-sm"):
            ui.label(_("Re-open the app") if retired else _("Publish")).classes("text-h6").props(
                'role="heading" aria-level="2"')
            if errors:
                ui.label(_("Fix these in the editor before publishing:")).classes("text-body1 text-negative")
                self.issue_list(errors)
                return
            acknowledged = None
            if warnings:
                ui.label(_("Consider these warnings:")).classes("text-body1")
                self.issue_list(warnings)
                acknowledged = ui.checkbox(_("I have read the warnings and want to publish anyway")).mark("acknowledge")
            if advice:
                ui.label(_("Advice (it does not stop publishing):")).classes("text-body1 text-grey-8")
                self.issue_list(advice)
            when = self.when_picker(allow_later=not retired, later_label=_("At a set time (schedule)"))
            revision = state.app.revision

            async def publish() -> None:
                if acknowledged is not None and not acknowledged.value:
                    ui.notify(_("Tick the box to confirm that you have read the warnings"), type="warning")
                    return
                at = when()
                if at is False:
                    return
                await self.act("app.schedule" if at else "app.publish", lambda by: self.lifecycle.publish(
                    self.slug_now(), by, at=at or None, revision=revision, warnings_acknowledged=True),
                    _("Scheduled") if at else _("Published: residents see it now"))

            ui.button(_("Re-open now") if retired else _("Publish"), icon="publish", on_click=publish).props(
                "unelevated size=lg").mark("publish")

    def issue_list(self, issues: list[LintIssue]) -> None:
        with ui.element("ul").classes("q-pl-md"):
            for issue in issues:
                where = _("Page {number}", number=issue.page + 1) + ": " if issue.page is not None else ""
                text = _(issue.msgid, **issue.params) if issue.params else _(issue.msgid)
                text_in("li", where + text).classes("text-body1")

    def when_picker(self, *, allow_later: bool, later_label: str) -> Callable[[], dt.datetime | None | Literal[False]]:
        """Now, or a date and time in the city's zone. The returned function reads it: None for now,
        the moment, or False (with a message shown) when the date or time cannot be read."""
        if not allow_later:
            return lambda: None
        choice = ui.radio({"now": _("Now"), "later": later_label}, value="now").props("inline").mark("when")
        with ui.row().classes("q-gutter-sm items-end") as row:
            day = ui.input(_("Date")).props("outlined type=date").mark("when-date")
            labelled(day, _("Date"))
            time = ui.input(_("Time ({zone})", zone=self.zone)).props("outlined type=time").mark("when-time")
            labelled(time, _("Time ({zone})", zone=self.zone))
        row.bind_visibility_from(choice, "value", value="later")

        def read() -> dt.datetime | None | Literal[False]:
            if choice.value == "now":
                return None
            moment = parse_local(day.value or "", time.value or "", self.zone)
            if moment is None:
                ui.notify(_("Enter a date and a time"), type="warning")
                return False
            if not FIRST_DAY <= moment.date() <= LAST_DAY:
                ui.notify(_("Enter a date from {first} to {last}", first=FIRST_DAY.isoformat(),
                            last=LAST_DAY.isoformat()), type="warning")
                return False
            return moment

        return read

    # --- retire -------------------------------------------------------------------------------------

    def retire_card(self, state: AppState, languages: list[str], others: dict[int, str]) -> None:
        if state.status in ("draft", "retired") or state.retire_at is not None:
            return
        with ui.card().classes("w-full q-gutter-sm"):
            ui.label(_("Retire")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("Residents who open the app, or scan its codes, then see that the service has ended, "
                       "the phone number, your message and a link to the new app.")).classes("text-body2")
            # One field per language the app offers; a message kept from a retirement called off is filled in.
            kept = state.app.retire_message or {}
            fields = {lang: ui.textarea(_("Message to residents ({language})", language=LANGUAGE_NAMES[lang]),
                                        value=kept.get(lang, "")).props("outlined").classes("w-full").mark(
                "retire-message" if lang == "ja" else f"retire-message.{lang}") for lang in languages}
            successor = ui.select({None: _("No successor"), **others}, value=None,
                                  label=_("Successor app (optional)")).props("outlined").classes("w-96").mark(
                "successor")
            when = self.when_picker(allow_later=True, later_label=_("At a set time"))

            def ask() -> None:
                at = when()
                if at is False:
                    return
                message = {lang: field.value or "" for lang, field in fields.items()}
                # A language left out is worth a word before retiring, never a refusal.
                warnings = [_(issue.msgid, **issue.params) for issue in retire_message_issues(message, languages)]
                self.confirm(_("Retire this app?"), _("Retire"), lambda: self.act(
                    "app.retire", lambda by: self.lifecycle.retire(
                        self.slug_now(), by, message=message, at=at or None, successor_id=successor.value),
                    _("Retirement scheduled") if at else _("Retired: residents see the service-ended page")), warnings)

            ui.button(_("Retire"), icon="block", on_click=ask).props("unelevated color=negative").mark("retire")

    # --- versions -----------------------------------------------------------------------------------

    def versions_card(self, state: AppState, versions: list[AppVersion], admin: bool) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("Versions")).classes("text-h6").props('role="heading" aria-level="2"')
            if not versions:
                ui.label(_("No version yet.")).classes("text-body1")
                return
            seen = [v for v in versions if v.cancelled_at is None]
            with ui.element("ol").classes("q-pl-none mdg-versions").props("reversed"):
                for version in versions:
                    with ui.element("li").classes("q-mb-md").mark(f"version-{version.number}"):
                        notes = []
                        if state.live is not None and version.id == state.live.id:
                            notes.append(_("retired") if state.status == "retired" else _("residents see this one"))
                        if version.rollback_of:
                            notes.append(_("roll back to version {number}", number=version.rollback_of))
                        if version.cancelled_at is not None:
                            notes.append(_("called off"))
                        elif state.scheduled is not None and version.id == state.scheduled.id:
                            notes.append(_("scheduled"))
                        heading = _("Version {number}: {when}, by {who}", number=version.number,
                                    when=self.local(version.published_at), who=version.published_by)
                        ui.label(heading + (f" ({', '.join(notes)})" if notes else "")).classes(
                            "text-body1 text-weight-medium")
                        earlier = next((v for v in seen if v.number < version.number), None)
                        with ui.expansion(_("Changes from version {number}", number=earlier.number) if earlier
                                          else _("First version")).classes("w-full"):
                            before = AppSpec.model_validate(earlier.spec) if earlier else None
                            self.change_list(diff_specs(before, AppSpec.model_validate(version.spec)) if before else [],
                                             _("The same as the version before.") if earlier else
                                             _("The first version residents saw."))
                        can_roll_back = (admin and version.cancelled_at is None and state.live is not None
                                         and version.number < state.live.number)
                        if can_roll_back:
                            ui.button(_("Roll back to version {number}", number=version.number),
                                      on_click=lambda n=version.number: self.confirm(
                                          _("Publish version {number} again?", number=n), _("Roll back"),
                                          lambda: self.act("app.rollback",
                                                           lambda by: self.lifecycle.rollback(self.app_id, n, by),
                                                           _("Version {number} is published again", number=n)))
                                      ).props("outline").mark(f"rollback-{version.number}")

    # --- doing it -----------------------------------------------------------------------------------

    def confirm_unretire(self, state: AppState, retire_at: dt.datetime) -> None:
        """Calling a retirement off keeps its message, which the retire form fills in again."""
        details = [_("Its message to residents is kept: it is filled in again if you retire the app later.")
                   ] if state.app.retire_message else []
        self.confirm(_("Call off the retirement on {when}?", when=self.local(retire_at)),
                     _("Call off the retirement"),
                     lambda: self.act("app.unretire", lambda by: self.lifecycle.cancel_retirement(self.app_id, by),
                                      _("The retirement is called off")), details)

    def confirm(self, question: str, yes: str, action: Callable[[], Any], details: Sequence[str] = ()) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(question).classes("text-h6").props('role="heading" aria-level="2"')
            for detail in details:
                ui.label(detail).classes("text-body1 whitespace-pre-wrap")
            with ui.row():
                async def go() -> None:
                    dialog.close()
                    await action()
                ui.button(yes, on_click=go).props("unelevated color=negative").mark("confirm")
                ui.button(_("Cancel"), on_click=dialog.close).props("outline")
        dialog.open()

    def slug_now(self) -> str:
        """The app's address as stored now: another admin's publish may have moved it since the page was drawn."""
        app = self.apps.by_id(self.app_id)
        if app is None:
            raise LookupError(self.app_id)
        return app.slug

    async def act(self, action: str, command: Callable[[str], Any], done: str) -> None:
        """Run a lifecycle command as the admin signed in now; say what happened; draw the page again."""
        try:
            if await roles.as_admin(self.store, action, command, app_id=self.app_id, show_time=self.local):
                ui.notify(done, type="positive")
        except PublishRefused as refused:
            ui.notify(_("Not published: {problems}", problems="; ".join(refused.errors)), type="negative",
                      multi_line=True)
        except DraftChanged:
            ui.notify(_("The draft changed while you were reviewing it. Review the changes again"), type="warning")
        except SlugTaken as taken:
            ui.notify(_("The address {slug} is taken by another app. Choose another", slug=taken.slug), type="negative")
        except LookupError:
            ui.notify(_("There is no such app. It may have been deleted."), type="negative")
        await self.redraw()


# --- the route ----------------------------------------------------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int) -> None:
    with frame(request, user, None):
        await PublishingPage(site.store, app_id, user, time_zone=site.settings.time_zone).build()

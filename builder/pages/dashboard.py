"""The dashboard: every app, searchable and filtered by kind and status, with its submissions and the
ways to edit or duplicate it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from nicegui import ui

from generated_apps.domain.apps import Apps, AppSummary
from generated_apps.domain.models import StaffUser
from generated_apps.domain.specs import DAMAGED_DRAFT, readable_spec
from generated_apps.domain.store import Store
from widgets import N_, LocalizedText

from .. import auth
from ..i18n import _, local_time, staff_lang
from .components import labelled, text_in
from .frame import frame
from .guard import in_thread
from .site import StaffSite

KIND_NAMES = {"form": N_("Form or survey"), "notice": N_("Notice page"), "reservation": N_("Reservation"),
              "consultation": N_("Consultation")}
STATUS_NAMES = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "live": N_("Live"),
                "live_with_changes": N_("Live, with changes not yet published"), "retired": N_("Retired")}
STATUS_COLOURS = {"draft": "grey-8", "scheduled": "blue-9", "live": "green-9", "live_with_changes": "orange-10",
                  "retired": "red-10"}


async def page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("Apps")):
        await dashboard_body(site.store, user, site.settings.time_zone)


async def dashboard_body(store: Store, user: StaffUser, zone: str) -> None:
    state = {"search": "", "kind": None, "status": None}

    with ui.row().classes("items-end q-gutter-md q-mb-md"):
        ui.input(_("Search by title or address"), on_change=lambda e: (state.update(search=e.value), table.refresh())
                 ).props("outlined clearable debounce=200").classes("w-72").mark("search")
        ui.select({None: _("All kinds"), **{k: _(v) for k, v in KIND_NAMES.items()}}, value=None, label=_("Kind"),
                  on_change=lambda e: (state.update(kind=e.value), table.refresh())).props("outlined").classes(
            "w-56").mark("kind-filter")
        ui.select({None: _("All statuses"), **{k: _(v) for k, v in STATUS_NAMES.items()}}, value=None,
                  label=_("Status"), on_change=lambda e: (state.update(status=e.value), table.refresh())
                  ).props("outlined").classes("w-72").mark("status-filter")
        ui.space()
        ui.button(_("New app"), icon="add", on_click=lambda: ui.navigate.to("/new")).props("unelevated size=lg")

    async def duplicate(app_id: int) -> None:
        if await in_thread(auth.session_user, store) is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        created = await in_thread(_duplicate, store, app_id, _(" (copy)"), user.username)
        if created is None:
            ui.notify(_(DAMAGED_DRAFT), type="warning")
            return
        ui.navigate.to(f"/apps/{created}")

    @ui.refreshable
    async def table() -> None:
        # A dashboard left open after signing out shows nothing new.
        if await in_thread(auth.session_user, store) is None:
            ui.label(_("Your session has ended. Sign in again")).classes("text-body1")
            ui.link(_("Sign in"), "/signin")
            return
        rows = [s for s in await in_thread(Apps(store).summaries) or () if _matches(s, state)]
        lang = staff_lang()
        if not rows:
            ui.label(_("No app matches. Change the search or the filters, or make a new app.")).classes("text-body1")
            return
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("App"), _("Kind"), _("Status"), _("Last change"), _("Submissions"), _("Actions")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for s in rows:
                    title = LocalizedText.model_validate(s.spec.get("title", {"ja": ""})).text(lang) or s.slug
                    with ui.element("tr").classes("mdg-row").props(f"data-slug={s.slug}").mark("app-row"):
                        with ui.element("td").classes("q-pa-sm"):
                            ui.link(title, f"/apps/{s.id}").classes("text-body1 text-weight-medium")
                            ui.label(f"/a/{s.slug}").classes("text-caption text-grey-8")
                        text_in("td", _(KIND_NAMES.get(s.kind, s.kind))).classes("q-pa-sm")
                        with ui.element("td").classes("q-pa-sm"):
                            ui.badge(_(STATUS_NAMES[s.status]), color=STATUS_COLOURS[s.status]).classes("text-body2")
                            if s.damaged:  # the editor says what happened and restores it
                                ui.badge(_("Draft cannot be read"), color="red-10").classes("text-body2 q-ml-xs").mark(
                                    f"damaged-{s.slug}")
                        text_in("td", f"{local_time(s.updated_at, zone)} · {s.updated_by or '—'}").classes("q-pa-sm")
                        with ui.element("td").classes("q-pa-sm text-right"):
                            labelled(ui.link(f"{s.submissions:,}", f"/apps/{s.id}/submissions"),
                                     _("Submissions of {title}: {count}", title=title, count=s.submissions)).classes(
                                "text-body1").mark(f"submissions-{s.slug}")
                        with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm no-wrap"):
                            labelled(ui.button(_("Edit"), on_click=lambda s=s: ui.navigate.to(f"/apps/{s.id}")).props(
                                "outline"), _("Edit {title}", title=title))
                            labelled(ui.button(_("Duplicate"), on_click=lambda s=s: duplicate(s.id)).props("outline"),
                                     _("Duplicate {title}", title=title)).mark(f"duplicate-{s.slug}")

    await table()


def _duplicate(store: Store, app_id: int, copy_words: str, by: str) -> int | None:
    """A copy of the app's draft under a free address, its title marked as a copy; None if the draft
    cannot be read."""
    apps = Apps(store)
    app = apps.by_id(app_id)
    if app is None:  # never: the dashboard lists apps, and an app is never deleted
        raise LookupError(f"app {app_id} is gone")
    spec = readable_spec(app.draft_spec)
    if spec is None:
        return None
    title = {lang: text + copy_words for lang, text in spec.title.root.items()}
    copy = spec.model_copy(update={"slug": apps.free_slug(_short(spec.slug, "-copy")),
                                   "title": LocalizedText(title)})
    return apps.create(copy, by=by).id


def _matches(summary: AppSummary, state: dict[str, Any]) -> bool:
    if state["kind"] and summary.kind != state["kind"]:
        return False
    if state["status"] and summary.status != state["status"]:
        return False
    needle = (state["search"] or "").strip().lower()
    if not needle:
        return True
    haystack = [summary.slug, *summary.spec.get("title", {}).values()]
    return any(needle in str(text).lower() for text in haystack)


def _short(slug: str, suffix: str) -> str:
    return slug[: 55 - len(suffix)].rstrip("-") + suffix

"""New app: the templates gallery, each card a picture of the template's first page, and a blank app."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from generated_apps.domain.apps import Apps
from generated_apps.domain.errors import SlugTaken
from generated_apps.domain.models import StaffUser
from generated_apps.domain.store import Store
from widgets import AppSpec

from .. import auth
from ..i18n import _, staff_lang
from ..templates_gallery import templates
from .components import labelled
from .frame import frame
from .guard import in_thread
from .site import StaffSite


def page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("New app")):
        gallery(site.store, user, site.mount_path)


def gallery(store: Store, user: StaffUser, mount_path: str) -> None:
    lang = staff_lang()
    ui.label(_("Start from a template: each is a complete app in Japanese and English that you can change. "
               "Nothing is visible to residents until an admin publishes it.")).classes("text-body1 q-mb-md")

    async def create(spec: AppSpec | None) -> None:
        if await in_thread(auth.session_user, store) is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        created = await in_thread(_create, store, spec, user.username)
        ui.navigate.to(f"/apps/{created}")

    with ui.element("ul").classes("row q-gutter-lg mdg-gallery").props('role="list"'):
        for template in templates():
            title = template.spec.title.text(lang)
            with ui.element("li").classes("mdg-card-item"), ui.card().classes("w-80"):
                # A picture of the template's first page: inert, so it is neither focused nor read out.
                with ui.element("div").classes("mdg-card-frame"):
                    card_preview = ui.element("iframe").props("loading=lazy inert").classes("mdg-card-preview")
                card_preview.props["src"] = f"{mount_path}/template-preview/{template.name}/{lang}/"
                card_preview.props["title"] = _("Preview of {title}", title=title)
                with ui.row().classes("items-center no-wrap"):
                    ui.icon(template.icon, size="md").props('aria-hidden="true"')
                    ui.label(title).classes("text-h6").props('role="heading" aria-level="2"')
                ui.label(template.blurb.text(lang)).classes("text-body2")
                labelled(ui.button(_("Use this template"), on_click=lambda t=template: create(t.spec)).props(
                    "unelevated"), _("Use the template {title}", title=title)).mark(f"use-{template.name}")
        with ui.element("li").classes("mdg-card-item"), ui.card().classes("w-80"):
            ui.label(_("Blank app")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("One page with one question. Add the rest from the palette.")).classes("text-body2")
            ui.button(_("Start a blank app"), on_click=lambda: create(None)).props("unelevated").mark("use-blank")


def _create(store: Store, spec: AppSpec | None, by: str) -> int:
    """The new app's id: `spec` (a blank app if None) at the first free address like its own."""
    spec, apps = spec or blank_app(store), Apps(store)
    try:
        created = apps.create(spec.model_copy(update={"slug": apps.free_slug(spec.slug)}), by=by)
    except SlugTaken:  # taken between the check and the insert: try the next free address
        created = apps.create(spec.model_copy(update={"slug": apps.free_slug(spec.slug)}), by=by)
    assert created.id is not None  # created in the database
    return created.id


def blank_app(store: Store) -> AppSpec:
    return AppSpec.model_validate({
        "slug": Apps(store).free_slug("new-app"), "kind": "form", "title": {"ja": ""},
        "pages": [{"widgets": [{"type": "short_text", "key": "answer_1", "label": {"ja": ""}}]}],
    })

"""What the pages about one app (its submissions, charts, QR codes) read of its draft: its title, and, when
the draft cannot be read (store.readable_spec), a notice that says so with the way to the editor, which
restores it. They work from the published versions, so nothing else on them depends on the draft."""

from __future__ import annotations

from nicegui import ui

from generated_apps.domain.models import App
from generated_apps.domain.store import DAMAGED_DRAFT, readable_spec, shown_title

from .i18n import _


def draft_title(app: App, lang: str) -> tuple[str, bool]:
    """The app's title in `lang` as its draft has it, and whether the draft is damaged (then the title
    is what can still be read of it)."""
    spec = readable_spec(app.draft_spec)
    if spec is None:
        return shown_title(app) or app.slug, True
    return spec.title.text(lang) or app.slug, False


def damaged_notice(app_id: int) -> None:
    with ui.card().classes("w-full bg-red-1 q-mb-md").props('role="alert"').mark("damaged-draft"):
        ui.label(_(DAMAGED_DRAFT)).classes("text-body1")
        ui.link(_("Open the editor to restore the draft"), f"/apps/{app_id}").classes("text-body1").mark(
            "damaged-draft-editor")

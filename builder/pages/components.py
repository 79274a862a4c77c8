"""The small UI pieces several staff pages share: accessible names, plain-text cells, a widget type's
title, what a page shows while it reads and when reading fails, and what the pages about one app (its
submissions, charts, QR codes) read of its draft: its title, and, when the draft cannot be read
(store.readable_spec), a notice that says so with the way to the editor, which restores it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from nicegui import ui

from generated_apps.domain.models import App
from generated_apps.domain.specs import DAMAGED_DRAFT, readable_spec, shown_title
from widgets import REGISTRY

from ..i18n import _

E = TypeVar("E", bound=ui.element)


def labelled(element: E, label: str) -> E:
    """Give `element` an accessible name. Never put text into a props string: it may hold quotes."""
    element.props["aria-label"] = label
    return element


def text_in(tag: str, text: str) -> ui.element:
    """An HTML element (li, td, th) holding plain text."""
    with ui.element(tag) as element:
        ui.label(text)
    return element


def type_title(widget_type: str) -> str:
    cls = REGISTRY.get(widget_type)
    return _(cls.title) if cls is not None and cls.title else widget_type


def loading(text: str, marker: str) -> None:
    """What a page shows while its rows are read: said as a status, so a screen reader hears it."""
    with ui.row().classes("items-center q-gutter-sm").props('role="status"').mark(marker):
        ui.spinner(size="md")
        ui.label(text).classes("text-body1")


@contextmanager
def said_if_it_fails(box: ui.element) -> Iterator[None]:
    """Reading after the page was sent: should it fail, the page says so instead of loading for ever.
    The error goes on (re-raised) to NiceGUI's handler and the log."""
    try:
        yield
    except Exception:
        if not box.is_deleted:
            box.clear()
            with box:
                ui.label(_("This could not be read. Reload the page; if it happens again, tell the system "
                           "administrator.")).classes("text-body1 text-negative").props('role="alert"').mark(
                    "load-failed")
        raise


def no_such_app() -> None:
    ui.label(_("There is no such app. It may have been deleted.")).classes("text-h5")
    ui.link(_("Back to the apps"), "/")


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

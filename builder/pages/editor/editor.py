"""The editor page: palette, canvas of pages and widgets, property panel, checklist and live preview.

Every edit goes through `Editing` (editing.py), is saved at once with the revision the
editor last saw, and reloads the preview. Nothing waits for a "save" button, so nothing can be
left unsaved; a save refused because someone else saved first is shown, never overwritten.

Longer than our usual 500 lines, on purpose: `Editor` is one page's state (the draft, the selection,
the rows drawn) and the handlers that change it; its parts read and redraw each other's elements, so
cut into modules they would pass that state back and forth. What needs no page state lives beside it
(editing.py, fields.py, properties.py, damaged.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from nicegui import background_tasks, context, ui
from nicegui.events import KeyEventArguments, UploadEventArguments

from generated_apps.domain.apps import Apps
from generated_apps.domain.errors import EditConflict, SlugTaken
from generated_apps.domain.i18n import LANG_NAMES, UI_LANGS
from generated_apps.domain.models import App, StaffUser
from generated_apps.domain.store import Store
from generated_apps.web.preferences import FURIGANA_COOKIE
from widgets import REGISTRY, WIDGET_TYPES, AppSpec, LocalizedText, lint
from widgets.lint import LintIssue
from widgets.spec import Page

from ...app_files import MAX_APP_FILE, read_app_file
from ...i18n import _, staff_lang
from ..components import labelled, text_in, type_title
from ..guard import in_thread
from .editing import Dependent, Editing, EditRefused
from .fields import question_refs
from .plain_elements import PLAIN_CSS, Glyph, PlainButton, icon_button
from .properties import PropertyPanel

PREVIEW_WIDTHS = {"360": "360px", "390": "390px", "desktop": "100%"}
SLOW_SAVE_SECONDS = 0.4  # a save that takes longer says "Saving…" until it is done


def widget_summary(widget: dict[str, Any], lang: str) -> str:
    """A line that says which widget this is: its label or text, in the staff member's language."""
    for name in ("label", "text", "heading", "alt"):
        value = widget.get(name)
        if isinstance(value, dict):
            text = LocalizedText.model_validate(value).text(lang).strip()
            if text:
                return text[:80]
    return _("(no text yet)")


def _furigana_chosen() -> bool:
    """Whether this browser has furigana on (the resident pages' cookie), for the preview's switch."""
    try:
        return context.client.request.cookies.get(FURIGANA_COOKIE) == "on"
    except (RuntimeError, AssertionError):  # outside a page: no browser to ask
        return False


@dataclass(frozen=True)
class Saved:
    """A save, as its thread found it: who saved (None: the session has ended and nothing is saved), the
    revision the draft is at now, and the app's status after it."""

    user: StaffUser | None
    revision: int = 0
    status: str = "draft"


class Editor:
    def __init__(self, store: Store, app: App, user: StaffUser, *, preview_base: str,
                 current_user: Callable[[], StaffUser | None],
                 sign_in_again: Callable[[str, str], Awaitable[StaffUser | str]]) -> None:
        assert app.id is not None, "a stored app has its id"
        self.store, self.app_id, self.user = store, app.id, user
        self.apps = Apps(store)
        self.editing = Editing(app.draft_spec, app.revision)
        self.preview_base = preview_base
        self.current_user, self.sign_in_again = current_user, sign_in_again
        # ("widget", page, index) | ("page", page, 0) | ("settings", 0, 0)
        self.selected: tuple[str, int, int] = ("widget", 0, 0)
        self.rows: dict[tuple[str, int, int], ui.element] = {}  # canvas rows and page cards, to highlight
        self.names: dict[tuple[str, int, int], PlainButton] = {}  # their name buttons, to rename in place
        # The row's icon buttons with the msgid that names them ("More actions: {widget}"), renamed with it.
        self.row_buttons: dict[tuple[str, int, int], list[tuple[PlainButton, str]]] = {}
        self.dragging: tuple[str, Any, Any] | None = None
        self.preview_lang = "ja"
        self.preview_width = "360"
        self.preview_furigana = _furigana_chosen()
        self._furigana_changed = False
        self.unsaved = False
        self._saving = asyncio.Lock()
        # The facilities slot pickers may name, read once per editor (in `build`): they rarely change while one
        # is open.
        self.facilities: set[int] = set()
        self._issues: list[LintIssue] = []
        self._panel_generation = 0
        self._dialog_open = False  # the conflict or sign-in dialog: one at a time
        self.lang = staff_lang()

    # --- layout -----------------------------------------------------------------------------------

    async def build(self) -> None:
        """Read what the page shows besides the draft (in a thread), then draw it."""
        stored = await in_thread(lambda: (self.apps.facility_ids(), self.stored_status()))
        if stored is None:
            return  # the server is shutting down
        self.facilities, status = stored
        self._issues = lint(self.editing.app_spec(), self.facilities)
        # Dialogs and messages are made inside this element: the button that started an edit may be gone
        # by then (the canvas is redrawn after every edit).
        self.host = ui.element("div")
        with ui.row().classes("w-full items-center q-gutter-sm no-wrap"):
            self.heading = ui.label().classes("text-h5").props('role="heading" aria-level="1"')
            self.status = ui.badge().classes("text-body2")
            ui.space()
            self.save_state = ui.label().classes("text-body2").props('aria-live="polite" role="status"')
            self.undo_button = ui.button(_("Undo"), icon="undo", on_click=self.undo).props(
                'outline aria-keyshortcuts="Control+Z"').mark("undo")
            self.redo_button = ui.button(_("Redo"), icon="redo", on_click=self.redo).props(
                'outline aria-keyshortcuts="Control+Y"').mark("redo")
            ui.button(_("Publishing"), icon="publish", on_click=lambda: ui.navigate.to(
                f"/apps/{self.app_id}/publishing")).props("outline").mark("publishing")
            ui.button(_("QR codes"), icon="qr_code", on_click=lambda: ui.navigate.to(
                f"/apps/{self.app_id}/access")).props("outline").mark("qr-codes")
            ui.button(_("App settings"), icon="settings", on_click=self.select_settings).props("outline")
            ui.button(_("Export"), icon="download", on_click=self.export).props("outline")
            ui.button(_("Import"), icon="upload", on_click=self.open_import).props("outline")
        ui.keyboard(on_key=self._key, ignore=["input", "select", "textarea"])
        with ui.row().classes("w-full no-wrap items-start q-gutter-md q-mt-sm"):
            with labelled(ui.element("section"), _("Widgets to add")).classes("mdg-palette"):
                ui.label(_("Add a widget")).classes("text-h6").props('role="heading" aria-level="2"')
                self.palette()
            with labelled(ui.element("section"), _("Pages")).classes("col mdg-canvas"):
                ui.label(_("Pages")).classes("text-h6").props('role="heading" aria-level="2"')
                self.canvas()
            with labelled(ui.element("section"), _("Properties and checklist")).classes("mdg-side"):
                self.checklist()
                self.properties()
            with labelled(ui.element("section"), _("Preview")).classes("mdg-preview-column"):
                self.preview_controls()
        self.import_dialog = self._import_dialog()
        # Everything is drawn once above; redrawing it here would replace what the browser just got.
        self.show_history()
        self.show_status(status)
        self.reload_preview()

    async def refresh_all(self) -> None:
        self._update_preview_languages()
        self.canvas.refresh()
        self.update_checklist(always=True)
        self.properties.refresh()
        self.reload_preview()
        await self.refresh_header()

    def _rename(self, target: tuple[str, int, int]) -> None:
        name = self.names.get(target)
        kind, p, i = target
        if name is None or p >= len(self.editing.spec["pages"]):
            return
        page = self.editing.spec["pages"][p]
        if kind == "widget" and i < len(page["widgets"]):
            widget = page["widgets"][i]
            summary = widget_summary(widget, self.lang)
            name.text = f"{type_title(widget['type'])}: {summary}"
            for button, words in self.row_buttons.get(target, []):  # the row's buttons say the same label
                button.props["aria-label"] = button.props["title"] = _(words, widget=summary)
                button.update()
        elif kind == "page":
            title = LocalizedText.model_validate(page["title"]).text(self.lang) if page.get("title") else ""
            name.text = _("Page {number}", number=p + 1) + (f": {title}" if title else "")

    def update_checklist(self, *, always: bool = False) -> None:
        """Lint once; redraw the checklist only when what it lists changed (most keystrokes change nothing)."""
        issues = lint(self.editing.app_spec(), self.facilities)
        if always or issues != self._issues:
            self._issues = issues
            self.checklist.refresh()

    def show_history(self) -> None:
        """The title and the Undo / Redo buttons: at every edit, from memory."""
        spec = self.editing.spec
        title = LocalizedText.model_validate(spec["title"]).text(self.lang) or spec["slug"]
        self.heading.text = _("Editing: {title}", title=title)
        self.undo_button.enabled = bool(self.editing.undo_stack)
        self.redo_button.enabled = bool(self.editing.redo_stack)

    def stored_status(self) -> str:
        """The app's status as stored (in a thread)."""
        state = self.apps.state(self.app_id)
        return state.status if state else "draft"

    async def refresh_header(self) -> None:
        """The header, with the app's status as stored (asked of the database: after each save)."""
        self.show_history()
        status = await in_thread(self.stored_status)
        if status is not None:  # None: the server is shutting down
            self.show_status(status)

    def show_status(self, status: str) -> None:
        words = {"draft": _("Draft: residents cannot see this app"),
                 "scheduled": _("Scheduled: not yet visible to residents"),
                 "live": _("Live: residents see the published version, which matches this draft"),
                 "live_with_changes": _("Live: your changes are not visible to residents until an admin publishes"),
                 "retired": _("Retired: residents see the service-ended page")}
        self.status.text = words[status]
        colour = {"draft": "grey-8", "live": "green-9", "retired": "red-10"}.get(status, "orange-10")
        self.status.props(f"color={colour}")

    def palette(self) -> None:
        with ui.column().classes("q-gutter-xs"):
            for cls in WIDGET_TYPES:
                widget_type = cls.model_fields["type"].default
                button = ui.button(type_title(widget_type), icon=cls.icon,
                                   on_click=lambda t=widget_type: self.add_widget(t)).props(
                    'flat align=left no-caps draggable="true"').classes("w-full mdg-palette-item")
                labelled(button, _("Add {widget}", widget=type_title(widget_type)))
                button.on("dragstart", lambda t=widget_type: self._drag(("new", t, None)))
                button.mark(f"add-{widget_type}")

    @ui.refreshable_method
    def canvas(self) -> None:
        self.rows, self.names, self.row_buttons = {}, {}, {}
        pages = self.editing.spec["pages"]
        for p, page in enumerate(pages):
            page_title = LocalizedText.model_validate(page["title"]).text(self.lang) if page.get("title") else ""
            selected_page = self.selected[0] == "page" and self.selected[1] == p
            # A plain element with Quasar's card look: a q-card component per page costs more to draw.
            with ui.element("div").classes("q-card q-pa-sm w-full q-mb-md mdg-page" +
                                           (" mdg-selected" if selected_page else "")) as card:
                self.rows[("page", p, 0)] = card
                name = _("Page {number}", number=p + 1) + (f": {page_title}" if page_title else "")
                self.names[("page", p, 0)] = PlainButton(name).on("click", lambda p=p: self.select(("page", p, 0))) \
                    .classes("w-full mdg-widget-name mdg-page-name")
                with ui.row().classes("w-full items-center justify-end q-gutter-xs"):
                    self._icon_button("arrow_upward", _("Move page {number} up", number=p + 1),
                                      partial(self.move_page, p, -1), p > 0)
                    self._icon_button("arrow_downward", _("Move page {number} down", number=p + 1),
                                      partial(self.move_page, p, 1), p < len(pages) - 1)
                    self._icon_button("content_copy", _("Duplicate page {number}", number=p + 1),
                                      partial(self.duplicate_page, p), marker=f"duplicate-page-{p}")
                    self._icon_button("delete", _("Delete page {number}", number=p + 1),
                                      partial(self.confirm_delete_page, p), len(pages) > 1, f"delete-page-{p}")
                with ui.element("ol").classes("mdg-widgets q-pl-none"):
                    for i, widget in enumerate(page["widgets"]):
                        self.widget_row(p, i, widget, len(page["widgets"]))
                drop = ui.element("div").classes("mdg-drop-end").props(f'data-page="{p}"')
                with drop:
                    ui.label(_("Drop here to add at the end of page {number}", number=p + 1)).classes(
                        "text-caption text-grey-8")
                drop.on("dragover", js_handler="(e) => e.preventDefault()")
                drop.on("drop.prevent", lambda p=p: self.drop(p, len(self.editing.spec["pages"][p]["widgets"])))
        ui.button(_("Add a page"), icon="note_add", on_click=lambda: self.edit(
            lambda: self._select_widget(self.editing.add_page(), 0))).props("outline").mark("add-page")

    def widget_row(self, p: int, i: int, widget: dict[str, Any], count: int) -> None:
        selected = self.selected == ("widget", p, i)
        pages = len(self.editing.spec["pages"])
        summary = widget_summary(widget, self.lang)
        row = ui.element("li").classes("mdg-widget row items-center no-wrap q-pa-xs" +
                                       (" mdg-selected" if selected else "")).props(
            f'draggable="true" data-page="{p}" data-index="{i}"')
        self.rows[("widget", p, i)] = row
        row.on("dragstart", lambda p=p, i=i: self._drag(("widget", p, i)))
        row.on("dragover", js_handler="(e) => e.preventDefault()")
        row.on("drop.prevent", lambda p=p, i=i: self.drop(p, i))
        with row:
            Glyph(REGISTRY[widget["type"]].icon).classes("q-mx-sm")
            name = PlainButton(f"{type_title(widget['type'])}: {summary}").on(
                "click", lambda p=p, i=i: self.select(("widget", p, i))).classes("col mdg-widget-name")
            name.props["aria-pressed"] = "true" if selected else "false"
            self.names[("widget", p, i)] = name.mark(f"widget-{p}-{i}")
            if widget.get("show_if"):
                Glyph("call_split", _("Shown only when a condition holds"))
            up = self._icon_button("arrow_upward", _("Move up: {widget}", widget=summary),
                                   lambda: self.move_by(p, i, -1), p > 0 or i > 0, f"up-{p}-{i}")
            down = self._icon_button("arrow_downward", _("Move down: {widget}", widget=summary),
                                     lambda: self.move_by(p, i, 1), p < pages - 1 or i < count - 1, f"down-{p}-{i}")
            # The other actions are made when asked for: a menu per row would cost rows × pages elements.
            more = self._icon_button("more_vert", _("More actions: {widget}", widget=summary),
                                     lambda: self.widget_actions(p, i), marker=f"more-{p}-{i}")
            self.row_buttons[("widget", p, i)] = [(up, "Move up: {widget}"), (down, "Move down: {widget}"),
                                                  (more, "More actions: {widget}")]

    def widget_actions(self, p: int, i: int) -> None:
        """Duplicate, move to another page, delete: a small dialog for one widget."""
        widget = self.editing.widget(p, i)
        pages = len(self.editing.spec["pages"])
        with self.host, ui.dialog() as dialog, ui.card().classes("q-gutter-md"):
            ui.label(widget_summary(widget, self.lang)).classes("text-h6").props('role="heading" aria-level="2"')

            async def run(action: Callable[[], Any]) -> None:
                dialog.delete()
                await action()

            ui.button(_("Duplicate"), icon="content_copy", on_click=lambda: run(lambda: self.edit(
                lambda: self._select_widget(p, self.editing.duplicate_widget(p, i))))).props("outline").mark(
                "duplicate-widget")
            if pages > 1:
                with ui.row().classes("items-center q-gutter-sm"):
                    target = ui.select({t: _("Page {number}", number=t + 1) for t in range(pages) if t != p},
                                       label=_("Move to page"), value=(p + 1) % pages).props("outlined dense").classes(
                        "w-40").mark("move-target")
                    ui.button(_("Move"), on_click=lambda: run(lambda: self.edit(lambda: self._select_widget(
                        *self.editing.move_widget(p, i, target.value,
                                                  len(self.editing.spec["pages"][target.value]["widgets"])))))).props(
                        "outline").mark("move-widget")
            ui.button(_("Delete"), icon="delete", on_click=lambda: run(
                lambda: self._confirm_delete_later(p, i))).props("outline color=negative").mark("delete-widget")
            ui.button(_("Cancel"), on_click=dialog.delete).props("flat")
        dialog.open()

    async def _confirm_delete_later(self, p: int, i: int) -> None:
        self.confirm_delete_widget(p, i)

    def _icon_button(self, icon: str, label: str, action: Callable[[], Any], enabled: bool = True,
                     marker: str = "") -> PlainButton:
        button = icon_button(icon, label).on("click", action)
        if marker:
            button.mark(marker)
        button.enabled = enabled
        return button

    @ui.refreshable_method
    def checklist(self) -> None:
        issues = self._issues
        errors = [i for i in issues if i.level == "error"]
        warnings = [i for i in issues if i.level == "warning"]  # advice counts for neither
        with ui.card().classes("w-full q-mb-md mdg-checklist"):
            ui.label(_("Checklist")).classes("text-h6").props('role="heading" aria-level="2"')
            if not errors and not warnings:
                ui.label(_("No problems found. The app is ready to publish.")).classes("text-positive")
            ui.label(_("{errors} to fix before publishing, {warnings} to consider",
                       errors=len(errors), warnings=len(warnings))).classes("text-body2").props('role="status"')
            with ui.element("ul").classes("q-pl-none mdg-issues"):
                for issue in issues:
                    with ui.element("li").classes("row no-wrap items-start q-mb-xs"):
                        icon, color = {"error": ("error", "negative"), "warning": ("info", "warning")}.get(
                            issue.level, ("lightbulb", "grey-7"))  # advice: calm, it never blocks
                        ui.icon(icon, color=color).props('aria-hidden="true"')
                        where = ""
                        if issue.page is not None:
                            where = _("Page {number}", number=issue.page + 1) + ": "
                        kind = {"error": _("Error"), "warning": _("Warning")}.get(issue.level) or _("Advice")
                        text = f"{kind}: {where}{_(issue.msgid, **issue.params) if issue.params else _(issue.msgid)}"
                        if issue.page is None:
                            target = ("settings", 0, 0)
                        elif issue.widget is None:
                            target = ("page", issue.page, 0)
                        else:
                            target = ("widget", issue.page, issue.widget)
                        ui.button(text, on_click=lambda t=target: self.select(t)).props(
                            "flat dense no-caps align=left").classes("text-body2 mdg-issue")

    def _panel_edit(self, apply: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
        """The on_change of the panel being drawn. Applied at once; an event of a panel since replaced
        (the widget moved, or was deleted, while keystrokes were queued) is dropped: its positions are stale."""
        self._panel_generation += 1
        generation = self._panel_generation

        def on_change(data: dict[str, Any]) -> None:
            if generation == self._panel_generation:
                self.apply_now(lambda: apply(data))

        return on_change

    @ui.refreshable_method
    def properties(self) -> None:
        kind, p, i = self.selected
        spec = self.editing.spec
        languages = self.editing.app_spec().languages
        with ui.card().classes("w-full mdg-properties"):
            if kind == "settings":
                ui.label(_("App settings")).classes("text-h6").props('role="heading" aria-level="2"')
                self._panel_generation += 1
                PropertyPanel(AppSpec, spec, languages=languages, questions=[],
                              skip={"type", "pages", "format_version"},
                              on_change=self.settings_changed)
                return
            if kind == "page" and p < len(spec["pages"]):
                ui.label(_("Page {number}", number=p + 1)).classes("text-h6").props('role="heading" aria-level="2"')
                PropertyPanel(Page, spec["pages"][p], languages=languages, questions=[], skip={"type", "widgets"},
                              on_change=self._panel_edit(
                                  lambda data: self.editing.set_page_title(p, data.get("title"))))
                return
            if kind != "widget" or p >= len(spec["pages"]) or i >= len(spec["pages"][p]["widgets"]):
                ui.label(_("Select a widget to change it.")).classes("text-body1")
                return
            widget = spec["pages"][p]["widgets"][i]
            ui.label(_("{widget} on page {number}", widget=type_title(widget["type"]), number=p + 1)).classes(
                "text-h6").props('role="heading" aria-level="2"')
            earlier = question_refs(self.editing.earlier_questions(p, i), self.lang)
            PropertyPanel(REGISTRY[widget["type"]], widget, languages=languages, questions=earlier,
                          on_change=self._panel_edit(lambda data: self.editing.update_widget(p, i, data)))

    def preview_controls(self) -> None:
        ui.label(_("Preview")).classes("text-h6").props('role="heading" aria-level="2"')
        with ui.column().classes("q-gutter-sm q-mb-sm"):
            labelled(ui.toggle({"360": "360 px", "390": "390 px", "desktop": _("Desktop")}, value=self.preview_width,
                      on_change=lambda e: self._set_width(e.value)), _("Preview width"))
            self.preview_langs = ui.select(self._preview_languages(),
                      value=self.preview_lang, label=_("Preview language"),
                      on_change=lambda e: self._set_preview_lang(e.value)).props("outlined dense").classes("w-48")
            # The resident's own furigana choice (the same cookie as on a resident page), so the preview
            # shows the readings residents will see before anything is published.
            ui.switch(_("Furigana (ふりがな)"), value=self.preview_furigana,
                      on_change=lambda e: self._set_preview_furigana(e.value)).mark("preview-furigana")
        self.frame = ui.element("iframe").classes("mdg-preview").mark("preview-frame")
        self.frame.props["title"] = _("Preview as residents see it")
        ui.label(_("The preview shows the draft as residents would see it. Nothing sent from it is kept.")).classes(
            "text-caption")

    # --- the preview ------------------------------------------------------------------------------

    def _preview_languages(self) -> dict[str, str]:
        """The app's languages that the resident pages' interface speaks."""
        return {lang: LANG_NAMES[lang] for lang in self.editing.app_spec().languages if lang in UI_LANGS}

    def _update_preview_languages(self) -> None:
        """After the app's languages changed in the settings: offer those, and leave one that went."""
        options = self._preview_languages()
        if options != self.preview_langs.options:
            self.preview_langs.set_options(options, value=self.preview_lang if self.preview_lang in options else "ja")

    def preview_url(self) -> str:
        kind, p, _i = self.selected
        pages = self.editing.spec["pages"]
        page = p if kind in ("widget", "page") and p < len(pages) else 0
        return f"{self.preview_base}/{self.preview_lang}/p/{page + 1}?r={self.editing.revision}"

    def reload_preview(self) -> None:
        url = self.preview_url()
        if self._furigana_changed:  # through the preview's switch, which sets the resident pages' own cookie
            self._furigana_changed = False
            choice = "on" if self.preview_furigana else "off"
            url = f"{self.preview_base}/{self.preview_lang}/furigana/{choice}?{urlencode({'next': url})}"
        self.frame.props["src"] = url
        self.frame.style(f"width: {PREVIEW_WIDTHS[self.preview_width]}")

    def _set_preview_furigana(self, shown: bool) -> None:
        self.preview_furigana, self._furigana_changed = shown, True
        self.reload_preview()

    def _set_width(self, width: str) -> None:
        self.preview_width = width
        self.reload_preview()

    def _set_preview_lang(self, lang: str) -> None:
        self.preview_lang = lang
        self.reload_preview()

    # --- selecting --------------------------------------------------------------------------------

    def select(self, target: tuple[str, int, int]) -> None:
        if target == self.selected:
            return  # redrawing the panel now would drop what is being typed into it
        previous, self.selected = self.selected, target
        self._highlight(previous, False)
        self._highlight(target, True)
        self.properties.refresh()
        if previous[:2] != target[:2] or previous[0] == "settings":
            self.reload_preview()

    def _highlight(self, target: tuple[str, int, int], on: bool) -> None:
        """Mark the selected row without redrawing the canvas (it may hold hundreds of widgets)."""
        row, name = self.rows.get(target), self.names.get(target)
        if row is not None:
            row.classes(add="mdg-selected") if on else row.classes(remove="mdg-selected")
        if name is not None and target[0] == "widget":
            name.props["aria-pressed"] = "true" if on else "false"

    def select_settings(self) -> None:
        self.select(("settings", 0, 0))

    def _select_widget(self, page: int, index: int) -> None:
        self.selected = ("widget", page, index)

    def _select_page(self, page: int) -> None:
        self.selected = ("page", page, 0)

    def _moved_page(self, page: int, step: int) -> None:
        self._select_page(self.editing.move_page(page, step))

    async def move_page(self, page: int, step: int) -> None:
        await self.edit(lambda: self._moved_page(page, step))

    async def duplicate_page(self, page: int) -> None:
        await self.edit(lambda: self._select_page(self.editing.duplicate_page(page)))

    # --- edits ------------------------------------------------------------------------------------

    def _applied(self, change: Callable[[], Any]) -> bool:
        """Run `change` on the working copy: True when it changed the app; False when it was refused
        (staff are told why) or changed nothing (a widget dropped where it was), so nothing is saved."""
        before, selected = self.editing.spec, self.selected
        try:
            change()
        except EditRefused as refused:
            with self.host:
                ui.notify(_(refused.message, **refused.params), type="warning", multi_line=True)
            return False
        if self.editing.spec == before:
            self.selected = selected
            return False
        self.unsaved = True
        return True

    async def edit(self, change: Callable[[], Any]) -> bool:
        """Apply one edit from the canvas or the palette, show it, save it."""
        if not self._applied(change):
            return False
        self.canvas.refresh()
        self.properties.refresh()
        self.update_checklist()
        self.show_history()
        await self.save()
        return True

    async def add_widget(self, widget_type: str, page: int | None = None, at: int | None = None) -> None:
        kind, p, i = self.selected
        if page is None:  # after the selected widget, or at the end of the selected page
            page = p if kind in ("widget", "page") and p < len(self.editing.spec["pages"]) else 0
            at = i + 1 if kind == "widget" else None
        await self.edit(lambda: self._select_widget(page, self.editing.add_widget(widget_type, page, at)))

    async def move_by(self, p: int, i: int, step: int) -> None:
        """Move up or down one place, and keep the keyboard focus on the same button of the moved row,
        so that pressing it again moves the widget on (the canvas is redrawn by the move)."""
        if not await self.edit(lambda: self._select_widget(*self.editing.move_widget_by(p, i, step))):
            return
        _kind, page, index = self.selected
        which = 1 if step < 0 else 2  # the row's buttons: name, up, down, more
        with self.host:
            ui.run_javascript(
                f"setTimeout(() => {{ const b = document.querySelectorAll("
                f"'li.mdg-widget[data-page=\"{page}\"][data-index=\"{index}\"] button');"
                f" const t = b[{which}] && !b[{which}].disabled ? b[{which}] : b[0]; if (t) t.focus(); }}, 250)")

    def _drag(self, what: tuple[str, Any, Any]) -> None:
        self.dragging = what

    async def drop(self, page: int, index: int) -> None:
        dragged, self.dragging = self.dragging, None
        if dragged is None:
            return
        if dragged[0] == "new":
            await self.add_widget(dragged[1], page, index)
        else:
            _kind, from_page, from_index = dragged
            if from_page == page and from_index < index < len(self.editing.spec["pages"][page]["widgets"]):
                index += 1  # dropped on a row further down: it goes below that row
            await self.edit(lambda: self._select_widget(*self.editing.move_widget(from_page, from_index, page, index)))

    def settings_changed(self, data: dict[str, Any]) -> Awaitable[None] | None:
        """The settings panel's edit: applied now, or, when the address changes, once the database has said
        (in a thread) that no other app has it. The panel awaits those in order."""
        if data["slug"] != self.editing.spec["slug"]:
            return self._settings_with_new_slug(data)
        self._apply_settings(data)
        return None

    async def _settings_with_new_slug(self, data: dict[str, Any]) -> None:
        slug = data["slug"]
        if not await in_thread(self.apps.slug_free, slug, except_app=self.app_id):
            with self.host:
                ui.notify(_("The address {slug} is taken by another app. Choose another", slug=slug), type="negative")
            return
        self._apply_settings(data)

    def _apply_settings(self, data: dict[str, Any]) -> None:
        self.apply_now(lambda: self.editing.update_settings(data))
        self._update_preview_languages()

    def apply_now(self, change: Callable[[], Any]) -> None:
        """A property panel's edit: applied to the working copy now, then saved and shown (saves queue in order)."""
        if self._applied(change):
            background_tasks.create(self._save_and_show(self.selected), name="save the draft")

    async def _save_and_show(self, target: tuple[str, int, int]) -> None:
        """Save, then show the edit in the canvas, checklist and header together with the new preview.

        One batch of changes: NiceGUI's browser side draws the whole page again for each batch it
        gets, which on a large app costs more than the save, so a keystroke is drawn once, not twice.
        """
        try:
            await self.save()
        finally:
            self._rename(target)  # names whatever widget is at `target` now: never a stale name
            self.update_checklist()
            self.show_history()

    def confirm_delete_widget(self, page: int, index: int) -> None:
        widget = self.editing.widget(page, index)
        dependents = self.editing.dependents(widget["key"]) if "key" in widget else []
        detail = widget_summary(widget, self.lang)
        if len(self.editing.spec["pages"][page]["widgets"]) == 1:
            detail += "\n" + _("It is the only widget on page {number}, so the page is deleted too.", number=page + 1)
        self._confirm(_("Delete this widget?"), detail, dependents,
                      lambda: self.edit(lambda: self._after_delete(page, self.editing.delete_widget(page, index))))

    def confirm_delete_page(self, page: int) -> None:
        keys = [w["key"] for w in self.editing.spec["pages"][page]["widgets"] if "key" in w]
        dependents = [d for key in keys for d in self.editing.dependents(key) if d.page != page]
        self._confirm(_("Delete page {number} and its widgets?", number=page + 1), "", dependents,
                      lambda: self.edit(lambda: self._after_delete(max(page - 1, 0), self.editing.delete_page(page))))

    def _after_delete(self, page: int, _dependents: list[Dependent]) -> None:
        self._select_page(min(page, len(self.editing.spec["pages"]) - 1))

    def _confirm(self, question: str, detail: str, dependents: list[Dependent], action: Callable[[], Any]) -> None:
        with self.host, ui.dialog() as dialog, ui.card():
            ui.label(question).classes("text-h6").props('role="heading" aria-level="2"')
            if detail:
                ui.label(detail)
            if dependents:
                ui.label(_("These widgets are shown according to the answer to this question. "
                           "Their condition will be removed, so they will always be shown:")).classes("text-warning")
                with ui.element("ul"):
                    for d in dependents:
                        w = self.editing.widget(d.page, d.widget)
                        text_in("li", _("Page {number}", number=d.page + 1) + ": " + widget_summary(w, self.lang))
            with ui.row():
                async def go() -> None:
                    dialog.delete()
                    await action()
                ui.button(_("Delete"), on_click=go).props("unelevated color=negative").mark("confirm-delete")
                ui.button(_("Cancel"), on_click=dialog.delete).props("outline")
        dialog.open()

    async def undo(self) -> None:
        if self.editing.undo():
            self.unsaved = True
            await self.refresh_all()
            await self.save()

    async def redo(self) -> None:
        if self.editing.redo():
            self.unsaved = True
            await self.refresh_all()
            await self.save()

    async def _key(self, event: KeyEventArguments) -> None:
        if not event.action.keydown or not (event.modifiers.ctrl or event.modifiers.meta):
            return
        if event.key.name in ("z", "Z"):
            await (self.redo() if event.modifiers.shift else self.undo())
        elif event.key.name in ("y", "Y"):
            await self.redo()

    # --- saving -----------------------------------------------------------------------------------

    async def save(self) -> None:
        """Save the working copy if it has unsaved edits. Kept in the editor while the session has ended."""
        async with self._saving:  # one save at a time, each with the revision the one before it made
            if not self.unsaved:
                return  # an earlier save in the queue already saved this working copy
            # "Saving…" only for a save slow enough to notice: at every keystroke it would flicker,
            # be announced by screen readers, and cost the browser a redraw.
            slow = asyncio.get_running_loop().call_later(SLOW_SAVE_SECONDS, setattr, self.save_state, "text",
                                                         _("Saving…"))
            spec = self.editing.app_spec()
            try:
                saved = await in_thread(self.save_as_signed_in, spec, self.editing.revision)
            except EditConflict as conflict:
                self.save_state.text = _("Not saved: someone else changed this app")
                with self.host:
                    self.show_conflict(conflict)
                return
            except SlugTaken as taken:
                self.save_state.text = _("Not saved: the address {slug} is taken", slug=taken.slug)
                return
            finally:
                slow.cancel()
            if saved is None:
                return  # the server is shutting down (in_thread gives None then)
            if saved.user is None:
                self.save_state.text = _("Not saved: your session has ended. Sign in to save")
                with self.host:
                    self.ask_sign_in()
                return
            self.user = saved.user  # whoever is signed in now is who saves (a shared counter PC)
            self.editing.revision = saved.revision
            self.unsaved = spec.model_dump(mode="json", exclude_none=True) != self.editing.spec
        if self.unsaved:  # edited while that save was under way
            await self.save()
            return
        self.save_state.text = _("All changes saved")
        self.show_history()
        self.show_status(saved.status)
        self.reload_preview()

    def save_as_signed_in(self, spec: AppSpec, revision: int) -> Saved:
        """In a thread: save `spec` as whoever is signed in now, and read the app's status after it."""
        user = self.current_user()
        if user is None:
            return Saved(None)
        stored = self.apps.save_draft(self.app_id, spec, revision=revision, by=user.username)
        return Saved(user, stored.revision, self.stored_status())

    def show_conflict(self, conflict: EditConflict) -> None:
        if self._dialog_open:
            return
        self._dialog_open = True
        with ui.dialog().props("persistent") as dialog, ui.card().classes("max-w-lg"):
            ui.label(_("Someone else changed this app")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("{who} saved a change while you were editing. Your last change is not saved yet. "
                       "Load their version (your last change is dropped), or save yours over theirs.",
                       who=conflict.updated_by or _("Another member of staff")))

            async def load_theirs() -> None:
                if await in_thread(self.current_user) is None:
                    return
                dialog.delete()
                self._dialog_open = False
                current = await in_thread(self.apps.by_id, self.app_id)
                if current is None:  # deleted meanwhile, or the server is shutting down
                    return
                self.editing.replace(current.draft_spec, current.revision)
                self.unsaved = False
                self.save_state.text = _("Their version is loaded")
                await self.refresh_all()

            async def keep_mine() -> None:
                dialog.delete()
                self._dialog_open = False
                self.editing.revision = conflict.revision
                self.unsaved = True
                await self.save()

            with ui.row():
                ui.button(_("Load their version"), on_click=load_theirs).props("unelevated").mark("load-theirs")
                ui.button(_("Save mine over theirs"), on_click=keep_mine).props("outline color=negative").mark(
                    "keep-mine")
        dialog.open()

    def ask_sign_in(self) -> None:
        if self._dialog_open:
            return
        self._dialog_open = True
        with ui.dialog().props("persistent") as dialog, ui.card().classes("max-w-md"):
            ui.label(_("Sign in again to save")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("Your session has ended. Your change is kept here and is saved as soon as you sign in."))
            username = ui.input(_("User name"), value=self.user.username).props("outlined autocomplete=username")
            password = ui.input(_("Password"), password=True).props("outlined autocomplete=current-password")
            error = ui.label().classes("text-negative").props('role="alert"')

            async def attempt() -> None:
                result = await self.sign_in_again(username.value or "", password.value or "")
                if isinstance(result, str):
                    error.text = result
                    return
                self.user = result
                dialog.delete()
                self._dialog_open = False
                await self.save()

            ui.button(_("Sign in and save"), on_click=attempt).props("unelevated")
        dialog.open()

    # --- import and export ------------------------------------------------------------------------

    async def export(self) -> None:
        if await in_thread(self.current_user) is None:
            with self.host:
                ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        data = json.dumps(self.editing.spec, ensure_ascii=False, indent=2).encode()
        ui.download(data, f"{self.editing.spec['slug']}.json", "application/json")

    def open_import(self) -> None:
        self.import_problems.clear()
        self.import_dialog.open()

    def _import_dialog(self) -> ui.dialog:
        with ui.dialog() as dialog, ui.card().classes("max-w-xl"):
            ui.label(_("Import an app file")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("The file replaces this app's draft. Residents see nothing until an admin publishes. "
                       "You can undo the import."))
            self.import_problems = ui.column().props('role="alert"')
            ui.upload(label=_("Choose an app file (JSON)"), auto_upload=True, max_file_size=MAX_APP_FILE,
                      on_upload=self._uploaded, on_rejected=self._rejected).props(
                'accept=".json,application/json"').mark("import-file")
            ui.button(_("Close"), on_click=dialog.close).props("outline")
        return dialog

    def _rejected(self) -> None:
        self._show_problems([_("The file is too large. An app file is at most {max} KB", max=MAX_APP_FILE // 1000)])

    async def _uploaded(self, event: UploadEventArguments) -> None:
        data = await event.file.read()
        await self.import_file(data)

    async def import_file(self, data: bytes) -> bool:
        spec, problems = read_app_file(data)
        if spec is None:
            self._show_problems([(f"{p.where}: " if p.where else "") + _(p.message, **p.params) for p in problems])
            return False
        imported = spec.model_dump(mode="json", exclude_none=True)
        imported["slug"] = self.editing.spec["slug"]  # the app keeps its address; change it in the settings

        def replace(spec: dict[str, Any]) -> None:
            spec.clear()
            spec.update(imported)

        def change() -> None:
            self.editing.apply(replace)
            self.selected = ("widget", 0, 0)

        if await self.edit(change):
            self.import_dialog.close()
            self.properties.refresh()
            ui.notify(_("Imported. The app's address stays {slug}", slug=imported["slug"]), type="positive")
        return True

    def _show_problems(self, lines: list[str]) -> None:
        self.import_problems.clear()
        with self.import_problems:
            ui.label(_("Nothing was imported. The file has these problems:")).classes("text-negative text-body1")
            with ui.element("ul"):
                for line in lines:
                    text_in("li", line)


EDITOR_CSS = PLAIN_CSS + """
.mdg-palette { width: 180px; flex: none; }
.mdg-canvas { flex: 1 1 0; min-width: 340px; }
.mdg-side { width: 340px; flex: none; }
.mdg-preview-column { max-width: 380px; }
.mdg-page-name { font-size: 1rem; font-weight: 700; }
.mdg-widget .mdg-widget-name { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical;
                                overflow: hidden; overflow-wrap: anywhere; }
.mdg-preview-column { flex: none; }
.mdg-preview-column:has(.mdg-preview[style*="100%"]) { max-width: none; flex: 1 1 0; }
.mdg-preview { height: 720px; border: 1px solid #616161; background: white; max-width: 100%; }
.mdg-widgets { list-style: none; margin: 0; }
.mdg-widget { border: 1px solid #bdbdbd; border-radius: 4px; margin-bottom: 4px; background: white; cursor: grab; }
.mdg-widget.mdg-selected, .mdg-page.mdg-selected { outline: 3px solid #1565c0; }
.mdg-drop-end { border: 2px dashed #9e9e9e; border-radius: 4px; padding: 4px 8px; }
"""

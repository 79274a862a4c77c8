"""The property panel: a form generated from a widget's (or the app's) pydantic model.

Each field's annotation picks its control, so a new widget type needs no editor code. Every edit is
validated by the model itself; pydantic's errors appear beside the field their `loc` points at, and
`on_change` hears only of data the model accepts. What staff typed stays in the inputs either way.

Controls carry markers for tests and callers: `prop:<dotted path>` on each control (a language or a
choice adds one more part: `prop:label.en`, `prop:languages.en`), `add:<path>`, `up:<path>.<n>`,
`down:<path>.<n>` and `remove:<path>.<n>` on list buttons, `error:<path>` on error texts of groups.

Somewhat over 500 lines: one control per kind of field, each short, all drawing into the same panel
state (the draft, its errors); what reads a model without drawing is in fields.py.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from nicegui import Client, background_tasks, ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.elements.mixins.validation_element import ValidationElement
from nicegui.elements.mixins.value_element import ValueElement
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from widgets import LANGS, N_, colour
from widgets.image import STAFF_INPUT

from ...i18n import _
from .fields import (
    LANG_NAMES,
    MISSING,
    REMOVE,
    Path,
    QuestionRef,
    Shape,
    blank,
    dotted,
    error_message,
    field_label,
    is_long,
    marked,
    put_at,
    shape_of,
    value_at,
    value_words,
)

_styled: weakref.WeakSet[Client] = weakref.WeakSet()

# Borders dark enough to see (WCAG 1.4.11) and labels and hints dark and large enough to read:
# Quasar's outline is faint, its labels light grey, its hints 12 px.
_CSS = """
.mg-props fieldset { display: flex; flex-direction: column; gap: 0.5rem; border: 1px solid #767676;
  border-radius: 6px; padding: 0.5rem 0.75rem 0.75rem; margin: 0; }
.mg-props legend { padding: 0 0.25rem; font-weight: 600; }
.mg-props .q-field--outlined .q-field__control:before { border-color: #767676; }
.mg-props .q-field__label { color: #424242; }
.mg-props .q-field--focused .q-field__label { color: #0d47a1; }
.mg-props .q-field__bottom { font-size: 0.875rem; }
.mg-props .q-field:not(.q-field--error) .q-field__bottom { color: #424242; }
"""


class PropertyPanel:
    """Renders `model`'s fields for `data` (its JSON form) into the current NiceGUI container.

    `on_change(new_data)` is called (and awaited when it is a coroutine function, in order) with the
    model's JSON form (`model_dump(mode="json", exclude_none=True)`) after each edit the model accepts.
    """

    def __init__(self, model: type[BaseModel], data: dict[str, Any], *, languages: Iterable[str],
                 questions: Iterable[QuestionRef], on_change: Callable[[dict[str, Any]], Any],
                 skip: Iterable[str] = ("type",)) -> None:
        self.model = model
        self._draft: dict[str, Any] = copy.deepcopy(data)
        wanted = set(languages) | {"ja"}
        self.languages = [lang for lang in LANGS if lang in wanted]
        self.questions = {q.key: q for q in questions}
        self.on_change = on_change
        self.skip = set(skip)
        self._sinks: dict[Path, Callable[[str | None], None]] = {}
        self._hints: dict[Path, str] = {}
        self._syncs: dict[Path, Callable[[Any], None]] = {}
        self._errors: dict[Path, str] = {}
        self._top_messages: list[str] = []
        self._lock = asyncio.Lock()
        client = ui.context.client
        if client not in _styled:
            _styled.add(client)
            ui.add_css(_CSS)
        with ui.column().classes("mg-props w-full gap-3") as self.root:
            self._top = ui.column().classes("w-full gap-1").mark("prop-errors")
            self._fields(model, ())
        self._validate()

    def errors(self) -> dict[str, str]:
        """The current error message per dotted path ("" for the whole model)."""
        return {dotted(path): message for path, message in self._errors.items()}

    # --- editing ------------------------------------------------------------------------------------

    def _edit(self, path: Path, value: Any) -> None:
        put_at(self._draft, path, value)
        self._commit()

    def _commit(self) -> None:
        valid = self._validate()
        if valid is None:
            return
        new_data = valid.model_dump(mode="json", exclude_none=True)
        for path, sync in self._syncs.items():
            normalised = value_at(new_data, path)
            if normalised is not MISSING and normalised != value_at(self._draft, path):
                put_at(self._draft, path, copy.deepcopy(normalised))
                sync(normalised)
        result = self.on_change(new_data)
        if inspect.isawaitable(result):
            background_tasks.create(self._in_order(result), name="property panel on_change")

    async def _in_order(self, awaitable: Any) -> None:
        async with self._lock:
            await awaitable

    def _validate(self) -> BaseModel | None:
        try:
            valid = self.model.model_validate(self._draft, context=STAFF_INPUT)  # what staff type now: today's rules
        except ValidationError as exc:
            errors: dict[Path, str] = {}
            for error in exc.errors():
                path = tuple(error["loc"])
                message = error_message(error, self._hints.get(self._sink_path(path) or ()))
                if path in errors and message not in errors[path]:
                    message = f"{errors[path]} {message}"
                errors[path] = message
            self._errors = errors
            valid = None
        else:
            self._errors = {}
        self._show_errors()
        return valid

    def _sink_path(self, path: Path) -> Path | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self._sinks:
                return path[:end]
        return None

    def _show_errors(self) -> None:
        shown: dict[Path, list[str]] = {}
        top: list[str] = []
        for path, message in self._errors.items():
            at = self._sink_path(path)
            if at is None:
                top.append(message if not path else f"{dotted(path)}: {message}")
            elif message not in shown.setdefault(at, []):
                shown[at].append(message)
        for at, sink in self._sinks.items():
            sink(" ".join(shown[at]) if at in shown else None)
        if top != self._top_messages:
            self._top_messages = top
            self._top.clear()
            with self._top:
                for message in top:
                    ui.label(message).classes("text-negative").props("role=alert")

    def _forget(self, under: Path) -> None:
        """Drop sinks and syncs below `under`, before that part of the panel is built again."""
        for registry in (self._sinks, self._hints, self._syncs):
            for path in [p for p in registry if len(p) > len(under) and p[:len(under)] == under]:
                del registry[path]

    # --- building -----------------------------------------------------------------------------------

    def _fields(self, model: type[BaseModel], path: Path) -> None:
        shown = [(name, info) for name, info in model.model_fields.items()
                 if not (name in self.skip and (not path or name == "type"))]
        # When a widget is shown comes after what it is.
        shown.sort(key=lambda field: shape_of(field[1].annotation).kind == "condition")
        for name, info in shown:
            self._field(name, info, path + (name,))

    def _field(self, name: str, info: FieldInfo, path: Path) -> None:
        shape = shape_of(info.annotation)
        if marked(info, "colour"):  # a text field that holds a colour: typed, or picked
            shape = Shape("colour", shape.optional)
        value = value_at(self._draft, path)
        if value is MISSING:
            value = info.get_default(call_default_factory=True)
            value = None if value is PydanticUndefined else to_jsonable_python(value)
        hint = _(info.description) if info.description else None
        self._control(shape, path, value, field_label(name, info), hint, is_long(info))

    def _control(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        if hint:
            self._hints[path] = hint
        build = getattr(self, f"_{shape.kind}")
        build(shape, path, value, label, hint, long)

    def _input_sink(self, path: Path, element: ValidationElement[Any]) -> None:
        element.without_auto_validation()  # else NiceGUI clears the error on every change

        def show(message: str | None) -> None:
            element.error = message
        self._sinks[path] = show

    def _group(self, label: str, path: Path, hint: str | None = None) -> ui.element:
        """A fieldset with a legend, a hint and a place for its errors; returns the fieldset."""
        with ui.element("fieldset").classes("w-full") as group:
            TextElement(tag="legend", text=label)
            if hint:
                ui.label(hint).classes("text-body2 text-grey-9")
            self._error_text(path)
        return group

    def _error_text(self, path: Path) -> None:
        """Where the errors of `path` appear, when its control has no place of its own for them."""
        error = ui.label().classes("text-negative").props("role=alert").mark(f"error:{dotted(path)}")
        error.set_visibility(False)

        def show(message: str | None) -> None:
            error.text = message or ""
            error.set_visibility(bool(message))
        self._sinks[path] = show

    def _text(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        element = self._text_input(label, "" if value is None else str(value), long, hint)
        element.mark(f"prop:{dotted(path)}")

        def changed(e: Any) -> None:
            text = e.value or ""
            self._edit(path, REMOVE if shape.optional and not text else text)
        element.on_value_change(changed)
        self._input_sink(path, element)

    def _colour(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        """A colour, typed as #rrggbb or picked, with how well white text reads on it shown as it changes
        (the lint refuses to publish under 7:1)."""
        element = ui.color_input(label=label, value="" if value is None else str(value), preview=True)
        element.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path)}")
        pick = _("Pick a colour")
        element.button.props(f'aria-label="{pick}"')
        if hint:
            element.props["hint"] = hint
        reading = ui.label().classes("text-body2").mark(f"contrast:{dotted(path)}")
        self._error_text(path)

        def show_contrast(text: str) -> None:
            if not re.fullmatch(colour.HEX_COLOUR, text):
                reading.text = ""
                return
            ratio = f"{int(colour.contrast(text, colour.WHITE) * 10) / 10:.1f}"
            enough = colour.contrast(text, colour.WHITE) >= colour.MIN_CONTRAST
            reading.text = (
                _("White text on it: {ratio}:1. Enough for older eyes (7:1 or more)", ratio=ratio) if enough
                else _("White text on it: {ratio}:1. Too light: choose a darker colour (7:1 or more)", ratio=ratio))
            reading.classes(replace="text-body2 " + ("text-positive" if enough else "text-negative"))

        def changed(e: Any) -> None:
            text = (e.value or "").strip()
            show_contrast(text)
            self._edit(path, REMOVE if shape.optional and not text else text)
        element.on_value_change(changed)
        show_contrast("" if value is None else str(value))

    @staticmethod
    def _text_input(label: str, value: str, long: bool, hint: str | None) -> ui.input:
        element = (ui.textarea(label=label, value=value).props("autogrow") if long
                   else ui.input(label=label, value=value))
        element.props("outlined stack-label hide-bottom-space").classes("w-full")
        if hint:
            element.props["hint"] = hint
        return element

    def _localized(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        texts = {"ja": value} if isinstance(value, str) else dict(value) if isinstance(value, dict) else {}
        with self._group(label, path, hint):
            for lang in self.languages:
                element = self._text_input(LANG_NAMES.get(lang, lang), texts.get(lang, ""), long, None)
                element.props["aria-label"] = f"{label}: {LANG_NAMES.get(lang, lang)}"
                element.props["lang"] = lang
                element.mark(f"prop:{dotted(path + (lang,))}")
                element.on_value_change(lambda e, lang=lang: self._edit_localized(shape, path, lang, e.value or ""))
                self._input_sink(path + (lang,), element)

    def _edit_localized(self, shape: Shape, path: Path, lang: str, text: str) -> None:
        current = value_at(self._draft, path)
        texts = {"ja": current} if isinstance(current, str) else dict(current) if isinstance(current, dict) else {}
        texts[lang] = text
        if shape.optional and not any(t.strip() for t in texts.values() if isinstance(t, str)):
            self._edit(path, REMOVE)
        else:
            texts.setdefault("ja", "")
            self._edit(path, texts)

    def _number(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        element = ui.number(label=label, value=number)
        element.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path)}")
        element.props["step"] = 1 if shape.whole else "any"
        if hint:
            element.props["hint"] = hint

        def changed(e: Any) -> None:
            got = e.value
            if got is None:
                self._edit(path, REMOVE if shape.optional else None)
                return
            self._edit(path, int(got) if float(got).is_integer() else float(got))
        element.on_value_change(changed)
        self._input_sink(path, element)

    def _switch(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        with ui.column().classes("w-full gap-0"):
            element = ui.switch(label, value=bool(value)).mark(f"prop:{dotted(path)}")
            element.on_value_change(lambda e: self._edit(path, bool(e.value)))
            if hint:
                ui.label(hint).classes("text-body2 text-grey-9")
            self._error_text(path)

    def _choice(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        options: dict[Any, str] = {"": _("Not set")} if shape.optional else {}
        options.update({v: value_words(v) for v in shape.of})
        current = "" if value is None and shape.optional else value
        if current not in options:
            options[current] = str(current)  # a value this version does not know: shown, not lost
        element = ui.select(options, label=label, value=current)
        element.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path)}")
        if hint:
            element.props["hint"] = hint
        element.on_value_change(lambda e: self._edit(path, REMOVE if shape.optional and e.value == "" else e.value))
        self._input_sink(path, element)

    def _choices(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        boxes: dict[Any, ui.checkbox] = {}
        syncing = False

        def changed() -> None:
            if not syncing:
                self._edit(path, [v for v in shape.of if boxes[v].value])

        with self._group(label, path, hint), ui.row().classes("gap-x-4"):
            for v in shape.of:
                boxes[v] = ui.checkbox(value_words(v), value=v in chosen).mark(f"prop:{dotted(path + (v,))}")
                boxes[v].on_value_change(changed)

        def sync(normalised: Any) -> None:
            nonlocal syncing
            syncing = True
            try:
                for v, box in boxes.items():
                    box.value = v in normalised
            finally:
                syncing = False
        self._syncs[path] = sync

    def _date(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        element = ui.input(label=label, value=value if isinstance(value, str) else "")
        element.props("type=date outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path)}")
        if hint:
            element.props["hint"] = hint
        element.on_value_change(lambda e: self._edit(path, (e.value or REMOVE) if shape.optional else e.value or ""))
        self._input_sink(path, element)

    def _model(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        with self._group(label, path, hint), ui.column().classes("w-full gap-3"):
            self._fields(shape.of, path)

    def _unknown(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        with self._group(label, path, hint):
            ui.label(_("This setting cannot be edited here yet; it is shown as it is stored.")).classes("text-body2")
            ui.label(json.dumps(value, ensure_ascii=False, indent=2, default=str)).classes(
                "font-mono whitespace-pre-wrap").mark(f"prop:{dotted(path)}")

    # --- lists: add, remove, move -------------------------------------------------------------------

    def _list(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        item: Shape = shape.of
        buttons: dict[tuple[str, int], ui.button] = {}
        with self._group(label, path, hint):
            items_box = ui.column().classes("w-full gap-3")
            add = ui.button(_("Add to {label}", label=label), icon="add").props("outline no-caps color=grey-9").classes(
                "self-start")
            add.mark(f"add:{dotted(path)}")

        def build() -> None:
            self._forget(path)
            buttons.clear()
            buttons[("add", -1)] = add
            items_box.clear()
            items = value_at(self._draft, path)
            items = items if isinstance(items, list) else []
            with items_box:
                for index, entry in enumerate(items):
                    self._list_item(item, path, index, len(items), entry, buttons, long, change)

        def change(new_items: list[Any], focus: tuple[str, int] | None) -> None:
            put_at(self._draft, path, REMOVE if shape.optional and not new_items else new_items)
            build()
            self._commit()
            if focus is not None:
                self._focus_button(buttons, focus)

        def add_item() -> None:
            items = value_at(self._draft, path)
            items = list(items) if isinstance(items, list) else []
            items.append(blank(item))
            change(items, None)
            boxes = list(items_box)
            fields = [e for e in boxes[-1].descendants() if isinstance(e, ValueElement)] if boxes else []
            if fields:
                _focus(fields[0])

        add.on_click(add_item)
        build()

    def _list_item(self, item: Shape, path: Path, index: int, count: int, entry: Any,
                   buttons: dict[tuple[str, int], ui.button], long: bool,
                   change: Callable[[list[Any], tuple[str, int] | None], None]) -> None:
        here = path + (index,)
        number = index + 1
        name = _("Item {count}", count=number)
        # A nested model gets its own titled box; any other item is one control (itself labelled).
        box = ui.element("fieldset") if item.kind == "model" else ui.column()
        with box.classes("w-full gap-1"):
            if item.kind == "model":
                TextElement(tag="legend", text=name)
                with ui.column().classes("w-full gap-3"):
                    self._fields(item.of, here)
            else:
                self._control(item, here, entry, name, None, long)
            with ui.row().classes("gap-2"):
                for kind, icon, words, step in (("up", "arrow_upward", N_("Move item {count} up"), -1),
                                                ("down", "arrow_downward", N_("Move item {count} down"), 1),
                                                ("remove", "delete", N_("Remove item {count}"), 0)):
                    text = _(words, count=number)
                    button = ui.button(icon=icon).props("flat round color=grey-9").mark(f"{kind}:{dotted(here)}")
                    button.props["aria-label"] = text
                    button.tooltip(text)
                    if kind == "up" and index == 0 or kind == "down" and index == count - 1:
                        button.disable()
                    button.on_click(lambda _e, step=step, kind=kind: self._move(path, index, step, kind, change))
                    buttons[(kind, index)] = button

    def _move(self, path: Path, index: int, step: int, kind: str,
              change: Callable[[list[Any], tuple[str, int] | None], None]) -> None:
        items = list(value_at(self._draft, path))
        if kind == "remove":
            items.pop(index)
            change(items, ("remove", min(index, len(items) - 1)) if items else ("add", -1))
            return
        target = index + step
        items[index], items[target] = items[target], items[index]
        change(items, (kind, target))

    @staticmethod
    def _focus_button(buttons: dict[tuple[str, int], ui.button], focus: tuple[str, int]) -> None:
        kind, index = focus
        other = {"up": "down", "down": "up"}.get(kind, "up")
        for key in ((kind, index), (other, index), ("remove", index), ("add", -1)):
            button = buttons.get(key)
            if button is not None and button.enabled:
                _focus(button)
                return

    # --- conditions: show only when an earlier answer … -----------------------------------------------

    def _condition(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        modes = {"always": _("Show always"), "when": _("Only when…")}
        with self._group(label, path, hint):
            if not self.questions:
                ui.label(_("There are no earlier questions to depend on.")).classes("text-body2")
                if not isinstance(value, dict):
                    del modes["when"]
            mode = ui.select(modes, label=_("When to show this"), value="when" if isinstance(value, dict) else "always")
            mode.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path)}.mode")
            details = ui.column().classes("w-full gap-3")

        def build() -> None:
            self._forget(path)
            details.clear()
            with details:
                self._condition_details(path)

        def mode_changed(e: Any) -> None:
            if e.value == "when" and not self.questions:
                mode.value = "always"  # nothing to depend on
                return
            if e.value == "when":
                first = next(iter(self.questions.values()))
                put_at(self._draft, path,
                       {"key": first.key, "op": "equals", "value": first.values[0] if first.values else ""})
            else:
                put_at(self._draft, path, REMOVE)
            build()
            self._commit()

        mode.on_value_change(mode_changed)
        build()

    def _condition_details(self, path: Path) -> None:
        condition = value_at(self._draft, path)
        if not isinstance(condition, dict):
            return
        key = condition.get("key", "")
        options = {q.key: f"{q.label} ({q.key})" for q in self.questions.values()}
        warning = ui.label().classes("text-negative").props("role=alert").mark(f"warning:{dotted(path)}")
        if key not in options:
            options[key] = _("{key} (not an earlier question)", key=key)
        question = ui.select(options, label=_("Question"), value=key)
        question.props("outlined stack-label hide-bottom-space").classes("w-full").mark(
            f"prop:{dotted(path + ('key',))}")
        self._input_sink(path + ("key",), question)
        ops = {"equals": _("is"), "contains": _("includes"), "answered": _("is answered")}
        op = ui.select(ops, label=_("Condition"), value=condition.get("op", "equals"))
        op.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path + ('op',))}")
        self._input_sink(path + ("op",), op)
        value_box = ui.column().classes("w-full")

        def show_warning() -> None:
            condition = value_at(self._draft, path)
            current = condition.get("key", "") if isinstance(condition, dict) else ""
            missing = current not in self.questions
            warning.text = _("This condition points at “{key}”, which is not an earlier question. "
                             "Choose a question, or show this always.", key=current) if missing else ""
            warning.set_visibility(missing)

        def build_value() -> None:
            self._sinks.pop(path + ("value",), None)
            value_box.clear()
            with value_box:
                self._condition_value(path)

        def key_changed(e: Any) -> None:
            current = dict(value_at(self._draft, path))
            ref = self.questions.get(e.value)
            current["key"] = e.value
            if current.get("op") != "answered" and ref is not None and ref.values is not None \
                    and current.get("value") not in ref.values:
                current["value"] = ref.values[0] if ref.values else ""
            put_at(self._draft, path, current)
            show_warning()
            build_value()
            self._commit()

        def op_changed(e: Any) -> None:
            current = dict(value_at(self._draft, path))
            current["op"] = e.value
            if e.value == "answered":
                current.pop("value", None)
            elif current.get("value") is None:
                ref = self.questions.get(current.get("key", ""))
                current["value"] = ref.values[0] if ref is not None and ref.values else ""
            put_at(self._draft, path, current)
            build_value()
            self._commit()

        question.on_value_change(key_changed)
        op.on_value_change(op_changed)
        show_warning()
        build_value()

    def _condition_value(self, path: Path) -> None:
        condition = value_at(self._draft, path)
        if condition.get("op") == "answered":
            return
        here = path + ("value",)
        ref = self.questions.get(condition.get("key", ""))
        current = condition.get("value") or ""
        if ref is not None and ref.values is not None:
            options = {v: v for v in ref.values}
            if current not in options:
                options[current] = _("{key} (not one of its answers)", key=current)
            element: ValidationElement[Any] = ui.select(options, label=_("Answer"), value=current)
        else:
            element = ui.input(label=_("Answer"), value=current)
        element.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(here)}")
        element.on_value_change(lambda e: self._edit(here, e.value or ""))
        self._input_sink(here, element)


def _focus(element: ui.element) -> None:
    """Move the keyboard focus to `element` (its first focusable part) once the browser has drawn it."""
    target = json.dumps(element.html_id)
    element.client.run_javascript(
        f"setTimeout(() => {{ const e = document.getElementById({target}); if (!e) return;"
        " const t = e.matches('input, textarea, button, [tabindex]') ? e"
        " : e.querySelector('input, textarea, button, [tabindex]:not([tabindex=\"-1\"])'); t?.focus(); }, 50)")

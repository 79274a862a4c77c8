"""The property panel: a form generated from a widget's (or the app's) pydantic model.

Each field's annotation picks its control, so a new widget type needs no editor code. Every edit is
validated by the model itself; pydantic's errors appear beside the field their `loc` points at, and
`on_change` hears only of data the model accepts. What staff typed stays in the inputs either way.

Controls carry markers for tests and callers: `prop:<dotted path>` on each control (a language or a
choice adds one more part: `prop:label.en`, `prop:languages.en`), `add:<path>`, `up:<path>.<n>`,
`down:<path>.<n>` and `remove:<path>.<n>` on list buttons, `error:<path>` on error texts of groups.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import inspect
import json
import re
import types
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from nicegui import background_tasks, ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.elements.mixins.validation_element import ValidationElement
from nicegui.elements.mixins.value_element import ValueElement
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from builder.i18n import _
from widgets import LANGS, N_, Condition, LocalizedText, Question, colour
from widgets.image import STAFF_INPUT

Path = tuple[str | int, ...]

# Language names as each language writes itself: staff pick the one they can read.
LANG_NAMES: dict[str, str] = {
    "ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어", "vi": "Tiếng Việt", "ja-x-easy": "やさしい日本語",
}

# Labels of fields that set no `title`, by field name.
LABELS: dict[str, str] = {
    "key": N_("Data name"),
    "label": N_("Label"),
    "hint": N_("Hint"),
    "required": N_("Answer required"),
    "show_if": N_("Show only when"),
    "options": N_("Choices"),
    "value": N_("Value"),
    "text": N_("Text"),
    "title": N_("Title"),
    "description": N_("Description"),
    "max_length": N_("Most characters"),
}

# Words for Literal values, so that a select reads as words rather than as stored codes.
VALUE_WORDS: dict[str, str] = {
    "info": N_("Information"), "warning": N_("Warning"), "emergency": N_("Emergency"),
    "birth": N_("Date of birth"), "other": N_("Other"),
    "none": N_("Not asked"), "optional": N_("Optional"), "required": N_("Required"),
    "form": N_("Form or survey"), "notice": N_("Notice page"), "reservation": N_("Reservation"),
    "consultation": N_("Consultation"),
}

# Polite words for pydantic's error types; {min} and {max} come from the error's context.
ERROR_WORDS: dict[str, str] = {
    "missing": N_("Fill this in"),
    "string_type": N_("Enter text"),
    "string_pattern_mismatch": N_("This is not in the expected form"),
    "string_too_short": N_("Enter at least {min} characters"),
    "string_too_long": N_("Enter {max} characters or fewer"),
    "too_short": N_("Give at least {min}"),
    "too_long": N_("Give no more than {max}"),
    "greater_than_equal": N_("Enter {min} or more"),
    "greater_than": N_("Enter more than {min}"),
    "less_than_equal": N_("Enter {max} or less"),
    "less_than": N_("Enter less than {max}"),
    "int_type": N_("Enter a whole number"),
    "int_parsing": N_("Enter a whole number"),
    "int_from_float": N_("Enter a whole number"),
    "float_type": N_("Enter a number"),
    "float_parsing": N_("Enter a number"),
    "bool_type": N_("Turn this on or off"),
    "date_type": N_("Enter a real date"),
    "date_parsing": N_("Enter a real date"),
    "date_from_datetime_parsing": N_("Enter a real date"),
    "literal_error": N_("Choose one of the options"),
    "extra_forbidden": N_("This setting is not known here"),
}

# Marks a field to be taken out of the data (an optional field left empty).
_REMOVE = object()
_MISSING = object()


@dataclass(frozen=True)
class QuestionRef:
    """An earlier question a condition may point at."""

    key: str
    label: str  # in the staff language, for the picker
    values: list[str] | None = None  # the stored values when it is a choice question, else None


def question_refs(questions: Iterable[Question], lang: str = "ja") -> list[QuestionRef]:
    """Refs for the given questions (the caller picks the earlier ones), labels in `lang`."""
    refs = []
    for q in questions:
        values = q.option_values() if callable(getattr(q, "option_values", None)) else None
        refs.append(QuestionRef(q.key, q.label.text(lang) or q.key, list(values) if values is not None else None))
    return refs


# --- what control a field gets ------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """What a field holds, as far as the panel cares.

    kind: text, colour, localized, number, switch, choice, choices (several of a Literal), date, condition,
    model, list or unknown. `of` is the Literal values, the nested model or the item's Shape.
    """

    kind: str
    optional: bool = False
    of: Any = None
    whole: bool = False  # a number that must be a whole number


def shape_of(annotation: Any) -> Shape:
    annotation = _unannotated(annotation)
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        members = get_args(annotation)
        rest = [_unannotated(a) for a in members if a is not type(None)]
        optional = len(rest) < len(members)
        if len(rest) != 1:
            if set(rest) <= {int, float}:
                return Shape("number", optional, whole=rest == [int])
            return Shape("unknown", optional)
        annotation = rest[0]
    origin = get_origin(annotation)
    if origin is Literal:
        return Shape("choice", optional, get_args(annotation))
    if origin is list:
        (item_type,) = get_args(annotation) or (Any,)
        item = shape_of(item_type)
        if item.kind == "choice" and not item.optional:
            return Shape("choices", optional, item.of)
        return Shape("unknown" if item.kind == "unknown" else "list", optional, item)
    if annotation is bool:
        return Shape("switch", optional)
    if annotation in (int, float):
        return Shape("number", optional, whole=annotation is int)
    if annotation is str:
        return Shape("text", optional)
    if annotation is dt.date:
        return Shape("date", optional)
    if isinstance(annotation, type) and issubclass(annotation, LocalizedText):
        return Shape("localized", optional)
    if isinstance(annotation, type) and issubclass(annotation, Condition):
        return Shape("condition", optional)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("model", optional, annotation)
    return Shape("unknown", optional)


def _unannotated(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def field_label(name: str, info: FieldInfo | None = None) -> str:
    if info is not None and info.title:
        return _(info.title)
    if name in LABELS:
        return _(LABELS[name])
    return _(name.replace("_", " ").capitalize())


def value_words(value: Any) -> str:
    if isinstance(value, str) and value in LANG_NAMES:
        return LANG_NAMES[value]
    if isinstance(value, str) and value in VALUE_WORDS:
        return _(VALUE_WORDS[value])
    return str(value).replace("_", " ").capitalize() if isinstance(value, str) else str(value)


def blank(shape: Shape) -> Any:
    """A new, empty value of a shape: what "add" puts at the end of a list."""
    if shape.kind == "model":
        return {name: blank(shape_of(info.annotation)) for name, info in shape.of.model_fields.items()
                if info.is_required()}
    return {"localized": {"ja": ""}, "text": "", "number": 0, "switch": False, "choices": [],
            "choice": shape.of[0] if shape.of else None, "list": []}.get(shape.kind)


def is_long(info: FieldInfo | None) -> bool:
    return _marked(info, "long")


def _marked(info: FieldInfo | None, mark: str) -> bool:
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get(mark))


def dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)


def _get(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return _MISSING
    return data


def _set(data: dict, path: Path, value: Any) -> None:
    *parents, last = path
    for part in parents:
        if isinstance(part, int):
            data = data[part]
        else:
            if not isinstance(data.get(part), dict | list):
                data[part] = {}
            data = data[part]
    if value is _REMOVE:
        if isinstance(data, dict):
            data.pop(last, None)  # type: ignore[arg-type]
    else:
        data[last] = value  # type: ignore[index]


def error_message(error: dict[str, Any], hint: str | None = None) -> str:
    """A pydantic error in polite words in the staff language; its own message when it has none."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        text = str(error.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return _(text)
    words = ERROR_WORDS.get(kind)
    if words is None:
        return str(error.get("msg", ""))
    low = next((ctx[k] for k in ("ge", "gt", "min_length") if k in ctx), "")
    high = next((ctx[k] for k in ("le", "lt", "max_length") if k in ctx), "")
    text = _(words, min=low, max=high) if "{" in words else _(words)
    if kind == "string_pattern_mismatch" and hint:
        text = f"{text}: {hint}"
    return text


# --- the panel ----------------------------------------------------------------------------------------

_styled: weakref.WeakSet = weakref.WeakSet()

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

    def __init__(self, model: type[BaseModel], data: dict, *, languages: Iterable[str],
                 questions: Iterable[QuestionRef], on_change: Callable[[dict], Any],
                 skip: Iterable[str] = ("type",)) -> None:
        self.model = model
        self._draft: dict = copy.deepcopy(data)
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
        _set(self._draft, path, value)
        self._commit()

    def _commit(self) -> None:
        valid = self._validate()
        if valid is None:
            return
        new_data = valid.model_dump(mode="json", exclude_none=True)
        for path, sync in self._syncs.items():
            normalised = _get(new_data, path)
            if normalised is not _MISSING and normalised != _get(self._draft, path):
                _set(self._draft, path, copy.deepcopy(normalised))
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
        if _marked(info, "colour"):  # a text field that holds a colour: typed, or picked
            shape = Shape("colour", shape.optional)
        value = _get(self._draft, path)
        if value is _MISSING:
            value = info.get_default(call_default_factory=True)
            value = None if value is PydanticUndefined else to_jsonable_python(value)
        hint = _(info.description) if info.description else None
        self._control(shape, path, value, field_label(name, info), hint, is_long(info))

    def _control(self, shape: Shape, path: Path, value: Any, label: str, hint: str | None, long: bool) -> None:
        if hint:
            self._hints[path] = hint
        build = getattr(self, f"_{shape.kind}")
        build(shape, path, value, label, hint, long)

    def _input_sink(self, path: Path, element: ValidationElement) -> None:
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
            self._edit(path, _REMOVE if shape.optional and not text else text)
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
            reading.text = (_("White text on it: {ratio}:1. Enough for older eyes (7:1 or more)", ratio=ratio) if enough
                            else _("White text on it: {ratio}:1. Too light: choose a darker colour (7:1 or more)", ratio=ratio))
            reading.classes(replace="text-body2 " + ("text-positive" if enough else "text-negative"))

        def changed(e: Any) -> None:
            text = (e.value or "").strip()
            show_contrast(text)
            self._edit(path, _REMOVE if shape.optional and not text else text)
        element.on_value_change(changed)
        show_contrast("" if value is None else str(value))

    @staticmethod
    def _text_input(label: str, value: str, long: bool, hint: str | None) -> ui.input:
        element = ui.textarea(label=label, value=value).props("autogrow") if long else ui.input(label=label, value=value)
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
        current = _get(self._draft, path)
        texts = {"ja": current} if isinstance(current, str) else dict(current) if isinstance(current, dict) else {}
        texts[lang] = text
        if shape.optional and not any(t.strip() for t in texts.values() if isinstance(t, str)):
            self._edit(path, _REMOVE)
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
                self._edit(path, _REMOVE if shape.optional else None)
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
        element.on_value_change(lambda e: self._edit(path, _REMOVE if shape.optional and e.value == "" else e.value))
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
        element.on_value_change(lambda e: self._edit(path, (e.value or _REMOVE) if shape.optional else e.value or ""))
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
            add = ui.button(_("Add to {label}", label=label), icon="add").props("outline no-caps color=grey-9").classes("self-start")
            add.mark(f"add:{dotted(path)}")

        def build() -> None:
            self._forget(path)
            buttons.clear()
            buttons[("add", -1)] = add
            items_box.clear()
            items = _get(self._draft, path)
            items = items if isinstance(items, list) else []
            with items_box:
                for index, entry in enumerate(items):
                    self._list_item(item, path, index, len(items), entry, buttons, long, change)

        def change(new_items: list, focus: tuple[str, int] | None) -> None:
            _set(self._draft, path, _REMOVE if shape.optional and not new_items else new_items)
            build()
            self._commit()
            if focus is not None:
                self._focus_button(buttons, focus)

        def add_item() -> None:
            items = _get(self._draft, path)
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
                   change: Callable[[list, tuple[str, int] | None], None]) -> None:
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
              change: Callable[[list, tuple[str, int] | None], None]) -> None:
        items = list(_get(self._draft, path))
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
                _set(self._draft, path, {"key": first.key, "op": "equals", "value": first.values[0] if first.values else ""})
            else:
                _set(self._draft, path, _REMOVE)
            build()
            self._commit()

        mode.on_value_change(mode_changed)
        build()

    def _condition_details(self, path: Path) -> None:
        condition = _get(self._draft, path)
        if not isinstance(condition, dict):
            return
        key = condition.get("key", "")
        options = {q.key: f"{q.label} ({q.key})" for q in self.questions.values()}
        warning = ui.label().classes("text-negative").props("role=alert").mark(f"warning:{dotted(path)}")
        if key not in options:
            options[key] = _("{key} (not an earlier question)", key=key)
        question = ui.select(options, label=_("Question"), value=key)
        question.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path + ('key',))}")
        self._input_sink(path + ("key",), question)
        ops = {"equals": _("is"), "contains": _("includes"), "answered": _("is answered")}
        op = ui.select(ops, label=_("Condition"), value=condition.get("op", "equals"))
        op.props("outlined stack-label hide-bottom-space").classes("w-full").mark(f"prop:{dotted(path + ('op',))}")
        self._input_sink(path + ("op",), op)
        value_box = ui.column().classes("w-full")

        def show_warning() -> None:
            condition = _get(self._draft, path)
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
            current = dict(_get(self._draft, path))
            ref = self.questions.get(e.value)
            current["key"] = e.value
            if current.get("op") != "answered" and ref is not None and ref.values is not None \
                    and current.get("value") not in ref.values:
                current["value"] = ref.values[0] if ref.values else ""
            _set(self._draft, path, current)
            show_warning()
            build_value()
            self._commit()

        def op_changed(e: Any) -> None:
            current = dict(_get(self._draft, path))
            current["op"] = e.value
            if e.value == "answered":
                current.pop("value", None)
            elif current.get("value") is None:
                ref = self.questions.get(current.get("key", ""))
                current["value"] = ref.values[0] if ref is not None and ref.values else ""
            _set(self._draft, path, current)
            build_value()
            self._commit()

        question.on_value_change(key_changed)
        op.on_value_change(op_changed)
        show_warning()
        build_value()

    def _condition_value(self, path: Path) -> None:
        condition = _get(self._draft, path)
        if condition.get("op") == "answered":
            return
        here = path + ("value",)
        ref = self.questions.get(condition.get("key", ""))
        current = condition.get("value") or ""
        if ref is not None and ref.values is not None:
            options = {v: v for v in ref.values}
            if current not in options:
                options[current] = _("{key} (not one of its answers)", key=current)
            element: ValidationElement = ui.select(options, label=_("Answer"), value=current)
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

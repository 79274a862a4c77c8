"""What the property panel reads of a pydantic model, without drawing anything: each field's shape
(which control edits it), its label and hint, the words for a value and for a validation error, and
getting and setting a value at a path inside the draft; also the questions a condition may point at."""
from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol, Union, get_args, get_origin, runtime_checkable

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from widgets import N_, Condition, LocalizedText, Question

from ...i18n import _

Path = tuple[str | int, ...]

# Language names as each language writes itself: staff pick the one they can read.
LANG_NAMES: dict[str, str] = {
    "ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어", "vi": "Tiếng Việt",
    "ja-x-easy": "やさしい日本語",
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
REMOVE = object()
MISSING = object()


@dataclass(frozen=True)
class QuestionRef:
    """An earlier question a condition may point at."""

    key: str
    label: str  # in the staff language, for the picker
    values: list[str] | None = None  # the stored values when it is a choice question, else None


@runtime_checkable
class WithOptions(Protocol):
    """A choice question: its options' stored values, in order."""

    def option_values(self) -> list[str]: ...


def question_refs(questions: Iterable[Question], lang: str = "ja") -> list[QuestionRef]:
    """Refs for the given questions (the caller picks the earlier ones), labels in `lang`."""
    return [QuestionRef(q.key, q.label.text(lang) or q.key,
                        list(q.option_values()) if isinstance(q, WithOptions) else None) for q in questions]


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
    return marked(info, "long")


def marked(info: FieldInfo | None, mark: str) -> bool:
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get(mark))


def dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)


def value_at(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return MISSING
    return data


def put_at(data: dict[str, Any], path: Path, value: Any) -> None:
    *parents, last = path
    node: Any = data  # a JSON tree: dicts and lists, walked by the path's names and indexes
    for part in parents:
        if isinstance(part, int):
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
    if value is REMOVE:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


def error_message(error: ErrorDetails, hint: str | None = None) -> str:
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

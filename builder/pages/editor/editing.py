"""One open editor's working copy of an app: the edits staff make, checked, undoable.

The working copy is the app's JSON (what `AppSpec.model_dump(mode="json")` gives). Every edit is a
function of that JSON; it is applied to a copy, the copy is validated as a whole `AppSpec`, and
only a valid result replaces the working copy and goes on the undo stack. No NiceGUI here: the
editor page calls these and shows the result.
"""

from __future__ import annotations

import copy
import time
import types
import typing
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from widgets import N_, REGISTRY, AppSpec, LocalizedText
from widgets.base import Question

UNDO_DEPTH = 200
TYPING_PAUSE = 1.5  # seconds: keystrokes closer together than this are one step of undo

Spec = dict[str, Any]
T = TypeVar("T")  # what an edit returns (an index, a position)


class EditRefused(Exception):
    """An edit that would break the app; `message` is an English msgid with {placeholders}."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Dependent:
    """A widget whose condition names a question."""

    page: int
    widget: int
    key: str  # the data key of the dependent question, or "" for content


class Editing:
    """The working copy, with undo and redo. `revision` is the stored revision it was saved as."""

    def __init__(self, spec: Spec, revision: int) -> None:
        self.spec = AppSpec.model_validate(spec).model_dump(mode="json", exclude_none=True)
        self.revision = revision
        self.undo_stack: list[Spec] = []
        self.redo_stack: list[Spec] = []
        self._typing_in: Hashable | None = None
        self._typed_at = 0.0

    # --- applying ---------------------------------------------------------------------------------

    def apply(self, change: Callable[[Spec], T], *, typing_in: Hashable | None = None) -> T:
        """Run `change` on a copy; keep the copy if it is a valid app. Returns what `change` returned.

        `typing_in` names what a keystroke edits (a widget, the settings): keystrokes into the same
        thing in quick succession are one step of undo, as in a word processor.
        """
        candidate = copy.deepcopy(self.spec)
        result = change(candidate)
        try:
            valid = AppSpec.model_validate(candidate).model_dump(mode="json", exclude_none=True)
        except ValidationError as error:
            raise EditRefused(N_("This change would make the app invalid: {detail}"),
                              detail=error.errors()[0]["msg"]) from error
        if valid != self.spec:
            now = time.monotonic()
            same_typing = (typing_in is not None and typing_in == self._typing_in
                           and now - self._typed_at < TYPING_PAUSE and bool(self.undo_stack))
            if not same_typing:
                self.undo_stack.append(self.spec)
                del self.undo_stack[:-UNDO_DEPTH]
            self._typing_in, self._typed_at = typing_in, now
            self.redo_stack.clear()
            self.spec = valid
        return result

    def undo(self) -> bool:
        self._typing_in = None
        if not self.undo_stack:
            return False
        self.redo_stack.append(self.spec)
        self.spec = self.undo_stack.pop()
        return True

    def redo(self) -> bool:
        self._typing_in = None
        if not self.redo_stack:
            return False
        self.undo_stack.append(self.spec)
        self.spec = self.redo_stack.pop()
        return True

    def replace(self, spec: Spec, revision: int) -> None:
        """Load someone else's saved version: the history no longer applies to it."""
        self.spec = AppSpec.model_validate(spec).model_dump(mode="json", exclude_none=True)
        self.revision = revision
        self.undo_stack.clear()
        self.redo_stack.clear()

    def app_spec(self) -> AppSpec:
        return AppSpec.model_validate(self.spec)

    # --- widgets ----------------------------------------------------------------------------------

    def widget(self, page: int, index: int) -> dict[str, Any]:
        widget: dict[str, Any] = self.spec["pages"][page]["widgets"][index]
        return widget

    def keys(self) -> set[str]:
        return {w["key"] for p in self.spec["pages"] for w in p["widgets"] if "key" in w}

    def add_widget(self, widget_type: str, page: int, at: int | None = None) -> int:
        """A new widget of `widget_type` on `page` at position `at` (the end by default): its index."""
        data = starter(widget_type, self.keys())

        def change(spec: Spec) -> int:
            widgets = spec["pages"][page]["widgets"]
            index = len(widgets) if at is None else max(0, min(at, len(widgets)))
            widgets.insert(index, data)
            return index

        return self.apply(change)

    def update_widget(self, page: int, index: int, data: dict[str, Any]) -> None:
        def change(spec: Spec) -> None:
            spec["pages"][page]["widgets"][index] = copy.deepcopy(data)

        self.apply(change, typing_in=("widget", page, index))

    def duplicate_widget(self, page: int, index: int) -> int:
        original = copy.deepcopy(self.widget(page, index))
        if "key" in original:
            original["key"] = fresh_key(original["key"], self.keys())

        def change(spec: Spec) -> int:
            spec["pages"][page]["widgets"].insert(index + 1, original)
            return index + 1

        return self.apply(change)

    def delete_widget(self, page: int, index: int) -> list[Dependent]:
        """Delete a widget; returns the widgets whose conditions named it (their conditions are removed)."""
        widgets = self.spec["pages"][page]["widgets"]
        if len(widgets) == 1:  # the page's only widget: the page goes with it
            if len(self.spec["pages"]) == 1:
                raise EditRefused(N_("An app needs at least one widget. Add another widget first"))
            return self.delete_page(page)
        key = widgets[index].get("key")
        dependents = self.dependents(key) if key else []

        def change(spec: Spec) -> None:
            del spec["pages"][page]["widgets"][index]
            for p in spec["pages"]:
                for w in p["widgets"]:
                    if key and (w.get("show_if") or {}).get("key") == key:
                        del w["show_if"]

        self.apply(change)
        return dependents

    def move_widget(self, page: int, index: int, to_page: int, to_index: int) -> tuple[int, int]:
        """Move a widget to position `to_index` of `to_page` (counted before the move); its new place."""
        if page == to_page and to_index in (index, index + 1):
            return page, index

        def change(spec: Spec) -> tuple[int, int]:
            widget = spec["pages"][page]["widgets"].pop(index)
            target = to_index - 1 if page == to_page and to_index > index else to_index
            widgets = spec["pages"][to_page]["widgets"]
            target = max(0, min(target, len(widgets)))
            widgets.insert(target, widget)
            if not spec["pages"][page]["widgets"]:  # its only widget left: a page cannot be empty
                del spec["pages"][page]
                return (to_page - 1 if to_page > page else to_page), target
            return to_page, target

        # A condition now pointing forward is not dropped: the checklist (lint) names it.
        return self.apply(change)

    def move_widget_by(self, page: int, index: int, step: int) -> tuple[int, int]:
        """Up (-1) or down (+1) one place; past the top or bottom of a page it moves to the next page."""
        widgets = self.spec["pages"][page]["widgets"]
        target = index + step
        if 0 <= target < len(widgets):
            return self.move_widget(page, index, page, target + (1 if step > 0 else 0))
        other = page + step
        if not 0 <= other < len(self.spec["pages"]):
            return page, index
        at = len(self.spec["pages"][other]["widgets"]) if step < 0 else 0
        return self.move_widget(page, index, other, at)

    # --- pages ------------------------------------------------------------------------------------

    def add_page(self, after: int | None = None) -> int:
        """A new page after `after` (at the end by default), with one blank short-text question."""
        data = starter("short_text", self.keys())

        def change(spec: Spec) -> int:
            at = len(spec["pages"]) if after is None else after + 1
            spec["pages"].insert(at, {"widgets": [data]})
            return at

        return self.apply(change)

    def duplicate_page(self, page: int) -> int:
        original = copy.deepcopy(self.spec["pages"][page])
        taken = self.keys()
        for w in original["widgets"]:
            if "key" in w:
                w["key"] = fresh_key(w["key"], taken)
                taken.add(w["key"])

        def change(spec: Spec) -> int:
            spec["pages"].insert(page + 1, original)
            return page + 1

        return self.apply(change)

    def delete_page(self, page: int) -> list[Dependent]:
        if len(self.spec["pages"]) == 1:
            raise EditRefused(N_("An app needs at least one page"))
        keys = {w["key"] for w in self.spec["pages"][page]["widgets"] if "key" in w}
        dependents = [d for key in keys for d in self.dependents(key) if d.page != page]

        def change(spec: Spec) -> None:
            del spec["pages"][page]
            for p in spec["pages"]:
                for w in p["widgets"]:
                    if (w.get("show_if") or {}).get("key") in keys:
                        del w["show_if"]

        self.apply(change)
        return dependents

    def move_page(self, page: int, step: int) -> int:
        target = page + step
        if not 0 <= target < len(self.spec["pages"]):
            return page

        def change(spec: Spec) -> int:
            spec["pages"].insert(target, spec["pages"].pop(page))
            return target

        return self.apply(change)

    def set_page_title(self, page: int, title: dict[str, str] | None) -> None:
        def change(spec: Spec) -> None:
            if title and any(title.values()):
                spec["pages"][page]["title"] = title
            else:
                spec["pages"][page].pop("title", None)

        self.apply(change, typing_in=("page", page))

    # --- app settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return {k: v for k, v in self.spec.items() if k != "pages"}

    def update_settings(self, data: dict[str, Any]) -> None:
        def change(spec: Spec) -> None:
            pages = spec["pages"]
            spec.clear()
            spec.update(copy.deepcopy(data))
            spec["pages"] = pages

        self.apply(change, typing_in=("settings",))

    # --- conditions -------------------------------------------------------------------------------

    def dependents(self, key: str) -> list[Dependent]:
        return [Dependent(p, w, widget.get("key", ""))
                for p, page in enumerate(self.spec["pages"]) for w, widget in enumerate(page["widgets"])
                if (widget.get("show_if") or {}).get("key") == key]

    def earlier_questions(self, page: int, index: int) -> list[Question]:
        """The questions a condition on the widget at (page, index) may name: those on earlier pages."""
        spec = self.app_spec()
        return [q for p in spec.pages[:page] for q in p.questions()]


# --- a fresh widget of any type, from its model alone ----------------------------------------------


def fresh_key(base: str, taken: set[str]) -> str:
    stem = base.rstrip("0123456789").rstrip("_") or "answer"
    n = 1
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"


def starter(widget_type: str, taken_keys: set[str]) -> dict[str, Any]:
    """The smallest valid widget of `widget_type`, built from its pydantic model: blank texts (the
    checklist asks for them), a fresh data key, and the fewest list items the model allows."""
    cls = REGISTRY[widget_type]
    data: dict[str, Any] = {"type": widget_type}
    for name, field in cls.model_fields.items():
        if name == "type" or not field.is_required():
            continue
        if name == "key":
            data["key"] = fresh_key(widget_type, taken_keys)
        else:
            data[name] = field.examples[0] if field.examples else _blank(field.annotation, name, field.metadata)
    return cls.model_validate(data).model_dump(mode="json", exclude_none=True)


def _blank(annotation: Any, name: str, metadata: list[Any], n: int = 1) -> Any:
    annotation = _unwrap(annotation)
    if annotation is LocalizedText:
        return {"ja": ""}
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin is list:
        (item,) = typing.get_args(annotation)
        least = max([getattr(m, "min_length", 0) or 0 for m in metadata] + [1])
        return [_blank(item, name, [], i + 1) for i in range(least)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {k: _blank(f.annotation, k, f.metadata, n) for k, f in annotation.model_fields.items()
                if f.is_required()}
    if annotation is bool:
        return False
    if annotation in (int, float):
        return 0
    return f"{name}_{n}"  # a text with a pattern (an option's value) takes a plain token


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation

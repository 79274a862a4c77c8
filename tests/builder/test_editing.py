"""The editor's working copy: each edit is checked as a whole app, undoable, and never loses a widget."""

from __future__ import annotations

import pytest

from builder.pages.editor import editing
from builder.pages.editor.editing import Editing, EditRefused, starter
from builder.templates_gallery import template
from widgets import REGISTRY, AppSpec, lint


def blank() -> Editing:
    return Editing({"slug": "x", "title": {"ja": "題"},
                    "pages": [{"widgets": [{"type": "short_text", "key": "answer_1", "label": {"ja": "問"}}]}]}, 1)


def types_on(e: Editing, page: int = 0) -> list[str]:
    return [w["type"] for w in e.spec["pages"][page]["widgets"]]


@pytest.mark.parametrize("widget_type", sorted(REGISTRY))
def test_every_widget_type_starts_valid_from_its_model_alone(widget_type):
    data = starter(widget_type, {"short_text_1"})
    assert REGISTRY[widget_type].model_validate(data).type == widget_type
    if "key" in data:
        assert data["key"] != "short_text_1"


def test_an_edit_that_would_break_the_app_is_refused_and_changes_nothing():
    e = blank()
    before = e.spec
    with pytest.raises(EditRefused):
        e.apply(lambda s: s["pages"][0]["widgets"][0].update(key="Not A Key"))
    assert e.spec == before and e.undo_stack == []


def test_undo_and_redo_walk_the_history_and_a_new_edit_clears_redo():
    e = blank()
    e.add_widget("paragraph", 0)
    e.add_page()
    assert len(e.spec["pages"]) == 2
    assert e.undo() and len(e.spec["pages"]) == 1
    assert e.undo() and types_on(e) == ["short_text"]
    assert not e.undo()
    assert e.redo() and types_on(e) == ["short_text", "paragraph"]
    e.add_widget("heading", 0, 0)
    assert not e.redo()


def test_keystrokes_into_one_widget_are_one_step_of_undo(monkeypatch):
    clock = iter([100.0, 100.3, 100.6, 105.0])
    monkeypatch.setattr(editing.time, "monotonic", lambda: next(clock))
    e = blank()
    original = e.spec
    for text in ("お", "お住", "お住まい"):
        widget = dict(e.widget(0, 0), label={"ja": text})
        e.update_widget(0, 0, widget)
    later = dict(e.widget(0, 0), label={"ja": "お住まいの地区"})
    e.update_widget(0, 0, later)  # after a pause: a step of its own
    assert e.undo() and e.widget(0, 0)["label"]["ja"] == "お住まい"
    assert e.undo() and e.spec == original


def test_a_duplicate_gets_its_own_data_name():
    e = blank()
    e.duplicate_widget(0, 0)
    keys = [w["key"] for w in e.spec["pages"][0]["widgets"]]
    assert len(set(keys)) == 2
    e.duplicate_page(0)
    assert len(e.keys()) == 4


def test_moving_within_and_across_pages():
    e = blank()
    e.add_widget("paragraph", 0)
    e.add_widget("heading", 0)
    assert e.move_widget(0, 2, 0, 0) == (0, 0)
    assert types_on(e) == ["heading", "short_text", "paragraph"]
    assert e.move_widget_by(0, 0, 1) == (0, 1)
    assert types_on(e) == ["short_text", "heading", "paragraph"]
    e.add_page()
    assert e.move_widget(0, 2, 1, 0) == (1, 0)
    assert types_on(e, 1)[0] == "paragraph"


def test_moving_the_only_widget_off_a_page_removes_the_empty_page():
    e = blank()
    e.add_page()
    assert e.move_widget(1, 0, 0, 0) == (0, 0)
    assert len(e.spec["pages"]) == 1 and len(e.spec["pages"][0]["widgets"]) == 2


def test_deleting_a_question_says_which_conditions_named_it_and_removes_them():
    e = Editing(template("citizen-survey").spec.model_dump(mode="json", exclude_none=True), 1)
    spec = e.app_spec()
    page, index, key = next((p, i, w.key) for p, pg in enumerate(spec.pages) for i, w in enumerate(pg.widgets)
                            if getattr(w, "key", None) and e.dependents(w.key))
    named = e.dependents(key)
    e.delete_widget(page, index)
    assert named and key not in e.keys()
    assert all((w.get("show_if") or {}).get("key") != key for p in e.spec["pages"] for w in p["widgets"])
    assert not [i for i in lint(e.app_spec()) if i.level == "error"]


def test_the_last_widget_and_the_last_page_cannot_be_deleted():
    e = blank()
    with pytest.raises(EditRefused):
        e.delete_widget(0, 0)
    with pytest.raises(EditRefused):
        e.delete_page(0)


def test_settings_change_everything_but_the_pages():
    e = blank()
    settings = e.settings() | {"kind": "notice", "languages": ["ja", "en", "ko"]}
    e.update_settings(settings)
    assert AppSpec.model_validate(e.spec).languages == ["ja", "en", "ko"]
    assert types_on(e) == ["short_text"]

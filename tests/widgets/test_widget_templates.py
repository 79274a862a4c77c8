"""Every widget renders its template: labels tied to their controls, values kept and escaped."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from widgets import REGISTRY, TEMPLATE_MSGIDS, WIDGET_TYPES, Question

SCRIPT = "<script>alert(1)</script>"
# What a typed field's input may be (never type="number": its wheel and arrows change what was typed), and
# the keyboards HTML knows.
TEXT_INPUTS = {"text", "email", "tel", "url", "search"}
INPUTMODES = {"none", "text", "decimal", "numeric", "tel", "search", "email", "url"}


def typed_controls(page):
    """The controls a resident types into (not the ones they tick or choose from)."""
    return [c for c in page.controls()
            if c["tag"] == "textarea" or (c["tag"] == "input" and c["attrs"].get("type") not in {"radio", "checkbox"})]


def test_every_widget_renders_and_escapes_an_error_message(sample, render, parse):
    html = render(sample, error=SCRIPT)
    assert "<script>" not in html
    if isinstance(sample, Question):
        assert "&lt;script&gt;" in html
        page = parse(html)
        error = page.by_id(f"{sample.key}-error")
        assert error is not None and SCRIPT in error["text"]


def test_the_question_is_the_one_h1_and_says_required_or_optional(question, render, parse):
    page = parse(render(question))
    (h1,) = page.find_all("h1")
    assert question.label.text("ja") in h1["text"]
    assert "(required)" in h1["text"]
    optional = question.model_copy(update={"required": False})
    assert "(optional)" in parse(render(optional)).find_all("h1")[0]["text"]


def test_without_as_heading_there_is_no_h1(question, render, parse):
    assert parse(render(question, as_heading=False)).find_all("h1") == []


def test_the_label_is_tied_to_the_first_control_or_the_group_has_a_legend(question, render, parse):
    page = parse(render(question))
    first = page.by_id(question.first_field_id())
    assert first is not None and first["tag"] in {"input", "select", "textarea"}
    if question.is_group:
        (fieldset,) = page.find_all("fieldset")
        (legend,) = page.find_all("legend")
        assert question.label.text("ja") in legend["text"]
    else:
        (label,) = [e for e in page.find_all("label", **{"for": question.first_field_id()})]
        assert question.label.text("ja") in label["text"]


def test_every_control_has_a_label_and_a_name_it_reads(question, render, parse):
    page = parse(render(question))
    controls = page.controls()
    assert controls
    for control in controls:
        assert page.find_all("label", **{"for": control["attrs"]["id"]}), control
        assert control["attrs"]["name"] in question.fields()
    ids = [c["attrs"]["id"] for c in controls]
    assert len(ids) == len(set(ids))


def test_an_error_marks_the_controls_invalid_and_describes_them(question, render, parse):
    page = parse(render(question, error="エラー"))
    described = " ".join(e["attrs"].get("aria-describedby") or "" for e in page.elements)
    assert f"{question.key}-error" in described.split()
    assert any(c["attrs"].get("aria-invalid") == "true" for c in page.controls())
    assert not any(c["attrs"].get("aria-invalid") for c in parse(render(question)).controls())


def test_a_hint_describes_the_question(render, parse):
    page = parse(render({"type": "short_text", "key": "town", "label": "町名", "hint": "例：末永町"}))
    assert page.by_id("town-hint")["text"] == "例：末永町"
    assert page.by_id("f-town")["attrs"]["aria-describedby"] == "town-hint"


def test_what_the_resident_typed_comes_back_escaped(question, render, parse):
    raw = {name: [SCRIPT] for name in question.fields()}
    html = render(question, raw=raw, error="エラー")
    assert "<script>" not in html
    for control in typed_controls(parse(html)):
        assert (control["text"] if control["tag"] == "textarea" else control["attrs"]["value"]) == SCRIPT, control


def test_a_typed_value_is_kept_when_the_page_comes_back(question, render, parse):
    for control in typed_controls(parse(render(question))):
        name = control["attrs"]["name"]
        page = parse(render(question, raw={name: ["０１４２ー２３"]}))
        (kept,) = [c for c in page.controls() if c["attrs"]["name"] == name]
        assert (kept["text"] if kept["tag"] == "textarea" else kept["attrs"]["value"]) == "０１４２ー２３", name


def test_chosen_options_stay_chosen(render, parse):
    page = parse(render({"type": "multiple_choice", "key": "used", "label": "利用", "options": [
        {"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]},
        raw={"used": ["a", "c"]}))
    assert [c["attrs"]["value"] for c in page.controls() if "checked" in c["attrs"]] == ["a", "c"]
    page = parse(render({"type": "dropdown", "key": "d", "label": "地区", "options": [
        {"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}, raw={"d": ["b"]}))
    assert [o["attrs"]["value"] for o in page.find_all("option") if "selected" in o["attrs"]] == ["b"]
    page = parse(render({"type": "yes_no", "key": "t", "label": "困りましたか"}, raw={"t": ["no"]}))
    assert [c["attrs"]["value"] for c in page.controls() if "checked" in c["attrs"]] == ["no"]
    page = parse(render({"type": "rating", "key": "s", "label": "満足度"}, raw={"s": ["2"]}))
    assert [c["attrs"]["value"] for c in page.controls() if "checked" in c["attrs"]] == ["2"]
    page = parse(render({"type": "consent", "key": "ok", "label": "同意", "statement": "同意します"},
                        raw={"ok": ["yes"]}))
    assert "checked" in page.controls()[0]["attrs"]


def test_radios_and_checkboxes_are_real_visible_inputs_with_big_labels(question, render, parse):
    for control in parse(render(question)).controls():
        if control["attrs"].get("type") in {"radio", "checkbox"}:
            assert control["attrs"]["class"] == "choice-input"
            assert "hidden" not in control["attrs"]


@pytest.mark.parametrize(
    "field_type, tokens",
    [("name", {"name"}), ("phone", {"tel"}), ("email", {"email"}), ("postal_code", {"postal-code"}),
     ("date", {"bday-year", "bday-month", "bday-day"})],
)
def test_personal_data_fields_say_their_autocomplete_token(field_type, tokens, registered_samples, render, parse):
    page = parse(render(registered_samples[field_type]))
    assert {c["attrs"]["autocomplete"] for c in page.controls() if c["attrs"].get("autocomplete")} == tokens
    assert REGISTRY[field_type].autocomplete in tokens | {None}


def test_a_date_that_is_not_a_birthday_has_no_bday_autocomplete(render, parse):
    page = parse(render({"type": "date", "key": "day", "label": "希望日"}))
    assert not any(c["attrs"].get("autocomplete") for c in page.controls())
    assert page.by_id("f-day-era")["tag"] == "select"
    assert [o["attrs"]["value"] for o in page.find_all("option") if "selected" in o["attrs"]] == ["western"]


@pytest.mark.parametrize(
    "field_type, input_type, inputmode",
    [("email", "email", None), ("phone", "tel", None), ("postal_code", "text", "numeric"),
     ("number", "text", "numeric"), ("short_text", "text", None), ("name", "text", None)],
)
def test_inputs_have_the_right_type_and_keyboard(field_type, input_type, inputmode, registered_samples, render, parse):
    control = parse(render(registered_samples[field_type])).controls()[0]
    assert control["attrs"]["type"] == input_type
    assert control["attrs"].get("inputmode") == inputmode


def test_every_typed_field_is_text_with_a_real_keyboard_and_says_its_autocomplete(question, render, parse):
    page = parse(render(question))
    for control in typed_controls(page):
        if control["tag"] == "input":
            assert control["attrs"].get("type") in TEXT_INPUTS, control
        assert control["attrs"].get("inputmode") in INPUTMODES | {None}, control
    if question.autocomplete:
        assert question.autocomplete in {c["attrs"].get("autocomplete") for c in page.controls()}


def test_a_number_shows_its_unit_beside_the_field(registered_samples, render, parse):
    page = parse(render(registered_samples["number"]))
    assert page.by_id("people-unit")["text"] == "人"
    assert "people-unit" in page.by_id("f-people")["attrs"]["aria-describedby"].split()


def test_the_name_reading_field_has_its_own_label(render, parse):
    page = parse(render({"type": "name", "key": "n", "label": "お名前", "reading": "required"}))
    (label,) = page.find_all("label", **{"for": "f-n-reading"})
    assert "Reading (in kana)" in label["text"] and "(required)" in label["text"]
    assert len(parse(render({"type": "name", "key": "n", "label": "お名前"})).controls()) == 1


def test_content_widgets_in_english_fall_back_to_japanese_with_a_lang_attribute(render, parse):
    html = render({"type": "paragraph", "text": {"ja": "日本語だけです。"}}, lang="en")
    assert parse(html).find_all("div")[0]["attrs"] == {"class": "prose", "lang": "ja"}
    html = render({"type": "paragraph", "text": {"ja": "日本語", "en": "English"}}, lang="en")
    assert "English" in html and 'lang="ja"' not in html
    img = parse(render({"type": "image", "src": "https://www.city.example.jp/a.png", "alt": "地図"},
                       lang="en")).find_all("img")[0]
    assert img["attrs"]["alt"] == "地図" and img["attrs"]["lang"] == "ja"


def test_template_strings_are_all_listed_for_the_catalogs():
    from widgets.templates import MACROS

    sources = MACROS + "".join(cls.template for cls in WIDGET_TYPES)
    literal = set(re.findall(r"_\('([^']+)'\)", sources))
    assert literal <= set(TEMPLATE_MSGIDS)
    # …and each listed string is still used, as a literal or as a word a template passes to _().
    assert [m for m in TEMPLATE_MSGIDS if f"'{m}'" not in sources] == []


def test_paragraph_html_is_markup_not_a_string_to_escape(registered_samples):
    from widgets import widget_adapter

    assert isinstance(widget_adapter.validate_python(registered_samples["paragraph"]).html("ja"), Markup)

"""The slot picker: a week of a facility's times as large radio buttons, and the booked time in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from widgets import AppSpec, Invalid, lint, widget_adapter
from widgets.slot_picker import day_label, slot_words

from .conftest import SAMPLE_PICKER

JST = ZoneInfo("Asia/Tokyo")
PICKER = {"type": "slot_picker", "key": "slot", "label": "使う日と時間", "resource": 1}


def test_only_open_times_are_buttons_and_full_ones_say_so_in_words(render, parse):
    page = parse(render(PICKER, picker=SAMPLE_PICKER))
    radios = [c for c in page.controls() if c["attrs"].get("type") == "radio"]
    assert [r["attrs"]["value"] for r in radios] == ["7", "9"]
    assert radios[0]["attrs"]["id"] == "f-slot"  # the error summary links to the first open time
    html = render(PICKER, picker=SAMPLE_PICKER)
    assert "満員" in html and "残り3" in html and "No times on this day" in html
    assert [a["attrs"]["href"] for a in page.find_all("a")] == ["/a/gym/p/1?week=2026-12-12"]


def test_each_time_is_named_with_its_day_as_well_as_its_hours(render, parse):
    """Arrowing between the radios a screen reader reads only each one's name, never the day's heading
    (issue 18): the day is in the label, for the screen reader only."""
    page = parse(render(PICKER, picker=SAMPLE_PICKER))
    labels = [page.find_all("label", **{"for": r["attrs"]["id"]})[0] for r in page.controls()]
    assert [" ".join(label["text"].split()) for label in labels] == ["12月5日（土） 10:00〜12:00 残り3",
                                                                      "12月5日（土） 15:00〜17:00 残り1"]
    assert all(e["attrs"]["class"] == "visually-hidden" for e in page.find_all("span") if e["text"] == "12月5日（土） ")


def test_the_chosen_time_stays_chosen_and_a_week_without_times_says_so(render, parse):
    chosen = parse(render(PICKER, raw={"slot": ["9"]}, picker=SAMPLE_PICKER))
    assert [c["attrs"]["value"] for c in chosen.controls() if "checked" in c["attrs"]] == ["9"]
    empty = {**SAMPLE_PICKER, "days": [{"iso": "2026-12-05", "label": "12月5日（土）", "slots": []}]}
    page = parse(render(PICKER, picker=empty))
    assert page.controls() == [] and "Look at another week" in page.by_id("f-slot")["text"]


def test_a_facility_that_cannot_be_booked_asks_the_resident_to_call(render, parse):
    page = parse(render(PICKER, picker={"unavailable": True}))
    assert page.controls() == [] and "Please call us" in page.by_id("f-slot")["text"]


@pytest.mark.parametrize("raw", [["abc"], ["-1"], ["1" * 13], ["1", "2"]])
def test_anything_but_one_slot_number_is_refused(raw):
    picker = widget_adapter.validate_python(PICKER)
    with pytest.raises(Invalid):
        picker.read({"slot": raw})


def test_the_booked_time_reads_in_words_with_weekday_and_era(ja, en):
    picker = widget_adapter.validate_python(PICKER)
    answer = {"slot": 7, "starts_at": dt.datetime(2026, 12, 5, 10, 0, tzinfo=JST).isoformat(),
              "ends_at": dt.datetime(2026, 12, 5, 12, 0, tzinfo=JST).isoformat()}
    assert picker.display(answer, ja) == "令和8年（2026年）12月5日（土）10:00〜12:00"
    assert picker.display(answer, en) == "Saturday 5 December 2026 (Reiwa 8), 10:00 to 12:00"
    assert picker.to_raw(answer) == {"slot": ["7"]}
    assert day_label(dt.date(2027, 1, 1), "ja") == "1月1日（金）"
    assert slot_words(dt.datetime(2019, 4, 30, 9, 0), dt.datetime(2019, 4, 30, 10, 0), "ja").startswith("平成31年")


def test_an_app_that_takes_bookings_needs_a_name_and_a_phone_question():
    spec = AppSpec.model_validate({"slug": "gym", "kind": "reservation", "title": "体育館の予約",
                                   "pages": [{"widgets": [PICKER]}]})
    codes = {i.code for i in lint(spec) if i.level == "error"}
    assert {"booking-without-name", "booking-without-phone"} <= codes
    spec.pages.append(spec.pages[0].model_validate({"widgets": [{"type": "name", "key": "name", "label": "お名前"}]}))
    spec.pages.append(spec.pages[0].model_validate(
        {"widgets": [{"type": "phone", "key": "phone", "label": "電話番号"}]}))
    codes = {i.code for i in lint(spec) if i.level == "error"}
    assert not codes & {"booking-without-name", "booking-without-phone"}


def test_a_slot_picker_must_name_a_facility_taking_bookings_where_they_are_known():
    spec = AppSpec.model_validate({"slug": "gym", "kind": "reservation", "title": "体育館の予約", "pages": [
        {"widgets": [{"type": "name", "key": "name", "label": "お名前"}]},
        {"widgets": [{"type": "phone", "key": "phone", "label": "電話番号"}]},
        {"widgets": [{"type": "heading", "text": "日時"}, {**PICKER, "resource": 7}]}]})
    assert "booking-unknown-facility" not in {i.code for i in lint(spec)}  # not known: not checked
    assert "booking-unknown-facility" not in {i.code for i in lint(spec, {7, 8})}
    [issue] = [i for i in lint(spec, {1, 2}) if i.code == "booking-unknown-facility"]
    assert (issue.level, issue.page, issue.widget, issue.key, issue.params) == ("error", 2, 1, "slot", {"number": 7})

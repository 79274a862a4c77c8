"""What a resident does on a page, with JavaScript off: fill in the visible controls, press a button."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# A date typed as 西暦 year, month, day: a date of birth, or any date when a future one was refused.
PAST_DATE = dt.date(1950, 3, 4)
DATE_PART = re.compile(r"(?:bday-|-)(year|month|day)$")
DATE_LABEL = {"年": "year", "月": "month", "日": "day"}

# Plausible answers, chosen by what a field says it is (autocomplete, type, name, label).
ANSWERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"email|メール"), "hanako.date@example.jp"),
    (re.compile(r"\btel\b|phone|電話"), "0142-23-3331"),
    (re.compile(r"postal|zip|郵便"), "052-0021"),
    (re.compile(r"reading|kana|ふりがな|フリガナ|よみ"), "だて はなこ"),
    (re.compile(r"\bname\b|氏名|名前"), "伊達 花子"),
    (re.compile(r"address|street|住所"), "北海道伊達市鹿島町20-1"),
    (re.compile(r"numeric|decimal|number|数"), "3"),
]
TEXT_ANSWER = "特にありません"
LONG_TEXT_ANSWER = "バスの本数が増えると、病院へ通いやすくなります。"

FIELD_INFO = """(e) => ({
  tag: e.tagName.toLowerCase(),
  type: (e.getAttribute('type') || '').toLowerCase(),
  name: e.name || '', id: e.id || '',
  autocomplete: e.getAttribute('autocomplete') || '', inputmode: e.getAttribute('inputmode') || '',
  label: [...(e.labels || [])].map((l) => l.textContent.trim()).join(' '),
  value: e.value || '', checked: !!e.checked,
  trap: !!e.closest('[aria-hidden="true"]'),
})"""


def future_date() -> dt.date:
    return dt.date.today() + dt.timedelta(days=21)


def date_part(info: dict[str, Any], label: str) -> str | None:
    for key in (info["autocomplete"], info["name"], info["id"]):
        found = DATE_PART.search(key.lower())
        if found:
            return found.group(1)
    return DATE_LABEL.get(label)


def answer_for(info: dict[str, Any], past_dates: bool = False) -> str:
    """What a resident would type into this field. Dates of birth (bday-*) are in 1950; other dates
    three weeks ahead, unless `past_dates` (the form refused a future one)."""
    if info["tag"] == "textarea":
        return LONG_TEXT_ANSWER
    if info["type"] == "email":
        return "hanako.date@example.jp"
    if info["type"] == "tel":
        return "0142-23-3331"
    if info["type"] == "number":
        return "3"
    # The label is stripped of its "(required)" marker before it is matched, so that 必須 does not count.
    label = re.sub(r"[（(].*?[)）]", "", info["label"]).strip()
    part = date_part(info, label)
    if part:
        birth = info["autocomplete"].startswith("bday")
        date = PAST_DATE if birth or past_dates else future_date()
        return str(getattr(date, part))
    for key in (info["autocomplete"], info["name"], info["id"], label, info["inputmode"]):
        for pattern, value in ANSWERS:
            if key and pattern.search(key.lower()):
                return value
    return TEXT_ANSWER


def question_form(page: Any) -> Any:
    return page.locator("main form[method=post], main form[method=POST]").first


def fill_in(page: Any, *, past_dates: bool = False, again: bool = False) -> list[str]:
    """Answer every visible control of the page's form; returns what was done, for messages.

    Fields that already hold a value are left alone, unless `again` (the answers were refused).
    """
    done: list[str] = []
    seen_groups: set[str] = set()
    controls = question_form(page).locator("input, select, textarea")
    for i in range(controls.count()):
        control = controls.nth(i)
        info = control.evaluate(FIELD_INFO)
        # Hidden fields, and the honeypot (hidden from people, so a person never fills it in).
        if info["type"] in {"hidden", "submit", "button", "reset", "image"} or info["trap"]:
            continue
        if not control.is_visible():
            continue
        if info["type"] in {"radio", "checkbox"}:
            # The first choice of each group; for a single check box (consent) that is ticking it.
            if info["name"] in seen_groups:
                continue
            seen_groups.add(info["name"])
            group = question_form(page).locator(f"input[name='{info['name']}']")
            if not again and any(group.nth(j).is_checked() for j in range(group.count())):
                continue
            control.check()
            done.append(f"{info['type']} {info['name']}: first choice")
        elif info["tag"] == "select":
            done.append(f"select {info['name']}: {_choose(control, info)}")
        elif again or not info["value"]:
            value = answer_for(info, past_dates)
            control.fill(value)
            done.append(f"{info['tag']} {info['name']}: {value}")
    return done


def _choose(select: Any, info: dict[str, Any]) -> str:
    options = select.evaluate("(s) => [...s.options].map((o) => ({value: o.value, text: o.textContent.trim()}))")
    if info["name"].endswith("-era") or any("西暦" in o["text"] for o in options):
        for option in options:
            if "西暦" in option["text"] or option["value"] in {"western", "seireki", "ad"}:
                select.select_option(value=option["value"])
                return option["text"]
    if info["value"] and not info["name"].endswith("-era"):
        return "kept " + info["value"]
    first = next((o for o in options if o["value"]), None)
    assert first is not None, f"select {info['name']} has nothing to choose"
    select.select_option(value=first["value"])
    return first["text"]


def press_continue(page: Any) -> Any:
    """Press the form's submit button; returns the response to the POST (before any redirect)."""
    button = question_form(page).locator("button[type=submit], button:not([type]), input[type=submit]").last
    with page.expect_response(lambda r: r.request.method == "POST" and r.request.resource_type == "document") as posted:
        with page.expect_navigation(wait_until="load"):
            button.click()
    return posted.value

"""What a resident does on a page, with JavaScript off: fill in the visible controls, press a button."""

from __future__ import annotations

import re
from typing import Any

# Plausible answers, chosen by what a field says it is (autocomplete, type, name, label).
ANSWERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"bday-year|-year$|^年$"), "1950"),
    (re.compile(r"bday-month|-month$|^月$"), "3"),
    (re.compile(r"bday-day|-day$|^日$"), "4"),
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


def answer_for(info: dict[str, Any]) -> str:
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
    for key in (info["autocomplete"], info["name"], info["id"], label, info["inputmode"]):
        for pattern, value in ANSWERS:
            if key and pattern.search(key.lower()):
                return value
    return TEXT_ANSWER


def question_form(page: Any) -> Any:
    return page.locator("main form[method=post], main form[method=POST]").first


def fill_in(page: Any) -> list[str]:
    """Answer every visible control of the page's form; returns what was done, for messages."""
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
            if any(group.nth(j).is_checked() for j in range(group.count())):
                continue
            control.check()
            done.append(f"{info['type']} {info['name']}: first choice")
        elif info["tag"] == "select":
            done.append(f"select {info['name']}: {_choose(control, info)}")
        elif not info["value"]:
            value = answer_for(info)
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
    if info["value"]:
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

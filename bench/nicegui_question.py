"""The demo survey's first question, built with NiceGUI components: the peer in bench/page_weight.py.

Run: python bench/nicegui_question.py PORT  (serves it at http://127.0.0.1:PORT/)
"""

from __future__ import annotations

import sys

from benchlib import first_question, survey
from nicegui import ui

SPEC = survey()
NUMBER, QUESTION = first_question(SPEC)


def ja(text: dict[str, str] | None) -> str:
    return (text or {}).get("ja", "")


@ui.page("/")
def question_page() -> None:
    contact = SPEC.get("contact", {})
    ui.label(ja(SPEC["title"])).classes("text-h6")
    ui.link("戻る", "/")
    ui.label(f"質問 {NUMBER} / {len(SPEC['pages'])}")
    ui.label(ja(QUESTION["label"])).classes("text-h4")
    if QUESTION.get("hint"):
        ui.label(ja(QUESTION["hint"]))
    ui.radio({o["value"]: ja(o["label"]) for o in QUESTION.get("options", [])})
    ui.button("次へ進む").classes("w-full")
    with ui.card():
        ui.label("お困りのときは").classes("text-h6")
        ui.label(ja(contact.get("department")))
        ui.link(contact.get("phone", ""), f"tel:{contact.get('phone', '')}")
        ui.label(ja(contact.get("hours")))
        ui.label(ja(contact.get("place")))


if __name__ in {"__main__", "__mp_main__"}:
    ui.run(host="127.0.0.1", port=int(sys.argv[1]), title=ja(QUESTION["label"]), language="ja",
           show=False, reload=False, show_welcome_message=False)

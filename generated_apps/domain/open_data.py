"""A survey's results as open data: its counts at a public address, as JSON and CSV, under a licence.

An admin publishes them (a form or survey only, never a consultation or a booking) and may stop at any
time; both are audited. What is published, and what never is:

- the total, and for each choice question (single, multiple, dropdown, yes/no) the count of each option,
  and for each number and rating question its histogram; labels are the newest version's, in Japanese;
- never a text question (short or long text, name, address, phone, email, date …): not its answers, not even
  how many residents answered it. Free text is never published;
- never the counts per day or per access point: in a small survey the day someone sent the form, or the
  counter they stood at, can say who they are.

Suppression, so that no resident can be singled out: every count from 1 to SUPPRESSED_BELOW - 1 is withheld
(null in JSON, an empty cell with a note in CSV). A count withheld alone in a question could be worked out
from the total and the other counts, so further counts of the question are withheld, the smallest non-zero
first, until at least two are withheld and the withheld ones add up to SUPPRESSED_BELOW or more (two withheld
1s would otherwise both be known). Zero stays 0: nobody is singled out by a zero. A survey with fewer than
SUPPRESSED_BELOW submissions publishes no count at all, its total included.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from generated_apps.domain.apps import Apps
from generated_apps.domain.errors import Refused
from generated_apps.domain.exports import neutralise
from generated_apps.domain.i18n import Translator
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import App, AppVersion, AuditEvent, as_utc
from generated_apps.domain.specs import readable_spec
from generated_apps.domain.store import Store
from generated_apps.domain.summary import COUNTED_TYPES, Summary, summarise
from widgets import N_, REGISTRY, AppSpec, Question

SUPPRESSED_BELOW = 5
DEFAULT_LICENCE = "CC BY 4.0"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
LICENCE_MAX = 100
SUPPRESSION_RULE = N_("Counts from 1 to 4 are not published (null), nor counts that would let them be worked "
                      "out from the others. Free-text answers are never published.")
WITHHELD = N_("Not published: fewer than 5, or would reveal one that is")
TOTAL = N_("All submissions")
CSV_HEADINGS = (N_("Question key"), N_("Question"), N_("Value"), N_("Answer"), N_("Count"), N_("Note"),
                N_("Licence"))


class OpenDataRefused(Refused):
    """Publishing a survey's results refused: `msgid` says why."""


COUNTED = COUNTED_TYPES  # the questions open data publishes counts of (charted by choice or in a histogram)
# The questions that ask who the resident is: asked by an application, never by a survey (each type says so).
IDENTIFYING = frozenset(name for name, cls in REGISTRY.items()
                        if issubclass(cls, Question) and cls.identifies_submitter)


def offered(store: Store, app: App | None) -> bool:
    """Open data makes sense for a survey: a form whose newest version (its draft, before it is published) has
    a choice, number or rating question to count and asks nobody who they are."""
    if app is None or app.kind != "form":
        return False
    assert app.id is not None  # read from the database
    versions = [v for v in Apps(store).versions(app.id) if v.cancelled_at is None]
    spec: AppSpec | None
    if versions:
        newest = max(versions, key=lambda v: v.number).id
        assert newest is not None  # read from the database
        spec = LiveApps(store).version_spec(newest)
    else:
        spec = readable_spec(app.draft_spec)
    if spec is None:  # a draft that cannot be read: its editor restores it first
        return False
    types = {q.type for q in spec.questions()}
    return bool(types & COUNTED) and not types & IDENTIFYING


def is_published(app: App) -> bool:
    return app.open_data_at is not None


def urls(public_url: str, slug: str) -> dict[str, str]:
    base = f"{public_url.rstrip('/')}/a/{slug}/open-data"
    return {"json": f"{base}.json", "csv": f"{base}.csv"}


def publish(store: Store, app_id: int, by: str, licence: str = DEFAULT_LICENCE) -> App:
    """Publish the survey's counts under `licence` (again, with another licence, if already published)."""
    licence = _plain_line(licence or "")
    if not licence:
        raise OpenDataRefused(N_("Name the licence, such as CC BY 4.0"))
    if len(licence) > LICENCE_MAX:
        raise OpenDataRefused(N_("The licence must be {max} characters or fewer"), max=LICENCE_MAX)
    with store.session() as s:
        app = s.get(App, app_id)
        if app is None:
            raise OpenDataRefused(N_("There is no such app. It may have been deleted."))
        if app.kind != "form":
            raise OpenDataRefused(N_("Only the results of a form or survey can be published as open data"))
        if not offered(store, app):
            raise OpenDataRefused(N_("Only a survey's results can be published as open data: this form asks "
                                     "residents who they are, or has nothing to count"))
        now = store.now()
        versions = s.exec(select(AppVersion.published_at).where(AppVersion.app_id == app_id,
                                                                col(AppVersion.cancelled_at).is_(None))).all()
        if not any(as_utc(at) <= now for at in versions):
            raise OpenDataRefused(N_("Publish the survey first: it has no results yet"))
        before = app.open_data_licence
        app.open_data_licence, app.open_data_at, app.open_data_by = licence, now, by
        s.add(app)
        s.add(AuditEvent(actor=by, action="open_data.publish", app_id=app_id, target=app.slug, at=now,
                         detail={"licence": licence, **({"was": before} if before else {})}))
        s.commit()
        s.refresh(app)
        return app


def unpublish(store: Store, app_id: int, by: str) -> App:
    """Take the survey's counts off the public address; they may be published again later."""
    with store.session() as s:
        app = s.get(App, app_id)
        if app is None or not is_published(app):
            raise OpenDataRefused(N_("The results of this survey are not published as open data"))
        licence = app.open_data_licence
        app.open_data_licence = app.open_data_at = app.open_data_by = None
        s.add(app)
        s.add(AuditEvent(actor=by, action="open_data.unpublish", app_id=app_id, target=app.slug,
                         at=store.now(), detail={"licence": licence}))
        s.commit()
        s.refresh(app)
        return app


def _plain_line(text: str) -> str:
    """The licence as the admin wrote it (full-width brackets and all), on one line, without control characters."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).split())


def suppress(counts: list[int]) -> list[int | None]:
    """One question's counts as published: see the module's docstring."""
    shown: list[int | None] = [c if c == 0 or c >= SUPPRESSED_BELOW else None for c in counts]
    withheld = [i for i, c in enumerate(shown) if c is None]
    while withheld and (len(withheld) < 2 or sum(counts[i] for i in withheld) < SUPPRESSED_BELOW):
        still_shown = [i for i, c in enumerate(shown) if c]  # non-zero, not yet withheld
        if not still_shown:
            break
        smallest = min(still_shown, key=lambda i: counts[i])
        shown[smallest] = None
        withheld.append(smallest)
    return shown


def document(store: Store, app: App, time_zone: str = "Asia/Tokyo") -> dict[str, Any]:
    """The published results of `app` (in Japanese), from the submissions as they are now."""
    assert app.id is not None  # read from the database
    summary = summarise(store, app.id, time_zone=time_zone, lang="ja")
    return _document(store, app, summary, time_zone)


def _document(store: Store, app: App, summary: Summary, time_zone: str) -> dict[str, Any]:
    zone = ZoneInfo(time_zone)
    enough = summary.total >= SUPPRESSED_BELOW
    questions = []
    for question in summary.questions:
        if question.kind == "text":
            continue  # free text is never published, nor how many wrote some
        counts = suppress([c.count for c in question.counts]) if enough else [None] * len(question.counts)
        questions.append({"key": question.key, "label": question.label, "type": question.type,
                          "options": [{"value": c.value, "label": c.label, "count": n}
                                      for c, n in zip(question.counts, counts, strict=True)]})
    assert app.id is not None  # read from the database
    state = Apps(store).state(app.id)
    spec = LiveApps(store).version_spec(state.live.id) if state is not None and state.live is not None else None
    department = spec.contact.department.text("ja") if spec is not None and spec.contact.department else None
    published = as_utc(app.open_data_at)
    return {
        "title": summary.title, "app": app.slug,
        "licence": app.open_data_licence, "licence_url": LICENCE_URLS.get(app.open_data_licence or ""),
        "publisher": department or None,
        "published_at": published.astimezone(zone).isoformat() if published else None,
        "generated_at": store.now().astimezone(zone).isoformat(timespec="seconds"),
        "total": summary.total if enough else None,
        "suppressed_below": SUPPRESSED_BELOW,
        "suppression": Translator("ja").gettext(SUPPRESSION_RULE),
        "questions": questions,
    }


def json_bytes(doc: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON. < > & are written as \\u escapes: staff's labels are data, and no browser
    that guesses at a type will ever read them as markup."""
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def csv_bytes(doc: dict[str, Any]) -> bytes:
    """The document as one table, UTF-8 with a BOM (Excel in Japan reads it so): a row for the total, then a
    row for each option or bar. A withheld count is an empty cell with a note; the licence is a column of
    its own, so that a copy of the file passed on still says it. Text a spreadsheet would run as a formula
    is kept as text."""
    tr = Translator("ja")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    licence = neutralise(doc["licence"] or "")

    def row(key: str, label: str, value: str, answer: str, count: int | None) -> None:
        writer.writerow([key, neutralise(label), neutralise(value), neutralise(answer),
                         "" if count is None else count, "" if count is not None else tr.gettext(WITHHELD), licence])

    writer.writerow([tr.gettext(h) for h in CSV_HEADINGS])
    row("", tr.gettext(TOTAL), "", "", doc["total"])
    for question in doc["questions"]:
        for option in question["options"]:
            row(question["key"], question["label"], option["value"], option["label"], option["count"])
    return ("\ufeff" + out.getvalue()).encode()

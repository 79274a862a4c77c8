"""The Big List of Naughty Strings (all 503, an outside corpus: naughty_pages.BLNS) against the real server.

Residents: every field of every app template, on one page (each template's own questions, so each with
its own limits), gets every string once, a different string in each field of each form sent (cycling);
so do the status and cancel look-ups, the language and reading-aid switches and every query parameter a
resident page reads. Staff: every text an app file can hold gets strings the same way, through the
command line's import, and every page of the app is read in every language, with furigana and without.

The rule everywhere: no 5xx; no element, attribute or address in a page that our templates do not make;
what was taken is stored exactly as the documented cleaning says (widgets/base.py `clean_text` for
residents, widgets/text.py `clean_staff_text` for staff) and is what the staff export shows; what was
refused comes back with an error in the page's language and everything else kept as typed.

Over 500 lines: one corpus and its verdicts, against both sides (residents, then staff app files);
the two halves share the strings, the cycling and the cleaning rules they check.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import typing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import openpyxl
import pytest
from pydantic import BaseModel

from builder import cli
from builder.app_files import read_app_file
from generated_apps.domain import exports
from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.i18n import UI_LANGS, Translator
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from generated_apps.web.site import LANG_COOKIE, draft_cookie
from tests.htmlpage import Element, form_fields, parse
from widgets import AppSpec, Invalid, LocalizedText, Question, furigana, markup
from widgets.base import clean_text
from widgets.lint import lint
from widgets.text import LANGS, clean_staff_text

from .naughty_pages import BLNS, database_url, escaped_page, serving, squeezed, text_of
from .test_hostile_http import EVERY_DAY, OPEN_SLOT, SPECS, shown, valid_answer

N = len(BLNS)
assert N == 503, "the whole Big List of Naughty Strings"


def string_for(round_: int, field: int) -> str:
    """The string field number `field` gets in round `round_`: over N rounds, each field gets each string once."""
    return BLNS[(round_ + 37 * field) % N]


# --- residents ------------------------------------------------------------------------------------

WORDS_ONLY = {"key", "label", "hint", "statement", "options", "unit", "labels"}


def every_field_app() -> AppSpec:
    """One page with every question of every app template (each as the template asks it, without its
    condition): every widget type a resident can answer, with every template's own settings."""
    widgets, seen = [], set()
    for n, spec in enumerate(SPECS):
        for question in spec.questions():
            data = question.model_dump(mode="json", exclude_none=True, exclude={"show_if"})
            # The same widget with the same settings in two templates is asked once: only its words differ.
            settings = json.dumps({k: v for k, v in data.items() if k not in WORDS_ONLY}, sort_keys=True)
            if settings not in seen:
                seen.add(settings)
                widgets.append({**data, "key": f"t{n}_{question.key}"})
    return AppSpec.model_validate({
        "slug": "every-field", "kind": "form", "title": {"ja": "すべての欄", "en": "Every field"},
        "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True},
        "pages": [{"widgets": widgets}]})


@pytest.fixture(scope="module")
def residents_site(tmp_path_factory):
    """The app templates and the every-field app, published, with facilities open every day, on a real
    server; (its address, its database beside it, the every-field app)."""
    data_dir = tmp_path_factory.mktemp("naughty-residents")
    store = Store.open(database_url(data_dir))
    bookings = Bookings(store)
    for resource_id in sorted({q.resource for spec in SPECS for q in spec.questions() if q.type == "slot_picker"}):
        resource = bookings.create_resource(f"施設{resource_id}", EVERY_DAY, by="test", holidays_closed=False)
        today = store.now().date()
        views = bookings.slots(resource, today + dt.timedelta(days=2), today + dt.timedelta(days=9))
        OPEN_SLOT[resource.id] = next(v.slot.id for v in views if v.bookable)  # valid_answer's slot
    every = every_field_app()
    for spec in [*SPECS, every]:
        Apps(store).save_app(spec, by="test")
        Lifecycle(store).publish(spec.slug, by="test", warnings_acknowledged=True)
    store.engine.dispose()
    with serving(data_dir) as url:
        yield url, Store.open(database_url(data_dir)), every


def verdict(question: Question, raw: dict[str, list[str]]):
    """What the widget itself makes of `raw` (its documented validation): (True, value) or (False, None)."""
    try:
        return True, json.loads(json.dumps(question.read(raw)))
    except Invalid:
        return False, None


def error_word(lang: str) -> str:
    return Translator(lang).gettext("Error:")


class Fields:
    """A page's form controls by name, and its ids, found in one walk (a page of every field is large)."""

    def __init__(self, page: Element) -> None:
        self.by_name: dict[str, list[Element]] = {}
        self.ids: set[str] = set()
        for element in page.iter():
            if "name" in element.attrs:
                self.by_name.setdefault(element.attrs["name"], []).append(element)
            if "id" in element.attrs:
                self.ids.add(element.attrs["id"])

    def find_all(self, name: str) -> list[Element]:  # what test_hostile_http.shown asks of a page
        return self.by_name.get(name, [])

    def typed(self) -> set[str]:
        """Names of the fields a resident types into (a string sent to a choice matches no choice to show)."""
        return {name for name, elements in self.by_name.items() if any(
            e.tag == "textarea"
            or e.tag == "input" and e.attrs.get("type", "text") in ("text", "email", "tel", "number")
            for e in elements)}


WORKERS = 2  # residents sending forms at once: the server and the test each keep a core busy


def test_every_string_in_every_resident_field_is_refused_politely_or_stored_and_exported_as_cleaned(
        residents_site, tmp_path):
    url, store, every = residents_site
    questions = list(every.questions())
    app_id = Apps(store).by_slug("every-field").id

    def resident(worker: int) -> dict[str, dict]:
        with httpx.Client(base_url=url, timeout=60) as client:
            return {ref: stored for ref, stored in (send_round(client, store, every, app_id, round_)
                                                    for round_ in range(worker, N, WORKERS))}

    with ThreadPoolExecutor(WORKERS) as pool:
        expected = {ref: stored for found in pool.map(resident, range(WORKERS)) for ref, stored in found.items()}
    assert len(expected) == N
    exported_as_stored(store, app_id, questions, expected, tmp_path)


def send_round(client: httpx.Client, store: Store, every: AppSpec, app_id: int, round_: int) -> tuple[str, dict]:
    """One resident sends the every-field page with string `round_ + 37 n` in its field n, in one of the
    languages; answers again what was refused; then checks and sends. (reference, the answers stored)."""
    questions = list(every.questions())
    fields = [(q, name) for q in questions for name in q.fields()]
    pickers = {q.key for q in questions if q.type == "slot_picker"}  # the database may refuse a time too
    lang = UI_LANGS[round_ % len(UI_LANGS)]
    client.cookies.set(LANG_COOKIE, lang)
    token = form_fields(escaped_page(client.get("/a/every-field/p/1"), "first page"))["csrf"]
    sent = {name: string_for(round_, n) for n, (_q, name) in enumerate(fields)}
    verdicts = {q.key: verdict(q, {name: [sent[name]] for name in q.fields()}) for q in questions}
    where = f"round {round_} ({lang})"
    response = client.post("/a/every-field/p/1", data={"csrf": token, **sent})
    refused = {key for key, (ok, _) in verdicts.items() if not ok}
    if response.status_code == 422:
        page = escaped_page(response, where)
        assert page.find("title").text.startswith(error_word(lang)), where
        assert page.find("html").attrs.get("lang") == lang, where
        assert page.find("div", cls="error-summary") is not None, where
        controls = Fields(page)
        flagged = {q.key for q in questions if {f"{q.key}-error", f"{q.key}-reading-error"} & set(controls.ids)}
        assert flagged - pickers == refused - pickers, (where, flagged ^ refused)
        for name in controls.typed() & set(sent):  # every typed value shown again as typed
            assert shown(controls, name, sent[name]), (where, name, sent[name])
        for key in flagged | refused:  # those refused are answered again, properly
            question = every.question(key)
            sent.update({k: v[0] for k, v in question.to_raw(valid_answer(question)).items()})
            verdicts[key] = verdict(question, question.to_raw(valid_answer(question)))
        response = client.post("/a/every-field/p/1", data={"csrf": token, **sent})
    else:
        assert not refused - pickers, (where, refused)
    assert response.status_code == 303, (where, response.status_code, response.text[:500])
    draft = Drafts(store).get(client.cookies.get(draft_cookie(app_id)), app_id)
    stored = draft.answers
    for question in questions:
        ok, value = verdicts[question.key]
        got = stored.get(question.key)
        if question.type == "slot_picker":
            assert got["slot"] == value["slot"], where
            continue
        assert got == value, (where, question.key, got, value)
        if question.type in ("short_text", "long_text"):  # the documented cleaning, read on its own
            assert got is None or got == clean_text(sent[question.key], multiline=question.type == "long_text"), where
    shown_text = text_of(escaped_page(client.get("/a/every-field/check"), f"{where} check page"))
    tr = Translator(lang)
    for question in questions:
        assert squeezed(question.display(stored.get(question.key), tr)) in shown_text, (where, question.key)
    done = client.post("/a/every-field/submit", data={"csrf": token})
    assert done.headers.get("location", "").endswith("/done"), (where, done.status_code, done.text[:500])
    reference = Submissions(store).get(Drafts(store).get(draft.id, app_id).submission_id).reference
    client.cookies.delete(draft_cookie(app_id))
    return reference, stored


def exported_as_stored(store: Store, app_id: int, questions: list[Question], expected: dict[str, dict], tmp_path: Path):
    """Each submission, in the CSV and in the XLSX staff download, shows each answer as the check page did
    (exports.py): text kept as text (a leading apostrophe before what a spreadsheet would run), numbers as numbers."""
    tr = Translator("ja")

    def cell(question: Question, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return exports.neutralise(question.display(value, tr)) if value is not None else ""

    csv_file = exports.export(store, app_id, "csv", tmp_path / "every.csv", by="test").path
    with csv_file.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, *rows = rows
    first = len(header) - len(questions)
    assert len(rows) == len(expected)
    for row in rows:
        answers = expected[row[0]]
        for question, got in zip(questions, row[first:], strict=True):
            assert got == str(cell(question, answers.get(question.key))), (row[0], question.key)
    xlsx_file = exports.export(store, app_id, "xlsx", tmp_path / "every.xlsx", by="test").path
    sheet = openpyxl.load_workbook(xlsx_file, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected)
    for row in rows:
        answers = expected[row[0]]
        for question, got in zip(questions, row[first:], strict=True):
            want = cell(question, answers.get(question.key))
            assert (got if got is not None else "") == want, (row[0], question.key, got, want)


LOOKUPS = ["/a/consultation/status", "/a/facility-booking/cancel"]  # the two pages a resident finds a reference on


@pytest.mark.parametrize("form", LOOKUPS)
def test_every_string_in_the_reference_look_ups_is_refused_politely_and_kept(residents_site, form):
    url, _store, _every = residents_site
    with httpx.Client(base_url=url, timeout=60) as client:
        for round_ in range(N):
            lang = UI_LANGS[round_ % len(UI_LANGS)]
            client.cookies.set(LANG_COOKIE, lang)
            if round_ % 50 == 0:
                token = form_fields(escaped_page(client.get(form), form))["csrf"]
            sent = {"reference": string_for(round_, 0), "last4": string_for(round_, 1)}
            where = f"{form} round {round_} ({lang})"
            response = client.post(form, data={"csrf": token, **sent})
            page = escaped_page(response, where)
            assert response.status_code in (200, 422, 429), where
            assert page.find("html").attrs.get("lang") == lang, where
            if response.status_code == 422 and page.find("div", cls="error-summary") is not None:
                assert page.find("title").text.startswith(error_word(lang)), where
            controls = Fields(page)
            for name, value in sent.items():  # as typed (the first 40 characters: no reference is longer)
                kept = [e.attrs.get("value") for e in controls.find_all(name)]
                assert kept and kept[0] in (value, value[:40]), (where, name, kept)


# Every query parameter a resident page reads, with the page that reads it.
ADDRESSES = [
    "/lang/{s}?next={s}", "/lang/en?next={s}", "/size/{s}?next={s}", "/contrast/high?next={s}",
    "/furigana/{s}?next={s}",
    "/a/citizen-survey?via={s}&expired={s}", "/a/consultation/p/2?via={s}&change={s}&refused={s}&week={s}",
    "/a/facility-booking/p/2?week={s}&change={s}&refused={s}", "/a/{s}", "/q/{s}",
]


def test_every_string_in_every_address_and_query_parameter_gets_a_polite_page_on_this_site(residents_site):
    url, _store, _every = residents_site
    with httpx.Client(base_url=url, timeout=60) as client:
        token = form_fields(escaped_page(client.get("/a/facility-booking/p/1"), "facility"))["csrf"]
        client.post("/a/facility-booking/p/1", data={"csrf": token, "facility": "gym"})  # the week picker is shown
        token = form_fields(escaped_page(client.get("/a/consultation/p/2"), "consultation"))["csrf"]
        for round_ in range(N):
            value = quote(string_for(round_, 0), safe="")
            for address in ADDRESSES:
                path = address.replace("{s}", value)
                response = client.get(path)
                where = f"{address} round {round_}"
                escaped_page(response, where)
                assert response.status_code in (200, 303, 307, 404), (where, response.status_code)
                location = response.headers.get("location")
                if location is not None:  # a path on this site (Starlette's trailing-slash redirect: its address)
                    on_site = location.startswith("/") and not location.startswith(("//", "/\\"))
                    assert on_site or urlsplit(location).netloc == urlsplit(url).netloc, (where, location)


# --- staff: every text of an app file -------------------------------------------------------------

SHOWN_LANGS = [lang for lang in LANGS if lang in UI_LANGS]  # Easy Japanese is kept, never yet shown on a page
FORMATTED = {("paragraph", "text"), ("notice", "body")}  # formatted text (markup.py): read as formatted


def staff_app(slug: str, text) -> dict:
    """An app file with every text an app file can hold, each from `text()` (a text in every language).
    (A slot picker's texts are a question's label and hint, as here; it needs a facility, so it is left out.)"""
    def question(kind: str, key: str, **more) -> dict:
        return {"type": kind, "key": key, "label": text(), "hint": text(), **more}

    def options(n: int) -> list[dict]:
        return [{"value": f"o{i}", "label": text()} for i in range(n)]

    return {
        "slug": slug, "kind": "consultation", "languages": list(LANGS), "title": text(), "description": text(),
        "what_next": text(),
        "contact": {"phone": "0142-23-3331", "department": text(), "hours": text(), "place": text()},
        "lifecycle": {"retention_days": 365, "no_end": True},
        "pages": [
            {"title": text(), "widgets": [
                {"type": "heading", "text": text()}, {"type": "paragraph", "text": text()},
                {"type": "notice", "heading": text(), "body": text()},
                {"type": "image", "src": "https://example.jp/map.png", "alt": text(), "caption": text()},
                {"type": "contact_card", "department": text(), "hours": text(), "place": text(),
                 "phone": "0142-23-3331"}]},
            {"title": text(), "widgets": [
                question("short_text", "town"), question("long_text", "details"), question("email", "email"),
                question("phone", "phone"), question("postal_code", "postcode"),
                question("number", "people", unit=text()),
                question("date", "day"), question("name", "name", reading="optional"),
                question("single_choice", "one", options=options(3)),
                question("multiple_choice", "some", options=options(3)),
                question("dropdown", "district", options=options(8)),
                question("rating", "stars", labels=[text() for _ in range(5)]),
                question("yes_no", "yes"), question("consent", "agree", statement=text())]},
        ],
    }


def texts_in(data, path: str = ""):
    """(path, {lang: text}) for every text of an app file, as staff_app writes them."""
    if isinstance(data, dict) and data and set(data) <= set(LANGS):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from texts_in(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from texts_in(value, f"{path}[{n}]")


def at(data, path: str):
    """What is at `path` ("pages[1].widgets[0].label") of an app file, or of an AppSpec."""
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            data = data[int(part[1:-1])]
        else:
            data = data.get(part) if isinstance(data, dict) else getattr(data, part, None)
        if data is None:
            return None
    return data


def test_an_app_file_covers_every_text_an_app_can_hold():
    """Every field of the app format that holds text for residents (a LocalizedText) is in staff_app."""
    def owners(model: type[BaseModel], seen: set) -> None:
        if model in seen:
            return
        seen.add(model)
        for info in model.model_fields.values():
            for arg in _types(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not LocalizedText:
                    owners(arg, seen)

    models: set = set()
    owners(AppSpec, models)
    wanted = {(m.__name__, name) for m in models for name, info in m.model_fields.items()
              if LocalizedText in _types(info.annotation)} - {("SlotPicker", "label"), ("SlotPicker", "hint")}
    spec = AppSpec.model_validate(staff_app("all", lambda: {"ja": "字"}))
    found = set()

    def walk(model: BaseModel) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, LocalizedText):
                    found.add((type(model).__name__, name))
                elif isinstance(item, BaseModel):
                    walk(item)

    walk(spec)
    assert wanted - found == set()


def _types(annotation) -> set:
    args = typing.get_args(annotation)
    return {annotation} if not args else set().union(*(_types(a) for a in args))


def staff_import(data_dir: Path, app: dict, publish: bool = True) -> tuple[int, str]:
    """`madoguchi import FILE --publish`, as staff run it: (exit status, what it wrote to stderr)."""
    path = data_dir.parent / f"{data_dir.name}-{app['slug']}.json"
    path.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    with (pytest.MonkeyPatch.context() as env, contextlib.redirect_stderr(err),
          contextlib.redirect_stdout(io.StringIO())):
        env.setenv("MADOGUCHI_DATA_DIR", str(data_dir))
        env.delenv("MADOGUCHI_DATABASE_URL", raising=False)
        status = cli.main(["import", str(path), *(["--publish"] if publish else [])])
    return status, err.getvalue()


def staff_export(data_dir: Path, slug: str) -> bytes:
    """`madoguchi export SLUG`: the app file, as staff take it out again."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
        env.setenv("MADOGUCHI_DATA_DIR", str(data_dir))
        env.delenv("MADOGUCHI_DATABASE_URL", raising=False)
        assert cli.main(["export", slug]) == 0
    return out.getvalue().encode()


FILLER = {lang: "Date City" if lang in ("en", "ko", "vi") else "伊達市" for lang in LANGS}  # plain words


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    """Apps whose every text is a string of the list (each string in each kind of text, cycling over the
    languages), imported and published with the command line, and apps retired with a string as their
    message; on a real server. Texts that made a publication fail are put back to plain words and the
    app imported again: (address, store, {slug: app file as published}, {slug: message}, refusals)."""
    data_dir = tmp_path_factory.mktemp("naughty-staff")
    Store.open(database_url(data_dir)).engine.dispose()
    counter = iter(range(10**9))
    apps, refusals = {}, []

    def text() -> dict:
        return {lang: BLNS[next(counter) % N] for lang in LANGS}

    size = len(list(texts_in(staff_app("x", lambda: dict(FILLER)))))
    for n in range(-(-N // len(LANGS))):  # each app gives each of its texts the next strings
        app = staff_app(f"naughty-{n}", text)
        for _attempt in range(size):
            status, err = staff_import(data_dir, app)
            if status == 0:
                break
            spec, problems = read_app_file(json.dumps(app).encode())
            assert spec is not None, problems  # any text is a valid app file; only publishing may refuse it
            errors = [i for i in lint(spec) if i.level == "error"]
            assert errors and "Not published" in err, err
            assert all(i.message in err for i in errors), err  # each reason said in words
            refusals.append(errors)
            for issue in errors:  # the texts it names go back to plain words
                for path, _texts in texts_in(app):
                    if issue_is_about(issue, path, spec):
                        put(app, path, dict(FILLER))
        else:
            pytest.fail(f"{app['slug']} could not be published")
        apps[app["slug"]] = app
    store = Store.open(database_url(data_dir))
    messages = {}
    for n in range(-(-N // len(SHOWN_LANGS))):
        slug = f"retired-{n}"
        assert staff_import(data_dir, {"slug": slug, "title": FILLER, "languages": list(LANGS),
                                       "contact": {"phone": "0142-23-3331"},
                                       "lifecycle": {"retention_days": 30, "no_end": True},
                                       "pages": [{"widgets": [{"type": "paragraph", "text": FILLER}]}]})[0] == 0
        messages[slug] = {lang: BLNS[(n * len(SHOWN_LANGS) + i) % N] for i, lang in enumerate(SHOWN_LANGS)}
        Lifecycle(store).retire(slug, by="test", message=messages[slug])
    store.engine.dispose()
    with serving(data_dir) as url:
        yield url, Store.open(database_url(data_dir)), data_dir, apps, messages, refusals


def put(app: dict, path: str, value) -> None:
    parent, _, last = path.rpartition(".")
    if "[" in last:
        last, _, index = last.partition("[")
        at(app, f"{parent}.{last}" if parent else last)[int(index[:-1])] = value
    else:
        (at(app, parent) if parent else app)[last] = value


def issue_is_about(issue, path: str, spec: AppSpec) -> bool:
    """Whether a lint error is about the text at `path` of the app file (its page and widget, or the app's own)."""
    if issue.page is None:
        return not path.startswith("pages")
    prefix = f"pages[{issue.page}]" + ("" if issue.widget is None else f".widgets[{issue.widget}]")
    return path.startswith(prefix) and (issue.widget is not None or ".widgets" not in path)


def reads(text: str, lang: str, formatted: bool) -> str:
    """What a resident reads of a stored text on a page without furigana: formatted text as markup.py lays it
    out, other Japanese without its reading notation, any other language as written; white space aside."""
    if formatted:
        return text_of(parse(markup.render(text, lang)))
    return squeezed(furigana.plain(text) if lang in furigana.JAPANESE else text)


def test_every_string_in_every_text_of_an_app_file_is_refused_with_reasons_or_stored_shown_escaped_and_kept(staff_site):
    url, store, data_dir, apps, messages, refusals = staff_site
    with httpx.Client(base_url=url, timeout=60) as client:
        for slug, app in apps.items():
            spec = LiveApps(store).get(slug).spec
            stored = spec.model_dump(mode="json")
            answers = {k: v[0] for q in spec.questions() for k, v in q.to_raw(valid_answer(q)).items()}
            for path, texts in texts_in(app):  # stored as the documented cleaning says (widgets/text.py)
                kept = at(stored, path)
                for lang, text in texts.items():
                    want = clean_staff_text(text).strip()
                    assert (kept or {}).get(lang, "") == want, (slug, path, lang, text)
            exported, problems = read_app_file(staff_export(data_dir, slug))
            assert exported == spec, (slug, problems)  # the file staff take out imports as it was
            client.cookies.clear()
            pages: dict[str, list[str]] = {}
            for mode in [*SHOWN_LANGS, "furigana"]:
                lang = "ja" if mode == "furigana" else mode
                client.cookies.set(LANG_COOKIE, lang)
                client.get("/furigana/" + ("on" if mode == "furigana" else "off"))
                got = pages.setdefault(mode, [])
                for address in ("", "/p/1", "/p/2", "/status"):
                    response = client.get(f"/a/{slug}{address}")
                    assert response.status_code == 200, (slug, address, mode)
                    got.append(text_of(escaped_page(response, f"{slug}{address} {mode}")))
                token = form_fields(parse(client.get(f"/a/{slug}/p/2").text))["csrf"]
                refused = client.post(f"/a/{slug}/p/2", data={"csrf": token})  # every label in its error
                assert refused.status_code == 422, (slug, mode)
                got.append(text_of(escaped_page(refused, f"{slug} errors {mode}")))
            assert client.post(f"/a/{slug}/p/2", data={"csrf": token, **answers}).status_code == 303, slug
            for mode in pages:
                client.cookies.set(LANG_COOKIE, "ja" if mode == "furigana" else mode)
                client.get("/furigana/" + ("on" if mode == "furigana" else "off"))
                pages[mode].append(text_of(escaped_page(client.get(f"/a/{slug}/check"), f"{slug} check {mode}")))
            client.post(f"/a/{slug}/submit", data={"csrf": token})
            for mode in pages:
                client.cookies.set(LANG_COOKIE, "ja" if mode == "furigana" else mode)
                client.get("/furigana/" + ("on" if mode == "furigana" else "off"))
                done = client.get(f"/a/{slug}/done")
                assert done.status_code == 200, (slug, mode)
                pages[mode].append(text_of(escaped_page(done, f"{slug} done {mode}")))
            for lang in SHOWN_LANGS:  # each text, in each language, where a resident reads it
                seen = "".join(pages[lang])
                for path, _texts in texts_in(app):
                    value = at(spec, path)
                    if value is None or path == "pages[0].widgets[3].alt" and lang != "ja":
                        continue
                    text, real = value.get(lang)
                    formatted = any(path.endswith(f"{kind}.{field}") or (path.split(".")[-1] == field and
                                    at(app, path.rsplit(".", 1)[0]).get("type") == kind) for kind, field in FORMATTED)
                    assert reads(text, real, formatted) in seen, (slug, path, lang, text)
        client.get("/furigana/off")
        for slug, message in messages.items():  # a retirement message: staff text too
            for lang in SHOWN_LANGS:
                client.cookies.set(LANG_COOKIE, lang)
                response = client.get(f"/a/{slug}")
                assert response.status_code == 410, slug
                want = clean_staff_text(message[lang]).strip() or clean_staff_text(message["ja"]).strip()
                assert reads(want, lang, formatted=True) in text_of(escaped_page(response, f"{slug} {lang}")), (
                    slug, lang)

"""Exports of what residents sent: each format read back as staff's tools read it (the csv module after
decoding, openpyxl as Excel would, json.load), with the right columns and characters; hostile cells harmless
in spreadsheets and verbatim in JSON; empty apps give valid empty files; one audit line, without answers.

On SQLite and PostgreSQL, with the store's clock fixed so that times and file names are known.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import text

from generated_apps.domain import exports
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.exports import FORMATS, columns, export, neutralise
from generated_apps.domain.i18n import Translator
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.submissions import STATUS_NAMES, SubmissionFilter, Submissions
from widgets import AppSpec, format_date

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)  # 09:30 on Monday 2 November in Date City
MINUTE = dt.timedelta(minutes=1)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "<script>alert(1)</script>",
           "\u202eRTL", "bell\x07here", "<r></t></is></c></row><row r=\"9\"><c><v>1</v></c></row></r>"]
# As a spreadsheet must hold them: formulas kept as text with an apostrophe, the rest as they are.
NEUTRALISED = ["'" + HOSTILE[0], "'+1", "'-1+2", "'@SUM(A1)", "'\t=1", *HOSTILE[5:]]


def spec(version: int) -> dict:
    """Version 1 asks for the ward too; version 2 dropped it, renamed a question and asks for a rating."""
    pages = [
        {"widgets": [{"type": "heading", "text": {"ja": "ご意見をお聞かせください", "en": "Tell us"}},
                     {"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"}, "reading": "optional"}]},
        {"widgets": [{"type": "number", "key": "people",
                      "label": {"ja": "人数" if version == 1 else "参加人数", "en": "People"},
                      "unit": {"ja": "人", "en": "people"}}]},
        {"widgets": [{"type": "long_text", "key": "comment", "label": {"ja": "ご意見", "en": "Comment"},
                      "required": False}]},
        {"widgets": [{"type": "multiple_choice", "key": "topics", "label": {"ja": "分野", "en": "Topics"},
                      "options": [{"value": "tax", "label": {"ja": "税金", "en": "Tax"}},
                                  {"value": "care", "label": {"ja": "介護", "en": "Care"}},
                                  {"value": "snow", "label": {"ja": "除雪", "en": "Snow"}}]}]},
        {"widgets": [{"type": "date", "key": "birthday", "label": {"ja": "生年月日", "en": "Date of birth"},
                      "purpose": "birth", "required": False}]},
    ]
    if version == 1:
        pages.append({"widgets": [{"type": "short_text", "key": "ward", "label": {"ja": "地区", "en": "Ward"}}]})
    else:
        pages.append({"widgets": [{"type": "rating", "key": "rating",
                                   "label": {"ja": "満足度", "en": "Satisfaction"}}]})
    return {"slug": "iken", "kind": "form", "title": {"ja": "市民の声", "en": "Residents' voice"},
            "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True},
            "pages": pages}


@pytest.fixture
def clock(any_store):  # noqa: F811
    clock = Clock(T0)
    any_store.clock = clock
    return clock


def publish(store, version: int, app_id: int | None = None) -> int:
    if app_id is None:
        app = Apps(store).create(AppSpec.model_validate(spec(version)), by="suzuki")
    else:
        app = Apps(store).by_id(app_id)
        app = Apps(store).save_draft(app_id, AppSpec.model_validate(spec(version)), revision=app.revision, by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin", warnings_acknowledged=True)
    return app.id


def send(store, app_id: int, answers: dict, *, via: str | None = None, entered_by: str | None = None):
    version = max(Apps(store).versions(app_id), key=lambda v: v.number)
    draft = Drafts(store).create(app_id, version.id, answers, access_point=via)
    return Drafts(store).submit(draft, answers, "ja", entered_by=entered_by)


def answers(**extra) -> dict:
    return {"name": {"name": "伊達 太郎", "reading": "ダテ タロウ"}, "people": 3, "comment": None,
            "topics": ["tax", "snow"], "birthday": "1950-03-04", **extra}


@pytest.fixture
def app(any_store, clock):  # noqa: F811
    """One answer to version 1 (with a ward), then version 2: a full answer through the lobby's QR code,
    entered at the counter, in progress and assigned; then one answer per hostile text."""
    app_id = publish(any_store, 1)
    send(any_store, app_id, answers(ward="梅本町"))
    clock.move(MINUTE)
    publish(any_store, 2, app_id)
    lobby = AccessPoints(any_store).create(app_id, "本庁舎1階 市民課窓口", by="suzuki")
    StaffAccounts(any_store).create("sato", "佐藤", "x", "staff", by="admin")
    full = send(any_store, app_id, answers(people=-12, rating=4, comment="1行目、\"引用\"\n2行目 🍣"),
                via=lobby.code, entered_by="sato")
    Submissions(any_store).set_status(full.id, "in_progress", by="sato")
    Submissions(any_store).assign(full.id, "sato", by="sato")
    for hostile in HOSTILE:
        clock.move(MINUTE)
        send(any_store, app_id, answers(comment=hostile, rating=1), via="GONE42")
    return app_id


def read_back(path, fmt: str) -> list[list]:
    """The rows as staff's tools read them: header first."""
    if fmt in ("csv", "csv-sjis"):
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig" if fmt == "csv" else "cp932")
        return list(csv.reader(io.StringIO(text, newline="")))
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows = [["" if cell is None else cell for cell in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def excel_unescape(cell: str) -> str:
    """What Excel shows for a cell's stored text: _xHHHH_ is the character HHHH (openpyxl leaves it)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), cell)


def test_columns_are_the_fixed_ones_then_every_question_of_every_version_newest_label_first(any_store, app):  # noqa: F811
    cols = columns(any_store, app)
    ja = Translator("ja")
    assert [c.label for c in cols[:7]] == [ja.gettext(m) for _k, m in exports.FIXED_COLUMNS]
    assert cols[0].label == "受付番号"
    assert [(c.key, c.label) for c in cols[7:]] == [
        ("name", "お名前"), ("people", "参加人数"), ("comment", "ご意見"), ("topics", "分野"),
        ("birthday", "生年月日"), ("rating", "満足度"), ("ward", "地区")]  # the heading is no column
    assert [c.label for c in columns(any_store, app, "en")[7:]] == [
        "Name", "People", "Comment", "Topics", "Date of birth", "Satisfaction", "Ward"]


@pytest.mark.parametrize("fmt", ["csv", "csv-sjis", "xlsx"])
def test_a_spreadsheet_export_has_the_columns_and_answers_as_residents_saw_them(any_store, app, tmp_path, fmt):  # noqa: F811
    result = export(any_store, app, fmt, tmp_path / f"out.{fmt}", by="sato")
    rows = read_back(result.path, fmt)
    assert result.rows == len(rows) - 1 == 2 + len(HOSTILE)
    assert rows[0] == [c.label for c in columns(any_store, app)]
    old, full = rows[1], rows[2]
    ja = Translator("ja")
    number = (lambda n: str(n)) if fmt != "xlsx" else (lambda n: n)
    assert re.fullmatch(r"\d{4}-\d{4}", old[0]) and old[1] == "2026-11-02 09:30" and old[4] == number(1)
    assert old[7:] == ["伊達 太郎（ダテ タロウ）", number(3), "", "税金、除雪", format_date(dt.date(1950, 3, 4), "ja"),
                       "", "梅本町"]
    assert full[1:7] == ["2026-11-02 09:31", ja.gettext(STATUS_NAMES["in_progress"]), "本庁舎1階 市民課窓口",
                         number(2), "sato", "sato"]
    # A negative number stays a number, never taken for a formula; text keeps its lines and quotes.
    assert full[8] == number(-12)
    sushi = "?" if fmt == "csv-sjis" else "🍣"
    assert full[9] == f"1行目、\"引用\"\n2行目 {sushi}"
    assert full[12] == number(4)
    assert rows[3][3] == "GONE42"  # an access point since gone: its code
    assert rows[3][2] == ja.gettext(STATUS_NAMES["received"]) and rows[3][5:7] == ["", ""]


@pytest.mark.parametrize("fmt", ["csv", "csv-sjis", "xlsx"])
def test_hostile_text_is_harmless_in_every_spreadsheet(any_store, app, tmp_path, fmt):  # noqa: F811
    result = export(any_store, app, fmt, tmp_path / "out", by="sato")
    comments = [row[9] for row in read_back(result.path, fmt)[3:]]
    expected = list(NEUTRALISED)
    if fmt == "xlsx":
        expected[7] = "bell\ufffdhere"  # XML cannot hold a control character: it is replaced, not a crash
    if fmt == "csv-sjis":
        expected[6] = "?RTL"  # Shift_JIS has no bidirectional controls
    assert comments == expected
    if fmt == "xlsx":
        with zipfile.ZipFile(result.path) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<script>" not in sheet and '<row r="9"><c><v>1' not in sheet


def test_the_utf8_csv_starts_with_a_bom_and_ends_lines_as_excel_does(any_store, app, tmp_path):  # noqa: F811
    raw = export(any_store, app, "csv", tmp_path / "out.csv", by="sato").path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode().startswith("受付番号,")
    assert raw.count(b"\r\n") >= 2 + len(HOSTILE)


def test_shift_jis_replaces_what_it_cannot_hold_and_counts_the_cells(any_store, app, tmp_path):  # noqa: F811
    result = export(any_store, app, "csv-sjis", tmp_path / "out.csv", by="sato")
    assert not result.path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert result.unencodable == 2  # the sushi, and the right-to-left mark
    assert result.media_type == "text/csv; charset=shift_jis"
    assert export(any_store, app, "csv", tmp_path / "utf8.csv", by="sato").unencodable == 0


def test_the_xlsx_keeps_numbers_as_numbers_and_text_as_text(any_store, app, tmp_path):  # noqa: F811
    result = export(any_store, app, "xlsx", tmp_path / "out.xlsx", by="sato")
    book = openpyxl.load_workbook(result.path)  # the full reader too, as Excel opens it
    sheet = book.worksheets[0]
    assert sheet.title == "iken" and sheet.freeze_panes == "A2"
    assert sheet.cell(3, 9).data_type == "n" and sheet.cell(3, 9).value == -12
    assert all(sheet.cell(row, 10).data_type == "s" for row in range(4, 4 + len(HOSTILE)))
    assert sheet.cell(3, 10).alignment.wrap_text
    book.close()
    assert result.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_json_has_every_stored_value_verbatim_with_times_in_the_city_zone(any_store, app, tmp_path):  # noqa: F811
    result = export(any_store, app, "json", tmp_path / "out.json", by="sato")
    with result.path.open(encoding="utf-8") as f:
        document = json.load(f)
    assert document["app"] == "iken" and document["exported_at"] == "2026-11-02T09:40:00+09:00"
    assert [c["key"] for c in document["columns"]] == [c.key for c in columns(any_store, app) if c.answer]
    old, full, *hostile = document["submissions"]
    assert old["answers"]["ward"] == "梅本町" and old["version"] == 1 and old["access_point"] is None
    assert full["received_at"] == "2026-11-02T09:31:00+09:00"
    assert (full["status"], full["access_point_label"], full["entered_by"], full["assigned_to"]) == (
        "in_progress", "本庁舎1階 市民課窓口", "sato", "sato")
    assert full["answers"]["people"] == -12 and full["answers"]["comment"] == "1行目、\"引用\"\n2行目 🍣"
    assert full["answers"]["name"] == {"name": "伊達 太郎", "reading": "ダテ タロウ"}
    assert [h["answers"]["comment"] for h in hostile] == HOSTILE
    assert result.media_type == "application/json"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_app_with_nothing_sent_exports_a_valid_empty_file(any_store, clock, tmp_path, fmt):  # noqa: F811
    app_id = publish(any_store, 2)
    calls = []
    result = export(any_store, app_id, fmt, tmp_path / "empty", by="sato", progress=lambda *a: calls.append(a))
    assert result.rows == 0 and calls == [(0, 0)]
    if fmt == "json":
        document = json.loads(result.path.read_text(encoding="utf-8"))
        assert document["submissions"] == [] and len(document["columns"]) == 6
    else:
        assert read_back(result.path, fmt) == [[c.label for c in columns(any_store, app_id)]]


def test_a_filter_narrows_the_export_and_the_audit_line_keeps_it_without_any_answer(any_store, app, tmp_path):  # noqa: F811
    where = SubmissionFilter(status="in_progress", since=dt.date(2026, 11, 2))
    result = export(any_store, app, "json", tmp_path / "out.json", by="sato", where=where)
    assert result.rows == 1
    assert [s["answers"]["people"] for s in json.loads(result.path.read_text())["submissions"]] == [-12]
    lines = [e for e in Audit(any_store).events(app) if e.action == "submission.export"]
    assert len(lines) == 1
    assert (lines[0].actor, lines[0].target) == ("sato", "iken")
    assert lines[0].detail == {"format": "json", "rows": 1,
                               "filter": {"since": "2026-11-02", "status": "in_progress"}}
    assert "伊達" not in json.dumps(lines[0].detail, ensure_ascii=False)


def test_progress_is_told_after_each_batch_and_ends_at_the_total(store, tmp_path, monkeypatch):
    store.clock = Clock(T0)
    app_id = publish(store, 2)
    for n in range(5):
        send(store, app_id, answers(people=n, rating=3))
    monkeypatch.setattr(exports, "_BATCH", 2)
    calls = []
    result = export(store, app_id, "csv", tmp_path / "out.csv", by="sato", progress=lambda *a: calls.append(a))
    assert calls == [(2, 5), (4, 5), (5, 5)]
    assert [row[8] for row in read_back(result.path, "csv")[1:]] == ["0", "1", "2", "3", "4"]


def test_an_export_stopped_part_way_leaves_no_file_and_no_audit_line(store, tmp_path, monkeypatch):
    store.clock = Clock(T0)
    app_id = publish(store, 2)
    for n in range(3):
        send(store, app_id, answers(people=n, rating=3))
    monkeypatch.setattr(exports, "_BATCH", 1)

    def cancel(done, total):
        if done == 2:
            raise KeyboardInterrupt  # what a cancel button does, in effect
    with pytest.raises(KeyboardInterrupt):
        export(store, app_id, "xlsx", tmp_path / "out.xlsx", by="sato", progress=cancel)
    assert not (tmp_path / "out.xlsx").exists()
    assert not [e for e in Audit(store).events(app_id) if e.action == "submission.export"]


def test_more_rows_than_excel_holds_go_on_to_a_next_sheet_with_the_header_again(store, tmp_path, monkeypatch):
    store.clock = Clock(T0)
    app_id = publish(store, 2)
    for n in range(5):
        send(store, app_id, answers(people=n, rating=3))
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # Excel's is 1,048,576
    path = export(store, app_id, "xlsx", tmp_path / "out.xlsx", by="sato").path
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = [[row[8] for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    book.close()
    assert [sheet.title for sheet in book.worksheets] == ["iken", "iken-2", "iken-3"]
    assert sheets == [["参加人数", 0, 1], ["参加人数", 2, 3], ["参加人数", 4]]


def test_the_file_is_named_after_the_app_and_the_time_in_the_city(store, tmp_path):
    store.clock = Clock(T0)
    app_id = publish(store, 2)
    names = {fmt: export(store, app_id, fmt, tmp_path / fmt, by="sato").filename for fmt in FORMATS}
    assert names == {"csv": "iken-20261102-0930.csv", "csv-sjis": "iken-20261102-0930-sjis.csv",
                     "xlsx": "iken-20261102-0930.xlsx", "json": "iken-20261102-0930.json"}
    with pytest.raises(ValueError):
        export(store, app_id, "pdf", tmp_path / "x", by="sato")


def test_two_questions_with_one_label_are_told_apart_by_their_keys(store):
    store.clock = Clock(T0)
    twin = spec(2)
    twin["pages"][2]["widgets"][0]["label"] = {"ja": "お名前", "en": "Name"}
    app_id = publish(store, 2)
    app = Apps(store).by_id(app_id)
    Apps(store).save_draft(app_id, AppSpec.model_validate(twin), revision=app.revision, by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin", warnings_acknowledged=True)
    assert [c.label for c in columns(store, app_id)[7:10]] == ["お名前 [name]", "参加人数", "お名前 [comment]"]


def test_stored_values_no_widget_would_write_still_export(store, tmp_path):
    """A lone surrogate, every C0 control, a value of the wrong shape: the files are still whole."""
    store.clock = Clock(T0)
    app_id = publish(store, 2)
    odd = "".join(chr(c) for c in range(32)) + "\ud800_x0041_"
    csv_safe = odd.replace("\ud800", "?")
    xml_safe = "".join(c if c in "\t\n\r" else "\ufffd" for c in odd[:32]) + "\ufffd_x0041_"
    sent = send(store, app_id, answers(rating=3))
    stored = {"name": odd, "people": "many", "comment": odd, "topics": "tax", "rating": 99, "unknown": {"a": [1]}}
    with store.engine.begin() as c:  # as JSON escapes: no widget writes these, and the driver would refuse them
        c.execute(text("UPDATE submission SET answers = :answers WHERE id = :id"),
                  {"answers": json.dumps(stored), "id": sent.id})
    for fmt in FORMATS:
        path = export(store, app_id, fmt, tmp_path / fmt, by="sato").path
        if fmt == "json":
            assert json.loads(path.read_text(encoding="utf-8"))["submissions"][0]["answers"]["comment"] == odd
            continue
        shown = read_back(path, fmt)[1][7:]
        if fmt == "xlsx":  # XML cannot hold most C0 controls: replaced; CR and _xHHHH_ as Excel escapes them
            assert [excel_unescape(cell) if isinstance(cell, str) else cell for cell in shown] == [
                xml_safe, "many", xml_safe, "tax", "", 99]
        else:  # a CSV holds them all, quoted; only the lone surrogate, which no encoding can hold, is a "?"
            assert shown == [csv_safe, "many", csv_safe, "tax", "", "99"]


def test_neutralise_keeps_formulas_as_text_and_leaves_the_rest():
    assert [neutralise(v) for v in ("=1+1", "+81", "-3", "@A1", "\tx", "\rx", "", "3", "伊達", "'=x")] == [
        "'=1+1", "'+81", "'-3", "'@A1", "'\tx", "'\rx", "", "3", "伊達", "'=x"]

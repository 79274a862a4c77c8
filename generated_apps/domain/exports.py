"""What residents sent, as a file staff download: CSV (UTF-8 with a BOM, or Shift_JIS), XLSX or JSON.

One column per question, labelled as residents read it; each answer as the check page showed it, numbers
kept as numbers. Written batch by batch (flat memory, however many submissions), with progress after each
batch, and recorded in the audit log with its format, row count and filter, never what residents wrote.

Spreadsheets run a cell that begins with = + - @ (or a tab or carriage return before one) as a formula,
so in CSV and XLSX such text is kept as text with a leading apostrophe (OWASP's advice on CSV injection).
JSON is data, not a spreadsheet: its answers are the stored values, verbatim.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlmodel import select

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.i18n import Translator
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import AccessPoint, AppVersion, Submission, as_utc
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import STATUS_NAMES, SubmissionFilter, Submissions
from widgets import N_, Question

FORMATS = ("csv", "csv-sjis", "xlsx", "json")  # csv = UTF-8 with BOM; csv-sjis = cp932
FORMAT_NAMES: dict[str, str] = {
    "csv": N_("CSV (UTF-8, for Excel)"),
    "csv-sjis": N_("CSV (Shift_JIS, for older Excel)"),
    "xlsx": N_("Excel (XLSX)"),
    "json": N_("JSON"),
}

_SUFFIXES = {"csv": ".csv", "csv-sjis": "-sjis.csv", "xlsx": ".xlsx", "json": ".json"}
_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "csv-sjis": "text/csv; charset=shift_jis",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# The columns every export starts with: (key, msgid of the header).
FIXED_COLUMNS = (
    ("reference", N_("Reference number")),
    ("received_at", N_("Received at")),
    ("status", N_("Status")),
    ("access_point", N_("Access point")),
    ("version", N_("Version")),
    ("entered_by", N_("Entered by")),
    ("assigned_to", N_("Assigned to")),
)

_FORMULA_STARTS = frozenset("=+-@\t\r")
# What XML 1.0 cannot hold (most C0 controls, lone surrogates, U+FFFE/U+FFFF), replaced in XLSX cells.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_OR_CR = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters cp932 has under another code point (Microsoft's mapping): shown as they are, not as "?".
_CP932_LOOKALIKES = str.maketrans({"\u2014": "\u2015", "\u00a5": "\uffe5"})
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header included: more rows go on to a next sheet
_BATCH = 1000
_BUFFER = 1 << 16


def neutralise(value: str) -> str:
    """A cell that a spreadsheet would run as a formula (= + - @, tab, CR first) kept as text."""
    return "'" + value if value[:1] in _FORMULA_STARTS else value


@dataclass(frozen=True)
class Column:
    key: str  # a fixed column's name ("reference", …), or the question's key
    label: str  # the header, in the export's language
    answer: bool = False  # the column of a question (its key is the question's key)


@dataclass(frozen=True)
class ExportResult:
    rows: int
    path: Path
    filename: str  # what the browser saves it as, e.g. "library-survey-20261127-0930.csv"
    media_type: str
    unencodable: int  # cells in which Shift_JIS could not hold a character (replaced by "?"); 0 for the others


def _seen_versions(store: Store, app_id: int) -> list[AppVersion]:
    """The versions residents have seen, the newest first (not one withdrawn, nor one still to come)."""
    now = store.now()
    return [v for v in Apps(store).versions(app_id) if v.cancelled_at is None and as_utc(v.published_at) <= now]


def columns(store: Store, app_id: int, lang: str = "ja") -> list[Column]:
    """The fixed columns, then one per question key across every version residents have seen: in the newest
    version's order, then keys only older versions asked; each headed by its newest label. Two columns with
    the same header get the question's key after it, so that none is mistaken for another."""
    tr = Translator(lang)
    labels: dict[str, str] = {}
    for version in _seen_versions(store, app_id):
        assert version.id is not None  # read from the database
        for question in LiveApps(store).version_spec(version.id).questions():
            labels.setdefault(question.key, " ".join(tr.text(question.label).split()))
    fixed = [Column(key, tr.gettext(msgid)) for key, msgid in FIXED_COLUMNS]
    counts: dict[str, int] = {}
    for label in [c.label for c in fixed] + list(labels.values()):
        counts[label] = counts.get(label, 0) + 1
    return fixed + [Column(key, f"{label} [{key}]".strip() if counts[label] > 1 or not label else label, answer=True)
                    for key, label in labels.items()]


class _Cells:
    """A submission as one row of cells: text as residents and staff read it, numbers as numbers."""

    def __init__(self, store: Store, app_id: int, cols: list[Column], lang: str, time_zone: str) -> None:
        self.store, self.tr, self.zone = store, Translator(lang), ZoneInfo(time_zone)
        self.keys = [c.key for c in cols if c.answer]
        self.numbers = {v.id: v.number for v in Apps(store).versions(app_id)}
        with store.session() as s:
            self.points = dict(s.exec(select(AccessPoint.code, AccessPoint.label)
                                      .where(AccessPoint.app_id == app_id)).all())
        self.statuses = {key: self.tr.gettext(msgid) for key, msgid in STATUS_NAMES.items()}
        self._questions: dict[int, dict[str, Question]] = {}

    def questions(self, version_id: int) -> dict[str, Question]:
        found = self._questions.get(version_id)
        if found is None:
            found = {q.key: q for q in LiveApps(self.store).version_spec(version_id).questions()}
            self._questions[version_id] = found
        return found

    def received_at(self, submission: Submission) -> dt.datetime:
        return as_utc(submission.created_at).astimezone(self.zone)

    def row(self, submission: Submission) -> list[Any]:
        point = submission.access_point
        cells: list[Any] = [
            submission.reference, self.received_at(submission).strftime("%Y-%m-%d %H:%M"),
            self.statuses.get(submission.status, submission.status),
            self.points.get(point, point) if point else "",
            self.numbers.get(submission.version_id, ""), submission.entered_by or "", submission.assigned_to or "",
        ]
        questions, answers = self.questions(submission.version_id), submission.answers
        if not isinstance(answers, dict):  # nothing stores anything else; an export still must not break on it
            answers = {}
        for key in self.keys:
            cells.append(self.cell(questions.get(key), answers.get(key)))
        return cells

    def cell(self, question: Question | None, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if question is not None:
            try:
                shown = question.display(value, self.tr)
            except Exception:  # noqa: BLE001 - a stored value the question cannot read is shown as it is
                shown = ""
            if shown or value in ("", [], {}):
                return shown
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]], shift_jis: bool) -> int:
    """CSV as Excel reads it (CRLF, fields quoted when needed); the cells Shift_JIS could not hold."""
    unencodable = 0

    def sjis(cell: str) -> str:
        nonlocal unencodable
        cell = cell.translate(_CP932_LOOKALIKES)
        try:
            cell.encode("cp932")
        except UnicodeEncodeError:
            unencodable += 1
            cell = cell.encode("cp932", "replace").decode("cp932")
        return cell

    # UTF-8 can hold every character but a lone surrogate (from hostile JSON): that one becomes "?".
    with path.open("w", encoding="cp932" if shift_jis else "utf-8-sig", errors="replace", newline="",
                   buffering=_BUFFER) as f:
        writer = csv.writer(f, lineterminator="\r\n")
        if shift_jis:
            writer.writerow([sjis(neutralise(label)) for label in header])
            for row in rows:
                writer.writerow([sjis(neutralise(c)) if isinstance(c, str) else c for c in row])
        else:
            writer.writerow([neutralise(label) for label in header])
            for row in rows:
                writer.writerow([neutralise(c) if isinstance(c, str) else c for c in row])
    return unencodable


class _Sheets:
    """XLSX in constant memory: each row goes to disk as the next one starts. Text is only ever written as
    text (never a formula or a link), cleaned of what XML cannot hold, on as many sheets as Excel needs."""

    def __init__(self, path: Path, name: str, header: list[str]) -> None:
        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "tmpdir": str(path.parent), "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        self.bold = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.name, self.header, self.sheets = name[:28], header, 0
        self._next_sheet()

    def _next_sheet(self) -> None:
        self.sheets += 1
        self.sheet = self.book.add_worksheet(self.name if self.sheets == 1 else f"{self.name}-{self.sheets}")
        self.sheet.set_column(0, len(FIXED_COLUMNS) - 1, 16)
        self.sheet.set_column(len(FIXED_COLUMNS), max(len(self.header) - 1, len(FIXED_COLUMNS)), 28)
        self.sheet.freeze_panes(1, 0)
        self.row = 0
        self.write(self.header, self.bold)

    def write(self, cells: list[Any], style: Any = None) -> None:
        if self.row == XLSX_MAX_ROWS:
            self.sheet.autofilter(0, 0, self.row - 1, len(self.header) - 1)
            self._next_sheet()
        for col, value in enumerate(cells):
            if isinstance(value, str):
                self.text(col, value, style)
            elif isinstance(value, float) and not math.isfinite(value):
                self.text(col, str(value), style)
            else:
                self.sheet.write_number(self.row, col, value, style)
        self.row += 1

    def text(self, col: int, value: str, style: Any) -> None:
        if not value:
            return
        value = neutralise(value)
        if value.startswith("<r>") and value.endswith("</r>"):
            # XlsxWriter writes such a string into the sheet's XML unescaped, taking it for its own rich text
            # (constant memory mode): as a rich string of plain pieces it is escaped like any other text.
            # It escapes rich strings twice, so their control characters are replaced first (and a literal
            # _xHHHH_ in one, rarer still, shows with its escape).
            value = _NOT_XML_OR_CR.sub("\ufffd", value)
            self.sheet.write_rich_string(self.row, col, value[:1], value[1:2], value[2:], style or self.wrap)
            return
        if _NOT_XML.search(value):  # rare: searching is cheaper than substituting in every cell
            value = _NOT_XML.sub("\ufffd", value)
        self.sheet.write_string(self.row, col, value, style or (self.wrap if "\n" in value else None))

    def close(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row - 1, 0), len(self.header) - 1)
        self.book.close()


def _write_xlsx(path: Path, name: str, header: list[str], rows: Iterator[list[Any]]) -> None:
    sheets = _Sheets(path, name, header)
    for row in rows:
        sheets.write(row)
    sheets.close()


def _write_json(path: Path, slug: str, exported_at: dt.datetime, cols: list[Column], cells: _Cells,
                submissions: Iterator[Submission]) -> None:
    """One JSON document written piece by piece. A lone surrogate in a stored answer is written as its
    \\uXXXX escape (backslashreplace), so that the file is UTF-8 and reads back as it was stored."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    questions = [{"key": c.key, "label": c.label} for c in cols if c.answer]
    with path.open("w", encoding="utf-8", errors="backslashreplace", newline="\n", buffering=_BUFFER) as f:
        f.write(f'{{"app": {dumps(slug)}, "exported_at": {dumps(exported_at.isoformat())},\n'
                f' "columns": {dumps(questions)},\n "submissions": [')
        separator = "\n"
        for submission in submissions:
            point = submission.access_point
            f.write(separator + dumps({
                "reference": submission.reference, "received_at": cells.received_at(submission).isoformat(),
                "status": submission.status, "access_point": point,
                "access_point_label": cells.points.get(point) if point else None,
                "version": cells.numbers.get(submission.version_id), "entered_by": submission.entered_by,
                "assigned_to": submission.assigned_to, "answers": submission.answers}))
            separator = ",\n"
        f.write("\n]}\n")


def _filter_detail(where: SubmissionFilter | None) -> dict[str, str]:
    """The filter staff chose, as the audit line keeps it: the fields set, as text."""
    if where is None:
        return {}
    detail = {f.name: str(getattr(where, f.name)) for f in dataclasses.fields(where)
              if getattr(where, f.name) not in (None, "") and f.name != "answer_match"}
    if "answer" in detail:
        detail["answer_match"] = where.answer_match
    return detail


def export(store: Store, app_id: int, fmt: str, path: Path, *, by: str, where: SubmissionFilter | None = None,
           lang: str = "ja", time_zone: str = "Asia/Tokyo",
           progress: Callable[[int, int], None] | None = None) -> ExportResult:
    """Write the app's submissions (those `where` matches, oldest first) to `path` in `fmt`, calling
    `progress(done, total)` after each batch; one audit line when done. Whatever stops it part way (an
    exception from `progress` included) removes the part written and writes no audit line."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    app = Apps(store).by_id(app_id)
    if app is None:
        raise LookupError(app_id)
    path = Path(path)
    subs = Submissions(store, time_zone)
    cols = columns(store, app_id, lang)
    cells = _Cells(store, app_id, cols, lang, time_zone)
    total = subs.count(app_id, where)
    done = 0

    def submissions() -> Iterator[Submission]:
        nonlocal done
        for batch in subs.batches(app_id, where, size=_BATCH):
            yield from batch
            done += len(batch)  # the batch is written: the next one is being asked for
            if progress is not None:
                progress(done, max(total, done))
        if progress is not None and (done == 0 or done < total):
            progress(done, done)  # none, or fewer than counted (purged meanwhile): finished all the same

    exported_at = store.now().astimezone(ZoneInfo(time_zone))
    header = [c.label for c in cols]
    unencodable = 0
    try:
        if fmt in ("csv", "csv-sjis"):
            rows = (cells.row(s) for s in submissions())
            unencodable = _write_csv(path, header, rows, shift_jis=fmt == "csv-sjis")
        elif fmt == "xlsx":
            _write_xlsx(path, app.slug, header, (cells.row(s) for s in submissions()))
        else:
            _write_json(path, app.slug, exported_at, cols, cells, submissions())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    Audit(store).record(by, "submission.export", app_id=app_id, target=app.slug,
                detail={"format": fmt, "rows": done, "filter": _filter_detail(where)})
    return ExportResult(rows=done, path=path, filename=f"{app.slug}-{exported_at:%Y%m%d-%H%M}{_SUFFIXES[fmt]}",
                        media_type=_MEDIA_TYPES[fmt], unencodable=unencodable)

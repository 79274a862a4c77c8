"""What a survey's submissions add up to: how many came in, on which days, through which access point, and
for each question the counts of its choices or a histogram of its numbers and ratings; for staff (`for_staff`),
also each date question's answers by month (or year, or decade, as they spread) with its earliest and latest,
and each consent as agreed or not. Open data asks without `for_staff`: dates and consent stay "text" there,
counted only and never published.

Free text is never summarised: for a text question (and a name, an address, a phone number …)
only the number of residents who answered is counted. Labels are the newest published version's; an
answer is counted as its own version asked it (a question whose type changed is counted as answered only,
so that free text sent to an old text question can never turn up as a chart's label). Read a batch at a
time, in flat memory however many submissions there are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from generated_apps.domain.apps import Apps
from generated_apps.domain.i18n import Translator
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import AccessPoint, as_utc
from generated_apps.domain.specs import readable_spec
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import SubmissionFilter, Submissions
from widgets import N_, REGISTRY, AppSpec, Question
from widgets.consent import AGREED
from widgets.rating import SCALE, Rating

DIRECT = N_("Direct (no QR code)")
NOT_AGREED = N_("Not agreed")
# Each widget type says how it is charted (Question.chart); a type no longer known is listed as text.
CHOICE_TYPES = frozenset(name for name, cls in REGISTRY.items() if getattr(cls, "chart", "text") == "choices")
# The types whose answers are counted, by choice or in a histogram: what open data may publish.
COUNTED_TYPES = frozenset(name for name, cls in REGISTRY.items()
                          if getattr(cls, "chart", "text") in ("choices", "histogram"))
# A number question whose whole answers span fewer values than this gets a bar for each value.
SMALL_RANGE = 12
BINS = 10  # about this many bars otherwise
# Dates get a bar for each month while they span no more months than this, else for each year (as many), else
# for each decade: a date of birth spreads over decades, a chosen day over a few months.
DATE_BARS = 24

Kind = Literal["choices", "histogram", "dates", "consent", "text"]


@dataclass(frozen=True)
class Count:
    """One bar: the stored value (an option's value, a rating, a number's bin as "[10,20)"), what it reads as,
    and how many residents gave it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class QuestionSummary:
    key: str
    label: str
    type: str  # the widget's type in the newest version
    kind: Kind
    answered: int  # residents who answered it (with a multiple choice, each once)
    counts: list[Count] = field(default_factory=list)  # none for "text": its answers are never summarised
    span: tuple[dt.date, dt.date] | None = None  # "dates": the earliest and the latest date answered


@dataclass(frozen=True)
class Summary:
    title: str
    total: int
    per_day: list[tuple[dt.date, int]]  # days in the city's zone, from the first submission's to the last, gaps as 0
    per_access_point: list[Count]  # value: the access point's code, "" for those who came directly
    questions: list[QuestionSummary]

    def question(self, key: str) -> QuestionSummary | None:
        return next((q for q in self.questions if q.key == key), None)


def _chart(question_type: str) -> Kind:
    return getattr(REGISTRY.get(question_type), "chart", "text")


def kind_of(question_type: str, *, for_staff: bool = False) -> Kind:
    """How a question is summarised: dates and consents are charted for staff only (residents' open
    data and the public counts list them as text)."""
    chart = _chart(question_type)
    return chart if chart in ("choices", "histogram") or for_staff else "text"


def _family(question_type: str) -> str:
    """Answers of two versions are counted together only when their questions store the same kind of value:
    choices of any choice type together, numbers of one type only."""
    return "choices" if _chart(question_type) == "choices" else \
        question_type if _chart(question_type) != "text" else "text"


def _answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class _Catalogue:
    """Every question the app has asked, the newest version's first; each option's newest label."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.questions: dict[str, Question] = {}  # key -> the newest version's question
        self.labels: dict[str, dict[str, str]] = {}  # key -> option value -> label, the newest first
        self.families: dict[int, dict[str, str]] = {}  # version id -> key -> family

    def add(self, version_id: int | None, spec: AppSpec) -> None:
        families = {}
        for question in spec.questions():
            families[question.key] = _family(question.type)
            self.questions.setdefault(question.key, question)
            if _family(question.type) != _family(self.questions[question.key].type):
                continue  # its old options mean something else now
            labels = self.labels.setdefault(question.key, {})
            for value, label in question.choice_labels(self.tr).items():
                labels.setdefault(value, label)
        if version_id is not None:
            self.families[version_id] = families


class _Tally:
    def __init__(self) -> None:
        self.asked = 0  # submissions whose version had the question (a consent not ticked is not answered)
        self.answered = 0
        self.values: Counter[Any] = Counter()  # distinct values only: counts and amounts repeat a lot


def summarise(store: Store, app_id: int, where: SubmissionFilter | None = None, time_zone: str = "Asia/Tokyo",
              *, lang: str = "ja", for_staff: bool = False) -> Summary:
    """The summary of the app's submissions that match `where`, with labels in `lang`; `for_staff` also
    summarises dates and consent (the charts and the printed summary; never open data)."""
    tr = Translator(lang)
    zone = ZoneInfo(time_zone)
    catalogue = _Catalogue(tr)
    now, shown = store.now(), None
    apps, live = Apps(store), LiveApps(store)
    for version in apps.versions(app_id):  # the newest first; never one cancelled or not yet out
        if version.cancelled_at is None and as_utc(version.published_at) <= now:
            assert version.id is not None  # read from the database
            shown = shown or live.version_spec(version.id)
            catalogue.add(version.id, live.version_spec(version.id))
    if shown is None:
        app = apps.by_id(app_id)
        shown = readable_spec(app.draft_spec) if app is not None else None
        if shown is not None:  # nothing published yet: the draft's questions, with nothing to count
            catalogue.add(None, shown)
    title = tr.text(shown.title) if shown is not None else ""

    tallies: dict[str, _Tally] = {}
    days: Counter[dt.date] = Counter()
    points: Counter[str] = Counter()
    total = 0
    for batch in Submissions(store, time_zone).batches(app_id, where):
        for submission in batch:
            total += 1
            days[as_utc(submission.created_at).astimezone(zone).date()] += 1
            points[submission.access_point or ""] += 1
            if submission.version_id not in catalogue.families:
                catalogue.add(submission.version_id, live.version_spec(submission.version_id))
            answers = submission.answers or {}
            for key, family in catalogue.families[submission.version_id].items():
                tally = tallies.get(key) or tallies.setdefault(key, _Tally())
                tally.asked += 1
                value = answers.get(key)
                if not _answered(value):
                    continue
                tally.answered += 1
                if family == _family(catalogue.questions[key].type):
                    _count(tally, family, value)

    # The newest version's questions in its order, then any asked only by an older version.
    questions = [_question(catalogue, question, tallies.get(key) or _Tally(), tr, for_staff)
                 for key, question in catalogue.questions.items()]
    return Summary(title=title, total=total, per_day=_per_day(days), questions=questions,
                   per_access_point=_per_access_point(store, app_id, points, tr))


def _count(tally: _Tally, family: str, value: Any) -> None:
    if family == "choices":
        if isinstance(value, str):
            tally.values[value] += 1
        elif isinstance(value, list):  # a multiple choice: each option once, however it was stored
            tally.values.update({v for v in value if isinstance(v, str)})
    elif _chart(family) == "histogram" and isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            tally.values[value] += 1
    elif (_chart(family) == "dates" and isinstance(value, str)) or (_chart(family) == "consent" and value is True):
        tally.values[value] += 1  # an ISO date, or True for a ticked box


def _question(catalogue: _Catalogue, question: Question, tally: _Tally, tr: Translator,
              for_staff: bool) -> QuestionSummary:
    kind = kind_of(question.type, for_staff=for_staff)
    counts: list[Count] = []
    span = None
    if kind == "dates":
        counts, span = date_bars(tally.values)
    elif kind == "consent" and tally.asked:
        agreed = tally.values.get(True, 0)
        counts = [Count("yes", tr.gettext(AGREED), agreed), Count("no", tr.gettext(NOT_AGREED), tally.asked - agreed)]
    elif kind == "choices":
        counts = _choice_counts(catalogue, question, tally)
    elif isinstance(question, Rating):
        counts = [Count(str(n), f"{n} {question.words(n, tr)}", tally.values.get(n, 0)) for n in SCALE]
    elif kind == "histogram":
        counts = number_bins(tally.values, tr)
    return QuestionSummary(key=question.key, label=tr.text(question.label), type=question.type, kind=kind,
                           answered=tally.answered, counts=counts, span=span)


@runtime_checkable
class _Options(Protocol):
    """A question with options to choose from: their stored values, in order."""

    def option_values(self) -> list[str]: ...


def _choice_counts(catalogue: _Catalogue, question: Question, tally: _Tally) -> list[Count]:
    """The newest version's options in their order, then any option since removed that residents chose."""
    labels = catalogue.labels.get(question.key, {})
    assert isinstance(question, _Options)  # every type charted by choice lists its options
    current = question.option_values()
    removed = [v for v in labels if v not in current and tally.values.get(v)]
    unknown = sorted(v for v in tally.values if v not in labels)  # never an option: shown as stored
    return [Count(v, labels.get(v, v), tally.values.get(v, 0)) for v in [*current, *removed, *unknown]]


def number_bins(values: Counter[Any], tr: Translator) -> list[Count]:
    """A histogram of numbers: a bar for each whole number when they span few, else about ten bars of a
    readable width (1, 2, 2.5 or 5 times a power of ten; whole numbers for whole answers)."""
    if not values:
        return []
    numbers = Counter({Decimal(str(v)): c for v, c in values.items()})
    low, high = min(numbers), max(numbers)
    whole = all(n == n.to_integral_value() for n in numbers)
    if whole and high - low < SMALL_RANGE:
        return [Count(str(n), f"{n:,}", numbers.get(Decimal(n), 0)) for n in range(int(low), int(high) + 1)]
    step = _step((high - low) / BINS, whole)
    start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    bars = [0] * (int((high - start) // step) + 1)
    for number, count in numbers.items():
        bars[int((number - start) // step)] += count
    counts = []
    for index, count in enumerate(bars):
        first, end = start + index * step, start + (index + 1) * step
        label = (f"{_plain(first)}–{_plain(end - 1)}" if whole
                 else tr.gettext(N_("{low} to under {high}")).format(low=_plain(first), high=_plain(end)))
        counts.append(Count(f"[{_plain(first, grouped=False)},{_plain(end, grouped=False)})", label, count))
    return counts


def date_bars(values: Counter[Any]) -> tuple[list[Count], tuple[dt.date, dt.date] | None]:
    """Dates (ISO text) as bars by month ("2026-11"), by year ("1950") or by decade ("1940–1949"), whichever
    gives at most DATE_BARS bars, gaps included; and the earliest and latest date. Unreadable text is skipped."""
    days: Counter[dt.date] = Counter()
    for text, count in values.items():
        try:
            days[dt.date.fromisoformat(text)] += count
        except (TypeError, ValueError):
            continue
    if not days:
        return [], None
    first, last = min(days), max(days)
    if (last.year - first.year) * 12 + last.month - first.month < DATE_BARS:
        bars: Counter[tuple[int, int]] = Counter()
        for day, count in days.items():
            bars[(day.year, day.month)] += count
        months = [(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1)
                  for n in range((last.year - first.year) * 12 + last.month - first.month + 1)]
        counts = [Count(f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}", bars.get((y, m), 0)) for y, m in months]
    else:
        width = 1 if last.year - first.year < DATE_BARS else 10
        years: Counter[int] = Counter()
        for day, count in days.items():
            years[day.year // width * width] += count
        starts = range(first.year // width * width, last.year + 1, width)
        counts = [Count(str(y) if width == 1 else f"[{y},{y + width})",
                        str(y) if width == 1 else f"{y}–{y + width - 1}", years.get(y, 0)) for y in starts]
    return counts, (first, last)


def _step(rough: Decimal, whole: bool) -> Decimal:
    power = Decimal(10) ** math.floor(math.log10(rough)) if rough > 0 else Decimal(1)
    for factor in ("1", "2", "2.5", "5", "10"):
        step = Decimal(factor) * power
        if step >= rough and (not whole or step == step.to_integral_value()):
            return max(step, Decimal(1)) if whole else step
    return Decimal(10) * power


def _plain(number: Decimal, *, grouped: bool = True) -> str:
    text = format(number.normalize(), ",f" if grouped else "f")
    return "0" if text in ("-0", "0") else text


def _per_day(days: Counter[dt.date]) -> list[tuple[dt.date, int]]:
    """Every day from the first submission's to the last one's, days with nothing included."""
    if not days:
        return []
    first, last = min(days), max(days)
    return [(first + dt.timedelta(days=n), days.get(first + dt.timedelta(days=n), 0))
            for n in range((last - first).days + 1)]


def _per_access_point(store: Store, app_id: int, counted: Counter[str], tr: Translator) -> list[Count]:
    """Each access point of the app, oldest first (one no longer in use only if something came through it),
    then those who came directly."""
    with store.session() as s:
        points = list(s.exec(select(AccessPoint).where(AccessPoint.app_id == app_id).order_by(col(AccessPoint.id))))
    rows = [Count(p.code, p.label, counted.get(p.code, 0)) for p in points if p.active or counted.get(p.code)]
    known = {p.code for p in points}
    rows += [Count(code, code, n) for code, n in sorted(counted.items()) if code and code not in known]
    return [*rows, Count("", tr.gettext(DIRECT), counted.get("", 0))]

"""One app's results as charts: submissions per day and by access point, the counts of each choice question,
a histogram of each number and rating, dates by month (or year, or decade) with their range, and consent as
agreed or not; free text is only counted. Each chart has its counts in a table beside it (for screen
readers, and for reading exact numbers), and a printable one-page summary.

Below, for a survey, its results as open data: admins publish them under a licence at a public address, and
stop; anyone may see whether they are published. A survey is a form (kind "form") with something to count
that asks nobody who they are: a form that asks for a name, a phone number, an email address or a postal
code is an application, and its counts are not offered (one published before is still shown, so that it
can be stopped).

The page is sent with its title, filters and a "counting" state; the submissions are counted afterwards, in a
thread, once the browser has connected: at a million rows that takes longer than NiceGUI's page-build limit.

Any signed-in member of staff may open these pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from nicegui import run, ui

from generated_apps.domain import open_data
from generated_apps.domain.apps import Apps
from generated_apps.domain.config import Settings
from generated_apps.domain.models import App, StaffUser
from generated_apps.domain.specs import DAMAGED_DRAFT, readable_spec
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import SubmissionFilter
from generated_apps.domain.summary import Count, QuestionSummary, Summary, summarise

from .. import auth, roles
from ..i18n import _, local_time, staff_lang
from .components import damaged_notice, draft_title, no_such_app, text_in
from .frame import frame
from .guard import in_thread
from .summary_report import grouped, share, summary_report

if TYPE_CHECKING:
    from .site import StaffSite


def parse_day(text: str | None) -> dt.date | None:
    """A date staff typed (YYYY-MM-DD), or None; years the city's clock cannot hold are ignored."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if 1970 <= day.year <= 2999 else None


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int, since: str | None = None,
               until: str | None = None) -> None:
    page = ChartsPage(site.store, site.settings, app_id, since=parse_day(since), until=parse_day(until))
    with frame(request, user, None):
        await page.build()
    # The page is sent first; a large survey is counted afterwards, in a thread.
    await ui.context.client.connected()
    await page.load()


def printable_summary(site: StaffSite, request: Request, user: StaffUser, app_id: int, since: str | None = None,
                      until: str | None = None) -> Response:
    store, settings = site.store, site.settings
    app = Apps(store).by_id(app_id)
    if app is None:
        return Response(status_code=404)
    if readable_spec(app.draft_spec) is None and not counts_published(store, app_id):
        return PlainTextResponse(_(DAMAGED_DRAFT), status_code=404)  # no version to summarise, nor a draft
    first, last = parse_day(since), parse_day(until)
    summary = summarise(store, app_id, SubmissionFilter(since=first, until=last), settings.time_zone,
                        lang=staff_lang(), for_staff=True)
    page = summary_report(summary, since=first, until=last,
                          printed=local_time(store.now(), settings.time_zone))
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


class ChartsPage:
    def __init__(self, store: Store, settings: Settings, app_id: int, *, since: dt.date | None = None,
                 until: dt.date | None = None) -> None:
        self.store, self.settings, self.app_id = store, settings, app_id
        self.since, self.until = since, until
        self.app: App | None = None
        self.summary: Summary | None = None
        self.loads = 0  # only the newest count is shown, however the filters changed meanwhile

    def where(self) -> SubmissionFilter:
        return SubmissionFilter(since=self.since, until=self.until)

    def summary_url(self) -> str:
        query = {k: v.isoformat() for k, v in (("since", self.since), ("until", self.until)) if v is not None}
        return f"/apps/{self.app_id}/summary" + (f"?{urlencode(query)}" if query else "")

    def _facts(self) -> tuple[App | None, bool, bool]:
        """The app, whether a version of it is out, and whether its open-data card is shown."""
        app = Apps(self.store).by_id(self.app_id)
        if app is None:
            return None, False, False
        return app, counts_published(self.store, self.app_id), (open_data.offered(self.store, app)
                                                                or open_data.is_published(app))

    async def build(self) -> None:
        self.app, published, open_data_shown = await in_thread(self._facts) or (None, False, False)
        if self.app is None:
            no_such_app()
            return
        title, damaged = draft_title(self.app, staff_lang())
        ui.label(_("Charts: {title}", title=title)).classes("text-h4 q-mb-sm").props('role="heading" aria-level="1"')
        if damaged:  # the charts count what was sent to the published versions, which are intact
            damaged_notice(self.app_id)
            if not published:  # nothing sent, and no questions to show
                ui.label(_("This app has not been published yet, so nothing has been sent.")).classes("text-body1")
                self.app = None  # nothing to count
                return
        with ui.row().classes("q-gutter-md q-mb-md items-center"):
            ui.link(_("List of submissions"), f"/apps/{self.app_id}/submissions").classes("text-body1")
            ui.link(_("Edit the app"), f"/apps/{self.app_id}").classes("text-body1")
            self.print_link = ui.link(_("Printable summary (one page)"), self.summary_url(), new_tab=True).classes(
                "text-body1").mark("summary-link")
        with ui.row().classes("items-end q-gutter-md q-mb-md"):
            ui.input(_("From (date)"), value=self.since.isoformat() if self.since else "",
                     on_change=lambda e: self.set_day("since", e.value)).props("outlined type=date").mark(
                "filter-since")
            ui.input(_("To (date)"), value=self.until.isoformat() if self.until else "",
                     on_change=lambda e: self.set_day("until", e.value)).props("outlined type=date").mark(
                "filter-until")
        self.body()
        if open_data_shown:
            await self.open_data_card()

    async def set_day(self, name: str, text: str | None) -> None:
        setattr(self, name, parse_day(text))
        self.print_link.props["href"] = self.summary_url()
        self.print_link.update()
        await self.load()

    async def load(self) -> None:
        if self.app is None:
            return
        self.loads += 1
        mine = self.loads
        lang = staff_lang()  # asked here: the thread has no browser to ask
        summary = await run.io_bound(summarise, self.store, self.app_id, self.where(), self.settings.time_zone,
                                     lang=lang, for_staff=True)
        if summary is not None and mine == self.loads:  # None: the server is shutting down
            self.summary = summary
            self.body.refresh()

    # --- the charts ---------------------------------------------------------------------------------

    @ui.refreshable_method
    def body(self) -> None:
        summary = self.summary
        if summary is None:
            with ui.row().classes("items-center q-gutter-sm").mark("counting"):
                ui.spinner(size="lg")
                ui.label(_("Counting the submissions…")).classes("text-body1")
            return
        if self.since and self.until and self.since > self.until:
            ui.label(_("The first day is after the last day: nothing is counted.")).classes(
                "text-body1 text-negative").props('role="alert"')
        ui.label(_("{count} submissions", count=grouped(summary.total))).classes("text-h5 q-mb-md").props(
            'role="heading" aria-level="2"').mark("total")
        if summary.total == 0:
            ui.label(_("Nothing has been sent in this period.")).classes("text-body1 q-mb-md").mark("nothing")
        if summary.per_day:
            self.per_day(summary)
        if summary.total:
            self.chart_card(_("By access point"), summary.per_access_point, summary.total, "access-points",
                            heading=_("Access point"), horizontal=True)
        for question in summary.questions:
            self.question(question)

    def per_day(self, summary: Summary) -> None:
        rows = [Count(day.isoformat(), day.isoformat(), n) for day, n in summary.per_day]
        with ui.card().classes("w-full q-mb-md").mark("per-day"):
            ui.label(_("Submissions per day")).classes("text-h6").props('role="heading" aria-level="3"')
            chart(rows, horizontal=False, name=_("Submissions per day"), marker="chart-per-day",
                  description=_("Bar chart of submissions per day; the table below gives each day's count"))
            with ui.expansion(_("Table of submissions per day")).classes("w-full"):
                counts_table(rows, summary.total, _("Day"), "table-per-day")

    def chart_card(self, title: str, rows: list[Count], of: int, marker: str, *, heading: str,
                   horizontal: bool, note: str | None = None) -> None:
        with ui.card().classes("w-full q-mb-md").mark(marker):
            ui.label(title).classes("text-h6").props('role="heading" aria-level="3"')
            if note:
                ui.label(note).classes("text-body2")
            chart(rows, horizontal=horizontal, name=title, marker=f"chart-{marker}",
                  description=_("Bar chart of {title}; the table below gives the counts", title=title))
            counts_table(rows, of, heading, f"table-{marker}")

    def question(self, question: QuestionSummary) -> None:
        answered = _("Answered by {count}", count=grouped(question.answered))
        if question.kind == "text":
            with ui.card().classes("w-full q-mb-md").mark(f"question-{question.key}"):
                ui.label(question.label).classes("text-h6").props('role="heading" aria-level="3"')
                ui.label(_("{count} answers (free text is not charted)", count=grouped(question.answered))).classes(
                    "text-body1")
            return
        if not question.counts:
            with ui.card().classes("w-full q-mb-md").mark(f"question-{question.key}"):
                ui.label(question.label).classes("text-h6").props('role="heading" aria-level="3"')
                ui.label(_("No answers yet.")).classes("text-body1")
            return
        if question.type == "multiple_choice":
            answered += " " + _("(each could choose several)")
        if question.kind == "dates":
            self.chart_card(question.label, question.counts, question.answered, f"question-{question.key}",
                            heading=_("Period"), horizontal=False, note=answered + " · " + date_range(question))
            return
        if question.kind == "consent":  # of everyone asked: shares of those who agreed and those who did not
            self.chart_card(question.label, question.counts, sum(c.count for c in question.counts),
                            f"question-{question.key}", heading=_("Answer"), horizontal=True)
            return
        self.chart_card(question.label, question.counts, question.answered, f"question-{question.key}",
                        heading=_("Answer"), horizontal=question.kind == "choices", note=answered)

    # --- open data ----------------------------------------------------------------------------------

    def _open_data_facts(self) -> tuple[App | None, bool, bool]:
        """The app, whether this browser's user is an admin, and whether its counts are offered."""
        app = Apps(self.store).by_id(self.app_id)
        admin = roles.is_admin(auth.session_user(self.store))
        return app, admin, app is not None and open_data.offered(self.store, app)

    @ui.refreshable_method
    async def open_data_card(self) -> None:
        facts = await in_thread(self._open_data_facts)
        if facts is None or facts[0] is None:  # the server is shutting down, or the app was deleted
            return
        app, admin, offered = facts
        with ui.card().classes("w-full q-mb-md").mark("open-data"):
            ui.label(_("Open data")).classes("text-h6").props('role="heading" aria-level="2"')
            if offered:
                ui.label(_("Anyone may download the counts of this survey's choice, number and rating questions as "
                           "CSV and JSON. Counts from 1 to 4 are withheld so that no resident can be singled out, "
                           "and free-text answers are never published.")).classes("text-body2")
            else:  # published before this form asked who residents are: it can still be stopped
                ui.label(_("This form asks residents who they are, so its counts are no longer offered as open "
                           "data. Anyone may still download the counts already published; an admin can stop "
                           "that.")).classes("text-body2")
            if open_data.is_published(app):
                self.published(app, admin)
            elif not offered:
                ui.label(_("Not published.")).classes("text-body1").mark("open-data-state")
            elif admin:
                self.publish_form()
            else:
                ui.label(_("Not published. Only an admin can publish the results as open data.")).classes(
                    "text-body1").mark("open-data-state")

    def published(self, app: App, admin: bool) -> None:
        assert app.open_data_at is not None  # what open_data.is_published checks
        ui.label(_("Published under {licence} since {when}, by {who}", licence=app.open_data_licence,
                   when=local_time(app.open_data_at, self.settings.time_zone), who=app.open_data_by)).classes(
            "text-body1").mark("open-data-state")
        urls = open_data.urls(self.settings.public_url, app.slug)
        with ui.row().classes("q-gutter-md"):
            ui.link(urls["csv"], urls["csv"], new_tab=True).mark("open-data-csv")
            ui.link(urls["json"], urls["json"], new_tab=True).mark("open-data-json")
        if admin:
            ui.button(_("Stop publishing"), on_click=self.unpublish).props("outline").mark("unpublish-open-data")

    def publish_form(self) -> None:
        ui.label(_("Not published.")).classes("text-body1").mark("open-data-state")
        with ui.row().classes("items-end q-gutter-md"):
            self.licence = ui.input(_("Licence"), value=open_data.DEFAULT_LICENCE).props(
                f"outlined maxlength={open_data.LICENCE_MAX}").classes("w-72").mark("open-data-licence")
            ui.button(_("Publish the results as open data"), on_click=self.publish).props("unelevated").mark(
                "publish-open-data")

    async def publish(self) -> None:
        await self.change("open_data.publish", lambda by: open_data.publish(self.store, self.app_id, by,
                                                                            self.licence.value or ""),
                          _("Published: anyone can download the counts now"))

    async def unpublish(self) -> None:
        await self.change("open_data.unpublish", lambda by: open_data.unpublish(self.store, self.app_id, by),
                          _("No longer published"))

    async def change(self, action: str, command: Callable[[str], Any], done: str) -> None:
        # Asked of the database at the click: a role may have changed since the page was drawn.
        if await roles.as_admin(self.store, action, command, app_id=self.app_id):
            ui.notify(done, type="positive")
            await self.open_data_card.refresh()
        elif not roles.is_admin(await in_thread(auth.session_user, self.store)):
            await self.open_data_card.refresh()  # no longer an admin: the buttons go; a refused licence stays as typed


def date_range(question: QuestionSummary) -> str:
    if question.span is None:
        return ""
    first, last = question.span
    return _("from {first} to {last}", first=first.isoformat(), last=last.isoformat())


def counts_published(store: Store, app_id: int) -> bool:
    """Whether a version is out, so that the summary counts what was sent to it (without one, it shows the
    draft's questions)."""
    state = Apps(store).state(app_id)
    return state is not None and state.live is not None


def chart(rows: list[Count], *, horizontal: bool, name: str, marker: str, description: str) -> ui.echart:
    """A bar chart of `rows`. Its labels are text staff wrote: the tooltip is drawn as rich text on the canvas,
    never as HTML, so a label is shown as written and can never become markup."""
    categories = {"type": "category", "data": [r.label for r in rows], "inverse": horizontal,
                  "axisLabel": {"width": 240 if horizontal else 120, "overflow": "truncate"}}
    values = {"type": "value", "minInterval": 1}
    options = {
        "animation": False,
        "tooltip": {"trigger": "axis", "renderMode": "richText", "axisPointer": {"type": "shadow"}},
        "grid": {"containLabel": True, "left": 8, "right": 32, "top": 16, "bottom": 8},
        "xAxis": values if horizontal else categories,
        "yAxis": categories if horizontal else values,
        "series": [{"type": "bar", "name": name, "data": [r.count for r in rows], "itemStyle": {"color": "#0d47a1"},
                    "label": {"show": len(rows) <= 40, "position": "right" if horizontal else "top",
                              "color": "#212121"}}],
    }
    height = max(160, 36 * len(rows) + 48) if horizontal else 280
    element = ui.echart(options).classes("w-full").style(f"height: {height}px").mark(marker)
    element.props["role"] = "img"
    element.props["aria-label"] = description
    return element


def counts_table(rows: list[Count], of: int, heading: str, marker: str) -> None:
    """The counts of a chart as a table: what a screen reader reads, and where exact numbers are."""
    with ui.element("table").classes("mdg-table q-mt-sm").mark(marker):
        with ui.element("thead"), ui.element("tr"):
            for title in (heading, _("Count"), _("Share")):
                text_in("th", title).props('scope="col"').classes("text-left q-pa-sm")
        with ui.element("tbody"):
            for row in rows:
                with ui.element("tr"):
                    text_in("td", row.label).classes("q-pa-sm")
                    text_in("td", f"{row.count:,}").classes("q-pa-sm text-right")
                    text_in("td", share(row.count, of)).classes("q-pa-sm text-right")

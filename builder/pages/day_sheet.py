"""A facility's day on paper, for the counter: every time of the day and who booked it, in large type,
with a box to tick as each resident arrives. Plain HTML (no NiceGUI client), printed from the browser."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from generated_apps.domain.bookings import CalendarSlot
from generated_apps.domain.models import Resource
from widgets.phone import written_phone

from ..i18n import _, staff_lang
from .booking_text import counts, day_name, entered_by, state, time_span

SHEET = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>
  body { font: 16pt/1.5 "IPAexGothic", "Noto Sans CJK JP", sans-serif; margin: 1.5rem; color: #000; }
  h1 { font-size: 22pt; margin: 0 0 0.25rem; }
  h2 { font-size: 18pt; margin: 1.25rem 0 0.25rem; }
  .slot { break-inside: avoid; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #000; padding: 0.3rem 0.5rem; text-align: left; vertical-align: middle; }
  th { font-size: 13pt; }
  .arrived { width: 4rem; text-align: center; }
  .box { display: inline-block; width: 1.4rem; height: 1.4rem; border: 2px solid #000; }
  .note { font-size: 13pt; }
  button { font: inherit; padding: 0.4rem 1rem; margin-bottom: 1rem; }
  @page { size: A4; margin: 12mm; }
  @media print { .no-print { display: none; } body { margin: 0; } }
</style></head>
<body>
<p class="no-print"><button type="button" onclick="window.print()">{{ print_words }}</button></p>
<h1>{{ title }}</h1>
<p class="note">{{ printed }}</p>
{% for item in slots %}
<section class="slot">
  <h2>{{ item.span }} <span class="note">{{ item.counts }} · {{ item.state }}</span></h2>
  {% if item.rows %}
  <table>
    <thead><tr>{% for heading in headings %}\
<th scope="col"{% if loop.first %} class="arrived"{% endif %}>{{ heading }}</th>{% endfor %}</tr></thead>
    <tbody>{% for row in item.rows %}
      <tr><td class="arrived"><span class="box" aria-hidden="true"></span></td><td>{{ row.reference }}</td>\
<td>{{ row.name }}</td><td>{{ row.phone }}</td><td class="note">{{ row.by }}</td></tr>
    {% endfor %}</tbody>
  </table>
  {% else %}<p class="note">{{ no_bookings }}</p>{% endif %}
</section>
{% else %}
<p>{{ no_times }}</p>
{% endfor %}
</body></html>
""")


def day_sheet(resource: Resource, day: dt.date, slots: list[CalendarSlot], *, printed: str, zone: str) -> str:
    """The sheet of `day`'s slots of `resource` (from Bookings.calendar), `printed` being when it was made."""
    return SHEET.render(
        lang=staff_lang(), title=f"{resource.name} {day_name(day)}", print_words=_("Print"),
        printed=_("As of {when}", when=printed),
        headings=(_("Arrived"), _("Reference number"), _("Name"), _("Phone"), _("Entered by")),
        no_bookings=_("No bookings yet."), no_times=_("No times on this day."),
        slots=[{"span": time_span(item.view.slot, zone), "counts": counts(item.view), "state": state(item.view),
                "rows": [{"reference": b.reference, "name": b.name, "phone": written_phone(b.phone),
                          "by": entered_by(b)} for b in item.bookings]} for item in slots])

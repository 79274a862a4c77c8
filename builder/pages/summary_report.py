"""A survey's results on one A4 page, for a meeting or the counter: the total, the counts of each question with
a bar drawn by CSS, and when it was printed. Plain HTML (no NiceGUI client, no script needed), printed from
the browser; dates by month (or year, or decade) with their range, consent as agreed or not, and free text
only counted, as on the charts page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment

from generated_apps.domain.summary import Count, Summary

from ..i18n import _, staff_lang

REPORT = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>
  body { font: 12pt/1.45 "IPAexGothic", "Noto Sans CJK JP", sans-serif; margin: 1.5rem; color: #000; max-width: 60rem; }
  h1 { font-size: 18pt; margin: 0 0 0.25rem; }
  h2 { font-size: 12.5pt; margin: 0.9rem 0 0.2rem; }
  .facts { margin: 0 0 0.5rem; }
  .note { font-size: 10pt; color: #333; margin: 0 0 0.2rem; }
  section { break-inside: avoid; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #999; padding: 0.1rem 0.4rem; text-align: left; vertical-align: middle; }
  th { font-size: 10pt; }
  .n { text-align: right; white-space: nowrap; width: 4.5rem; }
  .bar-cell { width: 35%; }
  /* A border, not a background: browsers print borders even when they leave backgrounds out. */
  .bar { display: block; height: 0; border-top: 0.7em solid #333; }
  button { font: inherit; padding: 0.4rem 1rem; margin-bottom: 1rem; }
  @page { size: A4; margin: 12mm; }
  @media print {
    .no-print { display: none; }
    body { margin: 0; font-size: 9.5pt; max-width: none; }
    h1 { font-size: 15pt; }
    h2 { font-size: 10.5pt; margin-top: 0.5rem; }
    /* Two columns of questions: a survey of a dozen questions still fits one sheet. */
    .blocks { columns: 2; column-gap: 8mm; }
    section:first-child h2 { margin-top: 0; }
    .n { width: 2.8rem; }
    .bar-cell { width: 28%; }
  }
</style></head>
<body>
<p class="no-print"><button type="button" onclick="window.print()">{{ words.print }}</button></p>
<h1>{{ title }}</h1>
<p class="facts">{{ period }} · {{ total }}</p>
<div class="blocks">
{% for block in blocks %}
<section>
  <h2>{{ block.title }}</h2>
  {% if block.note %}<p class="note">{{ block.note }}</p>{% endif %}
  {% if block.rows %}
  <table>
    <thead><tr><th scope="col">{{ block.heading }}</th><th scope="col" class="n">{{ words.count }}</th>\
<th scope="col" class="n">{{ words.share }}</th>\
<th scope="col" class="bar-cell"><span class="note">{{ words.bar }}</span></th></tr></thead>
    <tbody>{% for row in block.rows %}
      <tr><td>{{ row.label }}</td><td class="n">{{ row.count }}</td><td class="n">{{ row.share }}</td>\
<td class="bar-cell"><span class="bar" style="width: {{ row.width }}%" aria-hidden="true"></span></td></tr>
    {% endfor %}</tbody>
  </table>
  {% endif %}
</section>
{% endfor %}
</div>
<p class="note">{{ printed }}</p>
</body></html>
""")


def grouped(number: int) -> str:
    """12,345: a count as it is read."""
    return f"{number:,}"


def share(count: int, of: int) -> str:
    """A count as a whole percentage of `of`: 58%."""
    return f"{count / of:.0%}" if of else "—"


def _rows(counts: list[Count], of: int) -> list[dict[str, Any]]:
    most = max((c.count for c in counts), default=0)
    # Whole percentages of the longest bar: the style attribute only ever holds a number.
    return [{"label": c.label, "count": f"{c.count:,}", "share": share(c.count, of),
             "width": round(100 * c.count / most) if most else 0} for c in counts]


def summary_report(summary: Summary, *, since: dt.date | None, until: dt.date | None, printed: str) -> str:
    """The page of `summary`, counted over `since`…`until` (either open), `printed` being when it was made."""
    first = since or (summary.per_day[0][0] if summary.per_day else None)
    last = until or (summary.per_day[-1][0] if summary.per_day else None)
    period = _("Period: {first} to {last}", first=first.isoformat() if first else "—",
               last=last.isoformat() if last else "—")
    blocks: list[dict[str, Any]] = []
    if summary.total:
        blocks.append({"title": _("By access point"), "heading": _("Access point"),
                       "rows": _rows(summary.per_access_point, summary.total)})
    for question in summary.questions:
        if question.kind == "text":
            blocks.append({"title": question.label,
                           "note": _("{count} answers (free text is not summarised here)",
                                     count=grouped(question.answered))})
            continue
        note = _("Answered by {count}", count=grouped(question.answered))
        if question.type == "multiple_choice":
            note += " " + _("(each could choose several)")
        of, heading = question.answered, _("Answer")
        if question.kind == "dates" and question.span is not None:
            note += " · " + _("from {first} to {last}", first=question.span[0].isoformat(),
                              last=question.span[1].isoformat())
            heading = _("Period")
        elif question.kind == "consent":  # shares of everyone asked, agreed or not; no note
            of = sum(c.count for c in question.counts)
        blocks.append({"title": question.label, "note": None if question.kind == "consent" else note,
                       "heading": heading, "rows": _rows(question.counts, of)})
    return REPORT.render(
        lang=staff_lang(), title=summary.title, period=period, blocks=blocks,
        total=_("{count} submissions", count=grouped(summary.total)), printed=_("Printed {when}", when=printed),
        words={"print": _("Print"), "count": _("Count"), "share": _("Share"), "bar": _("Chart")})

"""The Jinja templates of the widgets, as a loader the web layer adds to its environment.

Templates expect, from the environment: the `t` filter (LocalizedText -> text in the page's
language, with a `lang` attribute when it falls back), and `_` (gettext). Each widget template is
rendered with `w` (the widget), `raw` (field name -> submitted values), `error` (a translated
message or None), `error_field` (the form field the error is about, when the widget knows) and
`as_heading` (the question is the page's h1). Templates that put text into
an attribute or build formatted text in Python (paragraph, notice, image, rating) also read `lang`,
the page's language, from the context when it is there (default "ja"); an <option> of app text says
its language with the `lang_of` macro.

Every `_('…')` string in the templates is listed in TEMPLATE_MSGIDS, for the gettext catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import DictLoader

from .base import Widget
from .text import N_

# The `_('…')` strings of the macros and of every widget template (a test keeps this list whole).
TEMPLATE_MSGIDS: tuple[str, ...] = (
    N_("(required)"), N_("(optional)"), N_("Error:"),
    N_("Choose one"),
    N_("Yes"), N_("No"),
    N_("Era"), N_("Year"), N_("Month"), N_("Day"),
    N_("Reading (in kana)"),
    N_("Contact"), N_("Phone"), N_("Email"), N_("Opening hours"), N_("Place"),
    N_("Times cannot be booked here at the moment. Please call us."), N_("No times on this day"),
    N_("No times can be booked this week. Look at another week."), N_("Previous week"), N_("Next week"),
)

MACROS = """
{%- macro value(raw, name) -%}{{ (raw.get(name) or [''])[0] }}{%- endmacro -%}

{#- The lang attribute of an element whose content is app text that falls back to another language than
    the page's `lang`: for an element that cannot hold a marked <span> (an <option>); elsewhere the `t`
    filter marks the text itself. -#}
{%- macro lang_of(text, lang) -%}
{%- set real = text.get(lang)[1] -%}{% if real != lang %} lang="{{ real }}"{% endif -%}
{%- endmacro -%}

{%- macro need(w) -%}
<span class="need">{{ _('(required)') if w.required else _('(optional)') }}</span>
{%- endmacro -%}

{%- macro described(w, error, extra=None) -%}
{%- set ids = [] -%}
{%- if w.hint %}{% set _ = ids.append(w.key ~ '-hint') %}{% endif -%}
{%- if error %}{% set _ = ids.append(w.key ~ '-error') %}{% endif -%}
{%- if extra %}{% set _ = ids.append(extra) %}{% endif -%}
{%- if ids %} aria-describedby="{{ ids|join(' ') }}"{% endif %}{% if error %} aria-invalid="true"{% endif -%}
{%- endmacro -%}

{%- macro error_message(id, error) -%}
<p class="error-message" id="{{ id }}"><span class="visually-hidden">{{ _('Error:') }} </span>{{ error }}</p>
{%- endmacro -%}

{%- macro hint_and_error(w, error) -%}
{%- if w.hint %}<p class="hint" id="{{ w.key }}-hint">{{ w.hint|t }}</p>{% endif -%}
{%- if error %}{{ error_message(w.key ~ '-error', error) }}{% endif -%}
{%- endmacro -%}

{%- macro field(w, error, as_heading) -%}
<div class="field{{ ' field--error' if error }}">
{%- if as_heading %}<h1 class="question">{% endif -%}
<label class="label" for="{{ w.first_field_id() }}">{{ w.label|t }} {{ need(w) }}</label>
{%- if as_heading %}</h1>{% endif -%}
{{ hint_and_error(w, error) }}
{{ caller() }}
</div>
{%- endmacro -%}

{%- macro group(w, error, as_heading) -%}
<div class="field{{ ' field--error' if error }}">
<fieldset class="fieldset"{{ described(w, error) | replace(' aria-invalid="true"', '') }}>
<legend class="legend">
{%- if as_heading %}<h1 class="question">{% endif -%}
{{ w.label|t }} {{ need(w) }}
{%- if as_heading %}</h1>{% endif -%}
</legend>
{{ hint_and_error(w, error) }}
{{ caller() }}
</fieldset>
</div>
{%- endmacro -%}
"""


def loader(widget_types: Iterable[type[Widget]]) -> DictLoader:
    """One template per widget type, named widgets/<type>.html, plus the shared macros."""
    mapping = {"widgets/_macros.html": MACROS}
    for cls in widget_types:
        mapping[cls.template_name()] = '{% import "widgets/_macros.html" as m %}' + cls.template
    return DictLoader(mapping)

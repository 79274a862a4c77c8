"""Contact card: who to ask, with the phone number as a link a resident can tap to call."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Widget
from .phone import tel_uri
from .text import N_, LocalizedText


class ContactCard(Widget):
    type: Literal["contact_card"] = "contact_card"
    department: LocalizedText = Field(title=N_("Department"))
    phone: str = Field(default="", pattern=r"^[0-9+\-() ]{0,20}$", title=N_("Phone number"),
                       description=N_("e.g. 0142-23-3331"))
    email: str = Field(default="", pattern=r"^$|^[A-Za-z0-9.!#$%&*+/=?^_{|}~\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$",
                       title=N_("Email address"))
    hours: LocalizedText | None = Field(default=None, title=N_("Opening hours"))
    place: LocalizedText | None = Field(default=None, title=N_("Place"))

    title: ClassVar[str] = N_("Contact card")
    icon: ClassVar[str] = "call"
    example: ClassVar[dict[str, Any]] = {"type": "contact_card", "department": "総務課", "phone": "0142-23-3331",
                                         "hours": "平日 8:45〜17:30"}
    template: ClassVar[str] = """
<section class="contact-card">
<h2 class="contact-card-title heading-3">{{ _('Contact') }}</h2>
<p class="contact-card-department">{{ w.department|t }}</p>
<dl class="contact-card-details">
{%- if w.phone %}
<dt>{{ _('Phone') }}</dt>
<dd><a class="tel-link link-block" href="{{ w.tel_uri() }}">{{ w.phone }}</a></dd>
{%- endif %}
{%- if w.email %}
<dt>{{ _('Email') }}</dt>
<dd><a class="link-block" href="mailto:{{ w.email }}">{{ w.email }}</a></dd>
{%- endif %}
{%- if w.hours %}
<dt>{{ _('Opening hours') }}</dt>
<dd>{{ w.hours|t }}</dd>
{%- endif %}
{%- if w.place %}
<dt>{{ _('Place') }}</dt>
<dd>{{ w.place|t }}</dd>
{%- endif %}
</dl>
</section>"""

    def tel_uri(self) -> str:
        return tel_uri(self.phone)

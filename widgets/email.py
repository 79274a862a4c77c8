"""Email: an email address, checked for its shape only."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from .base import Invalid, Question, Raw, single
from .text import N_

# A practical shape, not RFC 5322: Japanese mobile addresses such as "a..b@docomo.ne.jp" pass.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]{1,64}"  # the local part
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


class Email(Question):
    type: Literal["email"] = "email"

    title: ClassVar[str] = N_("Email address")
    icon: ClassVar[str] = "alternate_email"
    example: ClassVar[dict[str, Any]] = {"type": "email", "key": "email", "label": "メールアドレス"}
    example_answer: ClassVar[Any] = "taro@example.jp"
    identifies_submitter: ClassVar[bool] = True
    autocomplete: ClassVar[str | None] = "email"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<input class="input" type="email" id="{{ w.first_field_id() }}" name="{{ w.key }}" value="{{ m.value(raw, w.key) }}"
 size="30" autocomplete="{{ w.autocomplete }}" autocapitalize="none" spellcheck="false"{{ m.described(w, error) }}>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        # NFKC has turned a full-width "＠" into "@"; spaces around the address are dropped.
        text = single(raw, self.key, max_length=254).replace(" ", "")
        if not _EMAIL.match(text):
            raise Invalid(N_("Enter an email address in the correct format, like name@example.jp"))
        local, domain = text.rsplit("@", 1)
        return f"{local}@{domain.lower()}"

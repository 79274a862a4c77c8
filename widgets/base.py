"""What every widget has in common: the model base classes, conditions, and validation errors.

A widget is content (heading, paragraph, …) or a question (it has a data key and takes an answer).
A question reads its own form fields from the submitted form, returns a normalised value or
raises `Invalid`, and says how its value reads on the check-answers page.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Protocol

from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .text import CONTROL, N_, LocalizedText, StaffText

# A submitted form, reduced to the fields of one question: field name -> values.
Raw = Mapping[str, list[str]]
Chart = Literal["choices", "histogram", "dates", "consent", "text"]

DataKey = Annotated[str, Field(
    pattern=r"^[a-z][a-z0-9_]{0,62}$", title=N_("Data name"),
    description=N_("Stable name of the answer in submissions and exports: lower-case letters a-z, digits and _, "
                   "starting with a letter"),
)]

# Longest text any single-line field takes; long text has its own limit.
MAX_SHORT = 500
# Largest count of things in an app (choices to tick), and largest number naming a row of the
# database (a facility): the smallest integer column of PostgreSQL holds no more.
MAX_COUNT = 10_000
MAX_ID = 2**31 - 1


class Invalid(Exception):
    """A resident's answer that cannot be taken. `message` is an untranslated msgid with {placeholders}."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class Translator(Protocol):
    """What widgets need of the page's language: set up by the web layer for each request."""

    lang: str

    def gettext(self, message: str) -> str: ...

    def text(self, value: LocalizedText) -> str: ...


class Condition(BaseModel):
    """Show a widget only when an earlier answer equals / contains a value, or is answered at all."""

    model_config = ConfigDict(extra="forbid")

    key: StaffText = Field(title=N_("Question"), description=N_("Data name of an earlier question"))
    op: Literal["equals", "contains", "answered"] = "equals"
    value: StaffText | None = None

    @model_validator(mode="after")
    def _value_needed(self) -> Condition:
        if self.op != "answered" and self.value is None:
            raise ValueError(f"a condition with op '{self.op}' needs a value")
        return self

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.key)
        if self.op == "answered":
            return answer not in (None, "", [], {})
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            # Numbers and ratings are stored as numbers; a condition's value is text ("2").
            answer = str(answer)
        if self.op == "equals":
            return answer == self.value
        if isinstance(answer, list):
            return self.value in answer
        return isinstance(answer, str) and self.value is not None and self.value in answer


class Widget(BaseModel):
    """Base of every widget. Subclasses set `type` as a Literal and a Jinja `template`."""

    model_config = ConfigDict(extra="forbid")

    type: str
    show_if: Condition | None = Field(default=None, title=N_("Show only when"))

    # The palette name of the type (msgid), its icon there (a Material icon name) and its Jinja template source.
    title: ClassVar[str] = ""
    icon: ClassVar[str] = "widgets"
    template: ClassVar[str] = ""
    is_question: ClassVar[bool] = False
    # One widget of the type as staff write it in an app file: the docs' and the tests' checks of every
    # type draw, read and validate it (tests/widgets/test_traits.py says which type lacks a good one).
    example: ClassVar[dict[str, Any]]

    @classmethod
    def template_name(cls) -> str:
        return f"widgets/{cls.model_fields['type'].default}.html"


class Question(Widget):
    """A widget that asks for an answer."""

    key: DataKey
    label: LocalizedText = Field(title=N_("Question"))
    hint: LocalizedText | None = Field(default=None, title=N_("Hint"), json_schema_extra={"long": True})
    required: bool = Field(default=True, title=N_("Answer required"))

    is_question: ClassVar[bool] = True
    # Whether the label is a <legend> of a fieldset (groups of controls) or a <label for>.
    is_group: ClassVar[bool] = False
    # The HTML autocomplete token of the field, for personal data (ACCESSIBILITY.md item 9).
    autocomplete: ClassVar[str | None] = None
    # How a summary counts the answers (generated_apps/domain/summary.py): a bar per option ("choices"),
    # a histogram of numbers, the dates, consents given; "text" answers are listed, never charted.
    chart: ClassVar[Chart] = "text"
    # Whether the answer is the submitter's own name or phone number: what a booking is made in, and
    # what a resident gives the last four digits of to look up a booking or a consultation.
    is_submitters_name: ClassVar[bool] = False
    is_submitters_phone: ClassVar[bool] = False
    # Whether the answer says who the submitter is (name, phone, email, address): an app asking it is an
    # application, never an anonymous survey whose counts may be published (open data).
    identifies_submitter: ClassVar[bool] = False
    # A valid answer to `example`, as the question stores it: `to_raw(example_answer)` is the form a
    # resident sends, and reading that form gives it back (the tests of every type answer with it).
    example_answer: ClassVar[Any]

    def fields(self) -> list[str]:
        """Form field names this question reads."""
        return [self.key]

    def first_field_id(self) -> str:
        return field_id(self.fields()[0])

    def is_empty(self, raw: Raw) -> bool:
        try:
            return all(not clean_text(v) for name in self.fields() for v in values(raw, name))
        except Invalid:
            return False  # something that is not text: parse() says it cannot be read

    def read(self, raw: Raw) -> Any:
        """The normalised answer for a submitted form, None when optional and left empty."""
        if self.is_empty(raw):
            if self.required:
                raise Invalid(self.required_message)
            return None
        return self.parse(raw)

    required_message: ClassVar[str] = N_("Enter {label}")

    def parse(self, raw: Raw) -> Any:
        """Validate a non-empty answer. Subclasses override."""
        return single(raw, self.key)

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        """The form fields that show a stored answer again (for the 変更 link)."""
        return {} if value is None else {self.key: [str(value)]}

    def choice_labels(self, tr: Translator) -> dict[str, str]:
        """Each stored value a resident may choose, with its words (for counting answers by choice)."""
        return {}

    def contact_text(self, value: Any) -> str:
        """The answer as the contact a booking is made in (a name, a phone number): plain text."""
        return value if isinstance(value, str) else ""

    def display(self, value: Any, tr: Translator) -> str:
        """How the answer reads on the check-answers page."""
        return "" if value is None else str(value)

    def display_html(self, value: Any, tr: Translator) -> Markup:
        """`display` as HTML for the check page: app text in it shown in another language than the page's
        (an option staff wrote only in Japanese, on a Vietnamese page) is marked with its own lang, so a
        screen reader reads it with the right voice. Every widget's `display` gets this, unchanged."""
        marking = _MarkingTranslator(tr)
        return marking.html(self.display(value, marking))


class _MarkingTranslator:
    """The page's translator for `display_html`: app text that falls back to another language goes into
    the words as a placeholder (private-use characters around a random token, which no answer can
    forge), replaced by its marked HTML once the words are escaped."""

    def __init__(self, tr: Translator) -> None:
        self.lang, self._tr = tr.lang, tr
        self._token = secrets.token_hex(8)
        self._marked: list[Markup] = []

    def gettext(self, message: str) -> str:
        return self._tr.gettext(message)

    def text(self, value: LocalizedText) -> str:
        words, real = self._tr.text(value), value.get(self.lang)[1]
        if real == self.lang:
            return words
        self._marked.append(Markup('<span lang="{}">{}</span>').format(real, words))
        return f"\ue000{self._token}:{len(self._marked) - 1}\ue001"

    def html(self, words: str) -> Markup:
        placeholder = re.compile(f"\ue000{self._token}:(\\d+)\ue001")
        return Markup(placeholder.sub(lambda m: self._marked[int(m.group(1))], escape(words)))


def field_id(name: str) -> str:
    return "f-" + name


# Dashes residents type for a hyphen in numbers (NFKC leaves these alone): hyphen, minus sign,
# dashes, the katakana long vowel mark that Japanese IMEs give for "-".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u2043\ufe63", "-"))

# Raw text longer than this many times a field's limit is refused before it is normalised.
_RAW_SLACK = 4


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFKC (full-width digits and hyphens become ASCII), control characters dropped, trimmed."""
    value = unicodedata.normalize("NFKC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    else:
        value = "\n".join(line.rstrip() for line in value.split("\n"))
    return value.strip()


def dashes_to_hyphens(value: str) -> str:
    """Every dash-like character a resident may type for "-" (after NFKC) becomes "-"."""
    return value.translate(_DASHES)


UNREADABLE = N_("{label} could not be read. Enter it again")
TOO_LONG = N_("{label} must be {max} characters or fewer")


def values(raw: Raw, name: str) -> list[str]:
    """The submitted values of one field; anything that is not text raises Invalid."""
    got = raw.get(name)
    if got is None:
        return []
    if isinstance(got, str):
        return [got]
    if not isinstance(got, list | tuple) or not all(isinstance(v, str) for v in got):
        raise Invalid(UNREADABLE, field=name)
    return list(got)


def single(raw: Raw, name: str, *, max_length: int = MAX_SHORT, multiline: bool = False) -> str:
    """The one value of a one-value field, cleaned; several values for it are refused."""
    got = values(raw, name)
    if len(got) > 1:
        raise Invalid(UNREADABLE, field=name)
    value = got[0] if got else ""
    if len(value) > _RAW_SLACK * max_length + 100:
        raise Invalid(TOO_LONG, max=max_length, field=name)
    text = clean_text(value, multiline=multiline)
    if len(text) > max_length:
        raise Invalid(TOO_LONG, max=max_length, field=name)
    return text


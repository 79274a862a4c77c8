"""AppSpec: the whole of one citizen app, and the documented file format of an app (`madoguchi schema`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .base import Question, Widget
from .catalog import AnyWidget
from .colour import HEX_COLOUR
from .text import LANGS, N_, Lang, LocalizedText

FORMAT_VERSION: Final = 1

Kind = Literal["form", "notice", "reservation", "consultation"]
Slug = str


def _default_languages() -> list[Lang]:
    return ["ja", "en"]


class Contact(BaseModel):
    """Who residents call for help: shown on every page of the app."""

    model_config = ConfigDict(extra="forbid")

    phone: str = Field(default="", pattern=r"^[0-9+\-() ]{0,20}$", title=N_("Phone number"),
                       description=N_("e.g. 0142-23-3331"))
    department: LocalizedText | None = Field(default=None, title=N_("Department"))
    hours: LocalizedText | None = Field(default=None, title=N_("Opening hours"))
    place: LocalizedText | None = Field(default=None, title=N_("Place"))


class Lifecycle(BaseModel):
    """How long submissions are kept and when the app is planned to end."""

    model_config = ConfigDict(extra="forbid")

    retention_days: int | None = Field(default=None, ge=1, le=36500, title=N_("Keep submissions for (days)"))
    end_date: dt.date | None = Field(default=None, title=N_("Planned end date"))
    no_end: bool = Field(default=False, title=N_("No planned end"))

    @model_validator(mode="after")
    def _end_date_or_no_end(self) -> Lifecycle:
        if self.no_end and self.end_date is not None:
            raise ValueError("give either an end date or no_end, not both")
        return self


class Page(BaseModel):
    """One page a resident sees: one question, with any content widgets around it."""

    model_config = ConfigDict(extra="forbid")

    title: LocalizedText | None = None
    widgets: list[AnyWidget] = Field(min_length=1)

    def questions(self) -> list[Question]:
        return [w for w in self.widgets if isinstance(w, Question)]


class AppSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format_version: Literal[1] = FORMAT_VERSION
    slug: Slug = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", title=N_("Address (slug)"),
                       description=N_("The app's address after /a/ . Lower-case letters a-z, digits and -"))
    kind: Kind = Field(default="form", title=N_("Kind of app"))
    title: LocalizedText = Field(title=N_("Title"))
    description: LocalizedText | None = Field(default=None, title=N_("Description"), json_schema_extra={"long": True})
    languages: list[Lang] = Field(default_factory=_default_languages, title=N_("Languages"))
    pages: list[Page] = Field(min_length=1)
    contact: Contact = Field(default_factory=Contact, title=N_("Help contact"))
    lifecycle: Lifecycle = Field(default_factory=Lifecycle, title=N_("Lifecycle"))
    # Shown on the confirmation page: what happens after a resident sends the form.
    what_next: LocalizedText | None = Field(default=None, title=N_("What happens next"),
                                            json_schema_extra={"long": True})
    # Listed first on the city portal, under "Important notices" (an eruption, a water stoppage).
    pinned: bool = Field(default=False, title=N_("Pin to the top of the city portal"))
    # The city's (or the department's) colour on the bar at the top of every page of the app.
    colour: str | None = Field(default=None, pattern=HEX_COLOUR, title=N_("Colour of the title bar"),
                               description=N_("As #rrggbb, e.g. #1d4f91. The text on it is white, so it must be dark: "
                                              "at least 7:1 against white. Empty: the standard black bar"),
                               json_schema_extra={"colour": True})

    @model_validator(mode="after")
    def _languages(self) -> AppSpec:
        if "ja" not in self.languages:
            self.languages.insert(0, "ja")
        self.languages = [lang for lang in LANGS if lang in self.languages]
        return self

    def questions(self) -> Iterator[Question]:
        for page in self.pages:
            yield from page.questions()

    def widgets(self) -> Iterator[tuple[int, Widget]]:
        for index, page in enumerate(self.pages):
            for widget in page.widgets:
                yield index, widget

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions() if q.key == key), None)


def json_schema() -> dict[str, Any]:
    schema = AppSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Madoguchi app file"
    return schema

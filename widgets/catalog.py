"""The registry of widget types: one discriminated union on `type`.

Adding a widget type means writing its module and listing its class here; a duplicate type name
fails at import.
"""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field, TypeAdapter

from .base import Widget
from .consent import Consent
from .contact_card import ContactCard
from .date import DateQuestion
from .dropdown import Dropdown
from .email import Email
from .heading import Heading
from .image import Image
from .long_text import LongText
from .multiple_choice import MultipleChoice
from .name import Name
from .notice import Notice
from .number import Number
from .paragraph import Paragraph
from .phone import Phone
from .postal_code import PostalCode
from .rating import Rating
from .short_text import ShortText
from .single_choice import SingleChoice
from .slot_picker import SlotPicker
from .yes_no import YesNo

# The union mypy and pydantic both read; WIDGET_TYPES is its members, in this order.
_Widgets = (
    # content
    Heading | Paragraph | Notice | Image | ContactCard
    # questions
    | ShortText | LongText | Number | Email | Phone | PostalCode | Name | DateQuestion
    | SingleChoice | MultipleChoice | YesNo | Dropdown | Consent | Rating | SlotPicker
)
WIDGET_TYPES: tuple[type[Widget], ...] = get_args(_Widgets)


def _by_type(types: tuple[type[Widget], ...]) -> dict[str, type[Widget]]:
    registry: dict[str, type[Widget]] = {}
    for cls in types:
        name = cls.model_fields["type"].default
        if name in registry:
            raise RuntimeError(f"widget type {name!r} is registered twice ({registry[name].__name__}, {cls.__name__})")
        registry[name] = cls
    return registry


REGISTRY: dict[str, type[Widget]] = _by_type(WIDGET_TYPES)

AnyWidget = Annotated[_Widgets, Field(discriminator="type")]
widget_adapter: TypeAdapter[Widget] = TypeAdapter(AnyWidget)

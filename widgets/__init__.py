"""The vocabulary of Madoguchi apps: pydantic models of an app and of every widget. Pure: no I/O."""

from .base import Condition, Invalid, Question, Raw, Translator, Widget, clean_text, field_id
from .catalog import REGISTRY, WIDGET_TYPES, AnyWidget, widget_adapter
from .spec import AppSpec, Contact, Lifecycle, Page, json_schema
from .text import DEFAULT_LANG, LANGS, LocalizedText, N_

__all__ = [
    "AnyWidget", "AppSpec", "Condition", "Contact", "DEFAULT_LANG", "Invalid", "LANGS", "Lifecycle",
    "LocalizedText", "N_", "Page", "Question", "REGISTRY", "Raw", "Translator", "WIDGET_TYPES", "Widget",
    "clean_text", "field_id", "json_schema", "widget_adapter",
]

"""The vocabulary of Madoguchi apps: pydantic models of an app and of every widget. Pure: no I/O."""

from .base import Condition, Invalid, Question, Raw, Translator, Widget, clean_text, field_id
from .catalog import REGISTRY, WIDGET_TYPES, AnyWidget, widget_adapter
from .eras import ERAS, Era, EraError, format_date, format_era_year, from_western, to_western
from .lint import LintIssue, lint
from .spec import AppSpec, Contact, Lifecycle, Page, json_schema
from .templates import TEMPLATE_MSGIDS, loader
from .text import DEFAULT_LANG, LANGS, N_, LocalizedText

__all__ = [
    "AnyWidget", "AppSpec", "Condition", "Contact", "DEFAULT_LANG", "ERAS", "Era", "EraError", "Invalid", "LANGS",
    "Lifecycle", "LintIssue", "LocalizedText", "N_", "Page", "Question", "REGISTRY", "Raw", "TEMPLATE_MSGIDS",
    "Translator", "WIDGET_TYPES", "Widget", "clean_text", "field_id", "format_date", "format_era_year",
    "from_western", "json_schema", "lint", "loader", "to_western", "widget_adapter",
]

"""An app's spec as it is kept: read back from JSON (or found damaged), hashed, and given its furigana."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from generated_apps.domain.models import App
from widgets import N_, AppSpec, LocalizedText, furigana
from widgets.text import clean_staff_text, japanese_texts

DAMAGED_DRAFT = N_("The draft of this app cannot be read. Open it in the editor to restore it")


def readable_spec(data: Any) -> AppSpec | None:
    """The app in stored JSON, or None when it no longer validates (a draft from an older version, a
    row changed by hand): such a draft is shown as damaged, never allowed to break a page."""
    try:
        return AppSpec.model_validate(data)
    except (ValidationError, ValueError, TypeError, RecursionError):
        return None


def spec_hash(spec: AppSpec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # A validated spec holds no lone surrogate (widgets/text.py); were one to slip in, it is hashed
    # rather than raised. Every other text encodes exactly as before, so stored hashes still match.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def draft_hash(app: App) -> str | None:
    """The hash of the app's draft; None when the draft cannot be read."""
    spec = readable_spec(app.draft_spec)
    return spec_hash(spec) if spec is not None else None


def spec_readings(spec: AppSpec) -> dict[str, str]:
    """The furigana of every Japanese text of `spec`, from the dictionary (widgets/furigana.py)."""
    return furigana.readings(japanese_texts(spec))


def shown_title(app: App) -> str:
    """The Japanese title of an app's draft, read from its JSON even when the draft as a whole cannot be."""
    title = app.draft_spec.get("title") if isinstance(app.draft_spec, dict) else None
    if isinstance(title, dict):
        title = title.get("ja")
    return clean_staff_text(title, multiline=False) if isinstance(title, str) else ""


def shown_spec(app: App) -> dict[str, Any]:
    """What the dashboard and other pages may read of a damaged draft: its address and title."""
    return {"slug": app.slug, "title": {"ja": shown_title(app)}}


def retire_message_texts(message: LocalizedText | Mapping[str, str] | str | None) -> dict[str, str] | None:
    """A retirement message as it is kept: its texts by language, cleaned and trimmed, Japanese always
    there (a plain string is Japanese); None when nothing is written. ValueError for an unknown language."""
    if isinstance(message, Mapping):
        message = {"ja": "", **message}
    texts = LocalizedText.model_validate(message).root if message is not None else {}
    return {lang: text for lang, text in texts.items()} if any(texts.values()) else None

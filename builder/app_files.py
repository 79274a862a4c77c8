"""Reading an app file (JSON) that staff hand us, from the command line or the builder: all or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from widgets import N_, AppSpec
from widgets.image import HTTPS_ONLY, STAFF_INPUT
from widgets.text import CONTROL

MAX_APP_FILE = 1_000_000  # bytes; the largest real app is a few tens of KB

# A number's limits in the staff's words: the same msgids as the property panel's (builder/properties.py).
LIMIT_WORDS = {
    "greater_than_equal": N_("Enter {min} or more"), "greater_than": N_("Enter more than {min}"),
    "less_than_equal": N_("Enter {max} or less"), "less_than": N_("Enter less than {max}"),
    "finite_number": N_("Enter an ordinary number (not infinity)"),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file: an English msgid with {placeholders}, and where."""

    message: str
    params: dict[str, object] = field(default_factory=dict)
    where: str = ""


class DuplicateKey(ValueError):
    """A JSON object names the same key twice: which one is meant cannot be known."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _one_of_each(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose keys are all different. json.loads would keep the last of two "slug"s, so a
    file could seem to name one app and replace another: such a file is refused, never guessed at."""
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def read_app_file(data: bytes) -> tuple[AppSpec | None, list[Problem]]:
    """The app in `data`, or None and every problem found. Nothing is stored either way."""
    if len(data) > MAX_APP_FILE:
        return None, [Problem(N_("The file is too large ({size} KB). An app file is at most {max} KB"),
                              {"size": len(data) // 1000, "max": MAX_APP_FILE // 1000})]
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text, object_pairs_hook=_one_of_each)
    except UnicodeDecodeError:
        return None, [Problem(N_("The file is not text in UTF-8. Export the app again and import that file"))]
    except json.JSONDecodeError as error:
        return None, [Problem(N_("The file is not JSON: line {line}, column {column}"),
                              {"line": error.lineno, "column": error.colno})]
    except DuplicateKey as twice:
        return None, [Problem(N_("The file gives \"{key}\" twice in one place, so it is not clear which is meant. "
                                 "Keep one and import the file again"), {"key": CONTROL.sub("", twice.key)[:100]})]
    except ValueError:  # Python reads no integer of more than 4,300 digits; no app needs one
        return None, [Problem(N_("The file has a number too long to read. Correct it and import the file again"))]
    except RecursionError:  # thousands of nested brackets: no app file is built like that
        return None, [Problem(N_("The file is JSON but not an app file"))]
    if not isinstance(raw, dict):
        return None, [Problem(N_("The file is JSON but not an app file"))]
    try:
        return AppSpec.model_validate(raw, context=STAFF_INPUT), []  # held to today's rules (image addresses)
    except ValidationError as error:
        return None, [_problem(e) for e in error.errors()[:50]]


def _problem(error: ErrorDetails) -> Problem:
    where = ".".join(str(p) for p in error["loc"])
    words, ctx = LIMIT_WORDS.get(error["type"]), error.get("ctx") or {}
    if error["type"] == "value_error" and str(ctx.get("error")) == HTTPS_ONLY:
        return Problem(HTTPS_ONLY, {}, where)
    if words is None:
        return Problem("{detail}", {"detail": error["msg"]}, where)
    low = next((ctx[k] for k in ("ge", "gt") if k in ctx), "")
    high = next((ctx[k] for k in ("le", "lt") if k in ctx), "")
    return Problem(words, {"min": low, "max": high}, where)

"""Reading an app file (JSON) that staff hand us, from the command line or the builder: all or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from widgets import N_, AppSpec

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


def read_app_file(data: bytes) -> tuple[AppSpec | None, list[Problem]]:
    """The app in `data`, or None and every problem found. Nothing is stored either way."""
    if len(data) > MAX_APP_FILE:
        return None, [Problem(N_("The file is too large ({size} KB). An app file is at most {max} KB"),
                              {"size": len(data) // 1000, "max": MAX_APP_FILE // 1000})]
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text)
    except UnicodeDecodeError:
        return None, [Problem(N_("The file is not text in UTF-8. Export the app again and import that file"))]
    except json.JSONDecodeError as error:
        return None, [Problem(N_("The file is not JSON: line {line}, column {column}"),
                              {"line": error.lineno, "column": error.colno})]
    except ValueError:  # Python reads no integer of more than 4,300 digits; no app needs one
        return None, [Problem(N_("The file has a number too long to read. Correct it and import the file again"))]
    except RecursionError:  # thousands of nested brackets: no app file is built like that
        return None, [Problem(N_("The file is JSON but not an app file"))]
    if not isinstance(raw, dict):
        return None, [Problem(N_("The file is JSON but not an app file"))]
    try:
        return AppSpec.model_validate(raw), []
    except ValidationError as error:
        return None, [_problem(e) for e in error.errors()[:50]]


def _problem(error) -> Problem:
    where = ".".join(str(p) for p in error["loc"])
    words, ctx = LIMIT_WORDS.get(error["type"]), error.get("ctx") or {}
    if words is None:
        return Problem("{detail}", {"detail": error["msg"]}, where)
    low = next((ctx[k] for k in ("ge", "gt") if k in ctx), "")
    high = next((ctx[k] for k in ("le", "lt") if k in ctx), "")
    return Problem(words, {"min": low, "max": high}, where)

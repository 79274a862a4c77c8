"""Reading an app file (JSON) that staff hand us, from the command line or the builder: all or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from widgets import N_, AppSpec

MAX_APP_FILE = 1_000_000  # bytes; the largest real app is a few tens of KB


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
    except RecursionError:  # thousands of nested brackets: no app file is built like that
        return None, [Problem(N_("The file is JSON but not an app file"))]
    if not isinstance(raw, dict):
        return None, [Problem(N_("The file is JSON but not an app file"))]
    try:
        return AppSpec.model_validate(raw), []
    except ValidationError as error:
        return None, [Problem("{detail}", {"detail": e["msg"]}, ".".join(str(p) for p in e["loc"]))
                      for e in error.errors()[:50]]

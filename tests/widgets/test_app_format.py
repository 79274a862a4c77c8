"""The app file format: its JSON Schema lists every widget, and docs/app-format.md documents each one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from widgets import REGISTRY, json_schema

DOCS = Path(__file__).resolve().parents[2] / "docs" / "app-format.md"


def test_the_schema_is_json_and_names_every_widget_type():
    schema = json.loads(json.dumps(json_schema()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    listed = {d["properties"]["type"].get("const")
              for d in schema["$defs"].values() if "type" in d.get("properties", {})}
    assert set(REGISTRY) <= listed


def test_every_widget_type_has_a_section_in_the_docs():
    documented = set(re.findall(r"^### `([a-z_]+)`", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert documented == set(REGISTRY)


def test_every_json_example_in_the_docs_is_valid():
    from pydantic import TypeAdapter

    from widgets import AnyWidget, AppSpec

    text = DOCS.read_text(encoding="utf-8")
    examples = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    assert examples
    widget = TypeAdapter(AnyWidget)
    for example in examples:
        data = json.loads(example)
        if "pages" in data:
            AppSpec.model_validate(data)
        else:
            widget.validate_python(data)


def test_every_field_of_every_widget_is_mentioned_in_its_section():
    text = DOCS.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `([a-z_]+)`\n(.*?)(?=^### |\Z)", text, flags=re.MULTILINE | re.DOTALL))
    for name, cls in REGISTRY.items():
        for field in cls.model_fields:
            if field not in {"type", "show_if", "key", "label", "hint", "required"}:
                assert f"`{field}`" in sections[name], (name, field)

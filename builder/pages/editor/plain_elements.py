"""Native HTML buttons and icons for the editor's canvas, which can hold hundreds of them.

NiceGUI draws its whole page again at every change, so each element's cost is paid at every
keystroke. A Quasar button is a component of several nested elements; a native <button> is one,
and the browser draws it several times faster (measured by bench/editor.py on a 100-widget app).
"""

from __future__ import annotations

from nicegui.elements.mixins.disableable_element import DisableableElement
from nicegui.elements.mixins.text_element import TextElement


class PlainButton(TextElement, DisableableElement):
    """<button type="button"> holding text; `enabled` sets the native `disabled` attribute."""

    def __init__(self, text: str = "") -> None:
        super().__init__(tag="button", text=text)
        self._props["type"] = "button"
        self._classes.append("mdg-plain")

    def _handle_enabled_change(self, enabled: bool) -> None:
        if enabled:
            self._props.pop("disabled", None)
        else:
            self._props["disabled"] = True


def icon_button(icon: str, label: str) -> PlainButton:
    """A round button showing a Material icon, named for screen readers by `label` (also its tooltip)."""
    button = PlainButton(icon)
    button.classes("material-icons mdg-icon-button")
    button.props["aria-label"] = label
    button.props["title"] = label
    return button


class Glyph(TextElement):
    """A decorative Material icon: hidden from screen readers unless given a label."""

    def __init__(self, icon: str, label: str | None = None) -> None:
        super().__init__(tag="span", text=icon)
        self._classes.append("material-icons")
        if label is None:
            self._props["aria-hidden"] = "true"
        else:
            self._props["role"] = "img"
            self._props["aria-label"] = label


PLAIN_CSS = """
.mdg-plain { font: inherit; color: inherit; background: none; border: 0; border-radius: 4px; cursor: pointer;
             padding: 6px 8px; min-height: 36px; text-align: left; }
.mdg-plain:hover:not(:disabled) { background: rgba(0, 0, 0, 0.07); }
.mdg-plain:focus-visible { outline: 3px solid #1565c0; outline-offset: 1px; }
.mdg-plain:disabled { cursor: default; color: #9e9e9e; }
.mdg-icon-button { font: normal 24px/1 "Material Icons"; text-align: center; width: 40px; height: 40px;
                   min-height: 40px; padding: 8px; border-radius: 50%; flex: none; }
"""

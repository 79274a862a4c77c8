"""An app's own colour (a city's colour on its title bar) and its contrast with the white text on it.

Contrast as WCAG 2 defines it: (L1 + 0.05) / (L2 + 0.05) of the two colours' relative luminances.
Ten lines of arithmetic, so our own rather than a dependency. Madoguchi asks 7:1 of any text (AAA).
"""

from __future__ import annotations

import re

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
WHITE = "#ffffff"
MIN_CONTRAST = 7.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour: 0 for black, 1 for white."""
    if not re.fullmatch(HEX_COLOUR, colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (_channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def title_bar_css(colour: str) -> str:
    """The rule that puts an app's colour on its title bar. The high-contrast scheme keeps its own."""
    if not re.fullmatch(HEX_COLOUR, colour):  # never anything but a colour into a stylesheet
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return f"html:not(.contrast-high) .header{{background:{colour.lower()}}}"

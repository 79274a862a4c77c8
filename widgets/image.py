"""Image: a picture (a map, a photo of a counter) with text that says what it shows."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from .base import Widget
from .text import N_, LocalizedText

# An https:// address, or a path on this site ("/static/…"); never "//host", quotes or spaces.
# Control characters and lone surrogates are refused too: an address is never shown, so nothing is cleaned.
IMAGE_SRC = (r"^(?:https://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/[^\s\"'<>\\`\x00-\x1f\x7f-\x9f]*"
             r"|/[A-Za-z0-9_~%\-][A-Za-z0-9._~%/\-]*)$")


class Image(Widget):
    type: Literal["image"] = "image"
    src: str = Field(pattern=IMAGE_SRC, max_length=2000, title=N_("Image address"),
                     description=N_("https:// address or a path on this site, e.g. /static/map.png"),
                     # A new image widget in the builder starts with this placeholder address.
                     examples=["https://example.jp/picture.png"])
    # Required: what the image shows, for people who cannot see it (the lint refuses a blank one).
    alt: LocalizedText = Field(title=N_("What the image shows"))
    caption: LocalizedText | None = Field(default=None, title=N_("Caption"))
    # The image's size in pixels, so that the page does not jump while it loads; CSS scales it to fit.
    width: int | None = Field(default=None, ge=1, le=10000, title=N_("Width in pixels"))
    height: int | None = Field(default=None, ge=1, le=10000, title=N_("Height in pixels"))

    @field_validator("src")
    @classmethod
    def _no_parent_path(cls, src: str) -> str:
        if ".." in src.split("?")[0].split("/"):
            raise ValueError("an image path may not contain '..'")
        return src

    title: ClassVar[str] = N_("Image")
    template: ClassVar[str] = """
{%- set alt, alt_lang = w.alt.get(lang|default('ja')) -%}
<figure class="figure">
<img class="image" src="{{ w.src }}" alt="{{ alt }}"{% if alt_lang != lang|default('ja') %} lang="{{ alt_lang }}"{% endif %}
{%- if w.width %} width="{{ w.width }}"{% endif %}{% if w.height %} height="{{ w.height }}"{% endif %} loading="lazy">
{%- if w.caption %}
<figcaption class="caption">{{ w.caption|t }}</figcaption>
{%- endif %}
</figure>"""

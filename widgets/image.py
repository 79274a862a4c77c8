"""Image: a picture (a map, a photo of a counter) with text that says what it shows.

Images come from an https:// address (the city's own website, say), never from a page of this site:
a browser loads an image with the resident's (or the staff member's) cookies, so `src="/staff/signout"`
would sign out whoever saw the page, and `/q/CODE` would count a scan at every view. Madoguchi keeps no
uploaded images, so there is no address here that is an image of ours.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator

from .base import Widget
from .text import N_, LocalizedText

# What an image address may be in a file or an editor today: https://host[:port]/path; never "//host",
# quotes, spaces, control characters or lone surrogates (an address is never shown, so nothing is cleaned).
HTTPS_IMAGE = r"^https://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/[^\s\"'<>\\`\x00-\x1f\x7f-\x9f]*$"
# What an app stored by an older version may hold: the above, or a path on this site. Such an app still
# loads (its answers and its history stay readable), but a path is never put in an <img> (`shown_src`).
IMAGE_SRC = (r"^(?:https://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/[^\s\"'<>\\`\x00-\x1f\x7f-\x9f]*"
             r"|/[A-Za-z0-9_~%\-][A-Za-z0-9._~%/\-]*)$")
# Validation context for what staff type or import now (builder/app_files.py, builder/properties.py):
# held to HTTPS_IMAGE. Without it, a stored app is read as it was stored.
STAFF_INPUT = {"staff_input": True}
HTTPS_ONLY = N_("An image address must begin with https://, e.g. https://www.city.example.jp/map.png. "
                "A page of this site cannot be shown as an image")


class Image(Widget):
    type: Literal["image"] = "image"
    src: str = Field(pattern=IMAGE_SRC, max_length=2000, title=N_("Image address"),
                     description=N_("An https:// address, e.g. https://www.city.example.jp/map.png"),
                     # A new image widget in the builder starts with this placeholder address.
                     examples=["https://example.jp/picture.png"], json_schema_extra={"pattern": HTTPS_IMAGE})
    # Required: what the image shows, for people who cannot see it (the lint refuses a blank one).
    alt: LocalizedText = Field(title=N_("What the image shows"))
    caption: LocalizedText | None = Field(default=None, title=N_("Caption"))
    # The image's size in pixels, so that the page does not jump while it loads; CSS scales it to fit.
    width: int | None = Field(default=None, ge=1, le=10000, title=N_("Width in pixels"))
    height: int | None = Field(default=None, ge=1, le=10000, title=N_("Height in pixels"))

    @field_validator("src")
    @classmethod
    def _https_for_new_input(cls, src: str, info: ValidationInfo) -> str:
        if ".." in src.split("?")[0].split("/"):
            raise ValueError("an image path may not contain '..'")
        if (info.context or {}).get("staff_input") and not src.startswith("https://"):
            raise ValueError(HTTPS_ONLY)
        return src

    def shown_src(self, own_hosts: Collection[str] = ()) -> str | None:
        """The address a page may load the image from, or None: only https, and never this site's own
        host (`own_hosts`), whose addresses are pages, not pictures. An app stored with a path keeps it,
        but its pages show the words of `alt` instead of loading it."""
        if not self.src.startswith("https://"):
            return None
        host = (urlsplit(self.src).hostname or "").rstrip(".").lower()
        return None if not host or host in own_hosts else self.src

    title: ClassVar[str] = N_("Image")
    icon: ClassVar[str] = "image"
    example: ClassVar[dict[str, Any]] = {"type": "image", "src": "https://www.city.date.hokkaido.jp/map.png",
                                         "alt": "有珠山の火山防災マップ", "width": 800, "height": 600}
    template: ClassVar[str] = """
{%- set alt, alt_lang = w.alt.get(lang|default('ja')) -%}
{%- set src = w.shown_src(own_hosts|default(())) -%}
<figure class="figure">
{%- if src %}
<img class="image" src="{{ src }}" alt="{{ alt }}"
{%- if alt_lang != lang|default('ja') %} lang="{{ alt_lang }}"{% endif %}
{%- if w.width %} width="{{ w.width }}"{% endif %}{% if w.height %} height="{{ w.height }}"{% endif %} loading="lazy">
{%- else %}
<p{% if alt_lang != lang|default('ja') %} lang="{{ alt_lang }}"{% endif %}>{{ alt }}</p>
{%- endif %}
{%- if w.caption %}
<figcaption class="caption">{{ w.caption|t }}</figcaption>
{%- endif %}
</figure>"""

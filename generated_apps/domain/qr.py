"""QR codes of access points, as PNG and SVG, for screens and for print.

Made for old phone cameras: the short URL keeps the code at a low version (large modules), the
error correction is high (H, or Q without a logo), and the quiet zone is the full four modules the
standard asks for. A logo in the centre covers at most LOGO_SHARE of the width (about 4 % of the
area), well inside what level H can lose (about 30 %), with a white margin around it.
"""

from __future__ import annotations

import base64
import io
from typing import Literal

import qrcode
import qrcode.constants
from PIL import Image

Level = Literal["H", "Q"]
LEVELS = {"H": qrcode.constants.ERROR_CORRECT_H, "Q": qrcode.constants.ERROR_CORRECT_Q}
QUIET_ZONE = 4  # modules of white on every side (ISO/IEC 18004)
LOGO_SHARE = 0.2  # of the code's width, quiet zone excluded
PRINT_DPI = 300
# Sizes offered for print: the code's width with its quiet zone, in millimetres.
PRINT_SIZES_MM = {"small": 30, "medium": 60, "large": 100}


def matrix(data: str, level: Level = "H") -> list[list[bool]]:
    """The code's modules, quiet zone included (True is dark)."""
    code = qrcode.QRCode(error_correction=LEVELS[level], border=QUIET_ZONE, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def version(data: str, level: Level = "H") -> int:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.version


def _logo_box(modules: int) -> tuple[int, int]:
    """(first module, modules wide) of the logo's white square, centred, margin included, in modules."""
    inner = modules - 2 * QUIET_ZONE
    wide = max(3, int(inner * LOGO_SHARE))
    wide += (inner - wide) % 2  # keep it centred on the module grid
    return (modules - wide) // 2, wide


def png(data: str, *, width_px: int = 600, level: Level = "H", logo: bytes | None = None) -> bytes:
    """A PNG about `width_px` wide (a whole number of pixels per module, so edges stay sharp)."""
    grid = matrix(data, "H" if logo else level)
    modules = len(grid)
    scale = max(1, round(width_px / modules))
    image = Image.new("1", (modules, modules), 1)
    pixels = image.load()
    assert pixels is not None  # None only for an image whose data is not in memory; this one was just made
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    image = image.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("RGB")
    if logo:
        start, wide = _logo_box(modules)
        margin = scale  # one module of white around the picture
        image.paste((255, 255, 255), (start * scale, start * scale, (start + wide) * scale, (start + wide) * scale))
        picture = Image.open(io.BytesIO(logo_png(logo))).convert("RGBA")
        inner = wide * scale - 2 * margin
        picture.thumbnail((inner, inner), Image.Resampling.LANCZOS)
        at = (start * scale + margin + (inner - picture.width) // 2,
              start * scale + margin + (inner - picture.height) // 2)
        image.paste(picture, at, picture)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return out.getvalue()


def print_png(data: str, size: str = "medium", *, logo: bytes | None = None) -> bytes:
    """A PNG for print at PRINT_DPI, `size` one of PRINT_SIZES_MM."""
    return png(data, width_px=round(PRINT_SIZES_MM[size] / 25.4 * PRINT_DPI), logo=logo)


def svg(data: str, *, width_mm: float | None = 60, level: Level = "H", logo: bytes | None = None,
        title: str | None = None) -> str:
    """An SVG: one path of dark modules on white, in module units; `width_mm` sets its printed size."""
    grid = matrix(data, "H" if logo else level)
    modules = len(grid)
    skip = set()
    if logo:
        start, wide = _logo_box(modules)
        skip = {(x, y) for y in range(start, start + wide) for x in range(start, start + wide)}
    path = "".join(f"M{x} {y}h1v1h-1z" for y, row in enumerate(grid) for x, dark in enumerate(row)
                   if dark and (x, y) not in skip)
    size = f' width="{width_mm}mm" height="{width_mm}mm"' if width_mm else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {modules} {modules}"{size} '
             f'shape-rendering="crispEdges" role="img">']
    if title:
        parts.append(f"<title>{_escape(title)}</title>")
    parts.append(f'<rect width="{modules}" height="{modules}" fill="#fff"/><path d="{path}" fill="#000"/>')
    if logo:
        encoded = base64.b64encode(logo_png(logo)).decode()
        parts.append(f'<image href="data:image/png;base64,{encoded}" x="{start + 1}" y="{start + 1}" '
                     f'width="{wide - 2}" height="{wide - 2}" preserveAspectRatio="xMidYMid meet"/>')
    parts.append("</svg>")
    return "".join(parts)


def logo_png(logo: bytes, largest_px: int = 512) -> bytes:
    """Any picture Pillow reads, as a PNG no larger than needed: what goes into the codes."""
    picture = Image.open(io.BytesIO(logo))
    picture.thumbnail((largest_px, largest_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.convert("RGBA").save(out, "PNG")
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

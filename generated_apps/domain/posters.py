"""Posters for the counters: an app's QR code with its title, what it is for, three picture steps and
the help phone, as a vector PDF (A4 portrait, or a card for counter stands) and as PNG.

Japanese is set in IPAex Gothic, a TrueType CJK font that the PDF embeds (as a subset), so that
any printer prints the real glyphs. `make run` and `make test` install it (Debian's
fonts-ipaexfont-gothic); MADOGUCHI_POSTER_FONT names another TrueType font. A character the font
lacks (an emoji, say) is left out and reported, never printed as an empty box.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from generated_apps.domain import qr

FONT_NAME = "MadoguchiGothic"
FONT_PATHS = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
              "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf")
CARD = (105 * mm, 148 * mm)  # A6 portrait: a card in a counter stand
SIZES = {"a4": A4, "card": CARD}
TITLE_MIN_PT = 40  # on A4; the card scales everything by its width
TITLE_MAX_LINES = 3
SMALLEST_PT = 7  # no smaller on the card (its layout is the A4 one at half size)
INK = (0.07, 0.07, 0.07)
BLUE = (0.05, 0.28, 0.63)


class FontMissing(RuntimeError):
    """No CJK TrueType font: posters would print boxes instead of Japanese."""


class PosterRefused(ValueError):
    """A poster that cannot be laid out (a title far too long): `msgid` says why, for staff."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params))
        self.msgid, self.params = msgid, params


@dataclass(frozen=True)
class Poster:
    title: str  # the app's title, in Japanese
    purpose: str  # one line on what it is for
    url: str  # what the code opens: {public url}/q/{code}
    phone: str
    label: str  # the access point: where the poster is put up
    department: str = ""
    left_out: frozenset[str] = field(default_factory=frozenset)  # characters the font lacks, left out


def font_path() -> Path:
    chosen = os.environ.get("MADOGUCHI_POSTER_FONT")
    for candidate in ([chosen] if chosen else []) + list(FONT_PATHS):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing("No Japanese font for posters: install Debian's fonts-ipaexfont-gothic (make run does), "
                      "or set MADOGUCHI_POSTER_FONT to a TrueType CJK font")


@cache
def _font() -> TTFont:
    font = TTFont(FONT_NAME, str(font_path()))
    pdfmetrics.registerFont(font)
    return font


def has_glyph(char: str) -> bool:
    """True when the font draws `char` with a glyph of its own (glyph 0 is the "missing" box)."""
    return char.isspace() or bool(_font().face.charToGlyph.get(ord(char)))


def printable(text: str) -> tuple[str, frozenset[str]]:
    """`text` without the characters the font lacks, and those characters."""
    missing = frozenset(ch for ch in text if not has_glyph(ch))
    return "".join(ch for ch in text if ch not in missing), missing


def poster(title: str, purpose: str, url: str, phone: str, label: str, department: str = "") -> Poster:
    """A poster's texts, made printable (what the font lacks is left out and listed in `left_out`)."""
    texts = [printable(" ".join(t.split())) for t in (title, purpose, label, department)]
    left_out = frozenset().union(*(missing for _text, missing in texts))
    (title, _m1), (purpose, _m2), (label, _m3), (department, _m4) = texts
    return Poster(title, purpose, url, phone, label, department, left_out)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` at `size` pt: Japanese breaks anywhere, Latin at spaces."""
    lines, line = [], ""
    for char in text:
        candidate = line + char
        if pdfmetrics.stringWidth(candidate, FONT_NAME, size) <= width or not line:
            line = candidate
            continue
        if char != " " and " " in line and line.rsplit(" ", 1)[1].isascii():  # keep a Latin word whole
            head, word = line.rsplit(" ", 1)
            lines.append(head)
            line = word + char
        else:
            lines.append(line.rstrip())
            line = char.lstrip()
    if line:
        lines.append(line)
    return lines


def title_lines(title: str, width: float, scale: float = 1.0) -> tuple[list[str], float]:
    """The title in at most TITLE_MAX_LINES lines, as large as fits from 56 pt down to 40 pt (scaled)."""
    _font()
    for size in (56, 48, TITLE_MIN_PT):
        lines = wrap(title, size * scale, width)
        if len(lines) <= TITLE_MAX_LINES:
            return lines, size * scale
    raise PosterRefused("The title is too long for a poster ({length} characters): shorten it", length=len(title))


def pdf(posters: list[Poster], size: str = "a4") -> bytes:
    """One page per poster: "print all posters of this app" is this with every access point."""
    _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=SIZES[size], pageCompression=1)
    canvas.setTitle(posters[0].title if posters else "Madoguchi")
    canvas.setCreator("Madoguchi")
    for one in posters:
        _draw(canvas, one, *SIZES[size])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def png(one: Poster, size: str = "a4", dpi: int = 200) -> bytes:
    """The same page as the PDF, rendered (by PDFium) to PNG."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf([one], size))
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def _draw(c: Canvas, one: Poster, width: float, height: float) -> float:
    """Draw one poster; the lowest baseline of its body, which stays above the label at the foot."""
    scale = width / A4[0]  # the card is the A4 layout, smaller
    margin = 14 * mm * scale
    inner = width - 2 * margin
    y = height - margin

    lines, title_size = title_lines(one.title, inner, scale)
    c.setFillColorRGB(*INK)
    c.setFont(FONT_NAME, title_size)
    for line in lines:
        y -= title_size * 1.15
        c.drawCentredString(width / 2, y, line)
    y -= 5 * mm * scale
    if one.purpose:
        size = 16 * scale
        c.setFont(FONT_NAME, size)
        for line in wrap(one.purpose, size, inner)[:2]:
            y -= size * 1.4
            c.drawCentredString(width / 2, y, line)

    # The code: 80 mm with its quiet zone on A4, so the symbol itself is more than 6 cm wide.
    side = 80 * mm * scale
    y -= 6 * mm * scale + side
    _draw_code(c, one.url, (width - side) / 2, y, side)

    # The short address, for typing by hand.
    size = 15 * scale
    y -= size * 1.6
    c.setFont(FONT_NAME, size)
    c.drawCentredString(width / 2, y, one.url)

    y = _draw_steps(c, margin, y - 8 * mm * scale, inner, scale)

    # Who to call, and where this poster is.
    size = 22 * scale
    c.setFillColorRGB(*INK)
    c.setFont(FONT_NAME, size)
    y -= size * 1.5
    c.drawCentredString(width / 2, y, f"お問い合わせ　{one.phone}")
    if one.department:
        size = max(12 * scale, SMALLEST_PT)
        c.setFont(FONT_NAME, size)
        y -= size * 1.5
        c.drawCentredString(width / 2, y, one.department)
    size = max(10 * scale, SMALLEST_PT)
    c.setFont(FONT_NAME, size)
    label_lines = wrap(f"設置場所：{one.label}", size, inner)[:2]
    for index, line in enumerate(label_lines):
        c.drawCentredString(width / 2, margin / 2 + (len(label_lines) - 1 - index) * size * 1.3, line)
    return y


def _fitting(text: str, size: float, width: float) -> float:
    """`size`, or less (not under 5 pt) so that `text` fits on one line of `width`."""
    while size > 5 and pdfmetrics.stringWidth(text, FONT_NAME, size) > width:
        size -= 0.25
    return size


def _draw_code(c: Canvas, url: str, x: float, y: float, side: float) -> None:
    grid = qr.matrix(url, "H")
    module = side / len(grid)
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, side, side, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    path = c.beginPath()
    for row, cells in enumerate(grid):
        for col, dark in enumerate(cells):
            if dark:
                path.rect(x + col * module, y + side - (row + 1) * module, module, module)
    c.drawPath(path, stroke=0, fill=1)


STEPS = (("カメラを開く", "Open the camera"), ("コードに向ける", "Point it at the code"),
         ("出てきたリンクを押す", "Tap the link that appears"))


def _draw_steps(c: Canvas, x: float, top: float, width: float, scale: float) -> float:
    """Three boxes side by side, each a numbered picture with a Japanese line and an English one."""
    gap = 4 * mm * scale
    box = (width - 2 * gap) / 3
    height = 46 * mm * scale
    bottom = top - height
    for index, (ja, en) in enumerate(STEPS):
        left = x + index * (box + gap)
        c.setStrokeColorRGB(*BLUE)
        c.setLineWidth(1.2 * scale)
        c.roundRect(left, bottom, box, height, 3 * mm * scale, stroke=1, fill=0)
        _pictogram(c, index, left + box / 2, bottom + height - 17 * mm * scale, scale)
        c.setFillColorRGB(*INK)
        step = f"{index + 1}. {ja}"
        c.setFont(FONT_NAME, _fitting(step, max(12.5 * scale, SMALLEST_PT), box - 3 * mm * scale))
        c.drawCentredString(left + box / 2, bottom + 11 * mm * scale, step)
        c.setFont(FONT_NAME, _fitting(en, max(8.5 * scale, SMALLEST_PT), box - 2 * mm * scale))
        c.drawCentredString(left + box / 2, bottom + 3 * mm * scale, en)
    return bottom


def _pictogram(c: Canvas, step: int, cx: float, cy: float, scale: float) -> None:
    """A phone, drawn in lines: with a camera lens, facing a small code, or with a tapped link."""
    w, h = 14 * mm * scale, 24 * mm * scale
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(1.5 * scale)
    c.roundRect(cx - w / 2, cy - h / 2, w, h, 2 * mm * scale, stroke=1, fill=0)
    if step == 0:  # the camera
        c.circle(cx, cy + 2 * mm * scale, 3.5 * mm * scale, stroke=1, fill=0)
        c.circle(cx, cy + 2 * mm * scale, 1.3 * mm * scale, stroke=0, fill=1)
    elif step == 1:  # a code on the screen
        s = 8 * mm * scale
        c.rect(cx - s / 2, cy - s / 2, s, s, stroke=1, fill=0)
        for dx, dy in ((0, 0), (1, 1), (2, 0), (0, 2), (2, 2)):
            c.rect(cx - s / 2 + dx * s / 3 + 0.6 * scale, cy - s / 2 + dy * s / 3 + 0.6 * scale,
                   s / 3 - 1.2 * scale, s / 3 - 1.2 * scale, stroke=0, fill=1)
    else:  # a link being tapped
        c.setFillColorRGB(*BLUE)
        c.roundRect(cx - w / 2 + 2 * mm * scale, cy, w - 4 * mm * scale, 4 * mm * scale, 1 * mm * scale,
                    stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        c.circle(cx + 3 * mm * scale, cy - 3 * mm * scale, 2 * mm * scale, stroke=1, fill=0)

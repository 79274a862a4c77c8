"""Posters: one A4 page per access point, its QR decodes from the rendered page, Japanese in real glyphs."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from generated_apps.domain import posters

URL = "https://www.city.date.hokkaido.jp/q/K7M2QX"
TITLE = "避難所のご案内（有珠山の噴火）"


def one(title: str = TITLE, label: str = "本庁舎1階 市民課窓口") -> posters.Poster:
    return posters.poster(title, "近くの避難所と、持ち物をお知らせします。", URL, "0142-23-3331", label,
                          "伊達市役所 危機管理課")


def rendered(pdf: bytes, page: int = 0, dpi: int = 150) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def page_text(pdf: bytes, page: int = 0) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].get_textpage().get_text_range()
    finally:
        document.close()


def test_the_pdf_is_one_a4_page_whose_code_decodes_to_its_url():
    pdf = posters.pdf([one()])
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    width, height = document[0].get_size()
    document.close()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert [r.text for r in zxingcpp.read_barcodes(rendered(pdf))] == [URL]


def test_the_code_is_at_least_six_centimetres_wide_on_the_page():
    image = rendered(posters.pdf([one()]), dpi=100)
    [found] = zxingcpp.read_barcodes(image)
    xs = [p.x for p in (found.position.top_left, found.position.top_right)]
    assert (max(xs) - min(xs)) / 100 * 2.54 >= 6.0


def test_the_japanese_title_is_drawn_with_real_glyphs_not_the_missing_box():
    for char in TITLE + "髙﨑":
        assert posters.has_glyph(char), char
    assert not posters.has_glyph("\U0001F600")  # the test can fail: the font has no emoji
    text = page_text(posters.pdf([one(TITLE + " 髙﨑")]))
    assert TITLE in text.replace("\r", "").replace("\n", "") and "髙﨑" in text
    assert "カメラを開く" in text and "Open the camera" in text and URL in text and "0142-23-3331" in text


def test_characters_the_font_lacks_are_left_out_and_listed():
    made = one("避難所のご案内🏃")
    assert made.title == "避難所のご案内" and made.left_out == {"🏃"}


def test_a_long_title_wraps_within_the_page_at_forty_points_or_more():
    lines, size = posters.title_lines("有珠山" * 10, posters.A4[0] - 28 * posters.mm)
    assert size >= posters.TITLE_MIN_PT and 1 < len(lines) <= posters.TITLE_MAX_LINES
    with pytest.raises(posters.PosterRefused):
        posters.title_lines("有珠山" * 100, posters.A4[0] - 28 * posters.mm)


def test_all_posters_of_an_app_are_one_pdf_and_the_card_size_and_png_work():
    pdf = posters.pdf([one(label=f"窓口{n}") for n in range(3)])
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 3
    document.close()
    card = posters.pdf([one()], "card")
    assert [r.text for r in zxingcpp.read_barcodes(rendered(card, dpi=300))] == [URL]
    png = Image.open(io.BytesIO(posters.png(one())))
    assert png.width == round(210 / 25.4 * 200)
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [URL]


@pytest.mark.parametrize("size", ["a4", "card"])
def test_the_fullest_poster_stays_inside_its_page(size):
    """The longest title that fits (three lines at the largest size), two lines of purpose, a long label."""
    width, height = posters.SIZES[size]
    scale = width / posters.A4[0]
    inner = width - 2 * 14 * posters.mm * scale
    longest = ""
    while len(posters.title_lines(longest + "有", inner, scale)[0]) <= 3 and \
            posters.title_lines(longest + "有", inner, scale)[1] == 56 * scale:
        longest += "有"
    fullest = posters.poster(longest, "説明" * 80, URL, "0142-23-3331", "窓" * 100, "伊達市役所 危機管理課")
    canvas = posters.Canvas(io.BytesIO(), pagesize=(width, height))
    lowest = posters._draw(canvas, fullest, width, height)
    label_top = 14 * posters.mm * scale / 2 + 2 * max(10 * scale, posters.SMALLEST_PT) * 1.3
    assert lowest > label_top + 2 * posters.mm * scale


def test_a_hostile_title_and_label_are_printed_as_their_own_characters_and_the_code_still_reads():
    """Posters are drawn as text on a canvas, never parsed as markup: what staff typed is what is printed."""
    hostile = "<script>alert(1)</script> =HYPERLINK(\"x\") <b>太字</b> &amp;"
    pdf = posters.pdf([one(hostile, label="<img src=x onerror=alert(1)> 1階")])
    text = page_text(pdf).replace("\r", "").replace("\n", "")
    assert "<script>alert(1)</script>" in text and "<b>太字</b>" in text and "&amp;" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert [r.text for r in zxingcpp.read_barcodes(rendered(pdf))] == [URL]
    assert posters.png(one(hostile))[:8] == b"\x89PNG\r\n\x1a\n"

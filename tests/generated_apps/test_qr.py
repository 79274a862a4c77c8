"""QR codes, decoded back with a well-kept decoder (zxing-cpp): each must give exactly its URL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from generated_apps.domain import qr

URL = "https://www.city.date.hokkaido.jp/q/K7M2QX"


def decoded(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def city_mark() -> bytes:
    """A stand-in for the city's logo: a filled circle with a letter, in colour."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, 199, 199), fill=(13, 71, 161, 255))
    draw.rectangle((70, 40, 130, 160), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("level", ["H", "Q"])
def test_a_png_code_decodes_to_exactly_its_url(level):
    assert decoded(qr.png(URL, level=level)) == [URL]


@pytest.mark.parametrize("size", sorted(qr.PRINT_SIZES_MM))
def test_print_sizes_decode_and_have_whole_pixels_per_module(size):
    png = qr.print_png(URL, size)
    assert decoded(png) == [URL]
    image = Image.open(io.BytesIO(png))
    modules = len(qr.matrix(URL))
    assert image.width % modules == 0 and image.width == image.height
    assert abs(image.width / qr.PRINT_DPI * 25.4 - qr.PRINT_SIZES_MM[size]) < 25.4 * modules / qr.PRINT_DPI
    assert image.info["dpi"] == pytest.approx((qr.PRINT_DPI, qr.PRINT_DPI), abs=0.01)


def test_a_code_with_the_city_logo_in_the_centre_still_decodes():
    png = qr.png(URL, logo=city_mark())
    assert decoded(png) == [URL]
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.getpixel((image.width // 2, image.height // 2)) != (0, 0, 0)  # the logo is there


def test_the_quiet_zone_is_four_white_modules_on_every_side():
    grid = qr.matrix(URL)
    n = len(grid)
    for i in range(qr.QUIET_ZONE):
        assert not any(grid[i]) and not any(grid[n - 1 - i])
        assert not any(row[i] or row[n - 1 - i] for row in grid)


def test_a_short_address_keeps_the_code_small_enough_for_old_cameras():
    assert qr.version(URL, "H") <= 5  # 37 modules across, large at 6 cm
    assert qr.version("http://127.0.0.1:8000/q/K7M2QX", "H") <= 4


def test_the_logo_covers_little_of_the_code():
    modules = len(qr.matrix(URL))
    _start, wide = qr._logo_box(modules)
    inner = modules - 2 * qr.QUIET_ZONE
    assert (wide / inner) ** 2 < 0.06  # level H recovers about 30 % of the codewords


def test_an_svg_names_its_printed_size_and_its_title_is_escaped():
    svg = qr.svg(URL, width_mm=60, title='<script>"x"</script>')
    assert svg.startswith("<svg") and 'width="60mm"' in svg and "<script>" not in svg
    assert "&lt;script&gt;" in svg

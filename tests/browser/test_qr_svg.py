"""SVG QR codes, drawn by a real browser (Chromium) and decoded back: each must give exactly its URL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from generated_apps.domain import qr
from tests.generated_apps.test_qr import URL, city_mark

pytestmark = pytest.mark.browser


def rasterised(browser, svg: str) -> Image.Image:
    page = browser.new_page(viewport={"width": 700, "height": 700})
    try:
        sized = svg.replace("<svg ", '<svg width="600" height="600" ', 1)
        page.set_content(f'<html><body style="margin:0;background:#fff">{sized}</body></html>')
        return Image.open(io.BytesIO(page.screenshot(clip={"x": 0, "y": 0, "width": 600, "height": 600})))
    finally:
        page.close()


@pytest.mark.parametrize("logo", [False, True], ids=["plain", "with-logo"])
def test_an_svg_code_drawn_by_a_browser_decodes_to_exactly_its_url(browser, logo):
    svg = qr.svg(URL, width_mm=None, logo=city_mark() if logo else None)
    assert [r.text for r in zxingcpp.read_barcodes(rasterised(browser, svg))] == [URL]

"""The QR codes screen: add, rename, disable access points; download codes that decode to their address."""

from __future__ import annotations

import datetime as dt
import io

import zxingcpp
from PIL import Image

from builder.pages.access import public_url_problem
from builder.templates_gallery import template
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.lifecycle import Lifecycle

from .conftest import until


def new_app(store):
    app = Apps(store).create(template("citizen-survey").spec, by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin")
    return app


async def test_staff_add_rename_and_disable_access_points_and_see_their_counts(signed_in):
    store = signed_in.store
    app = new_app(store)
    await signed_in.open(f"/apps/{app.id}/access")
    await signed_in.should_see("No access point yet.")
    signed_in.find(marker="new-label").type("本庁舎1階 市民課窓口")
    signed_in.find(marker="add-access-point").click()
    await until(lambda: len(AccessPoints(store).of_app(app.id)) == 1)
    point = AccessPoints(store).of_app(app.id)[0].point
    await signed_in.should_see(f"http://testserver/q/{point.code}")
    AccessPoints(store).scan(point.code, store.now().date())

    signed_in.find(marker=f"rename-{point.code}").click()
    await signed_in.should_see(marker="rename-label")
    signed_in.find(marker="rename-label").clear().type("保健センター受付")
    signed_in.find(marker="rename-save").click()
    await until(lambda: AccessPoints(store).by_code(point.code).label == "保健センター受付")
    signed_in.find(marker=f"toggle-{point.code}").click()
    await until(lambda: not AccessPoints(store).by_code(point.code).active)
    await signed_in.should_see("Disabled")
    assert [e.action for e in Audit(store).events(app.id)][-3:] == [
        "access_point.create", "access_point.change", "access_point.change"]


async def test_an_empty_name_is_refused_with_a_message(signed_in):
    app = new_app(signed_in.store)
    await signed_in.open(f"/apps/{app.id}/access")
    signed_in.find(marker="add-access-point").click()
    await signed_in.should_see("Give the access point a name, such as the counter where its code is put up")
    assert AccessPoints(signed_in.store).of_app(app.id) == []


async def test_the_downloaded_codes_decode_to_the_short_address(signed_in):
    store = signed_in.store
    app = new_app(store)
    point = AccessPoints(store).create(app.id, "広報だて 11月号", by="suzuki")
    client = signed_in.http_client
    for size in ("small", "medium", "large"):
        response = await client.get(f"/apps/{app.id}/access/{point.code}.png?size={size}")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
        assert [r.text for r in found] == [f"http://testserver/q/{point.code}"]
    svg = await client.get(f"/apps/{app.id}/access/{point.code}.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    assert (await client.get(f"/apps/{app.id + 1}/access/{point.code}.svg")).status_code == 404
    assert (await client.get(f"/apps/{app.id}/access/{point.code}.png?size=huge")).status_code == 404


async def test_codes_are_not_given_out_without_sign_in(staff_gui):
    app = new_app(staff_gui.store)
    point = AccessPoints(staff_gui.store).create(app.id, "窓口", by="suzuki")
    assert (await staff_gui.http_client.get(f"/apps/{app.id}/access/{point.code}.png")).status_code == 401


async def test_the_page_warns_loudly_when_printed_codes_would_lead_nowhere(signed_in):
    app = new_app(signed_in.store)
    await signed_in.open(f"/apps/{app.id}/access")
    await signed_in.should_see(marker="public-url-warning")
    await signed_in.should_see("Do not print these codes yet")
    # In the clerk's words (the test server's address is http://testserver, not https), with who to ask…
    await signed_in.should_see("residents' phones may warn them not to open it")
    await signed_in.should_see("Ask your system administrator")
    # …and the setting's name only as the administrator's detail.
    naming = signed_in.find(content="MADOGUCHI_PUBLIC_URL").elements
    assert naming == signed_in.find(marker="public-url-detail").elements
    assert "For the system administrator: MADOGUCHI_PUBLIC_URL is not https" in naming.pop().text


def test_which_public_addresses_are_safe_to_print():
    assert public_url_problem("https://www.city.date.hokkaido.jp") is None
    for bad in ("", "ftp://city.jp", "city.jp", "http://localhost:8000", "https://127.0.0.1", "http://city.jp"):
        assert public_url_problem(bad) is not None, bad


async def test_posters_of_each_access_point_and_all_of_them_in_one_pdf(signed_in):
    import pypdfium2

    store = signed_in.store
    app = new_app(store)
    points = [AccessPoints(store).create(app.id, name, by="suzuki") for name in ("本庁舎1階", "保健センター", "旧庁舎")]
    AccessPoints(store).change(points[2].id, "suzuki", active=False)
    client = signed_in.http_client
    single = await client.get(f"/apps/{app.id}/access/{points[0].code}/poster.pdf")
    assert single.status_code == 200 and single.headers["content-type"] == "application/pdf"
    page = pypdfium2.PdfDocument(single.content)[0]
    assert [r.text for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())] == [
        f"http://testserver/q/{points[0].code}"]
    assert "市民アンケート" in page.get_textpage().get_text_range()
    everything = await client.get(f"/apps/{app.id}/posters.pdf")
    assert len(pypdfium2.PdfDocument(everything.content)) == 2  # the disabled one is not printed
    png = await client.get(f"/apps/{app.id}/access/{points[1].code}/poster.png?size=card")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert (await client.get(f"/apps/{app.id}/access/{points[1].code}/poster.pdf?size=b5")).status_code == 404


async def test_characters_the_poster_font_lacks_are_named_before_printing(signed_in):
    store = signed_in.store
    spec = template("citizen-survey").spec
    app = Apps(store).create(spec.model_copy(update={"title": spec.title.model_copy(
        update={"root": {**spec.title.root, "ja": "髙﨑さんの🏃アンケート"}})}), by="suzuki")
    AccessPoints(store).create(app.id, "窓口", by="suzuki")
    await signed_in.open(f"/apps/{app.id}/access")
    await signed_in.should_see("These characters cannot be printed and are left out of the posters: 🏃")


async def test_the_scans_of_each_day_are_charted_and_a_poster_can_be_previewed(signed_in):
    store = signed_in.store
    app = new_app(store)
    point = AccessPoints(store).create(app.id, "本庁舎1階", by="suzuki")
    today = store.now().astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    for _ in range(3):
        AccessPoints(store).scan(point.code, today)
    AccessPoints(store).scan(point.code, today - dt.timedelta(days=1))
    await signed_in.open(f"/apps/{app.id}/access")
    [chart] = signed_in.find(marker="scan-chart").elements
    [series] = chart.options["series"]
    assert series["name"] == "本庁舎1階" and series["data"][-2:] == [1, 3] and sum(series["data"]) == 4
    signed_in.find(marker=f"preview-{point.code}").click()
    await signed_in.should_see(marker="poster-preview")


async def test_the_city_mark_in_the_data_directory_goes_in_the_centre_of_downloaded_codes(signed_in, settings):
    from tests.generated_apps.test_qr import city_mark

    store = signed_in.store
    app = new_app(store)
    point = AccessPoints(store).create(app.id, "本庁舎1階", by="suzuki")
    client = signed_in.http_client
    plain = (await client.get(f"/apps/{app.id}/access/{point.code}.png")).content
    (settings.data_dir / "qr-logo.png").write_bytes(city_mark())
    marked = (await client.get(f"/apps/{app.id}/access/{point.code}.png")).content
    assert marked != plain
    image = Image.open(io.BytesIO(marked)).convert("RGB")
    blue = image.getcolors(maxcolors=1 << 16)  # (count, colour) pairs
    blue = sum(count for count, colour in blue if colour == (13, 71, 161))  # the mark's blue
    assert blue > 0.005 * image.width * image.height
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [f"http://testserver/q/{point.code}"]
    assert "data:image/png;base64," in (await client.get(f"/apps/{app.id}/access/{point.code}.svg")).text
    (settings.data_dir / "qr-logo.png").write_bytes(b"not a picture")
    assert (await client.get(f"/apps/{app.id}/access/{point.code}.png")).content == plain


# --- a draft that cannot be read breaks none of its app's codes (issue 17) ---------------------------------


DAMAGE = {"pages": [{"widgets": [{"type": "gone-widget"}]}]}  # as an older version, or a hand in the database, left it


async def test_a_damaged_draft_leaves_the_codes_and_posters_of_the_published_app_working(signed_in):
    import pypdfium2

    from .test_dashboard import write_draft

    store = signed_in.store
    app = new_app(store)
    point = AccessPoints(store).create(app.id, "本庁舎1階", by="suzuki")
    write_draft(store, app.id, {**Apps(store).by_id(app.id).draft_spec, **DAMAGE})
    await signed_in.open(f"/apps/{app.id}/access")
    await signed_in.should_see("The draft of this app cannot be read. Open it in the editor to restore it")
    assert signed_in.find(marker="damaged-draft-editor").elements.pop().props["href"] == f"/apps/{app.id}"
    await signed_in.should_see(f"http://testserver/q/{point.code}")
    client = signed_in.http_client
    assert (await client.get(f"/apps/{app.id}/access/{point.code}.png")).status_code == 200
    poster = await client.get(f"/apps/{app.id}/access/{point.code}/poster.pdf")
    assert poster.status_code == 200  # the published version's poster
    assert "市民アンケート" in pypdfium2.PdfDocument(poster.content)[0].get_textpage().get_text_range()
    assert (await client.get(f"/apps/{app.id}/posters.pdf")).status_code == 200


async def test_the_codes_of_an_app_never_published_whose_draft_is_damaged_carry_its_title(signed_in):
    import pypdfium2

    from .test_dashboard import write_draft

    store = signed_in.store
    app = Apps(store).create(template("citizen-survey").spec, by="suzuki")
    AccessPoints(store).create(app.id, "本庁舎1階", by="suzuki")
    write_draft(store, app.id, {**Apps(store).by_id(app.id).draft_spec, "title": {"ja": "壊れた調査"}, **DAMAGE})
    await signed_in.open(f"/apps/{app.id}/access")
    await signed_in.should_see("QR codes: 壊れた調査")
    await signed_in.should_see(marker="damaged-draft")
    poster = await signed_in.http_client.get(f"/apps/{app.id}/posters.pdf")
    assert poster.status_code == 200
    assert "壊れた調査" in pypdfium2.PdfDocument(poster.content)[0].get_textpage().get_text_range()

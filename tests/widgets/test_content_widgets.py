"""Paragraph, notice, image and contact card: staff text becomes safe, plain HTML."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import furigana, widget_adapter
from widgets.image import STAFF_INPUT
from widgets.markup import is_safe_url, links, plain_text, render

SAFE = "https://www.city.date.hokkaido.jp/map.png"


def test_a_blank_line_starts_a_paragraph_and_a_line_break_stays():
    assert render("一行目\n二行目\n\n次の段落") == "<p>一行目<br>\n二行目</p>\n<p>次の段落</p>"


def test_bulleted_and_numbered_lists():
    assert (render("持ち物\n- 印鑑\n・ 本人確認書類")
            == "<p>持ち物</p>\n<ul>\n<li>印鑑</li>\n<li>本人確認書類</li>\n</ul>")
    assert render("1. 申込書\n2) 写真") == "<ol>\n<li>申込書</li>\n<li>写真</li>\n</ol>"
    assert render("3．三番目").startswith('<ol start="3">')


def test_a_hyphen_without_a_space_is_not_a_list():
    assert render("-5度になります") == "<p>-5度になります</p>"


def test_links_to_web_pages_phones_and_mail():
    assert render("[市のページ](https://www.city.date.hokkaido.jp/?a=1&b=2)") == (
        '<p><a href="https://www.city.date.hokkaido.jp/?a=1&amp;b=2">市のページ</a></p>')
    assert render("[電話](tel:0142-23-3331)") == '<p><a href="tel:0142-23-3331">電話</a></p>'
    assert (render("[メール](mailto:info@city.date.hokkaido.jp)")
            == '<p><a href="mailto:info@city.date.hokkaido.jp">メール</a></p>')


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>", "vbscript:x", "//evil.example",
     "/relative", 'https://x.jp/"onmouseover="alert(1)', "https://x.jp/<script>", "ftp://x.jp", "https://", "tel:abc",
     "mailto:x"],
)
def test_other_addresses_are_shown_as_text_without_a_link(url):
    html = render(f"[ここ]({url})")
    assert "<a" not in html and "ここ" in html
    assert not is_safe_url(url)


def test_staff_html_is_escaped():
    html = render('<script>alert(1)</script> <img src=x onerror=alert(1)> & "quotes"')
    assert html == ('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; '
                    '&amp; &#34;quotes&#34;</p>')


def test_strong_text_and_furigana():
    assert render("**必ず**お持ちください") == "<p><strong>必ず</strong>お持ちください</p>"
    with furigana.on_page({}, shown=True):  # a resident who chose furigana
        assert render("{伊達|だて}市") == "<p><ruby>伊達<rp>（</rp><rt>だて</rt><rp>）</rp></ruby>市</p>"
        assert render("{<b>|<i>}です") == "<p><ruby>&lt;b&gt;<rp>（</rp><rt>&lt;i&gt;</rt><rp>）</rp></ruby>です</p>"
    assert render("{伊達|だて}市") == "<p>伊達市</p>"  # furigana off: the kanji alone


def test_plain_text_and_links_for_the_lint():
    text = "**重要**です。\n- [市のページ](https://x.jp/)を{見|み}る\n[x](javascript:1)"
    assert plain_text(text) == "重要です。\n市のページを見る\nx"
    assert links(text) == ["https://x.jp/", "javascript:1"]


ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "ruby", "rp", "rt"}


@given(st.text(alphabet=st.sampled_from(list("<>&\"'[]()*{}|-・1.\n :/abcjvsrpt伊達")), max_size=80))
def test_whatever_staff_write_only_our_own_tags_come_out(text):
    import re

    html = str(render(text))
    assert set(re.findall(r"</?([a-z]+)", html)) <= ALLOWED_TAGS
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("https://", "http://", "tel:", "mailto:"))
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)


def test_a_notice_says_its_level_in_words(render, parse):
    for level, words in [("info", "Information"), ("warning", "Warning"), ("emergency", "Emergency")]:
        page = parse(render({"type": "notice", "level": level, "heading": "断水", "body": "- 9時から"}))
        (title,) = page.find_all("h2")
        assert title["text"].startswith(words) and "断水" in title["text"]
        assert page.find_all("section")[0]["attrs"]["class"] == f"notice notice--{level}"
        assert page.find_all("li")[0]["text"] == "9時から"


def test_an_image_has_its_alt_text_size_and_caption(render, parse):
    page = parse(render({"type": "image", "src": "https://www.city.date.hokkaido.jp/map.png", "alt": "火山防災マップ",
                         "caption": "有珠山", "width": 800, "height": 600}))
    (img,) = page.find_all("img")
    assert img["attrs"] == {"class": "image", "src": "https://www.city.date.hokkaido.jp/map.png",
                            "alt": "火山防災マップ", "width": "800", "height": "600", "loading": "lazy"}
    assert page.find_all("figcaption")[0]["text"] == "有珠山"


@pytest.mark.parametrize(
    "src", ["javascript:alert(1)", "http://x.jp/a.png", "//evil.example/a.png", "/static/../secret", 'https://x.jp/"a.png',
            "data:image/png;base64,AAAA", "static/a.png", "/static/a b.png", "", "/staff/signout", "/q/K7M2QX",
            "/%2e%2e/staff/signout", "/static/favicon.svg", "https://user@x.jp/a.png"])
def test_an_image_staff_choose_now_comes_only_from_an_https_address(src):
    """A path of this site is a page, not a picture: a browser loads it with the viewer's cookies, so
    /staff/signout signed out whoever saw the page and /q/CODE counted a scan at every view."""
    with pytest.raises(ValueError):
        widget_adapter.validate_python({"type": "image", "src": src, "alt": "x"}, context=STAFF_INPUT)
    assert widget_adapter.validate_python({"type": "image", "src": SAFE, "alt": "x"}, context=STAFF_INPUT).src == SAFE


def test_an_app_stored_with_a_path_on_this_site_still_loads_but_shows_the_words_instead_of_loading_it(render, parse):
    stored = widget_adapter.validate_python(
        {"type": "image", "src": "/staff/signout", "alt": "地図", "caption": "会場"})
    page = parse(render(stored))
    assert not page.find_all("img")
    assert page.find_all("p")[0]["text"] == "地図" and page.find_all("figcaption")[0]["text"] == "会場"


def test_an_https_image_on_this_sites_own_host_is_not_loaded(render, parse):
    """https://our-host/staff/signout is as much a page of ours as /staff/signout (web.pages.Pages.own_hosts)."""
    image = {"type": "image", "src": "https://madoguchi.city.example/staff/signout", "alt": "地図"}
    assert not parse(render(image, own_hosts={"madoguchi.city.example"})).find_all("img")
    assert parse(render({**image, "src": SAFE}, own_hosts={"madoguchi.city.example"})).find_all("img")


def test_an_image_needs_alt_text_in_the_file():
    with pytest.raises(ValueError):
        widget_adapter.validate_python({"type": "image", "src": SAFE})


def test_a_contact_card_has_a_phone_link(render, parse):
    page = parse(render({"type": "contact_card", "department": "総務課", "phone": "0142-23-3331",
                         "email": "info@example.jp", "hours": "平日 8:45〜17:30", "place": "本庁舎1階"}))
    (tel, mail) = page.find_all("a")
    assert tel["attrs"]["href"] == "tel:0142-23-3331" and tel["text"] == "0142-23-3331"
    assert mail["attrs"]["href"] == "mailto:info@example.jp"
    assert [dt["text"] for dt in page.find_all("dt")] == ["Phone", "Email", "Opening hours", "Place"]


def test_a_contact_card_without_a_phone_has_no_link(render, parse):
    page = parse(render({"type": "contact_card", "department": "総務課"}))
    assert page.find_all("a") == [] and page.find_all("dt") == []


@pytest.mark.parametrize("phone", ["<script>", "0142-23-3331; x", "tel:0142"])
def test_a_contact_card_phone_is_only_digits_and_separators(phone):
    with pytest.raises(ValueError):
        widget_adapter.validate_python({"type": "contact_card", "department": "総務課", "phone": phone})


def test_numbered_items_in_japanese_style_and_decimals_that_are_not_items():
    assert render("１．申込書\n２．写真") == "<ol>\n<li>申込書</li>\n<li>写真</li>\n</ol>"
    assert render("1．5倍です") == "<p>1．5倍です</p>"
    assert render("1.5倍です") == "<p>1.5倍です</p>"

"""What staff and residents do in the stories, one small step each, named as a clerk would say it.

Staff steps drive the builder (NiceGUI) in Chromium, in Japanese as Date City works: they find things
by the words and roles on the screen, as a person does, never by internals. Resident steps drive a
phone with JavaScript off. Nothing here reads or writes the database.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import openpyxl
import pypdfium2
import zxingcpp

from .conftest import connected

# --- staff: getting about ---------------------------------------------------------------------------


def open_staff_page(page, path: str) -> None:
    """Go to a builder page (path under /staff) and wait until it listens to clicks."""
    page.goto("/staff" + path)
    connected(page)


def app_id_of(page) -> int:
    return int(re.search(r"/apps/(\d+)", page.url).group(1))


def notice(page, text: str) -> None:
    """Wait for the builder's pop-up message saying `text`."""
    page.locator(".q-notification").filter(has_text=text).first.wait_for()


def pick(page, field: str, option: str) -> None:
    """Pick `option` in the drop-down list named `field` on the page."""
    page.locator("main").get_by_role("combobox", name=field, exact=True).click()
    page.get_by_role("listbox").get_by_role("option", name=option, exact=True).click()


# --- staff: the editor ------------------------------------------------------------------------------


def start_a_blank_app(page) -> int:
    page.get_by_role("link", name="新しいアプリ").first.click()
    page.wait_for_url(re.compile(r"/staff/new$"))
    connected(page)
    page.get_by_role("button", name="白紙から作成").click()
    page.wait_for_url(re.compile(r"/staff/apps/\d+$"))
    connected(page)
    return app_id_of(page)


def start_from_template(page, title: str) -> int:
    page.get_by_role("link", name="新しいアプリ").first.click()
    page.wait_for_url(re.compile(r"/staff/new$"))
    connected(page)
    page.get_by_role("button", name=f"テンプレート「{title}」を使う").click()
    page.wait_for_url(re.compile(r"/staff/apps/\d+$"))
    connected(page)
    return app_id_of(page)


def widget_row(page, page_number: int, index: int):
    """The row of the `index`-th widget (from 1) of page `page_number` (from 1) on the editor's canvas."""
    return page.locator(f'li.mdg-widget[data-page="{page_number - 1}"][data-index="{index - 1}"]')


def properties(page):
    return page.locator("section.mdg-side")


def select_widget(page, page_number: int, index: int) -> None:
    widget_row(page, page_number, index).locator(".mdg-widget-name").click()
    widget_row(page, page_number, index).locator("[aria-pressed=true]").wait_for()


def add_widget(page, name: str) -> None:
    """Press a widget in the palette (名前を追加): it goes after the selected one, and is selected."""
    rows = page.locator("li.mdg-widget")
    before = rows.count()
    page.get_by_role("button", name=f"{name}を追加", exact=True).click()
    page.wait_for_function("(n) => document.querySelectorAll('li.mdg-widget').length > n", arg=before)
    page.locator("li.mdg-widget .mdg-widget-name[aria-pressed=true]").filter(has_text=f"{name}:").wait_for()


def delete_widget(page, page_number: int, index: int) -> None:
    before = page.locator("li.mdg-widget").count()
    widget_row(page, page_number, index).get_by_role("button", name=re.compile("^その他の操作")).click()
    page.get_by_role("dialog").get_by_role("button", name="削除").click()
    page.get_by_role("dialog").filter(has_text="この部品を削除しますか？").get_by_role("button", name="削除").click()
    page.wait_for_function("(n) => document.querySelectorAll('li.mdg-widget').length < n", arg=before)


def add_a_page(page) -> None:
    """Add a page at the end: it comes with a short-text question, selected."""
    pages = page.locator(".mdg-page").count()
    page.get_by_role("button", name="ページを追加").click()
    page.locator(f'li.mdg-widget[data-page="{pages}"] [aria-pressed=true]').wait_for()


def write_question(page, page_number: int, index: int, text: str) -> None:
    """Select a question on the canvas and type its Japanese wording; the canvas row then names it."""
    select_widget(page, page_number, index)
    properties(page).get_by_label("質問: 日本語", exact=True).fill(text)
    widget_row(page, page_number, index).locator(".mdg-widget-name").filter(has_text=text).wait_for()


def open_app_settings(page) -> None:
    page.get_by_role("button", name="アプリの設定", exact=True).click()
    properties(page).get_by_role("heading", name="アプリの設定").wait_for()


def fill_app_settings(page, *, title: str, address: str | None = None, phone: str | None = None,
                      retention_days: int | None = None, no_end: bool = False, english: bool | None = None) -> None:
    open_app_settings(page)
    panel = properties(page)
    panel.get_by_label("タイトル: 日本語", exact=True).fill(title)
    if address is not None:
        panel.get_by_label("アドレス（URLの末尾）", exact=True).fill(address)
    if english is not None and panel.get_by_role("checkbox", name="English").is_checked() != english:
        panel.get_by_role("checkbox", name="English").click()
    if phone is not None:
        panel.get_by_label("電話番号", exact=True).fill(phone)
    if retention_days is not None:
        panel.get_by_label("受付データの保存期間（日）", exact=True).fill(str(retention_days))
    if no_end:
        panel.get_by_role("switch", name="終了予定なし").click()
    page.get_by_role("heading", name=f"編集中：{title}", level=1).wait_for()


def checklist_says(page) -> str:
    return properties(page).locator(".mdg-checklist").inner_text()


def all_saved(page) -> None:
    """Wait until the editor says every change is saved (it saves each edit at once)."""
    page.get_by_role("status").filter(has_text="すべての変更を保存しました").wait_for()


# --- staff: publishing ------------------------------------------------------------------------------


def go_to_publishing(page) -> None:
    page.get_by_role("button", name="公開の管理").click()
    page.wait_for_url(re.compile(r"/publishing$"))
    connected(page)


def publish_now(page) -> None:
    """On the publishing page: publish the draft now, and see the new version listed."""
    before = page.get_by_text(re.compile(r"^バージョン\d+：")).count()
    page.get_by_role("main").get_by_role("button", name="公開する", exact=True).click()
    notice(page, "公開しました")
    page.get_by_text(re.compile(r"^バージョン\d+：")).nth(before).wait_for()


def what_residents_see(page) -> str:
    """The publishing page's first card: the status residents see, the live version, any retirement."""
    card = page.locator(".q-card").filter(has=page.get_by_role("heading", name="市民に表示される内容"))
    return " ".join(card.inner_text().split())


# --- staff: QR codes and posters --------------------------------------------------------------------


def go_to_qr_codes(page) -> None:
    page.get_by_role("button", name="QRコード", exact=True).click()
    page.wait_for_url(re.compile(r"/access$"))
    connected(page)


def add_access_point(page, label: str) -> str:
    """Add an access point on the QR codes page; returns the address its code leads to."""
    page.get_by_label("コードを掲示する場所").fill(label)
    page.get_by_role("button", name="追加", exact=True).click()
    page.get_by_role("img", name=f"{label}のQRコード").wait_for()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
    return row.get_by_role("cell").filter(has_text="/q/").inner_text().strip()


def scans_and_submissions(page, label: str) -> tuple[str, str]:
    """What the QR codes page counts for an access point: its scans and its submissions."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
    cells = row.get_by_role("cell")
    return cells.nth(3).inner_text().strip(), cells.nth(4).inner_text().strip()


def print_poster(page, label: str) -> bytes:
    """Open the A4 poster of an access point (it opens in a new tab) and take the PDF the printer gets."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
    with page.expect_popup() as opened:
        row.get_by_role("link", name="ポスター（A4 PDF）").click()
    poster = opened.value
    response = page.context.request.get(poster.url)
    poster.close()
    assert response.ok and response.headers["content-type"] == "application/pdf", response.status
    return response.body()


def scan(pdf: bytes, dpi: int = 150) -> tuple[list[str], str]:
    """What a phone's camera reads off the printed poster (its QR codes), and the poster's text."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        first = document[0]
        image = first.render(scale=dpi / 72).to_pil()
        text = first.get_textpage().get_text_range()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)], text


# --- staff: submissions -----------------------------------------------------------------------------


def open_submissions(page, app_id: int) -> None:
    open_staff_page(page, f"/apps/{app_id}/submissions")
    page.get_by_role("heading", name=re.compile("^受付一覧："), level=1).wait_for()


def total_shown(page, count: str, timeout: float = 20_000) -> None:
    """Wait until the table says it holds `count` submissions (e.g. "100,000件")."""
    page.get_by_role("status").filter(has_text=re.compile(rf"^{re.escape(count)}$")).wait_for(timeout=timeout)


def total(page, timeout: float = 30_000) -> int:
    """How many submissions the table says it holds, once it has counted them."""
    said = page.get_by_role("status").filter(has_text=re.compile(r"^[\d,]+件$"))
    said.wait_for(timeout=timeout)
    return int(said.inner_text().removesuffix("件").replace(",", ""))


def table_rows(page):
    return page.locator("main table tbody tr")


def filter_by(page, field: str, option: str) -> None:
    pick(page, field, option)


def search(page, words: str) -> None:
    page.get_by_role("textbox", name="検索").fill(words)


def open_submission(page, reference: str) -> None:
    page.get_by_role("link", name=reference, exact=True).click()
    page.get_by_role("heading", name=f"受付番号 {reference}", level=1).wait_for()
    connected(page)


def facts(page) -> dict[str, str]:
    """The submission page's facts (受付日時, 状態, 設置場所, 代理入力, …) as a clerk reads them."""
    dl = page.locator("main dl").first
    terms = [t.strip() for t in dl.locator("dt").all_inner_texts()]
    values = [v.strip() for v in dl.locator("dd").all_inner_texts()]
    return dict(zip(terms, values, strict=True))


def answers_shown(page) -> dict[str, str]:
    table = page.locator("main table").first
    return {row.locator("th").inner_text().strip(): row.locator("td").inner_text().strip()
            for row in table.locator("tr").all()}


def change_status(page, status: str) -> None:
    pick(page, "状態", status)
    page.get_by_role("button", name="状態を変更").click()
    notice(page, "状態を変更しました")


FORMATS = {"csv": "CSV（UTF-8、Excel用）", "sjis": "CSV（Shift_JIS、古いExcel用）", "xlsx": "Excel（XLSX）",
           "json": "JSON"}


@dataclass
class Export:
    filename: str
    content: bytes
    status: str  # what the dialog said when the file was ready

    def table(self, kind: str) -> list[list[str]]:
        """The file read back as rows of text, as Excel or a script would read it."""
        if kind == "csv":
            assert self.content.startswith(b"\xef\xbb\xbf"), "a UTF-8 CSV for Excel starts with a BOM"
            return list(csv.reader(io.StringIO(self.content.decode("utf-8-sig"))))
        if kind == "sjis":
            return list(csv.reader(io.StringIO(self.content.decode("shift_jis"))))
        if kind == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(self.content), read_only=True)
            return [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
        raise ValueError(kind)

    def json(self) -> dict:
        return json.loads(self.content.decode("utf-8"))


def export(page, kind: str) -> Export:
    """Export the submissions in one format: open the dialog, make the file, download it, close."""
    page.get_by_role("button", name="書き出し…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radio", name=FORMATS[kind]).click()
    dialog.get_by_role("button", name="ファイルを作る").click()
    download_button = dialog.get_by_text(re.compile("をダウンロード$"))
    download_button.wait_for(timeout=60_000)
    status = dialog.get_by_role("status").inner_text()
    with page.expect_download() as downloaded:
        download_button.click()
    content = downloaded.value.path().read_bytes()
    filename = downloaded.value.suggested_filename
    dialog.get_by_role("button", name="閉じる").click()
    dialog.wait_for(state="hidden")
    return Export(filename, content, status)


def open_charts(page) -> None:
    page.get_by_role("link", name="グラフ", exact=True).click()
    page.wait_for_url(re.compile(r"/charts$"))
    connected(page)


def chart_table(page, heading: str) -> dict[str, str]:
    """The counts under one chart (its table of 件数), by row label."""
    section = page.get_by_role("heading", name=heading, level=3).locator("xpath=..")
    rows = section.locator("table tbody tr").all()
    return {r.locator("td").nth(0).inner_text().strip(): r.locator("td").nth(1).inner_text().strip() for r in rows}


# --- residents --------------------------------------------------------------------------------------


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def scan_with_phone(phone, url: str) -> None:
    """A resident points the phone at the poster: the browser opens the code's address."""
    phone.goto(url)


def press(phone, name: str) -> None:
    """Press a link or button on a resident page (JavaScript off: each is a page load)."""
    target = phone.locator("main").get_by_role("button", name=name, exact=True).or_(
        phone.locator("main").get_by_role("link", name=name, exact=True))
    with phone.expect_navigation():
        target.first.click()


def reference_number(phone) -> str:
    return phone.locator("main .reference").inner_text().strip()

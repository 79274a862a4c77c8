"""The read-aloud button (generated_apps/web/static/read_aloud.js), in a real Chromium with JavaScript on.

Nothing is spoken here: an init script replaces speechSynthesis.speak and .cancel with recorders, so
the tests see what would be read (text and language of each utterance) and when reading stops.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from .axe import MUST_RUN, RUN_AXE, TAGS, axe_source, describe
from .demo import SURVEY, widgets_on_page

pytestmark = pytest.mark.browser

RADIO_PAGE = f"/a/{SURVEY}/p/2"      # one question, six radio buttons, no hint
DROPDOWN_PAGE = f"/a/{SURVEY}/p/3"   # one question with a hint and a <select> of districts
INTRO_PAGE = f"/a/{SURVEY}/p/1"      # text only: a paragraph and a list

# Records each utterance instead of speaking it; finish() ends the reading as the browser would.
RECORD_SPEECH = """
window.__speech = {spoken: [], cancels: 0, last: null};
window.speechSynthesis.speak = (utterance) => {
  window.__speech.spoken.push({text: utterance.text, lang: utterance.lang});
  window.__speech.last = utterance;
};
window.speechSynthesis.cancel = () => { window.__speech.cancels += 1; };
window.__speech.finish = () => window.__speech.last.dispatchEvent(new Event('end'));
"""
NO_SPEECH = "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"
# A phone whose only Japanese voice is a network one (it would send the page, answers too, to an outside service).
NETWORK_VOICE_ONLY = RECORD_SPEECH + """
window.speechSynthesis.getVoices = () => [
  {name: 'Network Japanese', lang: 'ja-JP', localService: false, default: true}];
"""


class Said(NamedTuple):
    text: str
    lang: str


@pytest.fixture
def js_page(browser, base_url):
    """A factory of pages in a JS-enabled phone-sized context, with the given init script."""
    contexts = []

    def make(init_script: str = RECORD_SPEECH, width: int = 390) -> Any:
        context = browser.new_context(java_script_enabled=True, viewport={"width": width, "height": 844},
                                      locale="ja-JP", base_url=base_url)
        context.set_default_timeout(15_000)
        context.add_init_script(init_script)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def labels(page: Any) -> tuple[str, str]:
    """The button's two labels, as the server translated them for this page."""
    script = page.locator("script[data-read]")
    return script.get_attribute("data-read"), script.get_attribute("data-stop")


def read_aloud_button(page: Any) -> Any:
    return page.locator("main button.read-aloud-button")


def press(page: Any) -> list[Said]:
    """Presses the button and returns what it read."""
    page.evaluate("window.__speech.spoken = []")
    read_aloud_button(page).click()
    return [Said(**said) for said in page.evaluate("window.__speech.spoken")]


def cancels(page: Any) -> int:
    return page.evaluate("window.__speech.cancels")


def open_dropdown_question(page: Any) -> None:
    page.goto(RADIO_PAGE)
    page.locator("main input[type=radio]").first.check()
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{DROPDOWN_PAGE}")


def test_without_javascript_there_is_no_button(resident_context):
    page = resident_context().new_page()
    page.goto(RADIO_PAGE)
    assert page.locator("main button[type=button]").count() == 0


def test_without_speech_synthesis_the_page_is_left_as_it_was_sent(js_page):
    page = js_page(NO_SPEECH)
    response = page.goto(RADIO_PAGE)
    page.wait_for_load_state("load")
    assert page.evaluate("'speechSynthesis' in window || 'SpeechSynthesisUtterance' in window") is False
    assert read_aloud_button(page).count() == 0
    as_sent = page.evaluate(
        "(html) => new DOMParser().parseFromString(html, 'text/html').querySelector('main').outerHTML",
        response.text())
    assert page.evaluate("document.querySelector('main').outerHTML") == as_sent


def test_the_button_appears_once_after_the_back_link(js_page):
    page = js_page()
    page.goto(RADIO_PAGE)
    button = read_aloud_button(page)
    assert button.count() == 1
    assert button.get_attribute("type") == "button"
    assert button.inner_text().strip() == labels(page)[0]
    assert page.evaluate("document.querySelector('main .read-aloud').previousElementSibling.className") == "back"


def shown(page: Any, selector: str) -> list[str]:
    """The text of each element the selector finds, as it is shown (furigana off, the default)."""
    return [" ".join(text.split()) for text in page.locator(selector).all_inner_texts()]


def test_of_a_drop_down_list_it_reads_the_question_its_hint_and_only_the_choice_shown(js_page):
    """The other options of a <select> are not on the screen: reading them all would read a list nobody sees."""
    question = widgets_on_page(SURVEY, 3)[0]
    page = js_page()
    open_dropdown_question(page)
    for lang in ["ja", "en"]:
        if lang != "ja":
            page.goto(f"/lang/{lang}?next={DROPDOWN_PAGE}")
        # Nothing chosen yet: the placeholder ("Choose one") is not a choice, so nothing of the list is read.
        said = press(page)
        assert said[0].text.startswith(question["label"][lang]) and said[0].lang == lang
        assert said[1:] == [Said(text, lang) for text in shown(page, "main .hint")]
        page.evaluate("window.__speech.finish()")
        page.locator("main select").select_option(question["options"][2]["value"])
        chosen = shown(page, "main select option:checked")
        assert chosen == [question["options"][2]["label"][lang]]
        assert press(page)[1:] == [Said(text, lang) for text in shown(page, "main .hint") + chosen]
        page.evaluate("window.__speech.finish()")


def test_it_reads_the_error_between_the_question_and_the_choices(js_page):
    question = widgets_on_page(SURVEY, 2)[0]
    page = js_page()
    page.goto(RADIO_PAGE)
    page.locator("main button[type=submit]").click()
    error = " ".join(page.locator("main .error-message").text_content().split())
    said = press(page)
    assert said[0].text.startswith(question["label"]["ja"])
    # The error summary at the top says the same: the message is read once, next to its question.
    assert [s.text for s in said[1:]] == [error] + shown(page, "main .choice-label")
    assert len(said) == 2 + len(question["options"])


def serve_changed(page: Any, path: str, old: str, new: str) -> None:
    """Serves the page at `path` as the server renders it, with `old` replaced by `new` (which must be there)."""
    def changed(route: Any) -> None:
        html = route.fetch().text()
        assert old in html, f"{old!r} is no longer on {path}: update this test"
        route.fulfill(body=html.replace(old, new), headers={"content-type": "text/html; charset=utf-8"})

    page.route(f"**{path}", changed)


def test_each_part_is_read_in_its_own_language(js_page):
    """A Japanese fallback inside an English page (marked lang="ja") is read in Japanese."""
    page = js_page()
    page.goto(f"/lang/en?next={RADIO_PAGE}")
    serve_changed(page, RADIO_PAGE, ">80 or older</label>", '><span lang="ja">80歳以上</span></label>')
    page.goto(RADIO_PAGE)
    said = press(page)
    assert said[-2:] == [Said("70 to 79", "en"), Said("80歳以上", "ja")]


def test_with_only_a_network_voice_nothing_is_sent_out_and_the_page_says_why_it_is_not_read(js_page):
    page = js_page(NETWORK_VOICE_ONLY)
    page.goto(RADIO_PAGE)
    note = page.locator("main .read-aloud [role=status]")
    assert note.count() == 1 and note.inner_text().strip() == "", "the note is there, empty, before anything is read"
    assert press(page) == []
    said = page.locator("script[data-read]").get_attribute("data-no-voice")
    assert said and note.inner_text().strip() == said
    assert read_aloud_button(page).inner_text().strip() == labels(page)[0], "the button still offers to read"


def test_furigana_is_not_read_twice(js_page):
    page = js_page()
    serve_changed(page, RADIO_PAGE, ">80歳以上</label>",
                  "><ruby>八十<rp>（</rp><rt>はちじゅう</rt><rp>）</rp></ruby>歳以上</label>")
    page.goto(RADIO_PAGE)
    said = press(page)
    assert said[-1] == Said("八十歳以上", "ja")


def test_on_a_text_page_it_reads_the_heading_and_the_text(js_page):
    page = js_page()
    page.goto(f"/a/{SURVEY}")
    page.locator("main a.button").click()
    page.wait_for_url(f"**{INTRO_PAGE}")
    said = press(page)
    assert said[0] == Said(page.locator("main h1").inner_text().strip(), "ja")
    # Each paragraph and list item of the text, in order (the last sentence has a reading for 企画課).
    assert [s.text for s in said[1:3]] == ["伊達市では、市のサービスをよくするために、アンケートを行っています。",
                                           "質問は9つまでです。"]
    assert said[-1] == Said("わからないことは、企画課にお電話ください。", "ja")


def test_pressing_again_stops_and_so_does_leaving_the_page(js_page):
    page = js_page()
    page.goto(RADIO_PAGE)
    read, stop = labels(page)
    button = read_aloud_button(page)

    press(page)
    assert button.inner_text().strip() == stop
    before = cancels(page)
    button.click()
    assert cancels(page) == before + 1 and button.inner_text().strip() == read

    press(page)
    page.evaluate("window.__speech.finish()")  # the last part has been read
    assert button.inner_text().strip() == read

    press(page)
    before = cancels(page)
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}))")
    assert cancels(page) == before + 1 and button.inner_text().strip() == read


@pytest.mark.parametrize("mode", ["standard", "largest text, high contrast"])
def test_the_page_with_the_button_passes_axe_and_the_button_is_large(js_page, mode):
    page = js_page(RECORD_SPEECH + axe_source(), width=320)
    if mode != "standard":
        page.goto("/size/largest?next=/")
        page.goto("/contrast/high?next=/")
    page.goto(RADIO_PAGE)
    box = read_aloud_button(page).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    result = page.evaluate(RUN_AXE, [TAGS, MUST_RUN])
    assert not result["violations"], describe(result["violations"])

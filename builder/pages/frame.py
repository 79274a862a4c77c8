"""What every staff page is drawn in: Quasar's colours made readable, the header of a signed-in page
(its navigation, the language switch, signing out) and its <main>, the narrow <main> of the pages
before signing in, and the polite refusal of a page only admins may open."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from nicegui import ui

from generated_apps.domain.models import StaffUser

from .. import roles
from ..i18n import BUILDER_LANGS, _, staff_lang
from .components import labelled

LANG_WORDS = {"ja": "日本語", "en": "English"}

STAFF_CSS = """
.nicegui-link { color: #0d47a1; }
.q-header .nicegui-link { color: #ffffff; }
.mdg-table { border-collapse: collapse; }
.mdg-facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; font-size: 1rem; }
.mdg-facts dd { margin: 0; }
.mdg-table th { border-bottom: 2px solid #424242; font-size: 1rem; }
.mdg-table td { border-bottom: 1px solid #bdbdbd; vertical-align: top; }
.mdg-gallery { list-style: none; padding: 0; }
.mdg-card-frame { width: 100%; height: 240px; overflow: hidden; border: 1px solid #9e9e9e; }
.mdg-card-preview { width: 200%; height: 480px; border: 0; transform: scale(0.5); transform-origin: 0 0;
                    pointer-events: none; }
a:focus-visible, button:focus-visible, [tabindex]:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
"""


def prefixed(request: Request, path: str) -> str:
    """A path inside the staff GUI as the browser must ask for it (NiceGUI is mounted under a prefix)."""
    root: str = request.scope.get("root_path", "")  # the ASGI scope's: always text
    return root + path


def here(request: Request) -> str:
    """The path of this request inside the staff GUI (without the prefix it is mounted under)."""
    return request.url.path[len(request.scope.get("root_path", "")):] or "/"


def staff_colours() -> None:
    """Quasar's colours, darkened so that text in each meets WCAG AA contrast (4.5:1) on white."""
    ui.colors(primary="#0d47a1", secondary="#37474f", accent="#6a1b9a", positive="#1b5e20",
              negative="#b71c1c", warning="#7a4100", info="#01579b", dark="#212121")


def narrow_main(request: Request) -> ui.element:
    """The <main> of a page shown before signing in, with the language switch above it."""
    staff_colours()
    with ui.row().classes("w-full justify-end q-pa-sm"):
        language_switch(request)
    return ui.element("main").classes("w-full max-w-md mx-auto q-pa-lg column q-gutter-md").props(
        f'lang="{staff_lang()}"')


class frame:
    """The header every signed-in page shares, and the page's <main>."""

    def __init__(self, request: Request, user: StaffUser, heading: str | None, *, wide: bool = False) -> None:
        self.request, self.user, self.heading, self.wide = request, user, heading, wide

    def __enter__(self) -> ui.element:
        staff_colours()
        with ui.header().classes("items-center q-px-md q-py-sm bg-blue-10").props(f'lang="{staff_lang()}"'):
            ui.link("Madoguchi 窓口", "/").classes("text-h6 text-white no-underline")
            with labelled(ui.element("nav"), _("Main")).classes("row q-gutter-md q-ml-lg"):
                ui.link(_("Apps"), "/").classes("text-white")
                ui.link(_("New app"), "/new").classes("text-white")
                ui.link(_("Facility bookings"), "/resources").classes("text-white")
                if roles.is_admin(self.user):
                    ui.link(_("Users"), "/users").classes("text-white")
                    ui.link(_("Audit log"), "/audit").classes("text-white")
                    ui.link(_("Emergency banner"), "/banner").classes("text-white")
            ui.space()
            ui.link(self.user.display_name, "/password").classes("text-white")
            language_switch(self.request, "white")
            ui.link(_("Sign out"), "/signout").classes("text-white")
        self.main = ui.element("main").classes("w-full q-pa-md" if self.wide
                                               else "w-full max-w-screen-xl mx-auto q-pa-md")
        self.main.props(f'lang="{staff_lang()}"')
        self.main.__enter__()
        if self.heading:
            ui.label(self.heading).classes("text-h4 q-mb-md").props('role="heading" aria-level="1"')
        return self.main

    def __exit__(self, *exc: object) -> None:
        self.main.__exit__(*exc)


def not_allowed(request: Request) -> Response:
    """A polite refusal, in the staff member's language, for a page only admins may open."""
    words = escape(_("Only an admin can open this page. Ask an admin of your office if you need it."))
    back = escape(_("Back to the apps"))
    body = (f'<!doctype html><html lang="{staff_lang()}"><head><meta charset="utf-8"><title>Madoguchi</title></head>'
            f'<body style="font: 1.25rem/1.6 sans-serif; margin: 2rem"><h1>{words}</h1>'
            f'<p><a href="{escape(prefixed(request, "/"))}">{back}</a></p></body></html>')
    return HTMLResponse(body, status_code=403)


def language_switch(request: Request, colour: str = "primary") -> None:
    """A link naming the other language in that language (日本語 / English); it comes back to this page."""
    other = next(code for code in BUILDER_LANGS if code != staff_lang())
    link = ui.link(LANG_WORDS[other], f"/lang/{other}?next={quote(here(request))}").classes(f"text-{colour}")
    link.props(f"lang={other}")

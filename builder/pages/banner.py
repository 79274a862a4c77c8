"""The admins' page for the emergency banner: a message at the top of every resident page until cleared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import Request
from nicegui import ui

from generated_apps.domain.banner import BANNER_LEVELS, BANNER_MAX, Banner
from generated_apps.domain.models import EmergencyBanner, StaffUser
from generated_apps.domain.store import Store
from widgets import N_

from .. import roles
from ..i18n import _, local_time
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite

LEVEL_NAMES = {"danger": N_("Emergency (red)"), "warning": N_("Important (yellow)"), "info": N_("Notice (blue)")}


class BannerPage:
    def __init__(self, store: Store, *, time_zone: str) -> None:
        self.store, self.zone = store, time_zone
        self.banner = Banner(store)

    async def build(self) -> None:
        """Read the banner shown now (in a thread), then draw the page."""
        self.body(await in_thread(self.banner.current))

    @ui.refreshable_method
    def body(self, current: EmergencyBanner | None) -> None:
        with ui.card().classes("w-full q-mb-md q-gutter-sm"):
            ui.label(_("Shown now")).classes("text-h6").props('role="heading" aria-level="2"')
            if current is None:
                ui.label(_("No banner is shown.")).classes("text-body1").mark("no-banner")
            else:
                ui.label(current.text).classes("text-h6").props('lang="ja"').mark("current-banner")
                if current.text_en:
                    ui.label(current.text_en).classes("text-body1").props('lang="en"')
                ui.label(_("{level}, issued {when} by {who}", level=_(LEVEL_NAMES[current.level]),
                           when=local_time(current.issued_at, self.zone),
                           who=current.issued_by)).classes("text-body2")
                ui.button(_("Clear the banner"), on_click=lambda: self.act(
                    "banner.clear", lambda by: self.banner.clear(by), _("The banner is cleared"))).props(
                    "outline").mark("clear-banner")
        with ui.card().classes("w-full q-gutter-sm"):
            ui.label(_("Show a banner on every resident page")).classes("text-h6").props(
                'role="heading" aria-level="2"')
            ui.label(_("It appears at the top of every app, the city portal and the service-ended pages, with "
                       "the time it was issued, until you clear it.")).classes("text-body2")
            text = ui.textarea(_("Message (Japanese)")).props(f"outlined maxlength={BANNER_MAX} counter").classes(
                "w-full").mark("banner-text")
            text_en = ui.textarea(_("Message (English, optional)")).props(
                f"outlined maxlength={BANNER_MAX} counter").classes("w-full").mark("banner-text-en")
            level = ui.select({lv: _(LEVEL_NAMES[lv]) for lv in BANNER_LEVELS}, value="danger",
                              label=_("How urgent")).props("outlined").classes("w-72").mark("banner-level")

            async def show() -> None:
                await self.act("banner.set", lambda by: self.banner.set(
                    text.value or "", level.value, by, text_en=text_en.value), _("The banner is shown"))

            ui.button(_("Show the banner"), icon="campaign", on_click=show).props(
                "unelevated color=negative").mark("show-banner")

    async def act(self, action: str, command: Callable[[str], object], done: str) -> None:
        if await roles.as_admin(self.store, action, command):
            ui.notify(done, type="positive")
            self.body.refresh(await in_thread(self.banner.current))


# --- the route ----------------------------------------------------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("Emergency banner")):
        await BannerPage(site.store, time_zone=site.settings.time_zone).build()

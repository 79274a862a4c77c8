"""The emergency banner: one message every resident page shows while it is set (a typhoon, a closure)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from generated_apps.domain.errors import Refused
from generated_apps.domain.live import LIVE_CACHE_SECONDS
from generated_apps.domain.models import AuditEvent, EmergencyBanner
from generated_apps.domain.store import Store
from widgets.text import clean_staff_text

BANNER_LEVELS = ("info", "warning", "danger")
BANNER_MAX = 300


class Banner:
    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self) -> EmergencyBanner | None:
        """The banner every resident page shows now, if any. Asked on every page: kept for a moment
        (in `Store.cached_banner`), and forgotten at once in this process when an admin sets or clears one."""
        cached = self.store.cached_banner
        if cached is not None and cached[0] > self.store.now():
            return cached[1]
        with self.store.session() as s:
            current = s.exec(select(EmergencyBanner).where(col(EmergencyBanner.cleared_at).is_(None))
                             .order_by(col(EmergencyBanner.id).desc()).limit(1)).first()
        self.store.cached_banner = (self.store.now() + dt.timedelta(seconds=LIVE_CACHE_SECONDS), current)
        return current

    def set(self, text: str, level: str, by: str, text_en: str | None = None) -> EmergencyBanner:
        """Show a new banner (it replaces the one shown before)."""
        text = clean_staff_text(text, multiline=False)
        text_en = clean_staff_text(text_en or "", multiline=False) or None
        if not text:
            raise Refused("Write the message in Japanese")
        if len(text) > BANNER_MAX or (text_en and len(text_en) > BANNER_MAX):
            raise Refused("Keep the message under {limit} characters", limit=BANNER_MAX)
        if level not in BANNER_LEVELS:
            raise Refused("Choose how urgent the message is")
        now = self.store.now()
        with self.store.session() as s:
            for shown in s.exec(select(EmergencyBanner).where(col(EmergencyBanner.cleared_at).is_(None))):
                shown.cleared_at, shown.cleared_by = now, by
                s.add(shown)
            banner = EmergencyBanner(text=text, text_en=text_en, level=level, issued_at=now, issued_by=by)
            s.add(banner)
            s.flush()
            s.add(AuditEvent(actor=by, action="banner.set", target=str(banner.id),
                             detail={"level": level, "text": text, "text_en": text_en}))
            s.commit()
        self.store.cached_banner = None
        return banner

    def clear(self, by: str) -> None:
        now = self.store.now()
        with self.store.session() as s:
            shown = list(s.exec(select(EmergencyBanner).where(col(EmergencyBanner.cleared_at).is_(None))))
            if not shown:
                raise Refused("No banner is shown")
            for banner in shown:
                banner.cleared_at, banner.cleared_by = now, by
                s.add(banner)
            s.add(AuditEvent(actor=by, action="banner.clear", target=str(shown[-1].id)))
            s.commit()
        self.store.cached_banner = None

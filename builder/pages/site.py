"""What every staff page is given: the store, the settings and the few long-lived helpers the pages
share (the sign-in throttle and grants, the preview and counter-entry sites, the export files)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generated_apps.domain.bookings import Bookings
from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store
from generated_apps.web.counter import CounterSite
from generated_apps.web.preview import PreviewSite

from .. import auth
from .export_files import ExportFiles
from .guard import Guard


@dataclass
class StaffSite:
    store: Store
    settings: Settings
    mount_path: str = "/staff"
    throttle: auth.Throttle = field(init=False)
    grants: auth.SignInGrants = field(init=False)
    guard: Guard = field(init=False)
    bookings: Bookings = field(init=False)
    files: ExportFiles = field(init=False)
    preview: PreviewSite = field(init=False)
    counter: CounterSite = field(init=False)

    def __post_init__(self) -> None:
        store, settings, mount_path = self.store, self.settings, self.mount_path
        self.throttle = auth.Throttle(settings.staff_secret_key())  # the builder's key: counts outlive a restart
        self.grants = auth.SignInGrants()
        self.guard = Guard(store)
        self.bookings = Bookings(store, settings.time_zone)
        self.files = ExportFiles(settings.data_dir / "exports")
        self.preview = PreviewSite(store, settings, prefix=f"{mount_path}/preview")
        self.counter = CounterSite(store, settings, prefix=f"{mount_path}/counter", staff_prefix=mount_path)

"""The editor page (/apps/{id}): `Editor` for a readable draft, `DamagedDraft` for one that cannot be
read. Its parts: editing.py (the draft and its undo, no UI), properties.py (the property panel, drawn
from each widget's fields), plain_elements.py (light buttons for long lists)."""

from __future__ import annotations

from fastapi import Request

from generated_apps.domain.apps import Apps
from generated_apps.domain.models import StaffUser
from generated_apps.domain.specs import readable_spec, shown_title

from ... import auth
from ..components import no_such_app
from ..frame import frame
from ..gallery import blank_app
from ..guard import in_thread
from ..sign_in import sign_in_again
from ..site import StaffSite
from .damaged import DamagedDraft
from .editor import EDITOR_CSS, Editor

__all__ = ["EDITOR_CSS", "page"]


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int) -> None:
    store = site.store
    found = await in_thread(Apps(store).by_id, app_id)
    with frame(request, user, None, wide=True):
        if found is None:
            no_such_app()
            return
        if readable_spec(found.draft_spec) is None:
            blank = await in_thread(blank_app, store)
            await DamagedDraft(store, found, title=shown_title(found), blank=blank,
                               current_user=lambda: auth.session_user(store)).build()
            return
        await Editor(store, found, user, preview_base=f"{site.mount_path}/preview/{app_id}",
                     current_user=lambda: auth.session_user(store),
                     sign_in_again=lambda u, p: sign_in_again(site, request, u, p)).build()

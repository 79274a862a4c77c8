"""Access points: the codes put up on posters and counters, each leading to one app, with their scans."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from generated_apps.domain.errors import Refused
from generated_apps.domain.models import AccessPoint, App, AuditEvent, ScanCount, Submission, is_row_id
from generated_apps.domain.store import Store
from widgets.text import clean_staff_text

# Access point codes: no 0/O, 1/I/L to mistake for each other when typed from a poster.
ACCESS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 6  # 31**6, about 890 million codes
ACCESS_CODE = re.compile(f"[{ACCESS_ALPHABET}]{{{ACCESS_CODE_LENGTH}}}")
ACCESS_POINT_LABEL_MAX = 100


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


@dataclass(frozen=True)
class AccessPointSummary:
    point: AccessPoint
    scans: int
    submissions: int


class AccessPoints:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, app_id: int, label: str, by: str) -> AccessPoint:
        """A new access point of the app with a fresh code, never used before."""
        label = clean_staff_text(label, multiline=False)
        if not label:
            raise Refused("Give the access point a name, such as the counter where its code is put up")
        if len(label) > ACCESS_POINT_LABEL_MAX:
            raise Refused("Keep the name under {limit} characters", limit=ACCESS_POINT_LABEL_MAX)
        for _attempt in range(10):
            with self.store.session() as s:
                app = s.get(App, app_id)
                if app is None:
                    raise LookupError(app_id)
                point = AccessPoint(app_id=app_id, code=new_access_code(), label=label, created_by=by,
                                    created_at=self.store.now())
                s.add(point)
                try:
                    s.flush()
                except IntegrityError:  # the code is taken: draw another
                    s.rollback()
                    continue
                s.add(AuditEvent(actor=by, action="access_point.create", app_id=app_id, target=point.code,
                                 detail={"label": label}))
                s.commit()
                return point
        raise RuntimeError("could not draw a free access point code")

    def change(self, point_id: int, by: str, *, label: str | None = None, active: bool | None = None) -> AccessPoint:
        with self.store.session() as s:
            point = s.get(AccessPoint, point_id)
            if point is None:
                raise LookupError(point_id)
            detail: dict[str, Any] = {}
            if label is not None:
                label = clean_staff_text(label, multiline=False)
                if not label or len(label) > ACCESS_POINT_LABEL_MAX:
                    raise Refused("Give the access point a name of at most {limit} characters",
                                  limit=ACCESS_POINT_LABEL_MAX)
                if label != point.label:
                    detail["label"], point.label = [point.label, label], label
            if active is not None and active != point.active:
                detail["active"], point.active = [point.active, active], active
            if detail:
                s.add(point)
                s.add(AuditEvent(actor=by, action="access_point.change", app_id=point.app_id, target=point.code,
                                 detail=detail))
                s.commit()
                s.refresh(point)
            return point

    def of_app(self, app_id: int) -> list[AccessPointSummary]:
        """The app's access points, oldest first, with their scans and the submissions made through them."""
        if not is_row_id(app_id):
            return []
        with self.store.session() as s:
            points = list(s.exec(select(AccessPoint).where(AccessPoint.app_id == app_id).order_by(col(AccessPoint.id))))
            # By access point id; looked up by the ids of rows read, which the type system cannot know are set.
            scans: dict[int | None, int] = dict(
                s.exec(select(ScanCount.access_point_id, func.sum(ScanCount.count))
                       .join(AccessPoint, col(AccessPoint.id) == ScanCount.access_point_id)
                       .where(AccessPoint.app_id == app_id).group_by(col(ScanCount.access_point_id))).all())
            sent = dict(s.exec(select(Submission.access_point, func.count()).where(Submission.app_id == app_id)
                               .group_by(Submission.access_point)).all())
        return [AccessPointSummary(p, int(scans.get(p.id) or 0), sent.get(p.code, 0)) for p in points]

    def scans_per_day(self, app_id: int, since: dt.date) -> list[tuple[int, dt.date, int]]:
        """(access point id, day, scans) from `since` on, by day."""
        with self.store.session() as s:
            return [(point_id, day, count) for point_id, day, count in s.exec(
                select(ScanCount.access_point_id, col(ScanCount.day), ScanCount.count)
                .join(AccessPoint, col(AccessPoint.id) == ScanCount.access_point_id)
                .where(AccessPoint.app_id == app_id, ScanCount.day >= since).order_by(col(ScanCount.day)))]

    def scan(self, code: str, day: dt.date) -> tuple[AccessPoint, str] | None:
        """The access point of a code opened by a resident, and its app's address now; the scan is counted.

        None for a code that does not exist or is disabled (not counted). One conditional upsert per
        scan: concurrent scans of one code on one day all count.
        """
        code = code.upper()
        if not ACCESS_CODE.fullmatch(code):
            return None
        with self.store.session() as s:
            found = s.exec(select(AccessPoint, App.slug).join(App, col(App.id) == AccessPoint.app_id)
                           .where(AccessPoint.code == code)).first()
            if found is None or not found[0].active:
                return None
            point, slug = found
            s.exec(self.store.insert(ScanCount).values(access_point_id=point.id, day=day, count=1)
                   .on_conflict_do_update(index_elements=["access_point_id", "day"],
                                          set_={"count": col(ScanCount.count) + 1}))
            s.commit()
        return point, slug

    def by_code(self, code: str) -> AccessPoint | None:
        with self.store.session() as s:
            return s.exec(select(AccessPoint).where(AccessPoint.code == code.upper())).first()

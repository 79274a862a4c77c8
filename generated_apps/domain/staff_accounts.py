"""Staff accounts: creating them, signing in, roles and (de)activation, passwords.

Password hashing itself is the builder's (builder/auth.py): this module stores what it is given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from generated_apps.domain.errors import UserChangeRefused
from generated_apps.domain.models import AuditEvent, StaffUser, is_row_id
from generated_apps.domain.store import Store
from widgets.text import clean_staff_text

ROLES = ("staff", "admin")


class StaffAccounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, username: str, display_name: str, password_hash: str, role: str, *,
               by: str, must_change_password: bool = False) -> StaffUser:
        display_name = clean_staff_text(display_name, multiline=False)
        user = StaffUser(username=username, display_name=display_name, password_hash=password_hash, role=role,
                         must_change_password=must_change_password)
        with self.store.session() as s:
            s.add(user)
            try:
                s.flush()
            except IntegrityError:
                raise ValueError(f"the user name {username!r} is taken") from None
            s.add(AuditEvent(actor=by, action="user.create", target=username, detail={"role": role}))
            s.commit()
        return user

    def by_username(self, username: str) -> StaffUser | None:
        with self.store.session() as s:
            return s.exec(select(StaffUser).where(StaffUser.username == username)).first()

    def by_id(self, user_id: int) -> StaffUser | None:
        if not is_row_id(user_id):
            return None
        with self.store.session() as s:
            return s.get(StaffUser, user_id)

    def count(self) -> int:
        with self.store.session() as s:
            return s.exec(select(func.count()).select_from(StaffUser)).one()

    def all(self) -> list[StaffUser]:
        with self.store.session() as s:
            return list(s.exec(select(StaffUser).order_by(col(StaffUser.active).desc(), StaffUser.username)))

    def record_sign_in(self, user_id: int, password_hash: str | None = None) -> None:
        """Note the time; store a re-hashed password when the hashing parameters changed."""
        with self.store.session() as s:
            user = s.get(StaffUser, user_id)
            if user is None:
                raise LookupError(user_id)
            user.last_sign_in_at = self.store.now()
            if password_hash:
                user.password_hash = password_hash
            s.add(user)
            s.add(AuditEvent(actor=user.username, action="auth.sign_in", target=user.username))
            s.commit()

    def change(self, user_id: int, by: str, *, role: str | None = None, active: bool | None = None) -> StaffUser:
        """Change a role or (de)activate an account. Never leaves the builder without an active admin."""
        if role is not None and role not in ROLES:
            raise UserChangeRefused("There is no role {role}", role=role)
        with self.store.session() as s:
            # PostgreSQL: lock the active admins first, so that two admins demoting each other take turns.
            s.exec(select(StaffUser.id).where(StaffUser.role == "admin", StaffUser.active).with_for_update()).all()
            user = s.get(StaffUser, user_id)
            if user is None:
                raise LookupError(user_id)
            changes: dict[str, Any] = {}
            if role is not None and role != user.role:
                changes["role"] = [user.role, role]
                user.role = role
            if active is not None and active != user.active:
                changes["active"] = [user.active, active]
                user.active = active
            if not changes:
                return user
            s.add(user)
            s.flush()
            # Counted after the write, in its transaction: on SQLite the write lock, on PostgreSQL the
            # row locks above, make a second admin's change wait for this one and then count again.
            left = s.exec(select(func.count()).select_from(StaffUser).where(StaffUser.role == "admin",
                                                                             StaffUser.active)).one()
            if left == 0:
                raise UserChangeRefused("{name} is the last active admin: make another member of staff an admin first",
                                        name=user.display_name)
            action = ("user.deactivate" if active is False else "user.activate") if "active" in changes else "user.role"
            s.add(AuditEvent(actor=by, action=action, target=user.username, detail=changes))
            s.commit()
            s.refresh(user)
        return user

    def set_password(self, user_id: int, password_hash: str, *, by: str, must_change: bool) -> None:
        """A new password hash: a temporary one set by an admin (`must_change`), or the user's own."""
        with self.store.session() as s:
            user = s.get(StaffUser, user_id)
            if user is None:
                raise LookupError(user_id)
            user.password_hash, user.must_change_password = password_hash, must_change
            s.add(user)
            action = "user.password_reset" if must_change else "user.password_change"
            s.add(AuditEvent(actor=by, action=action, target=user.username))
            s.commit()

"""Rules for people."""

from __future__ import annotations

from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.permissions import require_admin
from tracker.auth.services import hash_password
from tracker.departments.services import get_by_code
from tracker.errors import Conflict, InvalidInput
from tracker.extensions import db
from tracker.models import ROLES, User


def create_user(
    actor: User | None,
    *,
    email: str,
    display_name: str,
    role: str = "employee",
    department_code: str | None = None,
    password: str | None = None,
    locale: str | None = None,
) -> User:
    """Create a person; everyone but an administrator belongs to a department."""
    if actor is not None:
        require_admin(actor)
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("is not an email address", field="email")
    if role not in ROLES:
        raise InvalidInput(f"must be one of {', '.join(ROLES)}", field="role")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with the email {email} exists already.", {"json": {"email": ["already used"]}})
    department = get_by_code(department_code) if department_code else None
    if department is None and role != "admin":
        raise InvalidInput("is required for everyone but administrators", field="department")
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        department=department,
        password_hash=hash_password(password) if password else None,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, {"role": role})
    return user

"""Role checks in one place; every feature asks these instead of testing roles itself."""

from __future__ import annotations

from tracker.errors import Forbidden
from tracker.models import User


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == "admin"


def sees_whole_company(user: User) -> bool:
    """Leadership and administrators see every department's numbers."""
    return user.is_authenticated and user.role in ("leadership", "admin")


def require_admin(user: User) -> None:
    """Raise Forbidden unless the user is an administrator."""
    if not is_admin(user):
        raise Forbidden("Only an administrator may do this.")


def can_manage_department(user: User, department_id: int) -> bool:
    """Leads act for their own department; administrators for any."""
    return is_admin(user) or user.is_lead_of(department_id)


def require_department_manager(user: User, department_id: int) -> None:
    """Raise Forbidden unless the user leads this department or is an administrator."""
    if not can_manage_department(user, department_id):
        raise Forbidden("Only a lead of this department or an administrator may do this.")

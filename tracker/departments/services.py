"""Rules for departments."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from tracker.audit.services import record
from tracker.auth.permissions import require_admin
from tracker.errors import Conflict, NotFound
from tracker.extensions import db
from tracker.models import Department, User


def department_query(active: bool | None = None, search: str | None = None) -> Select:
    """The departments, by code, optionally filtered."""
    query = select(Department).order_by(Department.code)
    if active is not None:
        query = query.where(Department.active == active)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Department.code).like(pattern)
            | func.lower(Department.name).like(pattern)
            | Department.name_zh.like(f"%{search}%")
        )
    return query


def get_by_code(code: str) -> Department:
    """Return the department with this code or raise NotFound."""
    department = db.session.scalar(select(Department).where(Department.code == code.strip().upper()))
    if department is None:
        raise NotFound(_("There is no department with the code %(code)s.", code=code))
    return department


def create_department(actor: User | None, code: str, name: str, name_zh: str | None = None) -> Department:
    """Create a department; codes are unique and upper case."""
    if actor is not None:
        require_admin(actor)
    code = code.strip().upper()
    if db.session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise Conflict(f"A department with the code {code!r} exists already.", {"json": {"code": ["already used"]}})
    department = Department(code=code, name=name.strip(), name_zh=(name_zh or "").strip() or None)
    db.session.add(department)
    db.session.flush()
    record(actor, "department.create", department, {"code": code})
    return department

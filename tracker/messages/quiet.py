"""Quiet hours: nothing is sent to a person, or to a department's channel, outside its working time.

A department's people work on the business calendar its lead chose for it (DepartmentHours);
without one, on the company's working week: Monday to Friday, 09:00 to 18:00 in the company's
time zone. A message written outside that time is kept in the tracker at once (reading it there
disturbs nobody) and mailed or posted at the next working instant. Alerts about a promise kept
round the clock (a target in calendar hours) are urgent and go out at once.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from tracker.auth.permissions import require_department_manager
from tracker.calendars.services import calendar_spec, get_calendar
from tracker.calendars.timecalc import CalendarSpec, next_working_instant
from tracker.extensions import db
from tracker.messages.models import DepartmentHours
from tracker.models import BusinessCalendar, Department, Handoff, User

COMPANY_WEEK = {"weekdays": (0, 1, 2, 3, 4), "hours": (("09:00", "18:00"),)}
URGENT_KINDS = ("due_soon", "overdue")  # urgent when their promise runs round the clock
_MEMO = "working_time_of_departments"


def company_week() -> CalendarSpec:
    return CalendarSpec.from_plain(timezone=current_app.config["COMPANY_TIMEZONE"], **COMPANY_WEEK)


def hours_of(department_id: int | None) -> BusinessCalendar | None:
    """The calendar chosen for the department's people, None for the company's working week."""
    if department_id is None:
        return None
    return db.session.scalar(select(BusinessCalendar).join(DepartmentHours, DepartmentHours.calendar_id
                                                           == BusinessCalendar.id)
                             .where(DepartmentHours.department_id == department_id))


def _spec_of(department_id: int | None) -> CalendarSpec:
    """The working time of a department's people, read once per session (a sweep writes many messages)."""
    known = db.session.info.setdefault(_MEMO, {})
    if department_id not in known:
        calendar = hours_of(department_id)
        known[department_id] = calendar_spec(calendar) if calendar is not None else company_week()
    return known[department_id]


def set_hours(actor: User, department: Department, calendar_id: int | None) -> BusinessCalendar | None:
    """Choose the calendar of the department's people (its lead or an administrator); None: the company's week."""
    require_department_manager(actor, department.id)
    db.session.info.pop(_MEMO, None)
    found = db.session.get(DepartmentHours, department.id)
    if calendar_id is None:
        if found is not None:
            db.session.delete(found)
        db.session.flush()
        return None
    calendar = get_calendar(calendar_id)
    if found is None:
        db.session.add(DepartmentHours(department_id=department.id, calendar_id=calendar.id))
    else:
        found.calendar_id = calendar.id
    db.session.flush()
    return calendar


def send_after(department_id: int | None, at: datetime, kind: str, handoff: Handoff | None = None) -> datetime | None:
    """When a message written at `at` may go out: None for now, else the next working instant."""
    if not current_app.config["QUIET_HOURS"]:
        return None
    if kind in URGENT_KINDS and handoff is not None and handoff.version.target_unit == "calendar_hours":
        return None
    start = next_working_instant(at, _spec_of(department_id))
    return None if start <= at else start

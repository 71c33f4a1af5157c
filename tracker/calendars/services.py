"""Rules for business calendars and the due times computed from them."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, select

from tracker.audit.services import record
from tracker.auth.permissions import require_admin
from tracker.calendars.timecalc import CalendarSpec, due_at, working_days
from tracker.database import get_for_update
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.models import BusinessCalendar, User
from tracker.schemas import outside_window
from tracker.types import utcnow


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The arithmetic's view of a stored calendar (cached by value inside timecalc)."""
    return CalendarSpec.from_plain(
        timezone=calendar.timezone,
        weekdays=calendar.weekdays,
        hours=calendar.hours,
        country=calendar.country,
        subdivision=calendar.subdivision,
        closures=calendar.closures or (),
        extra_working_days=calendar.extra_working_days or (),
    )


# --- Calendar administration -------------------------------------------------------------------

CALENDAR_FIELDS = ("timezone", "weekdays", "hours", "country", "subdivision", "closures", "extra_working_days")
_FIELD_OF_MESSAGE = re.compile(r"^([a-z_]+)(?:\[\d+\])?(?: [a-z]+)?: (.+)$", re.DOTALL)


def calendar_query() -> Select:
    """Every business calendar, by name."""
    return select(BusinessCalendar).order_by(BusinessCalendar.name, BusinessCalendar.id)


def get_calendar(calendar_id: int, for_update: bool = False) -> BusinessCalendar:
    """Return the calendar with this id or raise NotFound.

    for_update locks the row until the commit: an edit merges its changes into what is stored,
    so two edits at once must not both start from the same settings (the second would undo the first).
    """
    if for_update:
        calendar = get_for_update(BusinessCalendar, calendar_id)
    else:
        calendar = db.session.get(BusinessCalendar, calendar_id)
    if calendar is None:
        raise NotFound(_("There is no business calendar with the id %(id)s.", id=calendar_id))
    return calendar


def invalid_from_value_error(exc: ValueError | TypeError, default_field: str,
                             renamed: dict[str, str] | None = None) -> InvalidInput:
    """Turn a timecalc "field: reason" error into InvalidInput naming that field (or its name here)."""
    match = _FIELD_OF_MESSAGE.match(str(exc))
    if match is None:
        return InvalidInput(str(exc), field=default_field)
    field = (renamed or {}).get(match.group(1), match.group(1))
    return InvalidInput(match.group(2), field=field)


def validated_spec(values: dict) -> CalendarSpec:
    """Check calendar settings through CalendarSpec, raising InvalidInput that names the field."""
    try:
        spec = CalendarSpec.from_plain(
            timezone=values["timezone"],
            weekdays=values["weekdays"],
            hours=values["hours"],
            country=values.get("country"),
            subdivision=values.get("subdivision"),
            closures=values.get("closures") or (),
            extra_working_days=values.get("extra_working_days") or (),
        )
    except (ValueError, TypeError) as exc:
        raise invalid_from_value_error(exc, "_schema") from None
    _check_dates_in_window(spec)
    return spec


def _check_dates_in_window(spec: CalendarSpec) -> None:
    """Refuse closures and extra working days outside the date window (the web form's path; the API's schema)."""
    for field in ("closures", "extra_working_days"):
        for day in sorted(getattr(spec, field)):
            if problem := outside_window(day):
                raise InvalidInput(f"{day.isoformat()}: {problem}", field=field)


def _plain_settings(spec: CalendarSpec) -> dict:
    """The JSON-friendly form in which a checked calendar is stored."""
    return {
        "timezone": spec.timezone,
        "weekdays": sorted(spec.weekdays),
        "hours": [[_clock(start), "24:00" if end == time(0, 0) else _clock(end)] for start, end in spec.hours],
        "country": spec.country,
        "subdivision": spec.subdivision,
        "closures": sorted(day.isoformat() for day in spec.closures),
        "extra_working_days": sorted(day.isoformat() for day in spec.extra_working_days),
    }


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _normalised(values: dict) -> dict:
    """Trim text and write country and subdivision codes the way the holidays library expects."""
    result = dict(values)
    for key in ("country", "subdivision"):
        text = (result.get(key) or "").strip()
        result[key] = text.upper() if text else None
    if "timezone" in result and isinstance(result["timezone"], str):
        result["timezone"] = result["timezone"].strip()
    return result


def _check_name_free(name: str, calendar_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(_("must not be empty"), field="name")
    query = select(BusinessCalendar.id).where(BusinessCalendar.name == name)
    if calendar_id is not None:
        query = query.where(BusinessCalendar.id != calendar_id)
    if db.session.scalar(query) is not None:
        raise InvalidInput(_("another calendar already has this name"), field="name")
    return name


def create_calendar(actor: User, values: dict) -> BusinessCalendar:
    """Create a business calendar (administrators); every setting is checked before anything is added."""
    require_admin(actor)
    values = _normalised(values)
    name = _check_name_free(values["name"])
    settings = _plain_settings(validated_spec(values))
    calendar = BusinessCalendar(name=name, **settings)
    db.session.add(calendar)
    db.session.flush()
    record(actor, "calendar.create", calendar, {"name": name})
    return calendar


def update_calendar(actor: User, calendar: BusinessCalendar, changes: dict) -> BusinessCalendar:
    """Change a calendar's settings (administrators); the whole result is checked before it is applied."""
    require_admin(actor)
    current = {"name": calendar.name, **{key: getattr(calendar, key) for key in CALENDAR_FIELDS}}
    merged = _normalised({**current, **changes})
    name = _check_name_free(merged["name"], calendar.id)
    settings = _plain_settings(validated_spec(merged))
    changed = sorted(key for key, value in {"name": name, **settings}.items() if current[key] != value)
    calendar.name = name
    for key, value in settings.items():
        setattr(calendar, key, value)
    if changed:
        record(actor, "calendar.update", calendar, {"changed": changed})
    db.session.flush()
    return calendar


# The longest target a service commitment (or a due-time question) may state, per unit: a year of
# business days, a year of eight-hour working days, a year of elapsed time. A promise longer than
# that is not a service level, and each bound keeps the due-time walk to about a year of dates.
MAX_TARGET = {"business_days": Decimal(366), "business_hours": Decimal(366 * 8), "calendar_hours": Decimal(366 * 24)}


def target_problem(amount: Decimal | None, unit: str | None) -> str | None:
    """Say why a target of `amount` `unit`s is too long for a commitment, or None when it fits."""
    limit = MAX_TARGET.get(unit)
    if amount is None or limit is None or amount <= limit:
        return None
    return _("must be at most %(limit)s for %(unit)s", limit=limit, unit=unit)


def due_from(calendar: BusinessCalendar, start: datetime, amount: Decimal, unit: str) -> datetime:
    """When a target of `amount` `unit`s started at `start` falls due on this calendar."""
    if problem := target_problem(amount, unit):
        raise InvalidInput(problem, errors={"query": {"amount": [problem]}})
    try:
        return due_at(start, amount, unit, calendar_spec(calendar))
    except (ValueError, TypeError) as exc:
        raise invalid_from_value_error(exc, "amount", {"start": "from", "spec": "calendar"}) from None


def next_working_days(calendar: BusinessCalendar, start: date | None = None, count: int = 10) -> list[date]:
    """The next `count` working days from `start` (today in the calendar's zone by default)."""
    spec = calendar_spec(calendar)
    if start is None:
        start = utcnow().astimezone(ZoneInfo(calendar.timezone)).date()
    try:
        return working_days(spec, start, count)
    except ValueError as exc:
        raise invalid_from_value_error(exc, "count", {"spec": "calendar"}) from None

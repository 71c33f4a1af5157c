"""Rules for business calendars and the due times computed from them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tracker.calendars.timecalc import CalendarSpec, due_at
from tracker.models import BusinessCalendar, CommitmentVersion, Handoff, HandoffEvent


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


def paused_intervals(events: list[HandoffEvent]) -> list[tuple[datetime, datetime | None]]:
    """Pause intervals derived from a handoff's events, in order; the last may still be open."""
    intervals: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for event in sorted(events, key=lambda e: (e.at, e.id or 0)):
        if event.kind == "pause" and started is None:
            started = event.at
        elif event.kind in ("resume", "deliver", "cancel") and started is not None:
            intervals.append((started, event.at))
            started = None
    if started is not None:
        intervals.append((started, None))
    return intervals


def version_due_at(version: CommitmentVersion, requested_at: datetime,
                   pauses: list[tuple[datetime, datetime | None]] = ()) -> datetime:
    """When a handoff requested at `requested_at` under this version falls due."""
    return due_at(requested_at, Decimal(version.target_amount), version.target_unit, calendar_spec(version.calendar),
                  pauses)


def handoff_due_at(handoff: Handoff) -> datetime:
    """A handoff's due time from its version, request time and closed pauses.

    While a pause is still open the clock is stopped; the due time shown is then the one the
    handoff would have if it were resumed right now, which `services` of handoffs recompute
    on resume.
    """
    closed = [(start, end) for start, end in paused_intervals(handoff.events) if end is not None]
    return version_due_at(handoff.version, handoff.requested_at, closed)

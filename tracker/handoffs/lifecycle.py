"""A handoff's clock: its pause intervals and its due time under its commitment version.

The calendar arithmetic (working hours, holidays, adding a target to a moment) is calendars';
when a handoff's clock runs, stops and ends follows from the handoff's own events and is kept here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tracker.calendars.services import calendar_spec, invalid_from_value_error
from tracker.calendars.timecalc import due_at
from tracker.models import CommitmentVersion, Handoff, HandoffEvent


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
    """When a handoff requested at `requested_at` under this version falls due.

    A target that the calendar cannot fit within the bounded walk is refused on `commitment`.
    """
    try:
        return due_at(requested_at, Decimal(version.target_amount), version.target_unit,
                      calendar_spec(version.calendar), pauses)
    except ValueError as exc:
        raise invalid_from_value_error(exc, "commitment", {"amount": "commitment", "spec": "commitment"}) from None


def handoff_due_at(handoff: Handoff) -> datetime:
    """A handoff's due time from its version, request time and closed pauses.

    While a pause is still open the clock is stopped; the due time shown is then the one the
    handoff would have if it were resumed right now, which `services` of handoffs recompute
    on resume.
    """
    closed = [(start, end) for start, end in paused_intervals(handoff.events) if end is not None]
    return version_due_at(handoff.version, handoff.requested_at, closed)


WARN_SHARE = Decimal("0.75")  # of the target: when the provider hears that a handoff is due soon


def handoff_warn_at(handoff: Handoff) -> datetime:
    """When WARN_SHARE of a handoff's business-time target has passed, on its closed pauses."""
    version = handoff.version
    closed = [(start, end) for start, end in paused_intervals(handoff.events) if end is not None]
    return due_at(handoff.requested_at, Decimal(version.target_amount) * WARN_SHARE, version.target_unit,
                  calendar_spec(version.calendar), closed)

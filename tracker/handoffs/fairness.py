"""The referee's rules: who may change a handoff in ways that move published numbers, and the audit trail.

Attainment counts handoffs by the period their due time falls in. A period is *closed* once it
has ended: its week or month may already be published and read. So:

- Anyone who may record a handoff may date its request, or an event, a short way back
  (`BACKDATE_DAYS`, default 3 days), but never into a closed period.
- A lead of the provider department, an administrator, and bulk imports may date further back
  (`LEAD_BACKDATE_DAYS`, default 730 days), closed periods included; each such time writes an
  audit event.
- A handoff that has been delivered cannot be cancelled: a late delivery stays a miss. Reopening
  (for rework) is for the provider's lead or an administrator, and is audited.
- Cancelling a handoff that is already past due removes a miss, so it too is for the provider's
  lead or an administrator, and is audited.
- Every change to a handoff whose request, due or delivery time lies in a closed period is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from tracker.audit.services import record
from tracker.auth.permissions import is_admin
from tracker.errors import Conflict, Forbidden, InvalidInput
from tracker.metrics import periods
from tracker.metrics.periods import company_zone
from tracker.models import Handoff, User


def closed_before(now: datetime) -> datetime:
    """The instant before which every time lies in a closed period (the later of this week's and month's start)."""
    zone = company_zone()
    starts = [periods.utc_bounds(periods.current_start(kind, zone, now), kind, zone)[0] for kind in ("week", "month")]
    return max(starts)


def referees(actor: User, provider_id: int) -> bool:
    """True for those who may back-date far, reopen, and cancel past due: the provider's lead, administrators."""
    return is_admin(actor) or actor.is_lead_of(provider_id)


def backdate_days() -> int:
    return int(current_app.config["BACKDATE_DAYS"])


def lead_backdate_days() -> int:
    return int(current_app.config["LEAD_BACKDATE_DAYS"])


def check_time(actor: User | None, provider_id: int, at: datetime, field: str, now: datetime,
               far_allowed: bool | None = None, cutoff: datetime | None = None) -> list[str]:
    """Refuse a time dated back further than the actor may; give the reasons it must be audited.

    `far_allowed` overrides the actor's role (imports may date far back whoever runs them);
    `cutoff` is `closed_before(now)` when the caller has it already.
    """
    far = referees(actor, provider_id) if far_allowed is None else far_allowed
    reasons = []
    if at < now - timedelta(days=lead_backdate_days()):
        raise InvalidInput(_("The time must not be more than %(days)s days ago.", days=lead_backdate_days()), field)
    if at < (cutoff or closed_before(now)):
        if not far:
            raise InvalidInput(_("The time lies in a closed period; only the provider's lead or an administrator "
                                 "may date it there."), field)
        reasons.append("closed_period")
    if at < now - timedelta(days=backdate_days()):
        if not far:
            raise InvalidInput(_("The time must not be more than %(days)s days ago.", days=backdate_days()), field)
        reasons.append("backdated")
    return reasons


def touches_closed_period(handoff: Handoff, now: datetime, cutoff: datetime | None = None) -> bool:
    """True when the handoff's request, due or delivery time lies in a closed period."""
    cutoff = cutoff or closed_before(now)
    times = (handoff.requested_at, handoff.due_at, handoff.delivered_at, handoff.cancelled_at)
    return any(value is not None and value < cutoff for value in times)


def was_delivered(handoff: Handoff) -> bool:
    """True when the handoff has ever been delivered (it may have been reopened since)."""
    return any(event.kind == "deliver" for event in handoff.events)


def check_change(actor: User, handoff: Handoff, action: str, when: datetime, now: datetime) -> list[str]:
    """Refuse a state change the actor may not make; give the reasons it must be audited."""
    referee = referees(actor, handoff.provider_id)
    reasons = []
    if action == "cancel" and was_delivered(handoff):
        raise Conflict(_("This handoff has been delivered, so it cannot be cancelled: its delivery stays counted."),
                       {"json": {"status": [handoff.status]}})
    if action == "reopen":
        if not referee:
            raise Forbidden(_("Only the provider's lead or an administrator may reopen a handoff."))
        reasons.append("reopened")
    if action == "cancel" and handoff.due_at <= now:
        if not referee:
            raise Forbidden(_("The handoff is past due; only the provider's lead or an administrator may cancel it."))
        reasons.append("cancelled_past_due")
    field = "delivered_at" if action == "deliver" else "at"
    reasons += check_time(actor, handoff.provider_id, when, field, now)
    if touches_closed_period(handoff, now) and "closed_period" not in reasons:
        reasons.append("closed_period")
    return reasons


def audit(actor: User, handoff: Handoff, action: str, reasons: list[str], before: dict | None = None) -> None:
    """Write the audit event of a change that may move a published number (nothing when there is no reason)."""
    if not reasons:
        return
    after = snapshot(handoff)
    details = {"action": action, "reasons": sorted(set(reasons)), "after": after}
    if before is not None:
        details["before"] = before
    record(actor, f"handoff.{action}", handoff, details)


def snapshot(handoff: Handoff) -> dict:
    """The times and status of a handoff that attainment reads, for an audit event."""
    def iso(value):
        return value.isoformat() if value is not None else None

    return {"status": handoff.status, "requested_at": iso(handoff.requested_at), "due_at": iso(handoff.due_at),
            "delivered_at": iso(handoff.delivered_at), "cancelled_at": iso(handoff.cancelled_at)}

"""Rules for handoffs: who records them, who moves them along, and when they fall due."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from tracker.auth.permissions import is_admin, sees_whole_company
from tracker.calendars.services import calendar_spec
from tracker.calendars.timecalc import business_time_between
from tracker.config import MAX_LEAD_BACKDATE_DAYS
from tracker.database import get_for_update
from tracker.errors import Conflict, Forbidden, InvalidInput, NotFound
from tracker.extensions import db
from tracker.handoffs import fairness
from tracker.handoffs.checks import (
    check_offered,
    check_past,
    department_by_code,
    published_commitment,
)
from tracker.handoffs.lifecycle import handoff_due_at, paused_intervals, version_due_at
from tracker.messages.chat import post_about
from tracker.messages.outbox import ALERT_CATCH_UP, request_ratings
from tracker.models import (
    MAX_PARTICIPANTS,
    CommitmentVersion,
    Department,
    Handoff,
    HandoffEvent,
    ServiceCommitment,
    User,
)
from tracker.types import utcnow

# Which actions each state allows, and the state they lead to.
TRANSITIONS = {
    "pause": ({"open"}, "paused"),
    "resume": ({"paused"}, "open"),
    "deliver": ({"open", "paused"}, "delivered"),
    "cancel": ({"open", "paused"}, "cancelled"),
    "reopen": ({"delivered", "cancelled"}, "open"),
}


def is_member(user: User, department_id: int | None) -> bool:
    """True when the user belongs to the department."""
    return user.is_authenticated and department_id is not None and user.department_id == department_id


def can_see(user: User, handoff: Handoff) -> bool:
    """Both departments of a handoff see it; leadership and administrators see every handoff."""
    return sees_whole_company(user) or is_member(user, handoff.provider_id) or is_member(user, handoff.consumer_id)


def acts_for_provider(user: User, provider_id: int) -> bool:
    """Members of the provider department (and administrators) move a handoff along."""
    return is_admin(user) or is_member(user, provider_id)


def handoff_query(user: User, provider: Department | None = None, consumer: Department | None = None,
                  status: str | None = None, start: datetime | None = None, end: datetime | None = None) -> Select:
    """The handoffs the user may see, newest request first, optionally filtered."""
    query = select(Handoff).options(selectinload(Handoff.provider), selectinload(Handoff.consumer),
                                    selectinload(Handoff.version))
    if not sees_whole_company(user):
        department_id = user.department_id if user.department_id is not None else -1
        query = query.where(or_(Handoff.provider_id == department_id, Handoff.consumer_id == department_id))
    if provider is not None:
        query = query.where(Handoff.provider_id == provider.id)
    if consumer is not None:
        query = query.where(Handoff.consumer_id == consumer.id)
    if status:
        query = query.where(Handoff.status == status)
    if start is not None:
        query = query.where(Handoff.requested_at >= start)
    if end is not None:
        query = query.where(Handoff.requested_at < end)
    return query.order_by(Handoff.requested_at.desc(), Handoff.id.desc())


def get_handoff(user: User, handoff_id: int, for_update: bool = False) -> Handoff:
    """Return a handoff the user may see; others get NotFound, so its existence does not leak.

    for_update locks the row until the commit, for callers that check its state and then change it.
    """
    handoff = get_for_update(Handoff, handoff_id) if for_update else db.session.get(Handoff, handoff_id)
    if handoff is None or not can_see(user, handoff):
        raise NotFound(_("There is no handoff %(id)s that you may see.", id=handoff_id))
    return handoff


def offered_to(version: CommitmentVersion, consumer_id: int) -> bool:
    """True when the version serves this consumer (all consumers, or the consumer is named)."""
    if version.commitment.provider_id == consumer_id:
        return False
    return version.all_consumers or any(d.id == consumer_id for d in version.consumers)


def offered_commitments(department_id: int | None) -> list[ServiceCommitment]:
    """Published commitments offered to the department, for the "new request" form."""
    if department_id is None:
        return []
    commitments = db.session.scalars(
        select(ServiceCommitment)
        .where(ServiceCommitment.status == "published", ServiceCommitment.provider_id != department_id)
        .options(selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.consumers),
                 selectinload(ServiceCommitment.provider))
        .order_by(ServiceCommitment.id)
    ).all()
    return [c for c in commitments if offered_to(c.current_version, department_id)]


def check_may_record(actor: User, provider_id: int, consumer_id: int) -> None:
    """The consumer (a request), the provider, or an administrator records a handoff."""
    if not (is_admin(actor) or is_member(actor, provider_id) or is_member(actor, consumer_id)):
        raise Forbidden(_("Only members of the provider or the consumer department may record this handoff."))


def _participants(emails: list[str], consumer: Department) -> list[User]:
    """The people named by email, each an active member of the consumer department, or InvalidInput."""
    if len(emails) > MAX_PARTICIPANTS:
        raise InvalidInput(_("Name at most %(n)d participants.", n=MAX_PARTICIPANTS), "participants")
    wanted = {email.strip().lower() for email in emails}
    found = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(wanted)))}
    for email in sorted(wanted):
        person = found.get(email)
        if person is None or not person.is_active or person.department_id != consumer.id:
            raise InvalidInput(_("%(email)s is not an active member of %(department)s.", email=email,
                                 department=consumer.code), "participants")
    return [found[email] for email in sorted(wanted)]


def create_handoff(actor: User, commitment: int, consumer: str, title: str, requested_at: datetime | None = None,
                   external_source: str | None = None, external_ref: str | None = None,
                   participants: list[str] | None = None) -> Handoff:
    """Record a handoff under a published commitment offered to the consumer.

    `participants` are emails of colleagues in the consumer department who took part: they are
    asked to rate it too, with the requester.
    """
    found = published_commitment(commitment)
    department = department_by_code(consumer, "consumer")
    version = found.current_version
    check_may_record(actor, found.provider_id, department.id)
    check_offered(offered_to(version, department.id), department.code)
    if (external_source is None) != (external_ref is None):
        raise InvalidInput(_("Give both external_source and external_ref, or neither."), "external_ref")
    if external_source is not None and db.session.scalar(
        select(Handoff.id).where(Handoff.external_source == external_source, Handoff.external_ref == external_ref)
    ) is not None:
        raise Conflict(_("A handoff with this external reference exists already."),
                       {"json": {"external_ref": [_("already used")]}})
    now = utcnow()
    requested = check_past(requested_at or now, "requested_at", now)
    reasons = fairness.check_time(actor, found.provider_id, requested, "requested_at", now)
    named = _participants(participants or [], department)
    handoff = Handoff(
        version=version, provider_id=found.provider_id, consumer=department, title=title.strip(),
        external_source=external_source, external_ref=external_ref, requested_by_id=actor.id,
        requested_at=requested, due_at=version_due_at(version, requested), status="open",
        participants=[p for p in named if p.id != actor.id],
    )
    handoff.events.append(HandoffEvent(kind="request", at=requested, by_id=actor.id))
    db.session.add(handoff)
    db.session.flush()
    fairness.audit(actor, handoff, "request", reasons)
    if requested > now - ALERT_CATCH_UP:  # a request dated days back is no news to the provider's channel
        post_about(handoff, "new_request")
    return handoff


def change_state(actor: User, handoff_id: int, action: str, at: datetime | None = None,
                 reason: str | None = None) -> Handoff:
    """Pause, resume, deliver, cancel or reopen a handoff (provider side only)."""
    handoff = get_handoff(actor, handoff_id, for_update=True)
    if not acts_for_provider(actor, handoff.provider_id):
        raise Forbidden(_("Only members of the provider department may change this handoff."))
    allowed, target = TRANSITIONS[action]
    if handoff.status not in allowed:
        raise Conflict(_("The handoff is %(status)s; it cannot be changed this way.", status=handoff.status),
                       {"json": {"status": [handoff.status]}})
    field = "delivered_at" if action == "deliver" else "at"
    now = utcnow()
    when = check_past(at or now, field, now)
    latest = max((e.at for e in handoff.events), default=handoff.requested_at)
    if when < latest:
        raise InvalidInput(_("The time must not be before the handoff's last event."), field)
    reasons = fairness.check_change(actor, handoff, action, when, now)
    before = fairness.snapshot(handoff)
    handoff.events.append(HandoffEvent(kind=action, at=when, reason=reason if action == "pause" else None,
                                       by_id=actor.id))
    handoff.status = target
    handoff.delivered_at = when if target == "delivered" else None
    handoff.cancelled_at = when if target == "cancelled" else None
    handoff.due_at = handoff_due_at(handoff)
    db.session.flush()
    fairness.audit(actor, handoff, action, reasons, before)
    if target == "delivered":
        request_ratings(handoff)  # in this transaction: the outbox commits, or rolls back, with the delivery
    return handoff


def business_time_left(handoff: Handoff, now: datetime | None = None) -> timedelta | None:
    """Working time until the due time (negative when overdue); None once delivered or cancelled.

    While paused the clock stands still: the time left is what remained when the pause began.
    Overdue time is measured over at most the last MAX_LEAD_BACKDATE_DAYS days.
    """
    if handoff.status not in ("open", "paused"):
        return None
    now = now or utcnow()
    pauses = paused_intervals(handoff.events)
    if handoff.status == "paused" and pauses and pauses[-1][1] is None:
        now = min(now, pauses[-1][0])
    spec = calendar_spec(handoff.version.calendar)
    if now <= handoff.due_at:
        return business_time_between(now, handoff.due_at, spec, [p for p in pauses if p[1] is not None])
    # A row stored before dates were bounded may be centuries overdue; measuring no further back
    # than any handoff may now be dated keeps every read within the calendar's memo.
    since = max(handoff.due_at, now - timedelta(days=MAX_LEAD_BACKDATE_DAYS))
    return -business_time_between(since, now, spec, [p for p in pauses if p[1] is not None])

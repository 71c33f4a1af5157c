"""What is sent to whom: rating requests and reminders, the provider's alerts; the outbox they go into.

Every message is written in the transaction of what causes it (a delivery, the minute sweep), in
its recipient's language. Nothing here says who rated: a request is written when a handoff is
delivered, to everyone it asks, whatever they do next, and reminders are decided in one pass by
the sweep (remind_due), leaving no trace where none is needed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, selectinload

from tracker.extensions import db
from tracker.handoffs.lifecycle import handoff_warn_at
from tracker.messages.chat import post_about
from tracker.messages.models import Message
from tracker.messages.preferences import choice_for
from tracker.messages.quiet import send_after
from tracker.messages.wake import wake_after_commit
from tracker.metrics.periods import company_zone, utc_bounds
from tracker.models import CommitmentVersion, Handoff, Rating, User
from tracker.ratings.links import link_path
from tracker.ratings.window import rating_closes_at, window
from tracker.types import utcnow

_request = aliased(Message)
JUST_RELEASED = timedelta(days=7)


def _locale(user: User) -> str:
    return user.locale or "en"


def _message_id(key: str) -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{key.replace(':', '.')}.{utcnow():%Y%m%d%H%M%S}@{domain}>"


def write_message(key: str, kind: str, recipient: User, template: str, handoff: Handoff | None = None,
           action_url: str | None = None, at: datetime | None = None, **context) -> Message | None:
    """Write one message in the recipient's language, unless a message with this key exists."""
    choice = choice_for(recipient, kind)
    if choice == "off" or db.session.scalar(select(Message.id).where(Message.key == key)) is not None:
        return None
    locale = _locale(recipient)
    with force_locale(locale):
        subject = render_template(f"messages/mail/{template}.subject.txt", recipient=recipient, handoff=handoff,
                                  **context).strip()
        text = render_template(f"messages/mail/{template}.txt", recipient=recipient, handoff=handoff,
                               action_url=action_url, **context)
        html = render_template(f"messages/mail/{template}.html", recipient=recipient, handoff=handoff,
                               action_url=action_url, subject=subject, locale=locale, **context)
    mailed = bool(current_app.config["MAIL_URL"]) and choice == "mail"
    at = at or utcnow()
    message = Message(key=key, kind=kind, recipient=recipient, handoff=handoff, locale=locale, subject=subject,
                      body_text=text, body_html=html, action_url=action_url, message_id=_message_id(key),
                      mail_status="queued" if mailed else "kept", created_at=at,
                      next_attempt_at=send_after(recipient.department_id, at, kind, handoff) if mailed else None)
    db.session.add(message)
    if mailed:
        wake_after_commit()
    return message


def rating_request_recipients(handoff: Handoff) -> list[User]:
    """Who is asked to rate a delivered handoff: its requester and participants still in the consumer."""
    people = [handoff.requested_by, *handoff.participants]
    return [p for p in dict.fromkeys(people)
            if p is not None and p.is_active and p.department_id == handoff.consumer_id]


def _received_this_week(person: User, kinds: tuple[str, ...], now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.recipient_id == person.id, Message.kind.in_(kinds), Message.created_at > now - timedelta(days=7)))


def _sample_point(handoff: Handoff, person: User) -> float:
    """A fixed number in [0, 1) for a handoff and a person: the same decision however often it is made."""
    digest = hashlib.sha256(f"sample:{handoff.id}:{person.id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def _sampled_out(person: User, handoff: Handoff, at: datetime) -> bool:
    """True when a busy pair's request to this person is left out of the sample (TRACKER_SAMPLE_RATE).

    Only repeats are sampled: someone not yet asked about this commitment for their department
    within the rating window is always asked, so a thin pair asks every distinct person it can
    and reaches k raters when its people answer. The decision reads earlier requests only, never
    ratings, so whether someone was asked says nothing of what anyone rated.
    """
    rate = current_app.config["SAMPLE_RATE"]
    if rate >= 1:
        return False
    asked_before = db.session.scalar(
        select(Message.id).join(Handoff, Message.handoff_id == Handoff.id).join(Handoff.version).where(
            Message.recipient_id == person.id, Message.kind == "rating_request",
            Handoff.consumer_id == handoff.consumer_id,
            CommitmentVersion.commitment_id == handoff.version.commitment_id,
            Message.created_at > at - window()).limit(1))
    return asked_before is not None and _sample_point(handoff, person) >= rate


def _ask(person: User, handoff: Handoff, at: datetime, reminder: int = 0) -> Message | None:
    """Write a request (reminder 0) or the reminder-th reminder to rate, within the weekly cap.

    The cap on requests counts requests only: reminders go to those who have not rated, so letting
    them hold a later request back would make the requests everyone may count depend on ratings.
    """
    if not reminder and _sampled_out(person, handoff, at):
        return None
    counted = ("rating_request",) if not reminder else ("rating_request", "rating_reminder")
    if _received_this_week(person, counted, at) >= current_app.config["REQUESTS_PER_WEEK"]:
        return None
    kind, key = ("rating_reminder", f"rating_reminder:{handoff.id}:{person.id}:{reminder}") if reminder else (
        "rating_request", f"rating_request:{handoff.id}:{person.id}")
    return write_message(key, kind, person, "rating_request", handoff=handoff, at=at, reminder=reminder,
                  action_url=current_app.config["BASE_URL"] + link_path(person, handoff),
                  closes_at=rating_closes_at(handoff))


def request_ratings(handoff: Handoff, at: datetime | None = None) -> list[Message]:
    """Ask the people a delivered handoff was for to rate it (once per person and handoff)."""
    written = [m for m in (_ask(person, handoff, at or utcnow()) for person in rating_request_recipients(handoff))
               if m is not None]
    db.session.flush()
    return written


def _handoffs_to_write_about(ids) -> dict[int, Handoff]:
    """The handoffs by id, with what their messages name (departments, calendar, owner, people) loaded at once."""
    if not ids:
        return {}
    query = select(Handoff).where(Handoff.id.in_(ids)).options(
        selectinload(Handoff.provider), selectinload(Handoff.consumer), selectinload(Handoff.requested_by),
        selectinload(Handoff.participants), selectinload(Handoff.events),
        selectinload(Handoff.version).selectinload(CommitmentVersion.calendar),
        selectinload(Handoff.version).selectinload(CommitmentVersion.owner))
    return {handoff.id: handoff for handoff in db.session.scalars(query)}


def remind_due(now: datetime | None = None) -> int:
    """Remind those asked to rate who have not, REMINDER_DAYS after the request; returns how many.

    Decided and written by the minute sweep, in one pass over the open requests: nothing is
    scheduled per person, so no job, log line or count shows a reminder that was not needed.
    """
    now = now or utcnow()
    days = tuple(current_app.config["REMINDER_DAYS"])
    if not days:
        return 0
    of_request = (Message.kind == "rating_reminder", Message.handoff_id == _request.handoff_id,
                  Message.recipient_id == _request.recipient_id)
    reminders = select(func.count()).where(*of_request).correlate(_request).scalar_subquery()
    last = select(func.max(Message.created_at)).where(*of_request).correlate(_request).scalar_subquery()
    rated = exists().where(Rating.handoff_id == _request.handoff_id, Rating.rater_id == _request.recipient_id)
    due = db.session.execute(
        select(_request.handoff_id, _request.recipient_id, _request.created_at, reminders, last).where(
            _request.kind == "rating_request", _request.created_at <= now - timedelta(days=days[0]),
            _request.created_at > now - window(), ~rated, reminders < len(days))).all()
    # Spaced as configured from the request and from the reminder before (a sweep that runs late
    # does not send two at once).
    due = [(handoff_id, person_id, sent) for handoff_id, person_id, asked_at, sent, last_at in due
           if now >= asked_at + timedelta(days=days[sent])
           and not (sent and now < last_at + timedelta(days=days[sent] - days[sent - 1]))]
    handoffs = _handoffs_to_write_about({handoff_id for handoff_id, _person, _sent in due})
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({p for _h, p, _s in due})))}
    written = 0
    for handoff_id, person_id, sent in due:
        handoff, person = handoffs[handoff_id], people[person_id]
        if handoff.status == "delivered" and rating_closes_at(handoff) > now and (
                person in rating_request_recipients(handoff)):  # still active and in the consumer
            written += _ask(person, handoff, now, reminder=sent + 1) is not None
    db.session.flush()
    return written


def just_released(kind: str, start, now: datetime) -> bool:
    """True for a period that ended in the week before `now`: a first release of years at once tells of none older."""
    _begin, end = utc_bounds(start, kind, company_zone())
    return now - JUST_RELEASED < end <= now


# -- the provider's side ----------------------------------------------------------------------

# A crossing older than this (a worker that was down for days) is not announced any more.
ALERT_CATCH_UP = timedelta(days=2)


def owner_or_leads(owner: User | None, provider_id: int) -> list[User]:
    """A commitment's owner while active in the provider, else the provider's active leads."""
    if owner is not None and owner.is_active and owner.department_id == provider_id:
        return [owner]
    return list(db.session.scalars(select(User).where(
        User.department_id == provider_id, User.role == "lead", User.active.is_(True),
        User.erased_at.is_(None)).order_by(User.id)))


def provider_recipients(handoff: Handoff) -> list[User]:
    """Who hears that a handoff is due soon or overdue: its commitment's owner, else the provider's leads."""
    return owner_or_leads(handoff.version.owner, handoff.provider_id)


def alert_due(now: datetime | None = None) -> int:
    """Tell the provider, once each, that an open handoff is at 75 % and at 100 % of its target."""
    now = now or utcnow()
    recent = now - ALERT_CATCH_UP
    unknown = select(Handoff.id).where(Handoff.status == "open", Handoff.warn_at.is_(None), Handoff.due_at > recent)
    for handoff in _handoffs_to_write_about(set(db.session.scalars(unknown))).values():
        handoff.warn_at = handoff_warn_at(handoff)
    db.session.flush()

    def told(kind: str):
        return exists().where(Message.kind == kind, Message.handoff_id == Handoff.id)

    crossed = {
        "due_soon": select(Handoff.id).where(Handoff.status == "open", Handoff.warn_at <= now,
                                             Handoff.warn_at > recent, Handoff.due_at > now, ~told("due_soon")),
        "overdue": select(Handoff.id).where(Handoff.status == "open", Handoff.due_at <= now, Handoff.due_at > recent,
                                            ~told("overdue")),
    }
    written = 0
    for kind, query in crossed.items():
        handoffs = _handoffs_to_write_about(set(db.session.scalars(query)))
        for handoff in sorted(handoffs.values(), key=lambda h: h.id):
            for person in provider_recipients(handoff):
                written += write_message(f"{kind}:{handoff.id}:{person.id}", kind, person, kind, handoff=handoff,
                                  action_url=f"{current_app.config['BASE_URL']}/handoffs/{handoff.id}") is not None
            post_about(handoff, kind, now)
    db.session.flush()
    return written

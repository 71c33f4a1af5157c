"""Rules for messages: who is asked to rate, what a message says, and who may read it.

Each person reads their own messages, and nobody else's: an administrator sees how many messages
of each kind are kept, queued, sent or failed, never a message, its recipient or its link (a
rating link acts for its recipient). Nothing here says who rated: a request is written when a
handoff is delivered, to everyone it asks, whatever they do next.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, event, func, select, update
from sqlalchemy.orm import Session

from tracker.errors import NotFound
from tracker.extensions import db
from tracker.messages.models import MAIL_STATUSES, MESSAGE_KINDS, Message
from tracker.models import Handoff, User
from tracker.ratings.links import link_path
from tracker.ratings.window import rating_closes_at
from tracker.types import utcnow

_WAKE = "wake_mail_worker"


def _locale(user: User) -> str:
    return user.locale or "en"


def _message_id(key: str) -> str:
    domain = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<{key.replace(':', '.')}.{utcnow():%Y%m%d%H%M%S}@{domain}>"


def _write(key: str, kind: str, recipient: User, template: str, handoff: Handoff | None = None,
           action_url: str | None = None, at: datetime | None = None, **context) -> Message | None:
    """Write one message in the recipient's language, unless a message with this key exists."""
    if db.session.scalar(select(Message.id).where(Message.key == key)) is not None:
        return None
    locale = _locale(recipient)
    with force_locale(locale):
        subject = render_template(f"messages/mail/{template}.subject.txt", recipient=recipient, handoff=handoff,
                                  **context).strip()
        text = render_template(f"messages/mail/{template}.txt", recipient=recipient, handoff=handoff,
                               action_url=action_url, **context)
        html = render_template(f"messages/mail/{template}.html", recipient=recipient, handoff=handoff,
                               action_url=action_url, subject=subject, locale=locale, **context)
    mailed = bool(current_app.config["MAIL_URL"])
    message = Message(key=key, kind=kind, recipient=recipient, handoff=handoff, locale=locale, subject=subject,
                      body_text=text, body_html=html, action_url=action_url, message_id=_message_id(key),
                      mail_status="queued" if mailed else "kept", created_at=at or utcnow())
    db.session.add(message)
    if mailed:
        db.session.info[_WAKE] = True
    return message


def rating_request_recipients(handoff: Handoff) -> list[User]:
    """Who is asked to rate a delivered handoff: its requester, when they belong to the consumer."""
    requester = handoff.requested_by
    if (requester is None or not requester.is_active or requester.department_id != handoff.consumer_id
            or requester.department_id == handoff.provider_id):
        return []
    return [requester]


def request_ratings(handoff: Handoff, at: datetime | None = None) -> list[Message]:
    """Ask the people a delivered handoff was for to rate it (once per person and handoff)."""
    written = []
    for person in rating_request_recipients(handoff):
        message = _write(f"rating_request:{handoff.id}:{person.id}", "rating_request", person, "rating_request",
                         handoff=handoff, action_url=current_app.config["BASE_URL"] + link_path(person, handoff),
                         at=at, closes_at=rating_closes_at(handoff))
        if message is not None:
            written.append(message)
    db.session.flush()
    return written


# -- reading ------------------------------------------------------------------------------

def my_messages_query(user: User) -> Select:
    """The person's own messages, newest first."""
    return select(Message).where(Message.recipient_id == user.id).order_by(Message.created_at.desc(),
                                                                            Message.id.desc())


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.recipient_id == user.id, Message.read_at.is_(None)))


def read_message(user: User, message_id: int, now: datetime | None = None) -> Message:
    """One of the person's own messages, marked read; anyone else's is not found."""
    message = db.session.scalar(select(Message).where(Message.id == message_id, Message.recipient_id == user.id))
    if message is None:
        raise NotFound(_("No such message."))
    if message.read_at is None:
        db.session.execute(update(Message).where(Message.id == message.id, Message.read_at.is_(None))
                           .values(read_at=now or utcnow()))
        db.session.refresh(message)
    return message


def mail_server_name() -> str | None:
    """The configured mail server as host:port (never its user or password), None when mail is kept."""
    if not current_app.config["MAIL_URL"]:
        return None
    from tracker.messages.mail import parse_mail_url

    server = parse_mail_url(current_app.config["MAIL_URL"])
    return f"{server.scheme}://{server.host}:{server.port}"


def delivery_counts() -> dict[str, dict[str, int]]:
    """{kind: {mail status: messages}} for administrators: counts only, no message and no recipient."""
    counts = {kind: dict.fromkeys(MAIL_STATUSES, 0) for kind in MESSAGE_KINDS}
    for kind, status, n in db.session.execute(
            select(Message.kind, Message.mail_status, func.count()).group_by(Message.kind, Message.mail_status)):
        counts[kind][status] = n
    return counts


# -- waking the worker -----------------------------------------------------------------------

@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    """After a commit that queued mail, ask the worker to send it now (its minute sweep would anyway)."""
    if session.info.pop(_WAKE, False) and current_app.config["JOBS_ENQUEUE"]:
        from tracker.jobs import wake_mail

        wake_mail()


@event.listens_for(Session, "after_rollback")
def _forget_wake(session: Session) -> None:
    session.info.pop(_WAKE, None)

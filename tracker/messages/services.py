"""Reading messages: each person their own, and what administrators may know of delivery.

Each person reads their own messages, and nobody else's: an administrator sees how many messages
of each kind are kept, queued, sent or failed, never a message, its recipient or its link (a
rating link acts for its recipient), and nothing at all of reminders.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from tracker.errors import NotFound
from tracker.extensions import db
from tracker.messages.models import MAIL_STATUSES, MESSAGE_KINDS, PRIVATE_KINDS, Message
from tracker.models import User
from tracker.types import utcnow


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
    """{kind: {mail status: messages}} for administrators: counts only, no message and no recipient.

    Reminders are left out altogether (PRIVATE_KINDS): their count would move when someone who has
    not rated is reminded, and stay when someone has.
    """
    public = tuple(kind for kind in MESSAGE_KINDS if kind not in PRIVATE_KINDS)
    counts = {kind: dict.fromkeys(MAIL_STATUSES, 0) for kind in public}
    for kind, status, n in db.session.execute(
            select(Message.kind, Message.mail_status, func.count()).where(Message.kind.in_(public))
            .group_by(Message.kind, Message.mail_status)):
        counts[kind][status] = n
    return counts



"""Messages: what the product sends to people, kept as an outbox in the same transaction as its cause.

A message row is written together with the change that causes it (a delivered handoff asks its
consumer to rate), so a rolled-back change sends nothing and a committed one is never lost. The
worker (tracker/jobs.py) sends queued rows by mail; with no mail server configured they are kept,
and every person reads their own in the app either way.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models import LOCALES, _in
from tracker.types import UTCDateTime, utcnow

MESSAGE_KINDS = ("rating_request", "rating_reminder", "due_soon", "overdue", "budget_fast", "budget_slow",
                 "satisfaction_drop", "digest")
# Kinds whose existence says something of what the recipient did (a reminder goes only to someone who
# has not rated): nobody but the recipient learns of them, not even how many there are.
PRIVATE_KINDS = ("rating_reminder",)
# kept: no mail server, read in the app only; queued: waiting for (another) attempt; sending: claimed by
# a worker; sent: accepted by the mail server; failed: given up after the last attempt.
MAIL_STATUSES = ("kept", "queued", "sending", "sent", "failed")


class _Delivery:
    """What the worker records of sending a row of an outbox (tracker/messages/delivery.py)."""

    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))


class Message(_Delivery, db.Model):
    """One message to one person, as it is sent: subject, text and HTML in the person's language."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(_in("kind", MESSAGE_KINDS), name="kind_valid"),
        CheckConstraint(_in("mail_status", MAIL_STATUSES), name="mail_status_valid"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_messages_recipient_created", "recipient_id", "created_at"),
        # The worker's read: what is due to be sent (or was claimed by a worker that died).
        Index("ix_messages_due", "mail_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What makes the message one of a kind ("rating_request:<handoff>:<person>"): writing it twice fails.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    action_url: Mapped[str | None] = mapped_column(String(2000))
    # Fixed when the message is written, so a message sent again after a crash carries the same id.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    mail_status: Mapped[str] = mapped_column(String(16))

    recipient = relationship("User")
    handoff = relationship("Handoff")


# What a department's chat channels are told: a new request to the department, a handoff of it
# due soon or overdue, a commitment of it whose error budget burns fast. Posts go to the whole
# channel, so none carries a person's link.
POST_KINDS = ("new_request", "due_soon", "overdue", "budget_fast", "budget_slow")
# queued: waiting for (another) attempt; sending: claimed by a worker; sent: the chat service
# accepted it; failed: given up after the last attempt.
POST_STATUSES = ("queued", "sending", "sent", "failed")


class Channel(db.Model):
    """A chat channel of a department, by its address in apprise's URL form (a secret: never shown back)."""

    __tablename__ = "chat_channels"
    __table_args__ = (
        CheckConstraint("length(label) between 1 and 100", name="label_length"),
        CheckConstraint(_in("locale", LOCALES), name="locale_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    # The address holds the service's token or webhook secret: it is read by the worker only.
    address: Mapped[str] = mapped_column(Text)
    # The same address with its secrets masked (apprise's privacy form): what pages show.
    shown: Mapped[str] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(8))  # the language its posts are written in
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    department = relationship("Department")


class ChannelPost(_Delivery, db.Model):
    """One post to one channel, as it is sent: a title and a plain-text body, in the company's language."""

    __tablename__ = "channel_posts"
    __table_args__ = (
        CheckConstraint(_in("kind", POST_KINDS), name="kind_valid"),
        CheckConstraint(_in("status", POST_STATUSES), name="status_valid"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_channel_posts_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "new_request:<handoff>:<channel>": writing it twice fails.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")

    channel = relationship("Channel")
    handoff = relationship("Handoff")


class DepartmentHours(db.Model):
    """The business calendar of a department's people: nothing is sent to them outside its working time."""

    __tablename__ = "department_hours"

    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendars.id", ondelete="CASCADE"), index=True)

    calendar = relationship("BusinessCalendar")

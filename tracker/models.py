"""The data model: every table of the tracker and the constraints that protect it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker.extensions import db
from tracker.types import UTCDateTime, utcnow

ROLES = ("employee", "lead", "leadership", "admin")
LOCALES = ("en", "zh")
COMMITMENT_STATUSES = ("draft", "published", "retired")
TARGET_UNITS = ("business_hours", "business_days", "calendar_hours")
REVIEW_CADENCES = ("week", "month", "quarter")
HANDOFF_STATUSES = ("open", "paused", "delivered", "cancelled")
HANDOFF_EVENT_KINDS = ("request", "pause", "resume", "deliver", "reopen", "cancel")
PAUSE_REASONS = ("waiting_on_consumer", "waiting_on_third_party")
REASON_TAGS = (
    "unclear-responsibility",
    "late",
    "incomplete-or-wrong",
    "not-informed",
    "hard-to-reach",
    "process-too-complex",
    "tooling-or-system",
    "attitude",
)
MAX_PARTICIPANTS = 20  # colleagues named on one handoff
MAX_COMMENT_LENGTH = 2000


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Department(db.Model):
    """An organisational unit; providers and consumers of work are departments."""

    __tablename__ = "departments"
    __table_args__ = (
        CheckConstraint("length(code) between 1 and 16", name="code_length"),
        CheckConstraint("length(name) between 1 and 200", name="name_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="department")

    def display_name(self, locale: str | None = None) -> str:
        """Return the name to show to a reader of the given locale."""
        if locale == "zh" and self.name_zh:
            return self.name_zh
        return self.name

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(UserMixin, db.Model):
    """A person who signs in: an employee, a lead, leadership or an administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_valid"),
        CheckConstraint("locale IS NULL OR " + _in("locale", LOCALES), name="locale_valid"),
        CheckConstraint("length(email) between 3 and 254", name="email_length"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="employee", server_default="employee")
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The password was set by whoever created the account: until the person sets their own, their
    # ratings count in the sums but not towards k (releases.py), so an administrator cannot make
    # accounts to lift one real rater over the threshold.
    password_set_by_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # {group of messages: "mail" | "app" | "off"} as the person chose (tracker/messages/preferences.py).
    message_settings: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(back_populates="members")

    # The id of the sign-in session this object was loaded for; Flask-Login stores it in the
    # cookie instead of the user id, so signing out on the server invalidates the cookie.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active and self.erased_at is None

    def is_lead_of(self, department_id: int | None) -> bool:
        """True when the user leads the given department."""
        return self.role == "lead" and department_id is not None and self.department_id == department_id

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class AuthSession(db.Model):
    """A server-side record of a browser sign-in; the cookie holds only its random id."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A bearer token for an integration; acts with its user's rights, stored hashed."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("length(name) between 1 and 100", name="name_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    scopes: Mapped[str] = mapped_column(String(200), default="read write", server_default="read write")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def last_used_on(self) -> dt.date | None:
        """The day (UTC) of the last use, all that is shown: a time to the second, read before and
        after a dashboard's numbers move, would tie a rating to the moment this token was used."""
        return None if self.last_used_at is None else self.last_used_at.astimezone(dt.UTC).date()


class BusinessCalendar(db.Model):
    """Working time of a place: time zone, weekdays, daily intervals, holidays, closures."""

    __tablename__ = "business_calendars"
    __table_args__ = (CheckConstraint("length(name) between 1 and 100", name="name_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    # Monday = 0 ... Sunday = 6, as a sorted JSON list.
    weekdays: Mapped[list[int]] = mapped_column(JSON)
    # [["09:00", "12:00"], ["13:00", "18:00"]]: the working intervals of a working day.
    hours: Mapped[list[list[str]]] = mapped_column(JSON)
    country: Mapped[str | None] = mapped_column(String(8))
    subdivision: Mapped[str | None] = mapped_column(String(16))
    closures: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra_working_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ServiceCommitment(db.Model):
    """A provider department's promise; its content lives in numbered versions."""

    __tablename__ = "service_commitments"
    __table_args__ = (CheckConstraint(_in("status", COMMITMENT_STATUSES), name="status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Department] = relationship()
    versions: Mapped[list[CommitmentVersion]] = relationship(
        back_populates="commitment", order_by="CommitmentVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current_version(self) -> CommitmentVersion:
        """The version in force (the draft, while nothing is published yet)."""
        return self.versions[-1]


class CommitmentVersion(db.Model):
    """One immutable published text of a commitment (or the draft before publishing)."""

    __tablename__ = "commitment_versions"
    __table_args__ = (
        UniqueConstraint("commitment_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("length(title) between 1 and 200", name="title_length"),
        CheckConstraint("target_amount > 0", name="target_amount_positive"),
        CheckConstraint(_in("target_unit", TARGET_UNITS), name="target_unit_valid"),
        CheckConstraint("attainment_target > 0 AND attainment_target < 1", name="attainment_target_range"),
        CheckConstraint("satisfaction_target >= 1 AND satisfaction_target <= 5", name="satisfaction_target_range"),
        CheckConstraint(_in("review_cadence", REVIEW_CADENCES), name="review_cadence_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("service_commitments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    needs_from_consumer: Mapped[str] = mapped_column(Text, default="", server_default="")
    all_consumers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    target_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    target_unit: Mapped[str] = mapped_column(String(16))
    attainment_target: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    satisfaction_target: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendars.id", ondelete="RESTRICT"), index=True)
    review_cadence: Mapped[str] = mapped_column(String(16), default="month", server_default="month")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commitment: Mapped[ServiceCommitment] = relationship(back_populates="versions")
    calendar: Mapped[BusinessCalendar] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    consumers: Mapped[list[Department]] = relationship(secondary="commitment_consumers", order_by="Department.code")


class CommitmentConsumer(db.Model):
    """A consumer department named by a commitment version (none named means all)."""

    __tablename__ = "commitment_consumers"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_versions.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class Handoff(db.Model):
    """One delivery of work from a provider to a consumer under a commitment version."""

    __tablename__ = "handoffs"
    __table_args__ = (
        UniqueConstraint("external_source", "external_ref"),
        CheckConstraint("provider_id <> consumer_id", name="provider_not_consumer"),
        CheckConstraint(_in("status", HANDOFF_STATUSES), name="status_valid"),
        CheckConstraint("length(title) between 1 and 300", name="title_length"),
        CheckConstraint("(external_source IS NULL) = (external_ref IS NULL)", name="external_pair"),
        CheckConstraint("delivered_at IS NULL OR delivered_at >= requested_at", name="delivered_after_request"),
        CheckConstraint("(status = 'delivered') = (delivered_at IS NOT NULL)", name="delivered_status"),
        CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_status"),
        Index("ix_handoffs_provider_consumer", "provider_id", "consumer_id"),
        Index("ix_handoffs_consumer_delivered", "consumer_id", "delivered_at"),
        # Which pairs had handoffs requested or delivered in a period (the matrix): read from the index alone.
        Index("ix_handoffs_requested_pair", "requested_at", "provider_id", "consumer_id"),
        Index("ix_handoffs_delivered_pair", "delivered_at", "provider_id", "consumer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_version_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_versions.id", ondelete="RESTRICT"), index=True
    )
    provider_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    consumer_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    external_source: Mapped[str | None] = mapped_column(String(64))
    external_ref: Mapped[str | None] = mapped_column(String(128))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # When 75 % of the business-time target has passed (the provider's "due soon"): worked out by the
    # minute sweep when first needed, and forgotten whenever the due time moves.
    warn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    version: Mapped[CommitmentVersion] = relationship()
    provider: Mapped[Department] = relationship(foreign_keys=[provider_id])
    consumer: Mapped[Department] = relationship(foreign_keys=[consumer_id])
    requested_by: Mapped[User | None] = relationship()
    # Colleagues of the requester named as having taken part: asked to rate it too.
    participants: Mapped[list[User]] = relationship(secondary="handoff_participants", order_by="User.id")
    events: Mapped[list[HandoffEvent]] = relationship(
        back_populates="handoff", order_by="HandoffEvent.id", cascade="all, delete-orphan"
    )

    @validates("due_at")
    def _due_moves_the_warning(self, _key, value):
        self.warn_at = None
        return value

    @property
    def met(self) -> bool | None:
        """True when delivered by its due time, False when late, None while not delivered."""
        if self.delivered_at is None:
            return None
        return self.delivered_at <= self.due_at


class HandoffParticipant(db.Model):
    """A person of the consumer department named on a handoff as having taken part."""

    __tablename__ = "handoff_participants"

    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class HandoffEvent(db.Model):
    """A step in a handoff's life; paused time is derived from pause and resume events."""

    __tablename__ = "handoff_events"
    __table_args__ = (
        CheckConstraint(_in("kind", HANDOFF_EVENT_KINDS), name="kind_valid"),
        CheckConstraint("reason IS NULL OR " + _in("reason", PAUSE_REASONS), name="reason_valid"),
        CheckConstraint("(kind = 'pause') = (reason IS NOT NULL)", name="pause_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(32))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    handoff: Mapped[Handoff] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


class Rating(db.Model):
    """An internal customer's judgement of one delivered handoff; one per rater per handoff."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("handoff_id", "rater_id"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        CheckConstraint("collaboration BETWEEN 1 AND 5", name="collaboration_range"),
        CheckConstraint(f"comment IS NULL OR length(comment) <= {MAX_COMMENT_LENGTH}", name="comment_length"),
        Index("ix_ratings_pair_created", "provider_id", "consumer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    # NULL once the rater's personal data is erased: the rating stays in the aggregates.
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The columns the metric rollups sum load their old value when set (active_history), so
    # that a flush knows what a change took away (tracker/metrics/rollups.py).
    # A stable pseudonym of the rater, so distinct raters can still be counted after erasure.
    rater_key: Mapped[int] = mapped_column(Integer, active_history=True)
    # Copied from the handoff so that metrics group ratings without a join.
    provider_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), active_history=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), active_history=True)
    satisfaction: Mapped[int] = mapped_column(SmallInteger, active_history=True)
    collaboration: Mapped[int] = mapped_column(SmallInteger, active_history=True)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, active_history=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    handoff: Mapped[Handoff] = relationship()
    reasons: Mapped[list[RatingReason]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", order_by="RatingReason.tag"
    )

    @property
    def reason_tags(self) -> list[str]:
        return [r.tag for r in self.reasons]


class RatingReason(db.Model):
    """A reason tag picked for a low rating."""

    __tablename__ = "rating_reasons"
    __table_args__ = (CheckConstraint(_in("tag", REASON_TAGS), name="tag_valid"),)

    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)

    rating: Mapped[Rating] = relationship(back_populates="reasons")


class AuditEvent(db.Model):
    """Who did what, when, on what: publishing, revising, retiring, role changes, deletions, token use."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

from tracker.messages import models as _messages_models  # noqa: E402,F401  (the outbox joins the metadata)
from tracker.metrics import models as _metrics_models  # noqa: E402,F401  (rollup tables join the metadata)

"""Rows with sensible defaults for tests: make_department(code="FIN"), make_user(role="lead")."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import Flask
from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import (
    BusinessCalendar,
    CommitmentVersion,
    Department,
    Handoff,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)

PASSWORD = "correct horse battery"
# Test users share one cheap scrypt hash (the work factor is stored in the hash itself), so
# signing in costs microseconds; real hashes use full strength.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_department(code: str | None = None, name: str | None = None, name_zh: str | None = None) -> Department:
    n = _n()
    department = Department(code=code or f"D{n}", name=name or f"Department {n}", name_zh=name_zh)
    db.session.add(department)
    db.session.flush()
    return department


def make_user(role: str = "employee", department: Department | None = None, email: str | None = None,
              display_name: str | None = None, password_hash: str | None = None, locale: str | None = None) -> User:
    n = _n()
    if department is None and role != "admin":
        department = make_department()
    user = User(
        email=email or f"user{n}@example.test",
        display_name=display_name or f"User {n}",
        role=role,
        department=department,
        password_hash=password_hash or _PASSWORD_HASH,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_calendar(name: str | None = None, timezone: str = "Asia/Shanghai", country: str | None = "CN",
                  weekdays=(0, 1, 2, 3, 4), hours=(("09:00", "18:00"),)) -> BusinessCalendar:
    calendar = BusinessCalendar(
        name=name or f"Calendar {_n()}",
        timezone=timezone,
        weekdays=list(weekdays),
        hours=[list(h) for h in hours],
        country=country,
        closures=[],
        extra_working_days=[],
    )
    db.session.add(calendar)
    db.session.flush()
    return calendar


def make_commitment(provider: Department | None = None, owner: User | None = None, status: str = "published",
                    consumers: list[Department] | None = None, calendar: BusinessCalendar | None = None,
                    title: str | None = None, target_amount: Decimal = Decimal("2"),
                    target_unit: str = "business_days") -> ServiceCommitment:
    provider = provider or make_department()
    owner = owner or make_user(role="lead", department=provider)
    commitment = ServiceCommitment(provider=provider, status=status)
    version = CommitmentVersion(
        number=1,
        title=title or f"Commitment {_n()}",
        description="What is promised.",
        needs_from_consumer="A complete request.",
        all_consumers=not consumers,
        target_amount=target_amount,
        target_unit=target_unit,
        attainment_target=Decimal("0.95"),
        satisfaction_target=Decimal("4.0"),
        calendar=calendar or make_calendar(),
        review_cadence="month",
        owner=owner,
        published_at=datetime.now(UTC) if status != "draft" else None,
        published_by=owner if status != "draft" else None,
    )
    version.consumers = list(consumers or [])
    commitment.versions.append(version)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def make_handoff(commitment: ServiceCommitment | None = None, consumer: Department | None = None,
                 requested_at: datetime | None = None, delivered_at: datetime | None = None,
                 title: str | None = None, **kwargs) -> Handoff:
    commitment = commitment or make_commitment()
    consumer = consumer or make_department()
    requested_at = requested_at or datetime.now(UTC) - timedelta(days=3)
    handoff = Handoff(
        version=commitment.current_version,
        provider_id=commitment.provider_id,
        consumer=consumer,
        title=title or f"Handoff {_n()}",
        requested_at=requested_at,
        due_at=kwargs.pop("due_at", requested_at + timedelta(days=2)),
        delivered_at=delivered_at,
        status="delivered" if delivered_at else "open",
        **kwargs,
    )
    db.session.add(handoff)
    db.session.flush()
    return handoff


def make_rating(handoff: Handoff | None = None, rater: User | None = None, satisfaction: int = 4,
                collaboration: int = 4, comment: str | None = None, created_at: datetime | None = None,
                reasons: tuple[str, ...] = ()) -> Rating:
    """A plain ORM rating (the metric rollups follow it when the session flushes)."""
    handoff = handoff or make_handoff(delivered_at=datetime.now(UTC) - timedelta(days=1))
    rater = rater or make_user(department=handoff.consumer)
    rating = Rating(
        handoff=handoff,
        rater_id=rater.id,
        rater_key=rater.id,
        provider_id=handoff.provider_id,
        consumer_id=handoff.consumer_id,
        satisfaction=satisfaction,
        collaboration=collaboration,
        comment=comment,
        reasons=[RatingReason(tag=tag) for tag in reasons],
    )
    if created_at is not None:
        rating.created_at = rating.updated_at = created_at
    db.session.add(rating)
    db.session.flush()
    return rating


# ---------------------------------------------------------------------------------------------
# Small organisations that several test folders start from


@dataclass
class HandoffWorld:
    """A provider with one round-the-clock commitment, its consumer, and a bystander department."""

    provider: Department
    consumer: Department
    other: Department
    commitment: ServiceCommitment


def make_handoff_world() -> HandoffWorld:
    provider = make_department(code="IT", name="Information Technology")
    consumer = make_department(code="SALES", name="Sales")
    other = make_department(code="FIN", name="Finance")
    calendar = make_calendar(timezone="UTC", country=None, weekdays=range(7), hours=(("00:00", "00:00"),))
    commitment = make_commitment(provider=provider, calendar=calendar, title="Laptop for a new hire",
                                 target_amount=Decimal("8"), target_unit="calendar_hours")
    db.session.commit()
    return HandoffWorld(provider, consumer, other, commitment)


def make_purchasing_organisation():
    """A provider with a lead, another department with a lead, and a calendar."""
    provider = make_department(code="PUR", name="Purchasing")
    other = make_department(code="SALES", name="Sales")
    lead = make_user(role="lead", department=provider)
    calendar = make_calendar(name="Shanghai office")
    return provider, other, lead, calendar


def commitment_payload(provider, owner, calendar, /, **overrides) -> dict:
    """A valid POST /api/v1/commitments body."""
    body = {
        "provider": provider.code,
        "title": "Purchase orders approved",
        "description": "Every purchase order under 10,000.",
        "needs_from_consumer": "A complete order with a budget code.",
        "consumers": [],
        "target": {"amount": 2, "unit": "business_days"},
        "attainment_target": 0.95,
        "satisfaction_target": 4.0,
        "calendar": calendar.id,
        "owner": owner.email,
    }
    body.update(overrides)
    return body


def pair_series(viewer: User, provider_code: str, consumer_code: str, prange):
    """One pair's trend, with the departments named by code (as a page's link names them)."""
    from tracker.departments.services import get_by_code
    from tracker.metrics import services as metrics

    return metrics.pair_series(viewer, get_by_code(provider_code), get_by_code(consumer_code), prange)


@dataclass
class Seeded:
    """The demo organisation loaded into one database: its app, period and department ids."""

    app: Flask
    start: datetime
    end: datetime
    codes: dict[str, int]

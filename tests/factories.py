"""The one builder layer of the tests.

Rows with sensible defaults (make_department(code="FIN"), make_user(role="lead"), make_rating, ...),
then small organisations several folders start from (HandoffWorld, Org for rated pairs), the
security world of tests/security, and the seeded demo organisation's handle. Ratings are plain ORM
rows: the metric rollups follow them when the session flushes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import delete
from werkzeug.security import generate_password_hash

from tests.databases import empty_all_tables
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.messages.models import Channel
from tracker.messages.outbox import request_ratings
from tracker.messages.preferences import unsubscribe_path
from tracker.metrics.models import MetricRelease, MetricReleasePair, MetricReleaseTag, MetricReleaseValue
from tracker.metrics.ranges import finished_starts
from tracker.metrics.releases import release_due
from tracker.models import (
    AuditEvent,
    BusinessCalendar,
    CommitmentVersion,
    Department,
    Handoff,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)
from tracker.ratings.links import link_path

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


class Org:
    """Departments, one commitment per provider, and raters per consumer, made on demand."""

    def __init__(self) -> None:
        self.departments: dict[str, object] = {}
        self.commitments: dict[str, object] = {}
        self.raters: dict[tuple[str, int], object] = {}

    def department(self, code: str):
        if code not in self.departments:
            self.departments[code] = make_department(code=code)
        return self.departments[code]

    def commitment(self, provider: str):
        if provider not in self.commitments:
            self.commitments[provider] = make_commitment(provider=self.department(provider))
        return self.commitments[provider]

    def rater(self, consumer: str, number: int):
        key = (consumer, number)
        if key not in self.raters:
            self.raters[key] = make_user(department=self.department(consumer))
        return self.raters[key]

    def rate(self, provider: str, consumer: str, rater: int, satisfaction: int, collaboration: int,
             at: datetime, reasons: tuple[str, ...] = ()):
        handoff = make_handoff(self.commitment(provider), consumer=self.department(consumer),
                                         requested_at=at - timedelta(days=2), delivered_at=at - timedelta(days=1))
        return make_rating(handoff, rater=self.rater(consumer, rater), satisfaction=satisfaction,
                                     collaboration=collaboration, created_at=at, reasons=reasons)


def at(year: int, month: int, day: int, hour: int = 4) -> datetime:
    """An aware UTC instant (04:00 UTC is noon in Shanghai)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def use_k(app, k: int) -> None:
    """Configure k, as a deployment that ran with this k from the start."""
    app.config["CONFIDENTIALITY_K"] = k


def fresh_org(app, k: int, codes) -> Org:
    """An empty database configured with k (use_k) and an organisation holding the departments `codes`."""
    empty_all_tables()
    use_k(app, k)
    org = Org()
    for code in codes:
        org.department(code)
    return org


# ---------------------------------------------------------------------------------------------
# The security world: one small organisation with something of every kind, for the app-wide
# security tests (tests/security).
#
# A provider department serves a consumer department under a published commitment; a third
# department and an executive department stand by. Six consumer raters (k = 5) rated two old
# handoffs (in the last finished quarter) and one recent handoff with comments, so aggregates
# and comments are shown. There is a draft, an open handoff, a delivered handoff waiting for a
# rating, an API token and audit events. Every private text carries a unique word, so a test can
# look for it in any answer.
#
# One rater is the marker: a unique name, email and user id that no answer to anyone else may
# contain next to a rating.

MARKER_NAME = "Zyxq Marker"
MARKER_EMAIL = "zyxq.marker@example.test"
MARKER_ID = 860417  # far above every id a test makes, so its digits appear nowhere by chance
DRAFT_TITLE = "Qwv draft commitment title"
OPEN_TITLE = "Qwv open handoff title"
DELIVERED_TITLE = "Qwv delivered handoff title"
RATED_TITLES = ("Qwv rated handoff one", "Qwv rated handoff two", "Qwv rated handoff three")
MARKER_COMMENTS = ("Qwv marker comment one", "Qwv marker comment two", "Qwv marker comment three")
OTHER_COMMENT = "Qwv colleague comment"
RATERS = 5  # plus the marker: 6 distinct raters, above k = 5
CALLERS = ("anonymous", "consumer_employee", "other_employee", "provider_lead", "other_lead", "leadership", "admin")

_fresh = itertools.count(1)  # numbers for the fresh_* objects

DEAD_CHANNEL = "json://127.0.0.1:9/hook"


@dataclass
class SecurityWorld:
    """The organisation of build_security_world, with its private texts."""

    provider: Department
    consumer: Department
    other: Department
    executive: Department
    calendar: object
    published: ServiceCommitment
    draft: ServiceCommitment
    open: Handoff
    delivered: Handoff
    rated: list[Handoff]
    people: dict[str, User]
    token_id: int
    token_secret: str
    private: list[str] = field(default_factory=list)
    marker_message_id: int = 0  # the marker's request to rate `delivered`: nobody else may read it
    marker_link: str = ""  # the link in it
    marker_unsubscribe: str = ""  # and its unsubscribe link

    # --- fresh objects for requests that use one up -------------------------------------------

    def fresh_handoff(self, state: str = "open", title: str | None = None) -> Handoff:
        now = datetime.now(UTC)
        handoff = make_handoff(
            commitment=self.published, consumer=self.consumer, title=title or OPEN_TITLE,
            requested_at=now - timedelta(days=2),
            delivered_at=now - timedelta(hours=1) if state == "delivered" else None,
        )
        if state == "paused":
            handoff.status = "paused"
        db.session.commit()
        return handoff

    def fresh_link(self) -> str:
        """The rating link of a fresh consumer employee for a fresh delivered handoff."""
        person = make_user(department=self.consumer, email=f"fresh{next(_fresh)}.rater@example.test")
        path = link_path(person, self.fresh_handoff("delivered"))
        db.session.commit()
        return path

    def fresh_unsubscribe(self) -> str:
        """The unsubscribe link of a fresh consumer employee."""
        person = make_user(department=self.consumer, email=f"fresh{next(_fresh)}.reader@example.test")
        db.session.commit()
        return unsubscribe_path(person, "rating_request")

    def fresh_channel(self) -> int:
        """A chat channel of the provider whose address answers nothing (the discard port on loopback)."""
        channel = Channel(department=self.provider, label=f"Channel {next(_fresh)}", address=DEAD_CHANNEL,
                          shown=DEAD_CHANNEL, locale="en")
        db.session.add(channel)
        db.session.commit()
        return channel.id

    def fresh_commitment(self, status: str = "published") -> ServiceCommitment:
        commitment = make_commitment(
            provider=self.provider, owner=self.people["provider_lead"], calendar=self.calendar, status=status,
            title=DRAFT_TITLE if status == "draft" else f"Published commitment {next(_fresh)}",
        )
        db.session.commit()
        return commitment

    def fresh_user(self) -> User:
        n = next(_fresh)
        user = make_user(department=self.other, email=f"fresh{n}.person@example.test",
                                   display_name=f"Fresh person {n}")
        db.session.commit()
        return user

    def fresh_token(self, owner: str = "provider_lead") -> int:
        token, _secret = auth_services.create_token(self.people[owner], name=f"fresh {next(_fresh)}")
        db.session.commit()
        return token.id

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(_fresh)}"


def build_security_world(marker_id: int | None = MARKER_ID) -> SecurityWorld:
    """Make the organisation and commit it; the marker gets a fixed, unusual id."""
    provider = make_department(code="PRV", name="Provider Dept", name_zh="提供部")
    consumer = make_department(code="CON", name="Consumer Dept", name_zh="消费部")
    other = make_department(code="OTH", name="Other Dept")
    executive = make_department(code="EXE", name="Executive Office")
    calendar = make_calendar(name="Round the clock", timezone="UTC", country=None, weekdays=range(7),
                                       hours=(("00:00", "00:00"),))
    people = {
        "provider_lead": make_user(role="lead", department=provider, email="prv.lead@example.test"),
        "provider_employee": make_user(department=provider, email="prv.employee@example.test"),
        "consumer_employee": make_user(department=consumer, email="con.employee@example.test"),
        "consumer_lead": make_user(role="lead", department=consumer, email="con.lead@example.test"),
        "other_employee": make_user(department=other, email="oth.employee@example.test"),
        "other_lead": make_user(role="lead", department=other, email="oth.lead@example.test"),
        "leadership": make_user(role="leadership", department=executive, email="exec@example.test"),
        "admin": make_user(role="admin", email="admin.person@example.test"),
    }
    marker = User(id=marker_id, email=MARKER_EMAIL, display_name=MARKER_NAME, role="employee", department=consumer,
                  password_hash=people["admin"].password_hash)
    db.session.add(marker)
    db.session.flush()
    people["marker"] = marker
    raters = [make_user(department=consumer, email=f"rater{i}@example.test") for i in range(RATERS)]
    published = make_commitment(provider=provider, owner=people["provider_lead"], calendar=calendar,
                                           title="Laptops for new hires", target_amount=Decimal("48"),
                                           target_unit="calendar_hours")
    draft = make_commitment(provider=provider, owner=people["provider_lead"], calendar=calendar,
                                      status="draft", title=DRAFT_TITLE)

    now = datetime.now(UTC)
    old = datetime.combine(finished_starts("quarter", 1)[0], time(4), tzinfo=UTC) + timedelta(days=20)
    recent = now - timedelta(days=2)
    rated = []
    for title, when in zip(RATED_TITLES, (old, old + timedelta(days=7), recent), strict=True):
        handoff = make_handoff(commitment=published, consumer=consumer, title=title,
                               requested_at=when - timedelta(days=3), delivered_at=when - timedelta(days=1))
        rated.append(handoff)
    for handoff, comment in zip(rated, MARKER_COMMENTS, strict=True):
        when = handoff.delivered_at + timedelta(hours=6)
        make_rating(handoff, rater=marker, satisfaction=2, comment=comment, created_at=when, reasons=("late",))
        for i, rater in enumerate(raters):
            make_rating(handoff, rater=rater, satisfaction=3 + i % 3, comment=OTHER_COMMENT if i == 0 else None,
                        created_at=when + timedelta(minutes=i + 1))
    open_handoff = make_handoff(commitment=published, consumer=consumer, title=OPEN_TITLE,
                                          requested_at=now - timedelta(hours=5))
    delivered = make_handoff(commitment=published, consumer=consumer, title=DELIVERED_TITLE,
                                       requested_at=now - timedelta(days=2), delivered_at=now - timedelta(hours=3),
                                       requested_by_id=marker.id)
    db.session.refresh(delivered)
    (request,) = request_ratings(delivered)
    token, secret = auth_services.create_token(people["provider_lead"], name="Provider integration")
    db.session.add(AuditEvent(actor_id=people["provider_lead"].id, action="commitment.publish",
                              target_type="ServiceCommitment", target_id=published.id, details={"version": 1}))
    db.session.commit()
    emails = [u.email for u in (*people.values(), *raters)]
    private = [DRAFT_TITLE, OPEN_TITLE, DELIVERED_TITLE, *RATED_TITLES, *MARKER_COMMENTS, OTHER_COMMENT, *emails,
               secret]
    return SecurityWorld(provider=provider, consumer=consumer, other=other, executive=executive, calendar=calendar,
                 published=published, draft=draft, open=open_handoff, delivered=delivered, rated=rated,
                 people=people, token_id=token.id, token_secret=secret, private=private,
                 marker_message_id=request.id, marker_link=link_path(marker, delivered),
                 marker_unsubscribe=unsubscribe_path(marker, "rating_request"))


@dataclass
class Seeded:
    """The demo organisation loaded into one database: its app, period and department ids."""

    app: Flask
    start: datetime
    end: datetime
    codes: dict[str, int]


def forget_releases() -> None:
    """Delete every release, which the application itself never does (tests and the release bench)."""
    for table in (MetricReleaseTag, MetricReleaseValue, MetricReleasePair, MetricRelease):
        db.session.execute(delete(table))
    db.session.commit()


def release_again() -> None:
    """Make every closed period's release anew from the ratings now stored, as if these ratings had
    arrived before the periods closed (test data is written into the past)."""
    forget_releases()
    release_due()
    db.session.commit()

"""One small organisation with something of every kind, for the app-wide trust tests.

A provider department serves a consumer department under a published commitment; a third
department and an executive department stand by. Six consumer raters (k = 5) rated two old
handoffs (in the last finished quarter) and one recent handoff with comments, so aggregates
and comments are shown. There is a draft, an open handoff, a delivered handoff waiting for a
rating, an API token and audit events. Every private text carries a unique word, so a test can
look for it in any answer.

One rater is the marker: a unique name, email and user id that no answer to anyone else may
contain next to a rating.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from tests import factories
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.metrics.ranges import finished_starts
from tracker.models import AuditEvent, Department, Handoff, ServiceCommitment, User

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

_fresh = itertools.count(1)


@dataclass
class World:
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

    # --- fresh objects for requests that use one up -------------------------------------------

    def fresh_handoff(self, state: str = "open", title: str | None = None) -> Handoff:
        now = datetime.now(UTC)
        handoff = factories.make_handoff(
            commitment=self.published, consumer=self.consumer, title=title or OPEN_TITLE,
            requested_at=now - timedelta(days=2),
            delivered_at=now - timedelta(hours=1) if state == "delivered" else None,
        )
        if state == "paused":
            handoff.status = "paused"
        db.session.commit()
        return handoff

    def fresh_commitment(self, status: str = "published") -> ServiceCommitment:
        commitment = factories.make_commitment(
            provider=self.provider, owner=self.people["provider_lead"], calendar=self.calendar, status=status,
            title=DRAFT_TITLE if status == "draft" else f"Published commitment {next(_fresh)}",
        )
        db.session.commit()
        return commitment

    def fresh_user(self) -> User:
        n = next(_fresh)
        user = factories.make_user(department=self.other, email=f"fresh{n}.person@example.test",
                                   display_name=f"Fresh person {n}")
        db.session.commit()
        return user

    def fresh_token(self, owner: str = "provider_lead") -> int:
        token, _secret = auth_services.create_token(self.people[owner], name=f"fresh {next(_fresh)}")
        db.session.commit()
        return token.id

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(_fresh)}"


def _rate(handoff: Handoff, rater: User, at: datetime, satisfaction: int, comment: str | None,
          reasons: tuple[str, ...] = ()) -> None:
    factories.make_rating(handoff, rater=rater, satisfaction=satisfaction, collaboration=4, comment=comment,
                          created_at=at, reasons=reasons)


def build_world(marker_id: int | None = MARKER_ID) -> World:
    """Make the organisation and commit it; the marker gets a fixed, unusual id."""
    provider = factories.make_department(code="PRV", name="Provider Dept", name_zh="提供部")
    consumer = factories.make_department(code="CON", name="Consumer Dept", name_zh="消费部")
    other = factories.make_department(code="OTH", name="Other Dept")
    executive = factories.make_department(code="EXE", name="Executive Office")
    calendar = factories.make_calendar(name="Round the clock", timezone="UTC", country=None, weekdays=range(7),
                                       hours=(("00:00", "00:00"),))
    people = {
        "provider_lead": factories.make_user(role="lead", department=provider, email="prv.lead@example.test"),
        "provider_employee": factories.make_user(department=provider, email="prv.employee@example.test"),
        "consumer_employee": factories.make_user(department=consumer, email="con.employee@example.test"),
        "consumer_lead": factories.make_user(role="lead", department=consumer, email="con.lead@example.test"),
        "other_employee": factories.make_user(department=other, email="oth.employee@example.test"),
        "other_lead": factories.make_user(role="lead", department=other, email="oth.lead@example.test"),
        "leadership": factories.make_user(role="leadership", department=executive, email="exec@example.test"),
        "admin": factories.make_user(role="admin", email="admin.person@example.test"),
    }
    marker = User(id=marker_id, email=MARKER_EMAIL, display_name=MARKER_NAME, role="employee", department=consumer,
                  password_hash=people["admin"].password_hash)
    db.session.add(marker)
    db.session.flush()
    people["marker"] = marker
    raters = [factories.make_user(department=consumer, email=f"rater{i}@example.test") for i in range(RATERS)]
    published = factories.make_commitment(provider=provider, owner=people["provider_lead"], calendar=calendar,
                                           title="Laptops for new hires", target_amount=Decimal("48"),
                                           target_unit="calendar_hours")
    draft = factories.make_commitment(provider=provider, owner=people["provider_lead"], calendar=calendar,
                                      status="draft", title=DRAFT_TITLE)

    now = datetime.now(UTC)
    old = datetime.combine(finished_starts("quarter", 1)[0], time(4), tzinfo=UTC) + timedelta(days=20)
    recent = now - timedelta(days=2)
    rated = []
    for title, at in zip(RATED_TITLES, (old, old + timedelta(days=7), recent), strict=True):
        handoff = factories.make_handoff(commitment=published, consumer=consumer, title=title,
                                         requested_at=at - timedelta(days=3), delivered_at=at - timedelta(days=1))
        rated.append(handoff)
    for handoff, comment in zip(rated, MARKER_COMMENTS, strict=True):
        at = handoff.delivered_at + timedelta(hours=6)
        _rate(handoff, marker, at, 2, comment, reasons=("late",))
        for i, rater in enumerate(raters):
            _rate(handoff, rater, at + timedelta(minutes=i + 1), 3 + i % 3, OTHER_COMMENT if i == 0 else None)
    open_handoff = factories.make_handoff(commitment=published, consumer=consumer, title=OPEN_TITLE,
                                          requested_at=now - timedelta(hours=5))
    delivered = factories.make_handoff(commitment=published, consumer=consumer, title=DELIVERED_TITLE,
                                       requested_at=now - timedelta(days=2), delivered_at=now - timedelta(hours=3))
    token, secret = auth_services.create_token(people["provider_lead"], name="Provider integration")
    db.session.add(AuditEvent(actor_id=people["provider_lead"].id, action="commitment.publish",
                              target_type="ServiceCommitment", target_id=published.id, details={"version": 1}))
    db.session.commit()
    emails = [u.email for u in (*people.values(), *raters)]
    private = [DRAFT_TITLE, OPEN_TITLE, DELIVERED_TITLE, *RATED_TITLES, *MARKER_COMMENTS, OTHER_COMMENT, *emails,
               secret]
    return World(provider=provider, consumer=consumer, other=other, executive=executive, calendar=calendar,
                 published=published, draft=draft, open=open_handoff, delivered=delivered, rated=rated,
                 people=people, token_id=token.id, token_secret=secret, private=private)

"""Loading the demo organisation: repeatable, refusing to overwrite, and the large scale's code path."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from tests.databases import empty_all_tables
from tracker.demo.seed import (
    DEPARTMENTS,
    STORIES,
    DemoDataExists,
    demo_period,
    seed_demo,
    spring_festival_windows,
)
from tracker.extensions import db
from tracker.messages.models import Message
from tracker.models import (
    AuditEvent,
    BusinessCalendar,
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    Handoff,
    HandoffEvent,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)

TODAY = date(2026, 3, 15)


def quiet(_message: str) -> None:
    """Swallow progress messages."""


def digest() -> str:
    """A hash of every seeded row except the salted password hashes."""
    sha = hashlib.sha256()
    for model in (Department, User, BusinessCalendar, ServiceCommitment, CommitmentVersion, CommitmentConsumer,
                  Handoff, HandoffEvent, Rating, RatingReason, AuditEvent):
        table = model.__table__
        columns = [c for c in table.columns if c.name != "password_hash"]
        for row in db.session.execute(select(*columns).order_by(*table.primary_key.columns)):
            sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_one_seed_and_day_give_the_same_organisation_of_the_promised_size_and_another_seed_another(app):
    # One test, three loads: each load takes seconds, so the checks of one organisation share it.
    summary = seed_demo(seed=7, progress=quiet, today=TODAY)
    first = digest()
    assert summary == {
        "departments": count(Department), "people": count(User), "calendars": count(BusinessCalendar),
        "commitments": count(ServiceCommitment), "handoffs": count(Handoff), "events": count(HandoffEvent),
        "ratings": count(Rating), "reasons": count(RatingReason),
        "rating requests": count(Message, Message.kind == "rating_request"),
        "digests and alerts": count(Message, Message.kind.in_(("digest", "satisfaction_drop"))),
    }
    assert summary["rating requests"] > 50
    assert count(Department) == len(DEPARTMENTS) == 12
    assert 110 <= count(User) <= 130
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles["admin"] >= 1 and roles["leadership"] >= 1
    assert roles["lead"] == 12
    assert roles["employee"] > 90
    empty_all_tables()
    seed_demo(seed=7, progress=quiet, today=TODAY)
    assert digest() == first
    empty_all_tables()
    seed_demo(seed=8, progress=quiet, today=TODAY)
    assert digest() != first


def test_cli_if_empty_loads_once_and_keeps_the_data(app, runner):
    first = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "demo data loaded" in first.output
    ratings = count(Rating)
    second = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert second.exit_code == 0
    assert "nothing loaded" in second.output
    assert count(Rating) == ratings > 0


def test_cli_refuses_to_seed_a_database_with_data(app, runner):
    runner.invoke(args=["demo", "seed", "--if-empty"])
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "already holds departments" in result.output


def test_seed_refuses_a_database_with_departments(app):
    db.session.add(Department(code="FIN", name="Finance"))
    db.session.commit()
    try:
        seed_demo(seed=7, progress=quiet, today=TODAY)
    except DemoDataExists:
        pass
    else:
        raise AssertionError("seeding a database with data must fail")
    assert count(User) == 0


def test_large_scale_code_path_reaches_its_rating_target(app):
    messages = []
    summary = seed_demo(seed=3, scale="large", progress=messages.append, today=TODAY, ratings_target=2000,
                        departments=14)
    assert count(Department) == 14
    assert count(Rating) == summary["ratings"] >= 2000
    generated = db.session.scalars(select(Department).where(Department.code.contains("-"))).all()
    assert len(generated) == 2
    assert all(d.name_zh for d in generated)
    assert db.session.scalar(select(func.count()).select_from(Rating).where(Rating.provider_id.in_(
        [d.id for d in generated]))) > 0
    assert any("ratings" in m for m in messages)


def test_large_scale_covers_two_years(app):
    seed_demo(seed=3, scale="large", progress=quiet, today=TODAY, ratings_target=2000, departments=12)
    first = db.session.scalar(select(func.min(Handoff.requested_at)))
    assert first < datetime(2024, 4, 1, tzinfo=UTC)


def test_large_scale_keeps_small_pairs_small(app):
    seed_demo(seed=3, scale="large", progress=quiet, today=TODAY, ratings_target=3000, departments=16)
    codes = dict(db.session.execute(select(Department.code, Department.id)).all())
    for provider, consumer in STORIES["small_pairs"]:
        raters = db.session.scalar(select(func.count(func.distinct(Rating.rater_key))).where(
            Rating.provider_id == codes[provider], Rating.consumer_id == codes[consumer]))
        assert raters < 5, (provider, consumer)


def test_period_holds_a_whole_spring_festival_even_when_twelve_months_miss_it():
    start, end = demo_period(today=date(2026, 2, 5))
    windows = [(lo, hi) for lo, hi in spring_festival_windows(start.date(), end.date())
               if start.date() <= lo and hi < end.date()]
    assert windows == [(date(2025, 1, 15), date(2025, 2, 12))]


def test_period_starts_on_the_first_of_a_month_twelve_months_back():
    start, end = demo_period(today=date(2026, 11, 27))
    assert start == datetime(2025, 11, 1, tzinfo=UTC)
    assert end == datetime(2026, 11, 27, tzinfo=UTC)
    assert end - start > timedelta(days=365)


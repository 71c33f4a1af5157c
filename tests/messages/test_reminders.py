"""Reminders: at most two, on the configured days, never to someone who rated; a weekly cap on requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.models import Message
from tracker.messages.outbox import remind_due
from tracker.messages.services import delivery_counts
from tracker.types import utcnow


def _delivered(world, requester=None, title="Laptop for Ana"):
    requester = requester or factories.make_user(department=world.consumer)
    provider = factories.make_user(department=world.provider)
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, title)
    change_state(provider, handoff.id, "deliver")
    db.session.commit()
    return requester, handoff


def _kinds(person) -> list[str]:
    return [m.kind for m in db.session.scalars(
        select(Message).where(Message.recipient_id == person.id).order_by(Message.id))]


def test_two_reminders_on_their_days_and_no_more(world):
    person, _handoff = _delivered(world)
    start = utcnow()
    assert remind_due(start + timedelta(days=2, hours=23)) == 0
    assert remind_due(start + timedelta(days=3, minutes=1)) == 1
    assert remind_due(start + timedelta(days=3, minutes=2)) == 0  # once
    assert remind_due(start + timedelta(days=6)) == 0
    assert remind_due(start + timedelta(days=7, minutes=1)) == 1
    assert remind_due(start + timedelta(days=20)) == 0
    db.session.commit()
    assert _kinds(person) == ["rating_request", "rating_reminder", "rating_reminder"]
    reminders = db.session.scalars(select(Message).where(Message.kind == "rating_reminder")).all()
    assert [m.subject for m in reminders] == ["Reminder: please rate: Laptop for Ana"] * 2
    assert "Reminder 2 of at most 2" in reminders[1].body_text


def test_a_late_sweep_sends_one_reminder_and_spaces_the_next(world):
    person, _handoff = _delivered(world)
    late = utcnow() + timedelta(days=8)  # both reminders' days have passed
    assert remind_due(late) == 1
    assert remind_due(late + timedelta(days=3)) == 0  # 4 days after the first, as 3 and 7 are apart
    assert remind_due(late + timedelta(days=4, minutes=1)) == 1
    db.session.commit()
    assert _kinds(person) == ["rating_request", "rating_reminder", "rating_reminder"]


def test_no_reminder_once_rated_and_the_counts_others_see_do_not_move(world):
    rated, handoff = _delivered(world, title="Rated")
    silent, _ = _delivered(world, title="Not rated")
    factories.make_rating(handoff, rater=rated)
    db.session.commit()
    before = delivery_counts()
    assert remind_due(utcnow() + timedelta(days=3, minutes=1)) == 1
    db.session.commit()
    assert _kinds(rated) == ["rating_request"] and _kinds(silent) == ["rating_request", "rating_reminder"]
    assert delivery_counts() == before  # administrators count requests, never reminders


def test_no_reminder_after_the_window_or_to_someone_who_left(world, app):
    app.config["REMINDER_DAYS"] = (3, 29)
    person, _handoff = _delivered(world)
    assert remind_due(utcnow() + timedelta(days=31)) == 0  # the window (30 days) has closed
    person.department = world.other
    db.session.commit()
    assert remind_due(utcnow() + timedelta(days=3, minutes=1)) == 0
    assert _kinds(person) == ["rating_request"]


def test_no_reminders_when_none_are_configured(world, app):
    app.config["REMINDER_DAYS"] = ()
    _delivered(world)
    assert remind_due(utcnow() + timedelta(days=10)) == 0


def test_requests_per_person_are_capped_per_week(world, app):
    app.config["REQUESTS_PER_WEEK"] = 2
    person = factories.make_user(department=world.consumer)
    for n in range(3):
        _delivered(world, requester=person, title=f"Order {n}")
    assert _kinds(person) == ["rating_request", "rating_request"]  # the third waits for next week's room
    # Reminders count towards the cap for reminders, not for requests.
    assert remind_due(utcnow() + timedelta(days=3, minutes=1)) == 0
    db.session.execute(Message.__table__.update().values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    _delivered(world, requester=person, title="Order 4")
    assert _kinds(person).count("rating_request") == 3

"""The provider hears once that an open handoff is due soon (75 % of its target) and once that it is overdue."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.models import Message
from tracker.messages.outbox import alert_due
from tracker.types import utcnow


def _open(world, requested_at=None):
    requester = factories.make_user(department=world.consumer)
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana",
                             requested_at=requested_at)
    db.session.commit()
    return handoff


def _told():
    return [(m.kind, m.recipient_id, m.subject) for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_due_soon_at_three_quarters_and_overdue_at_the_due_time_once_each(world):
    owner = world.commitment.current_version.owner  # the commitment is 8 calendar hours, round the clock
    handoff = _open(world)
    start = handoff.requested_at
    assert alert_due(start + timedelta(hours=5, minutes=59)) == 0
    assert alert_due(start + timedelta(hours=6, minutes=1)) == 1
    assert alert_due(start + timedelta(hours=7)) == 0
    assert alert_due(start + timedelta(hours=8, minutes=1)) == 1
    assert alert_due(start + timedelta(hours=9)) == 0
    db.session.commit()
    assert _told() == [("due_soon", owner.id, "Due soon: Laptop for Ana for Sales"),
                       ("overdue", owner.id, "Overdue: Laptop for Ana for Sales")]


def test_a_pause_moves_the_warning_and_delivery_ends_it(world):
    handoff = _open(world)
    worker = factories.make_user(department=world.provider)
    start = handoff.requested_at
    change_state(worker, handoff.id, "pause", reason="waiting_on_consumer")
    db.session.commit()
    assert alert_due(start + timedelta(hours=7)) == 0  # paused: its clock stands still
    change_state(worker, handoff.id, "resume", at=utcnow())
    db.session.commit()
    assert db.session.get(type(handoff), handoff.id).warn_at is None  # the due time moved: worked out again
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    assert alert_due(start + timedelta(hours=20)) == 0
    assert [kind for kind, *_ in _told()] == ["rating_request"]  # the consumer's, at delivery: nothing for the provider


def test_without_an_active_owner_the_provider_leads_hear_it(world):
    owner = world.commitment.current_version.owner
    owner.active = False
    leads = [factories.make_user(role="lead", department=world.provider) for _ in range(2)]
    handoff = _open(world)
    assert alert_due(handoff.requested_at + timedelta(hours=6, minutes=1)) == 2
    assert sorted(r for _k, r, _s in _told()) == sorted(lead.id for lead in leads)


def test_long_overdue_work_is_not_announced(world):
    handoff = _open(world)
    assert alert_due(handoff.requested_at + timedelta(days=3)) == 0  # past due for more than two days

"""Sampling busy pairs: a person's repeated requests about one commitment are sampled; first ones always go out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.messages.models import Message
from tracker.messages.outbox import request_ratings
from tracker.types import utcnow


def _delivered(world, requester, count: int, commitment=None):
    now = utcnow()
    handoffs = [factories.make_handoff(commitment or world.commitment, consumer=world.consumer,
                                       requested_by=requester, requested_at=now - timedelta(hours=count + 9 - i),
                                       delivered_at=now - timedelta(hours=count - i)) for i in range(count)]
    for i, handoff in enumerate(handoffs):
        request_ratings(handoff, at=now - timedelta(hours=count - i))
    db.session.commit()
    return handoffs


def _asked(person) -> int:
    return len(db.session.scalars(select(Message.id).where(Message.recipient_id == person.id,
                                                           Message.kind == "rating_request")).all())


def test_every_handoff_is_asked_about_by_default(make_app):
    make_app(REQUESTS_PER_WEEK=100)
    world = factories.make_handoff_world()
    requester = factories.make_user(department=world.consumer)
    _delivered(world, requester, 12)
    assert _asked(requester) == 12


def test_a_busy_pair_asks_a_sample_of_repeats_and_every_new_person_first(make_app):
    make_app(SAMPLE_RATE=0.25, REQUESTS_PER_WEEK=100)
    world = factories.make_handoff_world()
    busy = factories.make_user(department=world.consumer)
    _delivered(world, busy, 41)
    asked = _asked(busy)
    assert 1 + 3 <= asked <= 1 + 20  # the first, then about a quarter of the 40 repeats (10 expected)
    newcomer = factories.make_user(department=world.consumer)
    _delivered(world, newcomer, 1)
    assert _asked(newcomer) == 1  # a person not yet asked about the pair always is: thin pairs reach k
    other = factories.make_commitment(provider=world.provider, calendar=world.commitment.current_version.calendar)
    before = _asked(busy)
    _delivered(world, busy, 1, commitment=other)
    assert _asked(busy) == before + 1  # another commitment: a first request again


def test_the_sample_is_the_same_however_often_it_is_decided(make_app):
    make_app(SAMPLE_RATE=0.25, REQUESTS_PER_WEEK=100)
    world = factories.make_handoff_world()
    busy = factories.make_user(department=world.consumer)
    handoffs = _delivered(world, busy, 20)
    first = _asked(busy)
    for handoff in handoffs:
        request_ratings(handoff)
    db.session.commit()
    assert _asked(busy) == first

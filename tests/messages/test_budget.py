"""Error-budget alerts: fast and slow burn windows on the commitment's calendar, counted in allowed misses.

The world's commitment promises 8 calendar hours with an attainment target of 95 % on a
round-the-clock UTC calendar, so every day is a working day: the fast window is today and
yesterday, the slow one the last ten days, and a window needs 20 handoffs due (1 / (1 - 0.95))
before it can alert at all.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.messages.budget import FAST, SLOW, alert_budgets, burning
from tracker.messages.chat import deliver_posts
from tracker.messages.models import Channel, ChannelPost, Message
from tracker.types import utcnow


def _due(world, hours_ago: float, missed: bool, commitment=None, **kwargs):
    """A handoff that came due `hours_ago`, delivered on time or an hour late."""
    now = utcnow()
    due = now - timedelta(hours=hours_ago)
    delivered = due + (timedelta(hours=1) if missed else -timedelta(hours=1))
    return factories.make_handoff(commitment or world.commitment, consumer=world.consumer,
                                  requested_at=due - timedelta(hours=8), due_at=due,
                                  delivered_at=min(delivered, now), **kwargs)


def _many(world, count: int, missed: int, hours_ago: float, step: float = 0.5, commitment=None):
    for i in range(count):
        _due(world, hours_ago + i * step, i < missed, commitment)
    db.session.commit()


def _alerts():
    return [(m.kind, m.recipient_id, m.subject) for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_one_miss_among_three_handoffs_is_no_alarm(world):
    _many(world, 3, 1, hours_ago=2)  # a third missed: 6.7 times the allowed rate, but the target allows 0.15
    assert alert_budgets() == 0
    assert burning()[0] == []


def test_a_fast_burn_alerts_the_owner_once_per_window_and_keeps_the_slow_one_quiet(world):
    owner = world.commitment.current_version.owner
    _many(world, 20, 6, hours_ago=1)  # 6 of 20 missed where 1 is allowed: 6 times the rate
    assert alert_budgets() == 1
    (kind, recipient, subject), = _alerts()
    assert (kind, recipient, subject) == ("budget_fast", owner.id, "Error budget burning fast: Laptop for a new hire")
    text = db.session.scalars(select(Message.body_text)).one()
    assert ("In the last 2 working days, 6 of the 20 handoffs that came due under “Laptop for a new hire” missed "
            "their due time, where its target of 95 % allows 1.") in text
    assert "6 times as fast as the target allows" in text
    assert alert_budgets(utcnow() + timedelta(hours=1)) == 0  # still burning: once per window
    assert [k for k, *_ in _alerts()] == ["budget_fast"]  # and the slow window, burning too, kept quiet


def test_a_slow_burn_alerts_when_the_fast_window_is_calm(world):
    _many(world, 40, 5, hours_ago=60, step=3)  # 5 of 40 over the days before yesterday: 2.5 times the rate
    found, _starts = burning()
    assert [(b.window, b.due, b.missed) for b in found] == [(SLOW, 40, 5)]
    assert alert_budgets() == 1
    assert _alerts()[0][0] == "budget_slow"
    assert "for two weeks: the month's promise is slipping" in db.session.scalars(select(Message.body_text)).one()


def test_a_low_target_needs_few_handoffs_but_cannot_burn_fast(world):
    commitment = factories.make_commitment(provider=world.provider, calendar=world.commitment.current_version.calendar,
                                           title="Desk moves", target_amount=Decimal("8"), target_unit="calendar_hours")
    commitment.current_version.attainment_target = Decimal("0.5")
    _many(world, 3, 1, hours_ago=2, commitment=commitment)  # burn 0.67: within the target
    assert burning()[0] == []
    _many(world, 2, 2, hours_ago=30, commitment=commitment)  # 3 of 5 missed: 1.2 times, still within 2
    assert burning()[0] == []
    _many(world, 3, 3, hours_ago=40, commitment=commitment)  # 6 of 8: 1.5 times
    _many(world, 4, 4, hours_ago=50, commitment=commitment)  # 10 of 12: 1.67 times
    _many(world, 6, 6, hours_ago=60, commitment=commitment)  # 16 of 18: 1.78 times
    assert burning()[0] == []
    _many(world, 20, 20, hours_ago=70, commitment=commitment)  # 36 of 38: 1.89
    assert burning()[0] == []
    # At 50 % the budget cannot burn five times as fast: the fast alert is out of reach by design.
    assert FAST.burn > 1 / (1 - 0.5)


def test_cancelled_handoffs_and_draft_commitments_do_not_count(world):
    for i in range(20):
        handoff = _due(world, 1 + i * 0.5, missed=i < 6)
        if i < 6:
            handoff.cancelled_at = handoff.delivered_at
            handoff.delivered_at, handoff.status = None, "cancelled"
    db.session.commit()
    assert burning()[0] == []


def test_the_spent_budget_is_said_in_words_and_the_channels_hear_it(world, httpserver):
    db.session.add(Channel(department=world.provider, label="Desk", locale="zh", shown="json://…",
                           address=f"json://{httpserver.host}:{httpserver.port}/hook"))
    lead = factories.make_user(role="lead", department=world.provider, locale="zh")
    world.commitment.current_version.owner.active = False
    _many(world, 20, 10, hours_ago=1)
    assert alert_budgets() == 1
    message = db.session.scalars(select(Message)).one()
    assert message.recipient_id == lead.id and message.locale == "zh" and not message.subject.isascii()
    post = db.session.scalars(select(ChannelPost)).one()
    assert post.kind == "budget_fast" and "/commitments/" in post.body
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert deliver_posts() == {"sent": 1, "failed": 0}


def test_the_month_budget_and_the_time_left(world):
    _many(world, 40, 6, hours_ago=1, step=0.25)  # 6 of 40: 3 times the rate; both windows hold all 40
    found, _starts = burning()
    (burn,) = found
    assert burn.window == SLOW and burn.allowed == pytest.approx(2.0)
    if burn.month_due == 40:  # not when the slow window reaches back into last month
        assert (burn.month_budget, burn.month_left) == (pytest.approx(2.0), 0.0)

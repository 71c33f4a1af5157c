"""Weekly digests: each providing department's leads hear its week, leadership the company's, from released numbers."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests import factories
from tests.factories import Org, at
from tracker.extensions import db
from tracker.messages.digests import write_digests
from tracker.messages.models import Message
from tracker.metrics.releases import release_due

WEEK = date(2026, 1, 5)  # 2026-W02
MONDAY_AFTER = at(2026, 1, 12, 1)  # 09:00 in Shanghai, just after the week's release


def _week(org, provider, consumer, day, scores):
    for i, score in enumerate(scores):
        org.rate(provider, consumer, i, score, score, day.replace(hour=4 + i))


def _story():
    org = Org()
    _week(org, "IT", "HR", at(2025, 12, 30), [5, 4, 5, 5, 4, 5, 5, 4])  # W01: pleased
    _week(org, "IT", "HR", at(2026, 1, 6), [2, 1, 2, 2, 1, 2, 2, 1])  # W02: displeased, beyond noise
    for i in range(4):  # and four handoffs of W02 delivered late: 8 of 12 on time against 95 %
        requested = at(2026, 1, 6, 2 + i)
        factories.make_handoff(org.commitment("IT"), consumer=org.department("HR"), requested_at=requested,
                               due_at=requested + timedelta(hours=8), delivered_at=requested + timedelta(days=1))
    db.session.commit()
    return org


def _digests():
    return {m.recipient_id: m for m in db.session.scalars(select(Message).where(Message.kind == "digest"))}


def test_the_lead_and_leadership_get_their_week_once(app):
    org = _story()
    lead = org.commitment("IT").current_version.owner  # IT's lead
    leader = factories.make_user(role="leadership")
    factories.make_user(role="lead", department=org.department("HR"))  # HR promises nothing: no digest
    db.session.commit()
    released = release_due()
    assert ("week", WEEK) in released
    assert write_digests(released, now=MONDAY_AFTER) == 2
    db.session.commit()
    digests = _digests()
    assert set(digests) == {lead.id, leader.id}
    text = digests[lead.id].body_text
    it = org.department("IT").name
    assert digests[lead.id].subject == f"Week 2026-W02 at {it}: promises, budget and ratings"
    assert "66.7 % on time of 12 due, against a target of 95 %" in text
    assert "Satisfaction of your consumers: 1.62 of 5" in text
    assert "kept fewer promises than its target" in text and "rated you below your satisfaction target" in text
    company = digests[leader.id].body_text
    assert f"{org.department('IT').code} for {org.department('HR').code}: from 4.62 to 1.62 of 5" in company
    assert "66.7 % on time against a target of 95 %" in company
    assert digests[lead.id].action_url.endswith("period=week&from=2026-W02&to=2026-W02")
    assert write_digests(released, now=MONDAY_AFTER) == 0  # once per week and person


def test_a_first_release_of_many_weeks_digests_only_the_last_one(app):
    org = _story()
    leader = factories.make_user(role="leadership")
    db.session.commit()
    released = release_due()
    last = max(start for kind, start in released if kind == "week")
    assert write_digests(released) == 2  # the week just ended, not the year of weeks before it
    label = f"{last.isocalendar()[0]}-W{last.isocalendar()[1]:02d}"
    assert {(m.recipient_id, m.key.split(":")[1]) for m in _digests().values()} == {
        (leader.id, label), (org.commitment("IT").current_version.owner_id, label)}

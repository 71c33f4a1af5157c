"""Satisfaction alerts: a released month whose drop for a pair is beyond noise tells the provider's owners and leads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests import factories
from tests.factories import Org, at
from tracker.extensions import db
from tracker.messages.models import Message
from tracker.messages.satisfaction import alert_drops
from tracker.metrics.releases import release_due

FEBRUARY = at(2026, 2, 1, 1)  # just after January's release


def _month(org, provider, consumer, when, scores):
    for i, score in enumerate(scores):
        org.rate(provider, consumer, i, score, score, when.replace(hour=4 + i))


def _story(org):
    _month(org, "IT", "HR", at(2025, 12, 10), [5, 4, 5, 5, 4, 5, 5, 4])  # a real drop
    _month(org, "IT", "HR", at(2026, 1, 10), [2, 1, 2, 2, 1, 2, 2, 1])
    _month(org, "HR", "IT", at(2025, 12, 10), [3, 4, 2, 5, 3, 4])  # noise
    _month(org, "HR", "IT", at(2026, 1, 10), [4, 3, 3, 5, 2, 4])
    _month(org, "FIN", "HR", at(2025, 12, 10), [2, 2, 3, 2, 2, 3, 2, 2])  # a real rise
    _month(org, "FIN", "HR", at(2026, 1, 10), [4, 5, 4, 4, 5, 4, 5, 4])


def test_a_drop_beyond_noise_reaches_the_owner_and_the_leads_once(app):
    org = Org()
    _story(org)
    it_owner = org.commitment("IT").current_version.owner
    it_lead = factories.make_user(role="lead", department=org.department("IT"), locale="zh")
    hr_lead = factories.make_user(role="lead", department=org.department("HR"))
    db.session.commit()
    released = release_due()
    assert ("month", date(2026, 1, 1)) in released
    assert alert_drops(released, now=FEBRUARY) == 2
    db.session.commit()
    told = {m.recipient_id: m for m in db.session.scalars(select(Message).where(Message.kind == "satisfaction_drop"))}
    assert set(told) == {it_owner.id, it_lead.id}  # not HR's lead: HR's drop as provider was noise
    english = told[it_owner.id]
    hr, it = org.department("HR").name, org.department("IT").name
    assert english.subject == f"Satisfaction of {hr} with {it} dropped in 2026-01"
    assert "fell from 4.62 in 2025-12 to 1.62 in 2026-01" in english.body_text
    assert "lies wholly below zero: this is a real drop, not noise" in english.body_text
    assert english.action_url.endswith("/dashboards/pairs/IT/HR?period=month")
    assert not told[it_lead.id].subject.isascii()
    assert alert_drops(released, now=FEBRUARY) == 0  # once per pair and month
    assert alert_drops(released) == 0  # told of in February; months later, a first release tells nothing
    assert hr_lead.id not in told


def test_a_month_without_releases_tells_nothing(app):
    org = Org()
    _story(org)
    db.session.commit()
    assert alert_drops([("week", date(2026, 1, 5))], now=FEBRUARY) == 0  # weeks are not compared
    assert alert_drops([]) == 0

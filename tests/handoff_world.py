"""A small organisation for handoff tests: a provider, its consumer, and a bystander department."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import Department, ServiceCommitment


@dataclass
class World:
    provider: Department
    consumer: Department
    other: Department
    commitment: ServiceCommitment


@pytest.fixture
def world(app) -> World:
    provider = factories.make_department(code="IT", name="Information Technology")
    consumer = factories.make_department(code="SALES", name="Sales")
    other = factories.make_department(code="FIN", name="Finance")
    calendar = factories.make_calendar(timezone="UTC", country=None, weekdays=range(7), hours=(("00:00", "00:00"),))
    commitment = factories.make_commitment(provider=provider, calendar=calendar, title="Laptop for a new hire",
                                           target_amount=Decimal("8"), target_unit="calendar_hours")
    db.session.commit()
    return World(provider, consumer, other, commitment)

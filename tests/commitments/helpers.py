"""Small builders shared by the commitment tests."""

from __future__ import annotations

from tests import factories


def payload(provider, owner, calendar, /, **overrides) -> dict:
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


def organisation():
    """A provider with a lead, another department with a lead, and a calendar."""
    provider = factories.make_department(code="PUR", name="Purchasing")
    other = factories.make_department(code="SALES", name="Sales")
    lead = factories.make_user(role="lead", department=provider)
    calendar = factories.make_calendar(name="Shanghai office")
    return provider, other, lead, calendar

"""A commitment's target fits a real service level: at most a year's worth in each unit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.calendars.services import MAX_TARGET
from tracker.extensions import db
from tracker.models import ServiceCommitment


@pytest.mark.parametrize("unit", sorted(MAX_TARGET))
def test_the_longest_target_of_each_unit_is_accepted(client, auth, unit):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    target = {"amount": float(MAX_TARGET[unit]), "unit": unit}
    body = factories.commitment_payload(provider, lead, calendar, target=target)
    assert client.post("/api/v1/commitments", json=body).status_code == 201


@pytest.mark.parametrize("unit", sorted(MAX_TARGET))
def test_a_target_beyond_a_year_is_refused_on_the_amount(client, auth, unit):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    target = {"amount": float(MAX_TARGET[unit]) + 1, "unit": unit}
    body = factories.commitment_payload(provider, lead, calendar, target=target)
    response = client.post("/api/v1/commitments", json=body)
    assert (response.status_code, response.json["errors"]["json"]["target"].keys()) == (422, {"amount"})
    assert db.session.scalar(select(func.count()).select_from(ServiceCommitment)) == 0


def test_the_form_refuses_a_target_beyond_a_year_next_to_the_field(client, auth):
    _provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    data = {"title": "Orders", "description": "", "needs_from_consumer": "", "consumers": ["SALES"],
            "target_amount": "400", "target_unit": "business_days", "attainment_target": "95",
            "satisfaction_target": "4", "calendar": str(calendar.id), "owner": str(lead.id), "review_cadence": "month",
            "save": "Save"}
    response = client.post("/departments/PUR/commitments/new", data=data)
    assert (response.status_code, 'id="target_amount-error"' in response.get_data(as_text=True)) == (422, True)


@pytest.mark.parametrize(("amount", "why"), [
    (100000, "Must be greater than 0 and less than or equal to 8784."),
    (400, "must be at most 366 for business_days"),
], ids=["beyond every unit", "beyond its unit"])
def test_the_due_question_refuses_an_amount_no_commitment_may_state(client, login_as, amount, why):
    _provider, _other, _lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    login_as("employee")
    response = client.get(f"/api/v1/calendars/{calendar.id}/due?from=2026-01-05T09:00:00Z&amount={amount}"
                          "&unit=business_days")
    assert (response.status_code, response.json["errors"]["query"]) == (422, {"amount": [why]})

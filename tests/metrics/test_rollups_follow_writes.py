"""The rollups follow every write the app makes: rating, re-rating and erasing a rater."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests import factories
from tests.metrics.rollup_checks import brute_force, rollup_state
from tracker.extensions import db
from tracker.types import utcnow


def _delivered_handoff():
    provider = factories.make_department(code="IT")
    consumer = factories.make_department(code="SALES")
    commitment = factories.make_commitment(provider=provider)
    handoff = factories.make_handoff(commitment=commitment, consumer=consumer,
                                     requested_at=utcnow() - timedelta(days=3),
                                     delivered_at=utcnow() - timedelta(days=1))
    return handoff, consumer


def _rollups_match(app) -> bool:
    db.session.commit()
    return rollup_state() == brute_force(ZoneInfo(app.config["COMPANY_TIMEZONE"]))


def test_rating_and_changing_it_through_the_api_keeps_rollups_exact(app, client, login_as):
    handoff, consumer = _delivered_handoff()
    login_as("employee", department=consumer)
    url = f"/api/v1/handoffs/{handoff.id}/rating"
    assert client.put(url, json={"satisfaction": 5, "collaboration": 4}).status_code == 201
    assert _rollups_match(app)
    assert client.put(url, json={"satisfaction": 2, "collaboration": 1, "reasons": ["late"]}).status_code == 200
    periods, _raters = rollup_state()
    assert {v[0] for v in periods.values()} == {1}
    assert _rollups_match(app)


def test_erasing_a_rater_moves_their_rollup_rows_to_the_new_pseudonym(app, client, login_as):
    handoff, consumer = _delivered_handoff()
    rater = login_as("employee", department=consumer)
    client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={"satisfaction": 4, "collaboration": 4})
    client.post("/logout")
    login_as("admin")
    response = client.post(f"/api/v1/users/{rater.id}/erase", json={"confirm": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    _periods, raters = rollup_state()
    assert rater.id not in {key[-1] for key in raters}
    assert _rollups_match(app)

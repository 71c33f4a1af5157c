"""Recording a handoff and moving it along: due times, pauses, delivery, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories
from tracker.extensions import db
from tracker.models import Handoff, HandoffEvent


def _iso(value: datetime) -> str:
    return value.isoformat()


def _create(client, world, **extra):
    body = {"commitment": world.commitment.id, "consumer": "SALES", "title": "Laptop for Ana", **extra}
    return client.post("/api/v1/handoffs", json=body)


def test_consumer_employee_requests_work_and_sees_due_time(client, login_as, world):
    login_as("employee", department=world.consumer)
    requested = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    response = _create(client, world, requested_at=_iso(requested))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["consumer"]["code"], body["provider"]["code"]) == ("open", "SALES", "IT")
    assert datetime.fromisoformat(body["due_at"]) == requested + timedelta(hours=8)
    assert 6.9 * 3600 < body["business_time_left_seconds"] <= 7 * 3600
    assert [e["kind"] for e in body["events"]] == ["request"]


def test_provider_records_a_handoff(client, login_as, world):
    login_as("employee", department=world.provider)
    assert _create(client, world).status_code == 201


def test_bystander_department_may_not_record(client, login_as, world):
    login_as("lead", department=world.other)
    response = _create(client, world)
    assert response.status_code == 403
    assert db.session.query(Handoff).count() == 0


def test_commitment_not_offered_to_consumer_is_refused(client, login_as, world):
    named = factories.make_commitment(provider=world.provider, consumers=[world.other])
    db.session.commit()
    login_as("employee", department=world.consumer)
    response = client.post("/api/v1/handoffs", json={"commitment": named.id, "consumer": "SALES", "title": "x"})
    assert response.status_code == 422
    assert "consumer" in response.json["errors"]["json"]


def test_draft_commitment_is_refused(client, login_as, world):
    draft = factories.make_commitment(provider=world.provider, status="draft")
    db.session.commit()
    login_as("employee", department=world.consumer)
    response = client.post("/api/v1/handoffs", json={"commitment": draft.id, "consumer": "SALES", "title": "x"})
    assert response.status_code == 422
    assert "commitment" in response.json["errors"]["json"]


def test_future_request_time_is_refused(client, login_as, world):
    login_as("employee", department=world.consumer)
    response = _create(client, world, requested_at=_iso(datetime.now(UTC) + timedelta(hours=2)))
    assert response.status_code == 422
    assert "requested_at" in response.json["errors"]["json"]


def test_unknown_fields_are_rejected(client, login_as, world):
    login_as("employee", department=world.consumer)
    response = _create(client, world, status="delivered", requested_by=1)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"status", "requested_by"}


def test_pause_and_resume_move_the_due_time(client, login_as, world):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=start)
    handoff.due_at = start + timedelta(hours=8)
    db.session.commit()
    login_as("employee", department=world.provider)
    paused = client.post(f"/api/v1/handoffs/{handoff.id}/pause",
                         json={"reason": "waiting_on_consumer", "at": _iso(start + timedelta(hours=1))})
    assert paused.status_code == 200, paused.json
    assert paused.json["status"] == "paused"
    resumed = client.post(f"/api/v1/handoffs/{handoff.id}/resume", json={"at": _iso(start + timedelta(hours=4))})
    assert resumed.status_code == 200, resumed.json
    assert datetime.fromisoformat(resumed.json["due_at"]) == start + timedelta(hours=11)
    assert [(e["kind"], e["reason"]) for e in resumed.json["events"]] == [
        ("pause", "waiting_on_consumer"), ("resume", None)]


def test_delivered_late_is_not_met(client, login_as, world):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=20)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=start)
    handoff.due_at = start + timedelta(hours=8)
    db.session.commit()
    login_as("employee", department=world.provider)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver",
                           json={"delivered_at": _iso(start + timedelta(hours=9))})
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["met"]) == ("delivered", False)


def test_delivered_in_time_is_met(client, login_as, world):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=20)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=start)
    handoff.due_at = start + timedelta(hours=8)
    db.session.commit()
    login_as("employee", department=world.provider)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver",
                           json={"delivered_at": _iso(start + timedelta(hours=7))})
    assert response.json["met"] is True


def test_wrong_state_is_409_naming_the_state(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("employee", department=world.provider)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/resume", json={})
    assert response.status_code == 409
    assert "open" in response.json["message"]


def test_consumer_may_not_deliver(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("lead", department=world.consumer)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver", json={})
    assert response.status_code == 403
    assert db.session.get(Handoff, handoff.id).status == "open"


def test_future_delivery_is_refused(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("employee", department=world.provider)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver",
                           json={"delivered_at": _iso(datetime.now(UTC) + timedelta(days=1))})
    assert response.status_code == 422
    assert "delivered_at" in response.json["errors"]["json"]


def test_cancel_then_reopen(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("admin")
    assert client.post(f"/api/v1/handoffs/{handoff.id}/cancel", json={}).json["status"] == "cancelled"
    reopened = client.post(f"/api/v1/handoffs/{handoff.id}/reopen", json={}).json
    assert (reopened["status"], reopened["delivered_at"]) == ("open", None)
    kinds = [e.kind for e in db.session.query(HandoffEvent).filter_by(handoff_id=handoff.id).order_by("id")]
    assert kinds == ["cancel", "reopen"]


def test_list_shows_only_my_departments_handoffs(client, login_as, world):
    mine = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    foreign = factories.make_commitment()
    factories.make_handoff(commitment=foreign)
    db.session.commit()
    login_as("employee", department=world.consumer)
    listed = client.get("/api/v1/handoffs").json
    assert [h["id"] for h in listed] == [mine.id]


def test_list_filters_by_status(client, login_as, world):
    factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    delivered = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                       delivered_at=datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    login_as("leadership")
    listed = client.get("/api/v1/handoffs?status=delivered&provider=IT").json
    assert [h["id"] for h in listed] == [delivered.id]


def test_detail_page_shows_due_time_in_calendar_zone_and_actions(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, title="Laptop for Ana")
    db.session.commit()
    login_as("employee", department=world.provider)
    page = client.get(f"/handoffs/{handoff.id}").get_data(as_text=True)
    assert "(UTC)" in page, page[page.find("<main"):]
    assert "Mark delivered" in page


def test_action_form_delivers(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("employee", department=world.provider)
    response = client.post(f"/handoffs/{handoff.id}/deliver", data={})
    assert response.status_code == 302
    assert db.session.get(Handoff, handoff.id).status == "delivered"


def test_request_form_records_a_request(client, login_as, world):
    login_as("employee", department=world.consumer)
    response = client.post("/handoffs", data={"commitment": world.commitment.id, "title": "Laptop for Ana"})
    assert response.status_code == 302
    assert db.session.query(Handoff).one().requested_by_id is not None

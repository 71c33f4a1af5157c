"""Commitments over the API: drafts, publishing, revisions as versions, retiring, the catalog."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, CommitmentVersion, ServiceCommitment


def _create(client, body):
    response = client.post("/api/v1/commitments", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_lead_creates_a_draft_of_version_one(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    body = _create(client, factories.commitment_payload(provider, lead, calendar))
    assert (body["status"], body["version"], body["published_at"]) == ("draft", 1, None)
    assert body["target"] == {"amount": 2.0, "unit": "business_days"}
    assert body["owner"]["email"] == lead.email


def test_owner_may_be_given_by_id(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    body = factories.commitment_payload(provider, lead, calendar, owner=lead.id)
    assert _create(client, body)["owner"]["id"] == lead.id


def test_publish_sets_who_and_when_and_writes_audit(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    created = _create(client, factories.commitment_payload(provider, lead, calendar))
    published = client.post(f"/api/v1/commitments/{created['id']}/publish")
    assert published.status_code == 200
    assert published.json["status"] == "published"
    assert published.json["published_by"]["id"] == lead.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "commitment.publish"))
    assert (event.actor_id, event.target_id, event.details) == (lead.id, created["id"], {"version": 1})


def test_patch_on_a_draft_edits_it_in_place(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    created = _create(client, factories.commitment_payload(provider, lead, calendar))
    edited = client.patch(f"/api/v1/commitments/{created['id']}", json={"title": "Orders approved"})
    assert (edited.json["title"], edited.json["version"], edited.json["status"]) == ("Orders approved", 1, "draft")


def test_revision_publishes_next_version_copying_unchanged_fields(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    created = _create(client, factories.commitment_payload(provider, lead, calendar))
    client.post(f"/api/v1/commitments/{created['id']}/publish")
    change = {"target": {"amount": 1, "unit": "business_days"}}
    revised = client.patch(f"/api/v1/commitments/{created['id']}", json=change)
    assert revised.status_code == 200
    assert (revised.json["version"], revised.json["target"]["amount"]) == (2, 1.0)
    assert revised.json["title"] == "Purchase orders approved"
    versions = client.get(f"/api/v1/commitments/{created['id']}/versions").json
    assert [(v["number"], v["target"]["amount"]) for v in versions] == [(1, 2.0), (2, 1.0)]
    assert all(v["published_by"]["id"] == lead.id for v in versions)


def test_revision_writes_audit_with_changed_fields(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    created = _create(client, factories.commitment_payload(provider, lead, calendar))
    client.post(f"/api/v1/commitments/{created['id']}/publish")
    client.patch(f"/api/v1/commitments/{created['id']}", json={"title": "Faster orders", "satisfaction_target": 4.5})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "commitment.revise"))
    assert event.details == {"version": 2, "changed": ["title", "satisfaction_target"]}


def test_handoff_keeps_its_version_through_a_revision(client, auth):
    provider, other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, title="Old title")
    handoff = factories.make_handoff(commitment=commitment, consumer=other)
    first_version_id = commitment.current_version.id
    db.session.commit()
    auth.login(lead)
    revised = client.patch(f"/api/v1/commitments/{commitment.id}", json={"title": "New title"})
    assert revised.json["version"] == 2
    db.session.expire_all()
    assert handoff.commitment_version_id == first_version_id
    first = db.session.get(CommitmentVersion, first_version_id)
    assert (first.number, first.title, first.target_amount) == (1, "Old title", 2)


def test_revision_that_changes_nothing_is_422(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, title="Same")
    db.session.commit()
    auth.login(lead)
    response = client.patch(f"/api/v1/commitments/{commitment.id}", json={"title": "Same"})
    assert response.status_code == 422
    assert "_schema" in response.json["errors"]["json"]


def test_retire_keeps_history_and_writes_audit(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar)
    db.session.commit()
    auth.login(lead)
    retired = client.post(f"/api/v1/commitments/{commitment.id}/retire")
    assert (retired.status_code, retired.json["status"]) == (200, "retired")
    assert retired.json["retired_at"]
    assert len(client.get(f"/api/v1/commitments/{commitment.id}/versions").json) == 1
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "commitment.retire"))


def test_retired_commitment_cannot_be_revised(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, status="retired")
    db.session.commit()
    auth.login(lead)
    assert client.patch(f"/api/v1/commitments/{commitment.id}", json={"title": "x"}).status_code == 409


def test_publishing_twice_is_a_conflict(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar)
    db.session.commit()
    auth.login(lead)
    assert client.post(f"/api/v1/commitments/{commitment.id}/publish").status_code == 409


def test_lead_of_another_department_gets_403_and_nothing_changes(client, auth):
    provider, other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, title="Kept")
    stranger = factories.make_user(role="lead", department=other)
    db.session.commit()
    auth.login(stranger)
    assert client.patch(f"/api/v1/commitments/{commitment.id}", json={"title": "Taken"}).status_code == 403
    body = factories.commitment_payload(provider, lead, calendar)
    assert client.post("/api/v1/commitments", json=body).status_code == 403
    db.session.expire_all()
    assert [v.title for v in db.session.get(ServiceCommitment, commitment.id).versions] == ["Kept"]


def test_missing_commitment_is_404(client, login_as):
    login_as("admin")
    assert client.get("/api/v1/commitments/999999").status_code == 404
    assert client.post("/api/v1/commitments/999999/publish").status_code == 404
    assert client.get("/api/v1/commitments/99999999999999999999").status_code == 404


def test_admin_acts_for_any_department(client, login_as):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    login_as("admin")
    body = _create(client, factories.commitment_payload(provider, lead, calendar))
    assert client.post(f"/api/v1/commitments/{body['id']}/publish").status_code == 200


def _errors(response) -> dict:
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_invalid_values_name_their_fields(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    body = factories.commitment_payload(provider, lead, calendar, attainment_target=1, satisfaction_target=6, title="",
                   target={"amount": 0, "unit": "weeks"}, review_cadence="daily")
    errors = _errors(client.post("/api/v1/commitments", json=body))
    assert set(errors) == {"attainment_target", "satisfaction_target", "title", "target", "review_cadence"}
    assert set(errors["target"]) == {"amount", "unit"}


def test_unknown_fields_are_refused_and_nothing_is_written(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    body = factories.commitment_payload(provider, lead, calendar, status="published", created_by=1)
    errors = _errors(client.post("/api/v1/commitments", json=body))
    assert set(errors) == {"status", "created_by"}
    assert db.session.scalar(select(ServiceCommitment.id)) is None


def test_owner_outside_the_provider_is_refused(client, auth):
    provider, other, lead, calendar = factories.make_purchasing_organisation()
    outsider = factories.make_user(department=other)
    db.session.commit()
    auth.login(lead)
    body = factories.commitment_payload(provider, outsider, calendar)
    errors = _errors(client.post("/api/v1/commitments", json=body))
    assert list(errors) == ["owner"]


def test_unknown_calendar_consumer_and_self_service_are_refused(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    assert list(_errors(client.post("/api/v1/commitments", json=factories.commitment_payload(provider, lead, calendar,
                                                                          calendar=424242)))) == ["calendar"]
    assert list(_errors(client.post("/api/v1/commitments", json=factories.commitment_payload(provider, lead, calendar,
                                                                          consumers=["NOPE"])))) == ["consumers"]
    assert list(_errors(client.post("/api/v1/commitments", json=factories.commitment_payload(provider, lead, calendar,
                                                                          consumers=["PUR"])))) == ["consumers"]
    assert db.session.scalar(select(ServiceCommitment.id)) is None


def test_hostile_values_are_422_not_500(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    for field, value in (("title", "a\x00b"), ("calendar", 2**63), ("owner", True), ("attainment_target", "NaN"),
                         ("satisfaction_target", None), ("consumers", "PUR"), ("calendar", "1")):
        body = factories.commitment_payload(provider, lead, calendar, **{field: value})
        response = client.post("/api/v1/commitments", json=body)
        assert response.status_code == 422, (field, value, response.json)
        assert field in response.json["errors"]["json"]


def test_catalog_filters_by_consumer_including_all_consumer_commitments(client, login_as):
    pur, sales, it = (factories.make_department(code=c) for c in ("PUR", "SALES", "IT"))
    factories.make_commitment(provider=pur, title="For everyone")
    factories.make_commitment(provider=it, title="Laptops for sales", consumers=[sales])
    factories.make_commitment(provider=it, title="Only purchasing", consumers=[pur])
    factories.make_commitment(provider=sales, title="Sales own")
    login_as("employee", department=sales)
    titles = [c["title"] for c in client.get("/api/v1/commitments?consumer=SALES").json]
    assert titles == ["Laptops for sales", "For everyone"]


def test_catalog_filters_by_provider_status_and_search(client, login_as):
    pur, it = factories.make_department(code="PUR"), factories.make_department(code="IT")
    factories.make_commitment(provider=pur, title="Orders approved")
    factories.make_commitment(provider=pur, title="Old orders", status="retired")
    factories.make_commitment(provider=it, title="Laptops 100% ready")
    login_as("employee")
    assert [c["title"] for c in client.get("/api/v1/commitments?provider=pur&status=published").json] == [
        "Orders approved"]
    assert [c["title"] for c in client.get("/api/v1/commitments?q=ORDERS").json] == ["Old orders", "Orders approved"]
    assert [c["title"] for c in client.get("/api/v1/commitments?q=100%25").json] == ["Laptops 100% ready"]
    assert client.get("/api/v1/commitments?q=_").json == []


def test_catalog_is_paginated(client, login_as):
    provider = factories.make_department(code="PUR")
    for n in range(3):
        factories.make_commitment(provider=provider, title=f"C{n}")
    login_as("employee")
    response = client.get("/api/v1/commitments?page_size=2")
    assert len(response.json) == 2
    assert '"total": 3' in response.headers["X-Pagination"]


def test_catalog_filters_on_the_current_version(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, title="Alpha")
    db.session.commit()
    auth.login(lead)
    client.patch(f"/api/v1/commitments/{commitment.id}", json={"title": "Beta"})
    assert client.get("/api/v1/commitments?q=alpha").json == []
    assert [c["version"] for c in client.get("/api/v1/commitments?q=beta").json] == [2]


def test_drafts_are_hidden_from_other_departments(client, auth):
    provider, other, lead, calendar = factories.make_purchasing_organisation()
    draft = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, status="draft")
    member = factories.make_user(department=provider)
    outsider = factories.make_user(department=other)
    leader = factories.make_user(role="leadership", department=other)
    db.session.commit()
    for user, listed, status in ((member, 1, 200), (outsider, 0, 403), (leader, 0, 403)):
        auth.login(user)
        assert len(client.get("/api/v1/commitments?status=draft").json) == listed
        assert client.get(f"/api/v1/commitments/{draft.id}").status_code == status
        auth.logout()

"""The OpenAPI document says exactly what the server accepts and sends (the fuzz test's findings, one each)."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from tests import factories
from tracker.commitments.schemas import CommitmentTarget, CommitmentUpdate
from tracker.extensions import db
from tracker.models import CommitmentVersion


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _parameter(document, path: str, method: str, name: str) -> dict:
    operation = document["paths"][path]
    found = [*operation.get("parameters", []), *operation[method].get("parameters", [])]
    return next(p["schema"] for p in found if p["name"] == name)


def test_x_pagination_is_documented_as_the_json_text_it_is(client, login_as):
    factories.make_department(code="FIN")
    login_as("admin")
    header = client.get("/api/v1/departments").headers["X-Pagination"]
    documented = _document(client)["components"]["headers"]["PAGINATION"]["schema"]
    assert (documented["type"], json.loads(header)["total"]) == ("string", 1)


def test_bounds_the_server_refuses_are_documented_as_exclusive(client):
    schemas = _document(client)["components"]["schemas"]
    attainment = schemas["CommitmentCreate"]["properties"]["attainment_target"]
    amount = schemas["CommitmentTarget"]["properties"]["amount"]
    assert ((attainment["minimum"], attainment.get("exclusiveMinimum"), attainment["maximum"],
             attainment.get("exclusiveMaximum")), (amount["minimum"], amount.get("exclusiveMinimum"))) == (
        (0, True, 1, True), (0, True))


def test_a_query_bound_the_server_refuses_is_documented_as_exclusive(client):
    amount = _parameter(_document(client), "/api/v1/calendars/{calendar_id}/due", "get", "amount")
    assert (amount["minimum"], amount.get("exclusiveMinimum")) == (0, True)


def test_ids_in_paths_are_documented_from_1_and_0_matches_nothing(client, login_as):
    login_as("admin")
    documented = _parameter(_document(client), "/api/v1/handoffs/{handoff_id}", "get", "handoff_id")
    assert (documented["minimum"], client.get("/api/v1/handoffs/0").status_code) == (1, 404)


def test_a_body_is_documented_as_required_exactly_when_a_field_in_it_is(client):
    paths = _document(client)["paths"]
    required = {path: paths[path]["post"]["requestBody"]["required"] for path in (
        "/api/v1/handoffs/{handoff_id}/deliver", "/api/v1/handoffs/{handoff_id}/pause",
        "/api/v1/handoffs/{handoff_id}/cancel", "/api/v1/users")}
    assert required == {"/api/v1/handoffs/{handoff_id}/deliver": False, "/api/v1/handoffs/{handoff_id}/pause": True,
                        "/api/v1/handoffs/{handoff_id}/cancel": False, "/api/v1/users": True}


def test_the_deliver_body_is_documented_as_optional_and_may_be_left_out(client, login_as):
    provider = factories.make_department(code="PRV")
    lead = factories.make_user("lead", department=provider)
    handoff = factories.make_handoff(factories.make_commitment(provider=provider, owner=lead),
                                     consumer=factories.make_department(code="CON"))
    db.session.commit()
    client.post("/login", data={"email": lead.email, "password": factories.PASSWORD})
    documented = _document(client)["paths"]["/api/v1/handoffs/{handoff_id}/deliver"]["post"]["requestBody"]
    assert (documented["required"], client.post(f"/api/v1/handoffs/{handoff.id}/deliver").status_code) == (False, 200)


def test_the_import_documents_its_csv_and_json_bodies(client):
    body = _document(client)["paths"]["/api/v1/handoffs/import"]["post"]["requestBody"]
    assert (body["required"], sorted(body["content"])) == (True, ["application/json", "multipart/form-data",
                                                                  "text/csv"])


def test_nul_characters_are_documented_as_refused(client):
    provider = _parameter(_document(client), "/api/v1/handoffs", "get", "provider")
    assert provider["pattern"] == "^[^\\x00]*$"


def test_a_commitment_owner_is_documented_as_an_id_or_an_email(client):
    owner = _document(client)["components"]["schemas"]["CommitmentCreate"]["properties"]["owner"]
    assert [branch["type"] for branch in owner["oneOf"]] == ["integer", "string"]


def test_period_labels_are_documented_by_their_shape(client):
    label = _parameter(_document(client), "/api/v1/metrics/pairs", "get", "from")
    assert label["pattern"] == r"^\d{4}-(W\d{2}|Q[1-4]|\d{2}(-\d{2})?)$"


def test_an_amount_above_0_that_rounds_to_0_is_kept_as_the_smallest_stored_amount():
    assert CommitmentTarget().load({"amount": 0.001, "unit": "business_days"})["amount"] == Decimal("0.01")


def test_an_attainment_below_1_that_rounds_to_1_is_kept_below_1():
    assert CommitmentUpdate().load({"attainment_target": 0.99999})["attainment_target"] == Decimal("0.9999")


def test_a_satisfaction_target_past_5_is_refused_even_when_it_would_round_to_5():
    errors = CommitmentUpdate().validate({"satisfaction_target": 5.001})
    assert list(errors) == ["satisfaction_target"]


def test_a_tiny_amount_is_stored_as_the_smallest_amount_through_the_api(client, login_as):
    provider = factories.make_department(code="PRV")
    lead = login_as("lead", department=provider)
    calendar = factories.make_calendar()
    db.session.commit()
    response = client.post("/api/v1/commitments", json={
        "provider": "PRV", "title": "Tiny", "target": {"amount": 0.001, "unit": "business_days"},
        "attainment_target": 0.95, "satisfaction_target": 4, "calendar": calendar.id, "owner": lead.email})
    stored = db.session.scalar(select(CommitmentVersion.target_amount).where(
        CommitmentVersion.commitment_id == response.json["id"]))
    assert (response.status_code, stored) == (201, Decimal("0.01"))



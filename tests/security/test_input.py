"""Input the API must refuse: extra fields (mass assignment), values out of range or of the wrong type, huge bodies.

- Every API write that reads a JSON body refuses each of `rater`, `rater_id`, `role`, `department`,
  `created_at`, `id` (those it does not document) with 422, and the database stays as it was.
  The writes that read no body (publish, retire, revoke) are listed in NO_BODY, and the import
  (rows, reported one by one) in ROWS_BODY, so that a new write needs a decision.
- Every field of every API write, given 0, -1, 4.5, "5", true, null, 2^63, a NUL character or
  10,000 characters, gets an answer below 500; scores outside 1..5 or of another type are refused
  with 422 and no rating is stored.
- Ids of 2^63 in a path are refused (404), not a server error.
- A 10 MB body is refused with 413.
"""

from __future__ import annotations

import json

from tests.factories import build_security_world
from tests.security.routes import CALLS, UNSAFE, snapshot, url_rules
from tracker.extensions import db
from tracker.models import Rating

EXTRA_FIELDS = {"rater": 1, "rater_id": 1, "role": "admin", "department": "OTH",
                "created_at": "2020-01-01T00:00:00Z", "id": 4242}
BAD_VALUES = (0, -1, 4.5, "5", True, None, 2**63, "a\x00b", "x" * 10_000)
NO_BODY = {"api_commitments.publish_commitment", "api_commitments.retire_commitment", "api_me.revoke_token"}
ROWS_BODY = {"api_handoffs.import_handoffs"}
# Who makes each write: an administrator where one may, else the caller the matrix allows.
CALLER = {"api_ratings.put_rating": "consumer_employee", "api_me.revoke_token": "provider_lead"}


def _api_writes(app) -> list[tuple[str, str]]:
    return sorted(key for key in url_rules(app) if key[1] in UNSAFE and key[0].startswith("api_"))


def _documented_fields(spec: dict, url: str, method: str) -> set[str]:
    for path, operations in spec["paths"].items():
        pattern = path.split("/")
        parts = url.split("?")[0].split("/")
        if len(pattern) == len(parts) and all(p == u or p.startswith("{") for p, u in zip(pattern, parts, strict=True)):
            body = operations[method.lower()].get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
                return set(spec["components"]["schemas"][ref].get("properties", {}))
    raise AssertionError(f"{method} {url} is not documented")


def _writes_with_a_body(client, auth, world):
    """(endpoint, method, caller) for every API write that takes a JSON body, signed in as its caller."""
    signed_in = None
    for endpoint, method in _api_writes(client.application):
        if endpoint in NO_BODY | ROWS_BODY:
            continue
        caller = CALLER.get(endpoint, "admin")
        if caller != signed_in:
            auth.logout()
            auth.login(world.people[caller])
            signed_in = caller
        yield endpoint, method, caller


def test_every_api_write_refuses_unknown_fields_and_writes_nothing(client, auth):
    world = build_security_world()
    spec = client.get("/api/v1/openapi.json").json
    accepted, changed, checked = [], [], 0
    for endpoint, method, caller in _writes_with_a_body(client, auth, world):
        for name, value in EXTRA_FIELDS.items():
            url, kwargs = CALLS[endpoint, method](world, caller)
            if name in _documented_fields(spec, url, method):
                continue
            body = {**kwargs["json"], name: value}
            before = snapshot()
            response = client.open(url, method=method, json=body)
            checked += 1
            if response.status_code != 422 or name not in json.dumps(response.json.get("errors")):
                accepted.append(f"{method} {url} with {name}: {response.status_code}")
            changed += [f"{method} {url} with {name} changed {t}" for t, rows in snapshot().items()
                        if rows != before[t]]
    assert checked > 60
    assert accepted == []
    assert changed == []


def test_the_writes_without_a_json_body_are_exactly_the_listed_ones(client):
    spec = client.get("/api/v1/openapi.json").json
    without = set()
    for rule in client.application.url_map.iter_rules():
        path = "".join(f"{{{part.split(':')[-1]}" if i else part for i, part in enumerate(rule.rule.split("<")))
        path = path.replace(">", "}")
        for method in rule.methods & set(UNSAFE):
            operation = spec["paths"].get(path, {}).get(method.lower())
            if rule.endpoint.startswith("api_") and operation is not None and "requestBody" not in operation:
                without.add(rule.endpoint)
    assert without == NO_BODY


def test_import_rows_with_unknown_fields_create_nothing(client, auth):
    world = build_security_world()
    auth.login(world.people["admin"])
    row = {"commitment": world.published.id, "consumer": "CON", "title": "t", "external_ref": "R-1",
           "rater": 1, "created_at": "2020-01-01T00:00:00Z"}
    report = client.post("/api/v1/handoffs/import?source=s", json=[row]).json
    assert report["created"] == 0
    assert {error["field"] for error in report["errors"]} >= {"rater", "created_at"}


def test_wrong_values_in_every_field_never_make_a_server_error(client, auth):
    world = build_security_world()
    errors = []
    for endpoint, method, caller in _writes_with_a_body(client, auth, world):
        url, kwargs = CALLS[endpoint, method](world, caller)
        for name in kwargs["json"]:
            for value in BAD_VALUES:
                url, kwargs = CALLS[endpoint, method](world, caller)
                response = client.open(url, method=method, json={**kwargs["json"], name: value})
                if response.status_code >= 500:
                    errors.append(f"{method} {url} {name}={value!r:.30}: {response.status_code}")
    assert errors == []


def test_scores_out_of_range_or_of_another_type_are_refused(client, auth):
    world = build_security_world()
    auth.login(world.people["consumer_employee"])
    url = f"/api/v1/handoffs/{world.delivered.id}/rating"
    statuses = set()
    for field in ("satisfaction", "collaboration"):
        for value in (0, 6, -1, 4.5, "5", True, None, 2**63):
            body = {"satisfaction": 4, "collaboration": 4, field: value}
            statuses.add(client.put(url, json=body).status_code)
    for comment in ("x" * 2001, "a\x00b", 5):
        statuses.add(client.put(url, json={"satisfaction": 4, "collaboration": 4, "comment": comment}).status_code)
    assert statuses == {422}
    assert db.session.scalar(db.select(db.func.count()).select_from(Rating).where(
        Rating.handoff_id == world.delivered.id)) == 0


def test_ids_beyond_the_database_range_are_not_found(client, auth):
    world = build_security_world()
    auth.login(world.people["admin"])
    huge = 2**63
    answers = {
        "GET /api/v1/handoffs": client.get(f"/api/v1/handoffs/{huge}").status_code,
        "GET /api/v1/handoffs rating": client.get(f"/api/v1/handoffs/{huge}/rating").status_code,
        "POST /api/v1/handoffs deliver": client.post(f"/api/v1/handoffs/{huge}/deliver", json={}).status_code,
        "GET /handoffs": client.get(f"/handoffs/{huge}").status_code,
        "GET /handoffs rate": client.get(f"/handoffs/{huge}/rate").status_code,
        "DELETE /api/v1/tokens": client.delete(f"/api/v1/tokens/{huge}").status_code,
        "GET /api/v1/metrics/commitments": client.get(f"/api/v1/metrics/commitments/{huge}").status_code,
    }
    # Werkzeug checks a rule's methods before its converters, so a GET beside a PUT-only rule of the
    # same shape is a 405; either way a refusal, never a server error.
    assert {name: status for name, status in answers.items() if status not in (404, 405)} == {}


def test_a_ten_megabyte_body_is_refused(client, auth):
    world = build_security_world()
    auth.login(world.people["admin"])
    big = "x" * (10 * 1024 * 1024)
    api = client.post("/api/v1/handoffs", data=json.dumps({"title": big}), content_type="application/json")
    form = client.post("/admin/people", data={"display_name": big})
    assert (api.status_code, form.status_code) == (413, 413)

"""Who may do what: every route of handoffs and ratings against every role and department relation.

The table is keyed by (endpoint, method); a route of these features that is missing from it
fails the test, so new routes get an explicit decision.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import Handoff
from tracker.ratings.links import link_path

ROLES = ("anonymous", "consumer_employee", "other_employee", "provider_lead", "other_lead", "leadership", "admin")
SECRET_TITLE = "Zebra-quartz handoff"

# status per role, in the order of ROLES
LIST = (401, 200, 200, 200, 200, 200, 200)
PAGE = (302, 200, 200, 200, 200, 200, 200)
SEE = (401, 200, 404, 200, 404, 200, 200)
SEE_PAGE = (302, 200, 404, 200, 404, 200, 200)
ACT = (401, 403, 404, 200, 404, 403, 200)
ACT_PAGE = (302, 403, 404, 302, 404, 403, 302)
RATE = (401, 201, 404, 403, 404, 403, 403)
RATE_PAGE_GET = (302, 200, 404, 403, 404, 403, 403)
RATE_PAGE_POST = (302, 302, 404, 403, 404, 403, 403)
OWN_RATING = (401, 404, 404, 404, 404, 404, 404)
LINK = (200, 403, 403, 403, 403, 403, 403)

# (endpoint, method) -> (path template, body, expected statuses). {open}, {paused}, {delivered} are ids of
# fresh handoffs in that state; every request gets fresh ones so that no call depends on another.
TABLE = {
    ("api_handoffs.list_handoffs", "GET"): ("/api/v1/handoffs", None, LIST),
    ("api_handoffs.create_handoff", "POST"): ("/api/v1/handoffs", {"commitment": "{commitment}", "consumer": "SALES",
                                                                   "title": "New"},
                                              (401, 201, 403, 201, 403, 403, 201)),
    ("api_handoffs.get_handoff", "GET"): ("/api/v1/handoffs/{open}", None, SEE),
    ("api_handoffs.deliver", "POST"): ("/api/v1/handoffs/{open}/deliver", {}, ACT),
    ("api_handoffs.pause", "POST"): ("/api/v1/handoffs/{open}/pause", {"reason": "waiting_on_consumer"}, ACT),
    ("api_handoffs.resume", "POST"): ("/api/v1/handoffs/{paused}/resume", {}, ACT),
    ("api_handoffs.cancel", "POST"): ("/api/v1/handoffs/{open}/cancel", {}, ACT),
    ("api_handoffs.reopen", "POST"): ("/api/v1/handoffs/{delivered}/reopen", {}, ACT),
    ("api_handoffs.import_handoffs", "POST"): ("/api/v1/handoffs/import", "csv", LIST),
    ("api_ratings.put_rating", "PUT"): ("/api/v1/handoffs/{delivered}/rating",
                                        {"satisfaction": 4, "collaboration": 4}, RATE),
    ("api_ratings.get_rating", "GET"): ("/api/v1/handoffs/{delivered}/rating", None, OWN_RATING),
    ("api_ratings.inbox", "GET"): ("/api/v1/ratings/inbox", None, LIST),
    ("api_ratings.mine", "GET"): ("/api/v1/ratings/mine", None, LIST),
    ("handoffs.index", "GET"): ("/handoffs", None, PAGE),
    ("handoffs.create", "POST"): ("/handoffs", {"commitment": "{commitment}", "title": "New"},
                                  (302, 302, 302, 403, 302, 302, 403)),
    ("handoffs.export_csv", "GET"): ("/handoffs/export.csv", None, PAGE),
    ("handoffs.detail", "GET"): ("/handoffs/{open}", None, SEE_PAGE),
    ("handoffs.act", "POST"): ("/handoffs/{open}/deliver", {}, ACT_PAGE),
    ("handoffs.delivered", "GET"): ("/handoffs/delivered?provider=IT", None, (302, 301, 301, 301, 301, 301, 301)),
    ("ratings.delivered", "GET"): ("/ratings/delivered?provider=IT", None, (302, 403, 403, 200, 403, 200, 200)),
    ("ratings.inbox", "GET"): ("/ratings/inbox", None, PAGE),
    ("ratings.mine", "GET"): ("/ratings/mine", None, PAGE),
    ("ratings.rate", "GET"): ("/handoffs/{delivered}/rate", None, RATE_PAGE_GET),
    ("ratings.rate", "POST"): ("/handoffs/{delivered}/rate", {"satisfaction": "4", "collaboration": "5"},
                               RATE_PAGE_POST),
    # A link sent to a consumer employee: it acts for its recipient alone, signed in or not, and for
    # nobody else who is signed in.
    ("ratings.rate_from_link", "GET"): ("{link}", None, LINK),
    ("ratings.rate_from_link", "POST"): ("{link}", {"satisfaction": "4", "collaboration": "5"}, LINK),
}
EXTRA = [
    ("/handoffs/{paused}/resume", {}, ACT_PAGE),
    ("/handoffs/{open}/pause", {"reason": "waiting_on_third_party"}, ACT_PAGE),
    ("/handoffs/{delivered}/reopen", {}, ACT_PAGE),
    ("/handoffs/{open}/cancel", {}, ACT_PAGE),
    ("/ratings/delivered", None, PAGE),
]


def test_every_route_of_the_feature_is_in_the_table(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("handoffs", "ratings", "api_handoffs", "api_ratings")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(TABLE)


def _fresh(world, state: str) -> int:
    now = datetime.now(UTC)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, title=SECRET_TITLE,
                                     requested_at=now - timedelta(days=2),
                                     delivered_at=now - timedelta(hours=1) if state == "delivered" else None)
    if state == "paused":
        handoff.status = "paused"
    db.session.commit()
    return handoff.id


def _sign_in(role: str, world, login_as) -> None:
    department = {"consumer_employee": world.consumer, "other_employee": world.other, "provider_lead": world.provider,
                  "other_lead": world.other, "leadership": factories.make_department(code="EXEC")}.get(role)
    if role == "anonymous":
        return
    login_as({"consumer_employee": "employee", "other_employee": "employee", "provider_lead": "lead",
              "other_lead": "lead"}.get(role, role), department=department)


def _link(world) -> str:
    recipient = factories.make_user(department=world.consumer)
    handoff = db.session.get(Handoff, _fresh(world, "delivered"))
    return link_path(recipient, handoff)


def _fill(value, world):
    if value == "{link}":
        return _link(world)
    if isinstance(value, str):
        return value.format(open=_fresh(world, "open") if "{open}" in value else 0,
                            paused=_fresh(world, "paused") if "{paused}" in value else 0,
                            delivered=_fresh(world, "delivered") if "{delivered}" in value else 0,
                            commitment=world.commitment.id)
    if isinstance(value, dict):
        filled = {k: _fill(v, world) for k, v in value.items()}
        return {k: int(v) if k == "commitment" and "api" in str(value) else v for k, v in filled.items()}
    return value


def _request(client, method: str, path: str, body, world):
    if body == "csv":
        csv = f"commitment,consumer,title,external_ref\n{world.commitment.id},SALES,{SECRET_TITLE},R-1\n"
        return client.post(path + "?source=matrix", data=csv, content_type="text/csv")
    if path.startswith("/api/"):
        if isinstance(body, dict) and "commitment" in body:
            body = {**body, "commitment": world.commitment.id}
        return client.open(path, method=method, json=body)
    return client.open(path, method=method, data=body)


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, login_as, world, role):
    _sign_in(role, world, login_as)
    index = ROLES.index(role)
    failures = []
    cases = [(method, *case) for (_e, method), case in TABLE.items()] + [("POST", *c) for c in EXTRA[:-1]]
    cases.append(("GET", *EXTRA[-1]))
    for method, path, body, expected in cases:
        url = _fill(path, world)
        response = _request(client, method, url, _fill(body, world) if isinstance(body, dict) else body, world)
        if response.status_code != expected[index]:
            failures.append(f"{method} {path}: {response.status_code}, expected {expected[index]}")
        elif response.status_code in (401, 403, 404) and SECRET_TITLE in response.get_data(as_text=True):
            failures.append(f"{method} {path}: denied but shows data")
    assert failures == []


def test_import_for_another_department_creates_nothing(client, login_as, world):
    login_as("lead", department=world.other)
    csv = f"commitment,consumer,title,external_ref\n{world.commitment.id},SALES,x,R-1\n"
    report = client.post("/api/v1/handoffs/import?source=s", data=csv, content_type="text/csv").json
    assert (report["created"], report["errors"][0]["field"]) == (0, "commitment")

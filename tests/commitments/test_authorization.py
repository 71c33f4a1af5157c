"""Who may open every route of commitments and calendars: one table, checked for six kinds of caller.

The table must name every route of these blueprints, so that a new route cannot go unchecked.
"""

from __future__ import annotations

import pytest

from tests import factories
from tracker.extensions import db

ROLES = ("anonymous", "employee", "provider_lead", "other_lead", "leadership", "admin")
READ = set(ROLES) - {"anonymous"}
MANAGE = {"provider_lead", "admin"}
ADMIN = {"admin"}
BLUEPRINTS = ("commitments.", "calendars.", "api_commitments.", "api_calendars.")

SECRET_TITLE = "Confidential draft title"


def _form(world) -> dict:
    return {
        "title": "Revised by form", "description": "", "needs_from_consumer": "", "target_amount": "3",
        "target_unit": "business_days", "attainment_target": "90", "satisfaction_target": "4",
        "calendar": str(world["calendar"].id), "owner": str(world["owner"].id), "review_cadence": "month",
        "save": "Save",
    }


def _calendar_form(name: str) -> dict:
    return {"name": name, "timezone": "Europe/Berlin", "weekdays": ["0", "1", "2"], "hours": "08:00-16:00",
            "country": "DE", "subdivision": "", "closures": "", "extra_working_days": "", "save": "Save"}


# (endpoint, method) -> (who may, how to call it: world -> (url, kwargs), status when allowed)
TABLE = {
    ("commitments.catalog", "GET"): (READ, lambda w: ("/commitments?scope=all", {}), 200),
    ("commitments.department", "GET"): (READ, lambda w: ("/departments/PUR", {}), 200),
    ("commitments.detail", "GET"): (READ, lambda w: (f"/commitments/{w['published'].id}", {}), 200),
    ("commitments.compare", "GET"): (READ, lambda w: (f"/commitments/{w['published'].id}/compare", {}), 200),
    ("commitments.new", "GET"): (MANAGE, lambda w: ("/departments/PUR/commitments/new", {}), 200),
    ("commitments.new", "POST"): (MANAGE, lambda w: ("/departments/PUR/commitments/new", {"data": _form(w)}), 302),
    ("commitments.edit", "GET"): (MANAGE, lambda w: (f"/commitments/{w['published'].id}/edit", {}), 200),
    ("commitments.edit", "POST"): (MANAGE, lambda w: (f"/commitments/{w['revised'].id}/edit",
                                                      {"data": _form(w)}), 302),
    ("commitments.publish", "POST"): (MANAGE, lambda w: (f"/commitments/{w['draft'].id}/publish", {}), 302),
    ("commitments.retire", "GET"): (MANAGE, lambda w: (f"/commitments/{w['published'].id}/retire", {}), 200),
    ("commitments.retire", "POST"): (MANAGE, lambda w: (f"/commitments/{w['retired'].id}/retire", {}), 302),
    ("calendars.index", "GET"): (READ, lambda w: ("/calendars", {}), 200),
    ("calendars.detail", "GET"): (READ, lambda w: (f"/calendars/{w['calendar'].id}", {}), 200),
    ("calendars.new", "GET"): (ADMIN, lambda w: ("/calendars/new", {}), 200),
    ("calendars.new", "POST"): (ADMIN, lambda w: ("/calendars/new", {"data": _calendar_form("Berlin")}), 302),
    ("calendars.edit", "GET"): (ADMIN, lambda w: (f"/calendars/{w['calendar'].id}/edit", {}), 200),
    ("calendars.edit", "POST"): (ADMIN, lambda w: (f"/calendars/{w['calendar'].id}/edit",
                                                   {"data": _calendar_form("Renamed")}), 302),
    ("api_commitments.list_commitments", "GET"): (READ, lambda w: ("/api/v1/commitments", {}), 200),
    ("api_commitments.create_commitment", "POST"): (MANAGE, lambda w: (
        "/api/v1/commitments", {"json": factories.commitment_payload(w["provider"], w["owner"], w["calendar"])}), 201),
    ("api_commitments.get_commitment", "GET"): (READ, lambda w: (f"/api/v1/commitments/{w['published'].id}", {}),
                                                200),
    ("api_commitments.update_commitment", "PATCH"): (MANAGE, lambda w: (
        f"/api/v1/commitments/{w['published'].id}", {"json": {"title": "Revised by API"}}), 200),
    ("api_commitments.publish_commitment", "POST"): (MANAGE, lambda w: (
        f"/api/v1/commitments/{w['draft2'].id}/publish", {}), 200),
    ("api_commitments.retire_commitment", "POST"): (MANAGE, lambda w: (
        f"/api/v1/commitments/{w['retired2'].id}/retire", {}), 200),
    ("api_commitments.list_versions", "GET"): (READ, lambda w: (
        f"/api/v1/commitments/{w['published'].id}/versions", {}), 200),
    ("api_calendars.list_calendars", "GET"): (READ, lambda w: ("/api/v1/calendars", {}), 200),
    ("api_calendars.create_calendar", "POST"): (ADMIN, lambda w: ("/api/v1/calendars", {"json": {
        "name": "API calendar", "timezone": "UTC", "weekdays": [0], "hours": [["09:00", "17:00"]]}}), 201),
    ("api_calendars.get_calendar", "GET"): (READ, lambda w: (f"/api/v1/calendars/{w['calendar'].id}", {}), 200),
    ("api_calendars.update_calendar", "PATCH"): (ADMIN, lambda w: (
        f"/api/v1/calendars/{w['calendar'].id}", {"json": {"weekdays": [0, 1]}}), 200),
    ("api_calendars.due", "GET"): (READ, lambda w: (
        f"/api/v1/calendars/{w['calendar'].id}/due?from=2025-01-24T17:00:00%2B08:00&amount=4&unit=business_hours",
        {}), 200),
    ("api_calendars.working_days", "GET"): (READ, lambda w: (
        f"/api/v1/calendars/{w['calendar'].id}/working-days", {}), 200),
}


def _world() -> dict:
    provider = factories.make_department(code="PUR")
    other = factories.make_department(code="SALES")
    calendar = factories.make_calendar(name="Shanghai")
    owner = factories.make_user(role="lead", department=provider)
    other_lead = factories.make_user(role="lead", department=other)
    world = {"provider": provider, "calendar": calendar, "owner": owner, "provider_lead": owner,
             "other_lead": other_lead, "employee": factories.make_user(department=provider),
             "leadership": factories.make_user(role="leadership", department=other),
             "admin": factories.make_user(role="admin")}
    common = {"provider": provider, "owner": owner, "calendar": calendar}
    for name in ("published", "revised", "retired", "retired2"):
        world[name] = factories.make_commitment(title=f"{name} commitment", **common)
    for name in ("draft", "draft2"):
        world[name] = factories.make_commitment(status="draft", title=SECRET_TITLE, **common)
    db.session.commit()
    return world


def test_table_names_every_route_of_the_feature(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(BLUEPRINTS)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(TABLE)


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_caller_as_the_table_says(client, auth, role):
    world = _world()
    if role != "anonymous":
        auth.login(world[role])
    for (endpoint, method), (allowed, call, ok_status) in TABLE.items():
        url, kwargs = call(world)
        response = client.open(url, method=method, **kwargs)
        where = (endpoint, method, role)
        if role == "anonymous":
            if url.startswith("/api/"):
                assert response.status_code == 401, where
            else:
                assert response.status_code == 302, where
                assert response.headers["Location"].endswith("/login"), where
        elif role in allowed:
            assert response.status_code == ok_status, (where, response.get_data(as_text=True)[:500])
        else:
            assert response.status_code == 403, where
            assert SECRET_TITLE not in response.get_data(as_text=True), where

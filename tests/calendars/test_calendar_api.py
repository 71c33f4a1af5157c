"""Business calendars over the API: administration, validation and the due-time question."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, BusinessCalendar

SHANGHAI = {
    "name": "Shanghai office",
    "timezone": "Asia/Shanghai",
    "weekdays": [0, 1, 2, 3, 4],
    "hours": [["13:00", "18:00"], ["09:00", "12:00"]],
    "country": "cn",
    "closures": ["2025-02-05"],
    "extra_working_days": ["2025-02-08"],
}


def test_admin_creates_a_calendar_stored_in_order(client, login_as):
    admin = login_as("admin")
    response = client.post("/api/v1/calendars", json=SHANGHAI)
    assert response.status_code == 201
    body = response.json
    assert body["hours"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert (body["country"], body["closures"], body["extra_working_days"]) == ("CN", ["2025-02-05"], ["2025-02-08"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.create"))
    assert event.actor_id == admin.id


def test_only_admins_create_or_change_calendars(client, login_as):
    calendar = factories.make_calendar(name="Kept")
    login_as("lead")
    assert client.post("/api/v1/calendars", json=SHANGHAI).status_code == 403
    assert client.patch(f"/api/v1/calendars/{calendar.id}", json={"name": "Taken"}).status_code == 403
    db.session.expire_all()
    assert db.session.scalars(select(BusinessCalendar.name)).all() == ["Kept"]


def test_everyone_signed_in_lists_and_reads_calendars(client, login_as):
    calendar = factories.make_calendar(name="Berlin", timezone="Europe/Berlin", country="DE")
    login_as("employee")
    assert [c["name"] for c in client.get("/api/v1/calendars").json] == ["Berlin"]
    assert client.get(f"/api/v1/calendars/{calendar.id}").json["timezone"] == "Europe/Berlin"


def test_patch_changes_only_given_settings(client, login_as):
    calendar = factories.make_calendar(name="Office")
    login_as("admin")
    response = client.patch(f"/api/v1/calendars/{calendar.id}", json={"weekdays": [0, 1, 2, 3, 4, 5]})
    assert response.status_code == 200
    assert (response.json["weekdays"], response.json["name"]) == ([0, 1, 2, 3, 4, 5], "Office")


def _field_errors(response) -> dict:
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_settings_the_calendar_arithmetic_refuses_name_their_field(client, login_as):
    login_as("admin")
    cases = {
        "timezone": {"timezone": "Mars/Olympus"},
        "hours": {"hours": [["18:00", "09:00"]]},
        "country": {"country": "XX"},
        "subdivision": {"subdivision": "ZZ"},
        "extra_working_days": {"closures": ["2025-02-08"]},
    }
    for field, change in cases.items():
        errors = _field_errors(client.post("/api/v1/calendars", json={**SHANGHAI, **change}))
        assert list(errors) == [field], (field, errors)
    assert db.session.scalar(select(BusinessCalendar.id)) is None


def test_malformed_settings_are_refused_by_the_schema(client, login_as):
    login_as("admin")
    body = {**SHANGHAI, "weekdays": [7], "hours": [["09:00"]], "closures": ["2025-02-30"], "extra": 1}
    assert set(_field_errors(client.post("/api/v1/calendars", json=body))) == {
        "weekdays", "hours", "closures", "extra"}


def test_duplicate_name_is_refused_on_the_name(client, login_as):
    factories.make_calendar(name="Shanghai office")
    login_as("admin")
    assert list(_field_errors(client.post("/api/v1/calendars", json=SHANGHAI))) == ["name"]


def test_missing_calendar_is_404(client, login_as):
    login_as("admin")
    assert client.get("/api/v1/calendars/424242").status_code == 404
    assert client.patch("/api/v1/calendars/424242", json={"name": "x"}).status_code == 404


def test_due_counts_working_hours_across_lunch_and_china_make_up_weekend(client, login_as):
    login_as("admin")
    body = {**SHANGHAI, "closures": [], "extra_working_days": []}
    calendar_id = client.post("/api/v1/calendars", json=body).json["id"]
    # Friday 2025-01-24 17:00 Shanghai; Sunday 2025-01-26 is an official make-up working day.
    response = client.get(f"/api/v1/calendars/{calendar_id}/due",
                          query_string={"from": "2025-01-24T17:00:00+08:00", "amount": "4", "unit": "business_hours"})
    assert response.status_code == 200
    assert response.json == {"due_at": "2025-01-26T04:00:00+00:00"}


def test_due_needs_a_start_with_an_offset(client, login_as):
    calendar = factories.make_calendar()
    login_as("employee")
    for start in ("2025-01-24T17:00:00", "tomorrow"):
        response = client.get(f"/api/v1/calendars/{calendar.id}/due",
                              query_string={"from": start, "amount": "4", "unit": "business_hours"})
        assert response.status_code == 422
        assert list(response.json["errors"]["query"]) == ["from"]


def test_due_refuses_bad_amount_and_unit(client, login_as):
    calendar = factories.make_calendar()
    login_as("employee")
    response = client.get(f"/api/v1/calendars/{calendar.id}/due",
                          query_string={"from": "2025-01-24T17:00:00Z", "amount": "-1", "unit": "weeks"})
    assert set(response.json["errors"]["query"]) == {"amount", "unit"}


def test_working_days_lists_the_next_ones(client, login_as):
    calendar = factories.make_calendar(country="CN")
    login_as("employee")
    response = client.get(f"/api/v1/calendars/{calendar.id}/working-days", query_string={"from": "2025-01-24",
                                                                                            "count": 4})
    assert response.json == {"days": ["2025-01-24", "2025-01-26", "2025-01-27", "2025-02-05"]}

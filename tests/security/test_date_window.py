"""Dates and times outside the window (year 1, year 9999, a handoff "requested in 1500") are refused
with 422 naming the field, on every way in: bodies, filters, imports, calendars, metrics, dashboards."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import Handoff

YEAR_1 = "0001-01-01T00:00:00+08:00"
YEAR_9999 = "9999-12-31T23:00:00-05:00"
YEAR_1500 = "1500-03-01T00:00:00Z"
OUTSIDE = (YEAR_1, YEAR_9999, YEAR_1500)


def _field_errors(response) -> list[str]:
    return list(response.json["errors"]["json"]) if response.is_json else []


@pytest.mark.parametrize("value", OUTSIDE)
def test_a_handoff_request_outside_the_window_is_refused(client, login_as, world, value):
    login_as("admin")
    response = client.post("/api/v1/handoffs", json={"commitment": world.commitment.id, "consumer": "SALES",
                                                     "title": "Old", "requested_at": value})
    assert (response.status_code, _field_errors(response)) == (422, ["requested_at"])


@pytest.mark.parametrize("value", OUTSIDE)
def test_a_delivery_time_outside_the_window_is_refused(client, login_as, world, value):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("admin")
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver", json={"delivered_at": value})
    assert (response.status_code, _field_errors(response)) == (422, ["delivered_at"])


@pytest.mark.parametrize("value", OUTSIDE)
def test_a_list_filter_outside_the_window_is_refused(client, login_as, world, value):
    login_as("admin")
    response = client.get(f"/api/v1/handoffs?from={quote(value)}")
    assert response.status_code == 422
    assert "from" in response.json["errors"]["query"]


@pytest.mark.parametrize("value", OUTSIDE)
def test_an_import_row_outside_the_window_is_reported_and_not_written(client, login_as, world, value):
    login_as("admin")
    csv = f"commitment,consumer,title,requested_at,external_ref\n{world.commitment.id},SALES,Old,{value},r1\n"
    response = client.post("/api/v1/handoffs/import?source=erp", data=csv, content_type="text/csv")
    assert response.status_code == 200
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(1, "requested_at")]
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0


@pytest.mark.parametrize("value", OUTSIDE)
def test_the_due_question_outside_the_window_is_refused(client, login_as, world, value):
    calendar = world.commitment.current_version.calendar
    login_as("employee")
    response = client.get(f"/api/v1/calendars/{calendar.id}/due?from={quote(value)}&amount=2&unit=business_days")
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == ["from"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1500-03-01"])
def test_closures_and_working_days_outside_the_window_are_refused(client, login_as, world, day):
    calendar = world.commitment.current_version.calendar
    login_as("admin")
    for field in ("closures", "extra_working_days"):
        response = client.patch(f"/api/v1/calendars/{calendar.id}", json={field: [day]})
        assert (response.status_code, _field_errors(response)) == (422, [field])
    listed = client.get(f"/api/v1/calendars/{calendar.id}/working-days?from={day}")
    assert listed.status_code == 422


def test_the_calendar_form_refuses_a_closure_outside_the_window(client, login_as, world):
    calendar = world.commitment.current_version.calendar
    login_as("admin")
    form = {"name": calendar.name, "timezone": "UTC", "weekdays": ["0", "1", "2", "3", "4"], "hours": "09:00-17:00",
            "country": "", "subdivision": "", "closures": "9999-12-31", "extra_working_days": "", "save": "Save"}
    response = client.post(f"/calendars/{calendar.id}/edit", data=form)
    assert (response.status_code, b"must lie between" in response.data) == (422, True)
    db.session.expire_all()
    assert calendar.closures == []


@pytest.mark.parametrize(("period", "label"), [("month", "0001-01"), ("month", "9999-12"), ("week", "0001-W01"),
                                               ("quarter", "9999-Q4"), ("month", "1500-03-01")])
def test_metric_ranges_outside_the_window_are_refused(client, login_as, world, period, label):
    login_as("leadership")
    for query in (f"from={label}", f"to={label}"):
        response = client.get(f"/api/v1/metrics/pairs?metric=attainment&period={period}&{query}")
        assert (response.status_code, _field_errors(response)) == (422, [query.split("=")[0]])


@pytest.mark.parametrize("url", [
    "/dashboards?period=month&at=0001-01",
    "/dashboards?period=quarter&at=9999-Q4",
    "/dashboards/pairs/IT/SALES?period=month&from=0001-01&to=0001-01",
    "/dashboards/pairs/IT/SALES?period=week&to=9999-W52",
    "/dashboards/pairs/IT/SALES.csv?period=month&from=9999-12",
    "/dashboards/matrix.csv?period=month&at=0001-01",
])
def test_dashboard_pages_refuse_ranges_outside_the_window_with_a_page(client, login_as, world, url):
    login_as("leadership")
    response = client.get(url)
    assert response.status_code == 422

"""Calendar pages: the list, the next working days at a glance, and the administrators' forms."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import BusinessCalendar


def _follow(client, response):
    """Open the page a redirect points to (the test client runs each request in its own context)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get(response.headers["Location"])


def _form(**overrides) -> dict:
    data = {"name": "Shanghai office", "timezone": "Asia/Shanghai", "weekdays": ["0", "1", "2", "3", "4"],
            "hours": "09:00-12:00, 13:00-18:00", "country": "CN", "subdivision": "",
            "closures": "2025-02-05", "extra_working_days": "2025-02-08\n2025-02-09", "save": "Save"}
    data.update(overrides)
    return data


def test_admin_creates_a_calendar_with_a_lunch_break(client, login_as):
    login_as("admin")
    response = _follow(client, client.post("/calendars/new", data=_form()))
    assert "The calendar “Shanghai office” is created." in response.get_data(as_text=True)
    calendar = db.session.scalar(select(BusinessCalendar))
    assert calendar.hours == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert calendar.extra_working_days == ["2025-02-08", "2025-02-09"]


def test_each_bad_setting_is_shown_next_to_its_field_with_422(client, login_as):
    login_as("admin")
    cases = {"hours": {"hours": "9 to 5"}, "timezone": {"timezone": "Mars/Base"}, "weekdays": {"weekdays": []},
             "country": {"country": "XX"}, "closures": {"closures": "2025-02-30"},
             "extra_working_days": {"closures": "2025-02-08"}}
    for field, change in cases.items():
        response = client.post("/calendars/new", data=_form(**change))
        assert response.status_code == 422, field
        assert f'id="{field}-error"' in response.get_data(as_text=True), field
    assert db.session.scalar(select(func.count()).select_from(BusinessCalendar)) == 0


def test_edit_form_shows_the_settings_as_text(client, login_as):
    calendar = factories.make_calendar(hours=(("09:00", "12:00"), ("13:00", "18:00")))
    login_as("admin")
    page = client.get(f"/calendars/{calendar.id}/edit").get_data(as_text=True)
    assert 'value="09:00-12:00, 13:00-18:00"' in page


def test_detail_lists_ten_working_days(client, login_as):
    calendar = factories.make_calendar(name="Round the week", timezone="UTC", country=None, weekdays=range(7))
    login_as("employee")
    page = client.get(f"/calendars/{calendar.id}").get_data(as_text=True)
    assert "The next 10 working days" in page
    assert page.count("<td>09:00-18:00</td>") == 10


def test_employees_see_no_edit_link(client, login_as):
    calendar = factories.make_calendar()
    login_as("employee")
    assert f"/calendars/{calendar.id}/edit" not in client.get(f"/calendars/{calendar.id}").get_data(as_text=True)

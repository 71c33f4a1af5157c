"""Calendar arithmetic does work in proportion to the days in its result, with fixed-size memos.

Each test drives the worst input a bound allows and counts the local dates visited
(`timecalc.work`), never the time taken.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories
from tracker.calendars import timecalc
from tracker.calendars.services import MAX_TARGET
from tracker.calendars.timecalc import DAY_MEMO_SIZE, MAX_WALK_DAYS, CalendarSpec, business_time_between, due_at
from tracker.extensions import db
from tracker.schemas import date_window

SHANGHAI = CalendarSpec.from_plain("Asia/Shanghai", range(5), [["09:00", "12:00"], ["13:00", "18:00"]], country="CN")


def _window_start() -> datetime:
    return datetime.combine(date_window()[0], datetime.min.time(), tzinfo=UTC)


def _due_url(calendar_id: int, start: datetime, amount, unit: str) -> str:
    start_text = start.isoformat().replace("+", "%2B")
    return f"/api/v1/calendars/{calendar_id}/due?from={start_text}&amount={amount}&unit={unit}"


def test_longest_business_day_target_from_the_oldest_date_visits_only_the_days_it_spans(client, login_as):
    calendar = factories.make_calendar()
    db.session.commit()
    login_as("employee")
    start = _window_start()
    timecalc.work.reset()
    response = client.get(_due_url(calendar.id, start, MAX_TARGET["business_days"], "business_days"))
    assert response.status_code == 200, response.json
    spanned = (datetime.fromisoformat(response.json["due_at"]) - start).days + 2
    assert timecalc.work.days_visited <= spanned


def test_longest_business_hour_target_visits_only_the_days_it_spans():
    start = datetime(2026, 1, 5, tzinfo=UTC)
    timecalc.work.reset()
    due = due_at(start, MAX_TARGET["business_hours"], "business_hours", SHANGHAI)
    assert timecalc.work.days_visited <= (due - start).days + 2


def test_a_target_a_thin_calendar_cannot_fit_stops_after_the_walk_limit(client, login_as):
    calendar = factories.make_calendar(country=None, hours=(("09:00", "09:01"),))
    db.session.commit()
    login_as("employee")
    timecalc.work.reset()
    response = client.get(_due_url(calendar.id, datetime(2026, 1, 5, tzinfo=UTC), MAX_TARGET["business_hours"],
                                   "business_hours"))
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["amount"])
    assert timecalc.work.days_visited <= MAX_WALK_DAYS


def test_a_long_pause_is_jumped_over_not_walked():
    start = datetime(2026, 1, 5, 1, tzinfo=UTC)
    pause = (start + timedelta(hours=2), start + timedelta(days=1000))
    timecalc.work.reset()
    due_at(start, 1, "business_days", SHANGHAI, [pause])
    assert timecalc.work.days_visited <= 10


def test_the_day_memo_keeps_a_fixed_size_over_the_whole_date_window():
    first, last = date_window()
    spec = CalendarSpec.from_plain("Europe/Berlin", range(5), [["08:00", "16:00"]], country="DE")
    timecalc.work.reset()
    business_time_between(datetime.combine(first, datetime.min.time(), tzinfo=UTC),
                          datetime.combine(last, datetime.min.time(), tzinfo=UTC), spec)
    assert len(timecalc._compiled(spec)._days) == DAY_MEMO_SIZE
    assert timecalc.work.days_visited <= (last - first).days + 2

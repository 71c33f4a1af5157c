"""Due times and working time over business calendars, checked by hand and against brute force."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.calendars.timecalc import (
    TARGET_UNITS,
    CalendarSpec,
    ClockStopped,
    business_time_between,
    due_at,
    next_working_instant,
    working_days,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

CN = CalendarSpec.from_plain("Asia/Shanghai", range(5), [["09:00", "18:00"]], country="CN")
CN_LUNCH = CalendarSpec.from_plain("Asia/Shanghai", range(5), [["09:00", "12:00"], ["13:00", "18:00"]], country="CN")
LUNCH = CalendarSpec.from_plain("Asia/Shanghai", range(5), [["09:00", "12:00"], ["13:00", "18:00"]])
US_NY = CalendarSpec.from_plain("America/New_York", range(5), [["09:00", "17:00"]], country="US", subdivision="NY")
DE_BE = CalendarSpec.from_plain(
    "Europe/Berlin",
    range(5),
    [["08:00", "16:30"]],
    country="DE",
    subdivision="BE",
    closures=["2024-12-23", "2025-12-24", "2025-12-31"],
    extra_working_days=["2025-03-29", "2024-10-26"],
)
BERLIN_ALWAYS = CalendarSpec.from_plain("Europe/Berlin", range(7), [["00:00", "24:00"]])
NEW_YORK_ALWAYS = CalendarSpec.from_plain("America/New_York", range(7), [["00:00", "24:00"]])
NEW_YORK_DAWN = CalendarSpec.from_plain("America/New_York", range(7), [["01:00", "03:00"]])
# Intervals that straddle the hours that clocks skip or repeat.
NEW_YORK_NIGHTS = CalendarSpec.from_plain("America/New_York", range(7), [["01:00", "02:30"], ["22:00", "24:00"]])
BERLIN_NIGHTS = CalendarSpec.from_plain(
    "Europe/Berlin", range(6), [["02:00", "03:30"]], closures=["2025-10-25"], extra_working_days=["2025-03-30"]
)

PROPERTY_SPECS = (CN_LUNCH, US_NY, DE_BE, BERLIN_ALWAYS, NEW_YORK_NIGHTS, BERLIN_NIGHTS, CN)


def local(zone: ZoneInfo, *fields: int) -> datetime:
    """Write a wall-clock time in a zone."""
    return datetime(*fields, tzinfo=zone)


# --- Brute-force reference -------------------------------------------------------------------


class Reference:
    """Working time found the slow way: read the local wall clock at every minute.

    Valid for calendars whose intervals start and end on whole minutes in zones whose offsets
    change on whole minutes, with starts, ends and pauses on whole minutes.
    """

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.zone = ZoneInfo(spec.timezone)
        self.regions: dict[int, holidays.HolidayBase] = {}

    def is_working_day(self, day: date) -> bool:
        """Apply the day rules, asking the holidays library afresh."""
        spec = self.spec
        if day in spec.extra_working_days:
            return True
        if day in spec.closures:
            return False
        if spec.country:
            if day.year not in self.regions:
                self.regions[day.year] = holidays.country_holidays(
                    spec.country, subdiv=spec.subdivision, years=day.year, categories=("public",)
                )
            region = self.regions[day.year]
            if day in region.weekend_workdays:
                return True
            if day in region:
                return False
        return day.weekday() in spec.weekdays

    def works(self, instant: datetime) -> bool:
        """Tell whether the minute starting at `instant` is working time, by the local wall clock."""
        wall = instant.astimezone(self.zone)
        if not self.is_working_day(wall.date()):
            return False
        clock = wall.time()
        return any(start <= clock and (end == time(0) or clock < end) for start, end in self.spec.hours)

    @staticmethod
    def paused(instant: datetime, pauses) -> bool:
        """Tell whether the minute starting at `instant` lies in a pause."""
        return any(begin <= instant and (end is None or instant < end) for begin, end in pauses)

    def due(self, start: datetime, minutes: int, pauses, *, calendar: bool = False) -> datetime:
        """Step a minute at a time until `minutes` working (or, for calendar time, unpaused) minutes pass."""
        instant = start.astimezone(UTC)
        used = 0
        while True:
            if self.paused(instant, pauses):
                if any(end is None and begin <= instant for begin, end in pauses):
                    raise ClockStopped("reference: clock stopped")
            elif calendar or self.works(instant):
                used += 1
                if used == minutes:
                    return instant + MINUTE
            instant += MINUTE

    def between(self, start: datetime, end: datetime, pauses) -> timedelta:
        """Count the working, unpaused minutes in [start, end)."""
        instant = start.astimezone(UTC)
        counted = 0
        while instant < end:
            if not self.paused(instant, pauses) and self.works(instant):
                counted += 1
            instant += MINUTE
        return counted * MINUTE

    def next_working(self, at: datetime) -> datetime:
        """Step to the first working minute at or after `at`."""
        instant = at.astimezone(UTC)
        while not self.works(instant):
            instant += MINUTE
        return instant


REFERENCES = {spec: Reference(spec) for spec in PROPERTY_SPECS}


# --- Strategies --------------------------------------------------------------------------------

ANCHORS = (
    date(2024, 3, 10),  # New York springs forward
    date(2024, 11, 3),  # New York falls back
    date(2025, 3, 9),
    date(2025, 11, 2),
    date(2024, 3, 31),  # Berlin springs forward
    date(2024, 10, 27),  # Berlin falls back
    date(2025, 3, 30),
    date(2025, 10, 26),
    date(2025, 1, 28),  # Spring Festival, with make-up Sundays and Saturdays around it
    date(2025, 2, 8),
    date(2025, 10, 1),  # National Day week
    date(2025, 12, 31),
    date(2024, 12, 24),
)
VIEWS = (UTC, SHANGHAI, NEW_YORK, timezone(timedelta(hours=-3, minutes=-30)))


@st.composite
def minutes_instants(draw) -> datetime:
    """Whole-minute instants, often near a clock change or a holiday, written in any zone."""
    if draw(st.booleans()):
        base = datetime.combine(draw(st.sampled_from(ANCHORS)), time(0), UTC)
        instant = base + timedelta(days=draw(st.integers(-3, 2)), minutes=draw(st.integers(0, 1439)))
    else:
        instant = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 3 * 365 * 1440)))
    return instant.astimezone(draw(st.sampled_from(VIEWS)))


def later(instant: datetime, delta: timedelta) -> datetime:
    """`instant` plus `delta` of real time, written in the same zone (aware `+` adds wall-clock time,
    which across a clock change can give an instant before the first, or one that never existed)."""
    return (instant.astimezone(UTC) + delta).astimezone(instant.tzinfo)


@st.composite
def pause_lists(draw, start: datetime) -> list[tuple[datetime, datetime | None]]:
    """Zero to three whole-minute pauses around `start`, some overlapping, rarely open."""
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = later(start, timedelta(minutes=draw(st.integers(-600, 6000))))
        if draw(st.integers(0, 9)) == 0:
            pauses.append((begin, None))
        else:
            pauses.append((begin, later(begin, timedelta(minutes=draw(st.integers(1, 2880))))))
    return pauses


@st.composite
def targets(draw, spec: CalendarSpec) -> tuple[Decimal, str, int]:
    """A target as (amount, unit, whole minutes of time it asks for)."""
    unit = draw(st.sampled_from(TARGET_UNITS))
    if unit == "business_days":
        amount = draw(st.sampled_from((Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3))))
        minutes = amount * int(spec.hours_per_day() / MINUTE)
    else:
        minutes = draw(st.integers(1, 16 * 60))
        amount = Decimal(minutes) / 60
    return amount, unit, int(minutes)


@st.composite
def due_cases(draw):
    """A calendar, a start, a target and pauses."""
    spec = draw(st.sampled_from(PROPERTY_SPECS))
    start = draw(minutes_instants())
    return spec, start, *draw(targets(spec)), draw(pause_lists(start))


@st.composite
def span_cases(draw):
    """A calendar, a span of up to ten days (sometimes reversed) and pauses."""
    spec = draw(st.sampled_from(PROPERTY_SPECS))
    start = draw(minutes_instants())
    end = later(start, timedelta(minutes=draw(st.integers(-60, 10 * 1440))))
    return spec, start, end, draw(pause_lists(start))


@st.composite
def three_instants(draw):
    """Three ordered instants to the microsecond, up to ten days apart each."""
    spec = draw(st.sampled_from(PROPERTY_SPECS))
    first = later(draw(minutes_instants()), timedelta(microseconds=draw(st.integers(0, 59_999_999))))
    second = later(first, timedelta(microseconds=draw(st.integers(0, 10 * 86_400_000_000))))
    third = later(second, timedelta(microseconds=draw(st.integers(0, 10 * 86_400_000_000))))
    return spec, first, second, third, draw(pause_lists(first))


def examples(count: int) -> settings:
    """Property settings: `count` examples, no deadline, nothing stored between runs."""
    return settings(max_examples=count, deadline=None, database=None)


# --- Properties --------------------------------------------------------------------------------


@examples(1500)
@given(due_cases())
def test_due_at_matches_brute_force(case):
    spec, start, amount, unit, minutes, pauses = case
    reference = REFERENCES[spec]
    try:
        expected = reference.due(start, minutes, pauses, calendar=unit == "calendar_hours")
    except ClockStopped:
        with pytest.raises(ClockStopped):
            due_at(start, amount, unit, spec, pauses)
        return
    due = due_at(start, amount, unit, spec, pauses)
    assert due == expected
    assert due.tzinfo is UTC
    if unit != "calendar_hours":
        assert business_time_between(start, due, spec, pauses) == minutes * MINUTE


@examples(1200)
@given(span_cases())
def test_business_time_between_matches_brute_force(case):
    spec, start, end, pauses = case
    assert business_time_between(start, end, spec, pauses) == REFERENCES[spec].between(start, end, pauses)


@examples(800)
@given(st.sampled_from(PROPERTY_SPECS), minutes_instants())
def test_next_working_instant_matches_brute_force(spec, at):
    found = next_working_instant(at, spec)
    assert found == REFERENCES[spec].next_working(at)
    assert found.tzinfo is UTC


@examples(800)
@given(three_instants())
def test_business_time_is_additive(case):
    spec, first, second, third, pauses = case
    assert business_time_between(first, second, spec, pauses) + business_time_between(
        second, third, spec, pauses
    ) == business_time_between(first, third, spec, pauses)


@examples(600)
@given(three_instants(), st.sampled_from(TARGET_UNITS), st.integers(1, 5000))
def test_due_at_never_decreases_with_a_later_start(case, unit, minutes):
    spec, first, second, _, pauses = case
    amount = Decimal(minutes) / 60
    try:
        earlier = due_at(first, amount, unit, spec, pauses)
    except ClockStopped:
        with pytest.raises(ClockStopped):
            due_at(second, amount, unit, spec, pauses)
        return
    try:
        later = due_at(second, amount, unit, spec, pauses)
    except ClockStopped:
        return
    assert earlier <= later


@examples(600)
@given(due_cases(), st.integers(0, 3000))
def test_due_at_never_decreases_with_a_larger_amount(case, extra_minutes):
    spec, start, amount, unit, _, pauses = case
    larger = amount + Decimal(extra_minutes) / 60
    try:
        smaller_due = due_at(start, amount, unit, spec, pauses)
    except ClockStopped:
        with pytest.raises(ClockStopped):
            due_at(start, larger, unit, spec, pauses)
        return
    try:
        larger_due = due_at(start, larger, unit, spec, pauses)
    except ClockStopped:
        return
    assert smaller_due <= larger_due


@examples(600)
@given(three_instants(), st.integers(1, 5000))
def test_business_time_never_exceeds_wall_clock_time(case, minutes):
    spec, first, second, _, pauses = case
    assert timedelta(0) <= business_time_between(first, second, spec, pauses) <= second - first
    amount = minutes * MINUTE
    assert due_at(first, Decimal(minutes) / 60, "business_hours", spec) - first >= amount
    assert due_at(first, Decimal(minutes) / 60, "calendar_hours", spec) - first == amount


# --- Chinese working days ------------------------------------------------------------------------


def test_spring_festival_pushes_two_business_days_past_the_holiday():
    due = due_at(local(SHANGHAI, 2025, 1, 27, 9), 2, "business_days", CN)
    assert due == local(SHANGHAI, 2025, 2, 5, 18)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday made a working day before the Spring Festival
        (date(2025, 2, 8), True),  # Saturday made a working day after it
        (date(2025, 1, 29), False),
        (date(2025, 1, 28), False),
        (date(2025, 2, 4), False),
        (date(2025, 2, 9), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),
        (date(2026, 1, 4), True),  # make-up day listed with the next year's holidays
        (date(2023, 5, 4), True),  # Youth Day is a half day off for some, not a public holiday
    ],
)
def test_chinese_holidays_and_make_up_days(day, working):
    assert CN.is_working_day(day) is working


def test_working_days_include_make_up_days():
    assert working_days(CN, date(2025, 1, 24), 6) == [
        date(2025, 1, 24),
        date(2025, 1, 26),
        date(2025, 1, 27),
        date(2025, 2, 5),
        date(2025, 2, 6),
        date(2025, 2, 7),
    ]
    assert working_days(CN, date(2025, 1, 24), 0) == []


def test_company_days_override_official_ones():
    spec = CalendarSpec.from_plain(
        "Asia/Shanghai",
        range(5),
        [["09:00", "18:00"]],
        country="CN",
        closures=["2025-01-26"],
        extra_working_days=["2025-01-29", date(2025, 2, 1)],
    )
    assert not spec.is_working_day(date(2025, 1, 26))
    assert spec.is_working_day(date(2025, 1, 29))
    assert spec.is_working_day(date(2025, 2, 1))
    assert spec.is_working_day(date(2025, 2, 8))


def test_observed_holidays_are_days_off():
    assert not US_NY.is_working_day(date(2026, 7, 3))  # Independence Day falls on a Saturday
    assert US_NY.is_working_day(date(2026, 7, 6))


# --- Hand-computed examples on a calendar with a lunch break ------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (local(SHANGHAI, 2025, 3, 3, 11), 2, "business_hours", local(SHANGHAI, 2025, 3, 3, 14)),
        (local(SHANGHAI, 2025, 3, 7, 19), 1, "business_hours", local(SHANGHAI, 2025, 3, 10, 10)),
        (local(SHANGHAI, 2025, 3, 8, 10), 1, "business_hours", local(SHANGHAI, 2025, 3, 10, 10)),
        (local(SHANGHAI, 2025, 3, 3, 16), 2, "business_hours", local(SHANGHAI, 2025, 3, 3, 18)),
        (local(SHANGHAI, 2025, 3, 3, 9), 3, "business_hours", local(SHANGHAI, 2025, 3, 3, 12)),
        (local(SHANGHAI, 2025, 3, 3, 12, 30), 1, "business_hours", local(SHANGHAI, 2025, 3, 3, 14)),
        (local(SHANGHAI, 2025, 3, 3, 9), 8, "business_hours", local(SHANGHAI, 2025, 3, 3, 18)),
        (local(SHANGHAI, 2025, 3, 3, 9), 1, "business_days", local(SHANGHAI, 2025, 3, 3, 18)),
        (local(SHANGHAI, 2025, 3, 7, 14), 1, "business_days", local(SHANGHAI, 2025, 3, 10, 14)),
        (local(SHANGHAI, 2025, 3, 3, 9), 1.5, "business_hours", local(SHANGHAI, 2025, 3, 3, 10, 30)),
        (local(SHANGHAI, 2025, 3, 3, 9), Decimal("0.5"), "business_days", local(SHANGHAI, 2025, 3, 3, 14)),
        (local(SHANGHAI, 2025, 3, 7, 19), 3, "calendar_hours", local(SHANGHAI, 2025, 3, 7, 22)),
    ],
)
def test_hand_computed_due_times(start, amount, unit, expected):
    due = due_at(start, amount, unit, LUNCH)
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        ([], local(SHANGHAI, 2025, 3, 3, 14)),
        ([(local(SHANGHAI, 2025, 3, 3, 10), local(SHANGHAI, 2025, 3, 3, 11))], local(SHANGHAI, 2025, 3, 3, 15)),
        ([(local(SHANGHAI, 2025, 3, 3, 11, 30), local(SHANGHAI, 2025, 3, 3, 13, 30))], local(SHANGHAI, 2025, 3, 3, 15)),
        ([(local(SHANGHAI, 2025, 3, 3, 12), local(SHANGHAI, 2025, 3, 3, 13))], local(SHANGHAI, 2025, 3, 3, 14)),
        (
            [
                (local(SHANGHAI, 2025, 3, 3, 10, 15), local(SHANGHAI, 2025, 3, 3, 11)),
                (local(SHANGHAI, 2025, 3, 3, 10), local(SHANGHAI, 2025, 3, 3, 10, 30)),
            ],
            local(SHANGHAI, 2025, 3, 3, 15),
        ),
        ([(local(SHANGHAI, 2025, 3, 3, 14), None)], local(SHANGHAI, 2025, 3, 3, 14)),
        ([(local(SHANGHAI, 2025, 3, 3, 17), local(SHANGHAI, 2025, 3, 5, 17))], local(SHANGHAI, 2025, 3, 3, 14)),
        ([(local(SHANGHAI, 2025, 3, 3, 13), local(SHANGHAI, 2025, 3, 5, 11))], local(SHANGHAI, 2025, 3, 5, 12)),
    ],
)
def test_pauses_stop_the_clock(pauses, expected):
    start = local(SHANGHAI, 2025, 3, 3, 9)
    assert due_at(start, 4, "business_hours", LUNCH, pauses) == expected


def test_open_pause_stops_the_clock_for_good():
    start = local(SHANGHAI, 2025, 3, 3, 9)
    with pytest.raises(ClockStopped, match=r"^pauses"):
        due_at(start, 4, "business_hours", LUNCH, [(local(SHANGHAI, 2025, 3, 3, 10), None)])
    with pytest.raises(ClockStopped):
        due_at(start, 4, "business_hours", LUNCH, [(local(SHANGHAI, 2025, 3, 1, 10), None)])
    with pytest.raises(ClockStopped):
        due_at(start, 4, "calendar_hours", LUNCH, [(local(SHANGHAI, 2025, 3, 3, 10), None)])
    assert issubclass(ClockStopped, ValueError)
    open_pause = [(local(SHANGHAI, 2025, 3, 3, 15), None)]
    assert business_time_between(start, local(SHANGHAI, 2025, 3, 4, 18), LUNCH, open_pause) == 5 * HOUR


def test_calendar_hours_skip_pauses_only():
    start = local(SHANGHAI, 2025, 3, 7, 19)
    pause = [(local(SHANGHAI, 2025, 3, 7, 20), local(SHANGHAI, 2025, 3, 7, 21))]
    assert due_at(start, 3, "calendar_hours", LUNCH, pause) == local(SHANGHAI, 2025, 3, 7, 23)


def test_business_time_between_is_the_inverse_of_due_at():
    start = local(SHANGHAI, 2025, 3, 3, 11, 7)
    for hours in (1, 2, 9, 17, 40):
        assert business_time_between(start, due_at(start, hours, "business_hours", LUNCH), LUNCH) == hours * HOUR
    assert business_time_between(local(SHANGHAI, 2025, 3, 3, 9), local(SHANGHAI, 2025, 3, 4, 9), LUNCH) == 8 * HOUR
    assert business_time_between(start, start, LUNCH) == timedelta(0)
    assert business_time_between(start, start - HOUR, LUNCH) == timedelta(0)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(SHANGHAI, 2025, 3, 3, 10, 5), local(SHANGHAI, 2025, 3, 3, 10, 5)),
        (local(SHANGHAI, 2025, 3, 3, 12), local(SHANGHAI, 2025, 3, 3, 13)),
        (local(SHANGHAI, 2025, 3, 3, 18), local(SHANGHAI, 2025, 3, 4, 9)),
        (local(SHANGHAI, 2025, 3, 7, 19), local(SHANGHAI, 2025, 3, 10, 9)),
    ],
)
def test_next_working_instant(at, expected):
    assert next_working_instant(at, LUNCH) == expected


def test_next_working_instant_finds_a_make_up_sunday():
    assert next_working_instant(local(SHANGHAI, 2025, 1, 25, 12), CN) == local(SHANGHAI, 2025, 1, 26, 9)


# --- Daylight saving time --------------------------------------------------------------------------


def test_a_day_of_a_24x7_berlin_calendar_in_spring_has_23_hours():
    start = local(BERLIN, 2025, 3, 29, 12)
    due = due_at(start, 24, "business_hours", BERLIN_ALWAYS)
    assert due == local(BERLIN, 2025, 3, 30, 13)
    assert due - start == 24 * HOUR
    assert business_time_between(local(BERLIN, 2025, 3, 30), local(BERLIN, 2025, 3, 31), BERLIN_ALWAYS) == 23 * HOUR


def test_a_day_of_a_24x7_berlin_calendar_in_autumn_has_25_hours():
    start = local(BERLIN, 2025, 10, 25, 12)
    due = due_at(start, 24, "business_hours", BERLIN_ALWAYS)
    assert due == local(BERLIN, 2025, 10, 26, 11)
    assert due - start == 24 * HOUR
    assert business_time_between(local(BERLIN, 2025, 10, 26), local(BERLIN, 2025, 10, 27), BERLIN_ALWAYS) == 25 * HOUR


def test_a_business_day_is_a_nominal_day_of_working_time():
    assert BERLIN_ALWAYS.hours_per_day() == 24 * HOUR
    due = due_at(local(BERLIN, 2025, 3, 30), 1, "business_days", BERLIN_ALWAYS)
    assert due == local(BERLIN, 2025, 3, 31, 1)


def test_new_york_24x7_across_spring_forward():
    start = local(NEW_YORK, 2025, 3, 8, 12)
    due = due_at(start, 24, "business_hours", NEW_YORK_ALWAYS)
    assert due == local(NEW_YORK, 2025, 3, 9, 13)
    assert due == datetime(2025, 3, 9, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "start", "expected_utc"),
    [
        (US_NY, local(NEW_YORK, 2025, 3, 7, 16), datetime(2025, 3, 10, 14, tzinfo=UTC)),
        (US_NY, local(NEW_YORK, 2025, 10, 31, 16), datetime(2025, 11, 3, 15, tzinfo=UTC)),
        (DE_BE, local(BERLIN, 2025, 3, 28, 15, 30), datetime(2025, 3, 29, 8, tzinfo=UTC)),  # an extra Saturday
        (DE_BE, local(BERLIN, 2025, 3, 29, 15, 30), datetime(2025, 3, 31, 7, tzinfo=UTC)),
        (DE_BE, local(BERLIN, 2025, 10, 24, 15, 30), datetime(2025, 10, 27, 8, tzinfo=UTC)),
    ],
)
def test_office_hours_across_clock_changes(spec, start, expected_utc):
    assert due_at(start, 2, "business_hours", spec) == expected_utc


def test_intervals_through_skipped_and_repeated_hours():
    def day_total(day: date) -> timedelta:
        midnight = datetime.combine(day, time(0), NEW_YORK)
        return business_time_between(midnight, midnight + 20 * HOUR, NEW_YORK_DAWN)

    assert day_total(date(2025, 3, 9)) == 1 * HOUR
    assert day_total(date(2025, 11, 2)) == 3 * HOUR
    assert day_total(date(2025, 6, 1)) == 2 * HOUR
    # 01:00-02:00 is all there is on the spring day: local 02:00-03:00 never happens.
    spring = due_at(local(NEW_YORK, 2025, 3, 9, 1, 30), 1, "business_hours", NEW_YORK_DAWN)
    assert spring == local(NEW_YORK, 2025, 3, 10, 1, 30)
    # 01:30 (first pass, EDT) to 03:00 EST is two and a half real hours.
    autumn = due_at(local(NEW_YORK, 2025, 11, 2, 1, 30), 2, "business_hours", NEW_YORK_DAWN)
    assert autumn == datetime(2025, 11, 2, 7, 30, tzinfo=UTC)


def test_an_interval_inside_a_skipped_hour_holds_no_time_that_day():
    spec = CalendarSpec.from_plain("America/New_York", range(7), [["02:15", "02:45"]])
    assert next_working_instant(local(NEW_YORK, 2025, 3, 9), spec) == local(NEW_YORK, 2025, 3, 10, 2, 15)


# --- Across a year end -------------------------------------------------------------------------------


def test_chinese_year_end_counts_the_make_up_sunday():
    due = due_at(local(SHANGHAI, 2025, 12, 31, 16), 3, "business_days", CN)
    assert due == local(SHANGHAI, 2026, 1, 6, 16)


def test_us_year_end_skips_new_years_day():
    due = due_at(local(NEW_YORK, 2025, 12, 31, 16), 3, "business_days", US_NY)
    assert due == local(NEW_YORK, 2026, 1, 6, 16)


# --- Calendar specs ----------------------------------------------------------------------------------


def test_from_plain_builds_equal_hashable_specs():
    spec = CalendarSpec.from_plain(
        "Asia/Shanghai", [4, 0, 1, 2, 3], [["13:00", "18:00"], ["09:00", "12:00"]], closures=[date(2025, 5, 6)]
    )
    twin = CalendarSpec(
        timezone="Asia/Shanghai",
        weekdays=frozenset(range(5)),
        hours=((time(9), time(12)), (time(13), time(18))),
        closures=frozenset({date(2025, 5, 6)}),
    )
    assert spec == twin
    assert hash(spec) == hash(twin)
    assert spec.hours_per_day() == 8 * HOUR
    assert not spec.is_working_day(date(2025, 5, 6))


@pytest.mark.parametrize("end", ["24:00", "00:00", "24:00:00"])
def test_midnight_ends_the_day(end):
    spec = CalendarSpec.from_plain("Europe/Berlin", range(7), [["00:00", end]])
    assert spec.hours == ((time(0), time(0)),)
    assert spec.hours_per_day() == 24 * HOUR


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "America/"}, "timezone"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [-1, 0]}, "weekdays"),
        ({"weekdays": ["1"]}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"weekdays": "01234"}, "weekdays"),
        ({"hours": []}, "hours"),
        ({"hours": [["09:00"]]}, "hours"),
        ({"hours": ["09:00-17:00"]}, "hours"),
        ({"hours": [["9am", "17:00"]]}, "hours"),
        ({"hours": [["09:60", "17:00"]]}, "hours"),
        ({"hours": [["18:00", "09:00"]]}, "hours"),
        ({"hours": [["09:00", "09:00"]]}, "hours"),
        ({"hours": [["24:00", "12:00"]]}, "hours"),
        ({"hours": [["09:00", "12:00"], ["11:00", "13:00"]]}, "hours"),
        ({"country": "XX"}, "country"),
        ({"country": "us"}, "country"),
        ({"country": "US", "subdivision": "ZZ"}, "subdivision"),
        ({"subdivision": "NY"}, "subdivision"),
        ({"closures": ["2025-13-01"]}, "closures"),
        ({"closures": ["tomorrow"]}, "closures"),
        ({"closures": "2025-01-01"}, "closures"),
        ({"extra_working_days": ["2025/01/01"]}, "extra_working_days"),
        ({"closures": ["2025-01-02"], "extra_working_days": ["2025-01-02"]}, "extra_working_days"),
    ],
)
def test_from_plain_names_the_bad_field(changes, field):
    plain = {"timezone": "Asia/Shanghai", "weekdays": [0, 1, 2, 3, 4], "hours": [["09:00", "18:00"]]}
    with pytest.raises(ValueError, match=f"^{field}: "):
        CalendarSpec.from_plain(**(plain | changes))


def test_direct_construction_is_validated_too():
    with pytest.raises(ValueError, match=r"^hours: "):
        CalendarSpec(timezone="UTC", weekdays=frozenset({0}), hours=((time(12), time(9)),))


# --- Errors ------------------------------------------------------------------------------------------

NAIVE = datetime(2025, 3, 3, 9)
AWARE = local(SHANGHAI, 2025, 3, 3, 9)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: due_at(NAIVE, 1, "business_hours", LUNCH), "start"),
        (lambda: business_time_between(NAIVE, AWARE, LUNCH), "start"),
        (lambda: business_time_between(AWARE, NAIVE, LUNCH), "end"),
        (lambda: next_working_instant(NAIVE, LUNCH), "at"),
        (lambda: due_at(AWARE, 1, "business_hours", LUNCH, [(NAIVE, None)]), r"pauses\[0\] start"),
        (lambda: due_at(AWARE, 1, "business_hours", LUNCH, [(AWARE, NAIVE)]), r"pauses\[0\] end"),
        (lambda: due_at(AWARE, 1, "business_hours", LUNCH, [(AWARE, AWARE - HOUR)]), r"pauses\[0\]"),
        (lambda: due_at(AWARE, 1, "business_weeks", LUNCH), "unit"),
        (lambda: due_at(AWARE, 0, "business_hours", LUNCH), "amount"),
        (lambda: due_at(AWARE, -2, "business_days", LUNCH), "amount"),
        (lambda: due_at(AWARE, Decimal("-0.5"), "calendar_hours", LUNCH), "amount"),
        (lambda: due_at(AWARE, float("nan"), "business_hours", LUNCH), "amount"),
        (lambda: due_at(AWARE, float("inf"), "business_hours", LUNCH), "amount"),
        (lambda: due_at(AWARE, 10**9, "business_hours", LUNCH), "amount"),
        (lambda: working_days(LUNCH, date(2025, 3, 3), -1), "count"),
    ],
)
def test_bad_arguments_are_refused(call, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        call()


@pytest.mark.parametrize("amount", ["2", True, None])
def test_amounts_must_be_numbers(amount):
    with pytest.raises(TypeError, match=r"^amount"):
        due_at(AWARE, amount, "business_hours", LUNCH)


def test_a_calendar_without_working_time_is_refused_instead_of_looping():
    saturdays = [date(2025, 1, 4) + timedelta(weeks=week) for week in range(4 * 53)]
    spec = CalendarSpec.from_plain("UTC", [5], [["09:00", "17:00"]], closures=saturdays)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"^spec: no working time"):
        due_at(start, 1, "business_hours", spec)
    with pytest.raises(ValueError, match=r"^spec: no working time"):
        next_working_instant(start, spec)
    with pytest.raises(ValueError, match=r"^spec: no working day"):
        working_days(spec, date(2025, 1, 1), 1)

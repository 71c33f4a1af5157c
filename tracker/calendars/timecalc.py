"""Due times and elapsed working time over business calendars.

A `CalendarSpec` describes when a team works: a time zone, the working weekdays, the working
intervals of a working day, the public holidays of a country (and subdivision) taken from the
`holidays` library, and company closures and extra working days.

Which days are working days, most specific rule first:

1. a date in `extra_working_days` is a working day;
2. a date in `closures` is not (a closure also beats an official make-up working day);
3. an official make-up working day of the country is a working day, whatever its weekday
   (China moves weekends around its holidays: Sunday 2025-01-26 was worked);
4. a public holiday of the country/subdivision is not;
5. otherwise the weekday decides.

Holidays come from the library's PUBLIC category only (half days, optional and observance
categories do not close the office); observed days, such as a US holiday moved off a weekend,
are days off. Make-up working days come from the library's `weekend_workdays` set.

Working time is the set of real instants whose local wall-clock reading, in the calendar's time
zone, falls on a working day inside one of its intervals (start inclusive, end exclusive).
An interval end of `time(0, 0)` means midnight at the end of the day (24:00), so
`((time(0, 0), time(0, 0)),)` is a whole day. Across daylight-saving changes this means:

* durations are real elapsed time, never wall-clock differences: a 24x7 calendar has a
  23-hour day in spring and a 25-hour day in autumn;
* local times skipped when clocks go forward do not exist, so they hold no working time;
  an interval 01:00-03:00 in New York gives one real hour on the spring-forward day;
* local times repeated when clocks go back happen twice and count twice; the same interval
  gives three real hours on the fall-back day.

Targets are given in one of `TARGET_UNITS`:

* `business_hours`: that many hours of working time;
* `business_days`: amount x `hours_per_day()` of working time, so a day is a day's worth of
  hours and a half day is possible;
* `calendar_hours`: plain elapsed time, the calendar ignored.

Pauses stop the clock in every unit. A pause is a `(start, end)` pair; overlapping pauses are
merged, and `end=None` is a pause still open: the clock is stopped from its start onward.
`due_at` raises `ClockStopped` when an open pause begins before the target is used up;
`business_time_between` leaves out everything after the start of an open pause.

Time is counted internally in whole microseconds since the Unix epoch, so a due time and the
working time up to it agree exactly. Working intervals are memoised per calendar and date, and
holidays per country, subdivision and year; long targets advance a whole day at a time.

Work is bounded: every function visits each local date between its start and its result at most
once (a pause that spans days is jumped over, not walked), `due_at` refuses a target that would
walk more than `MAX_WALK_DAYS` dates, and every memo is a least-recently-used cache of fixed
size (`DAY_MEMO_SIZE` dates per calendar, a fixed number of calendars, zones and years).
`work.days_visited` counts the dates looked at, so tests can measure work instead of time.
"""

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from holidays.constants import PUBLIC

__all__ = [
    "DAY_MEMO_SIZE",
    "MAX_WALK_DAYS",
    "TARGET_UNITS",
    "CalendarSpec",
    "ClockStopped",
    "business_time_between",
    "due_at",
    "next_working_instant",
    "work",
    "working_days",
]

TARGET_UNITS = ("business_hours", "business_days", "calendar_hours")

_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_ONE_US = timedelta(microseconds=1)
# Stands for the open end of a pause; later than any instant a datetime can hold.
_FOREVER = 2**62
# No real UTC offset reaches 18 hours, so this margin around a local day contains every
# instant whose local date is that day.
_OFFSET_MARGIN_US = 18 * _HOUR_US
# A calendar with no working time for this many consecutive days is treated as having none.
_HORIZON_DAYS = 3 * 366
# Service-level targets are hours or days; anything beyond a year of time is an input mistake.
_MAX_AMOUNT_US = 366 * _DAY_US
# A due time more than this many local dates after its start (pauses aside) is refused: a target
# that needs it is a year of working time spread over a calendar with almost none.
MAX_WALK_DAYS = 4 * 366
# Working intervals kept per compiled calendar: some five years of dates, a few hundred kB.
DAY_MEMO_SIZE = 2048
_MIDNIGHT = time(0, 0)
_TIME_TEXT = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


class ClockStopped(ValueError):
    """Raised by `due_at` when an open pause stops the clock before the target is used up."""


class _Work:
    """Counts of the work done, for tests and benchmarks that measure work rather than time."""

    __slots__ = ("days_built", "days_visited")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start counting from zero."""
        self.days_visited = 0
        self.days_built = 0


work = _Work()


@dataclass(frozen=True)
class CalendarSpec:
    """When a team works: time zone, weekdays, daily intervals, holidays and company exceptions.

    `weekdays` count Monday as 0. `hours` are sorted, non-overlapping `(start, end)` local
    times; an end of `time(0, 0)` means 24:00. Instances are validated on creation, hashable,
    and compare by value, so equal calendars share their memoised working intervals.
    """

    timezone: str
    weekdays: frozenset[int]
    hours: tuple[tuple[time, time], ...]
    country: str | None = None
    subdivision: str | None = None
    closures: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        """Validate every field, so that no invalid calendar reaches the arithmetic."""
        _check_timezone(self.timezone)
        _check_region(self.country, self.subdivision)
        # Plain sets, lists and nested lists are accepted and frozen here so that the
        # spec stays hashable.
        object.__setattr__(self, "weekdays", _check_weekdays(self.weekdays))
        object.__setattr__(self, "hours", _check_hours(self.hours))
        closures = _check_dates("closures", self.closures)
        extra = _check_dates("extra_working_days", self.extra_working_days)
        if clash := closures & extra:
            listed = ", ".join(sorted(day.isoformat() for day in clash))
            raise ValueError(f"extra_working_days: {listed} also listed in closures")
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "extra_working_days", extra)

    @classmethod
    def from_plain(
        cls,
        timezone: str,
        weekdays: Iterable[int],
        hours: Iterable[Sequence[str | time]],
        country: str | None = None,
        subdivision: str | None = None,
        closures: Iterable[str | date] = (),
        extra_working_days: Iterable[str | date] = (),
    ) -> Self:
        """Build a calendar from JSON-friendly values: "HH:MM" times and "YYYY-MM-DD" dates.

        Intervals may come in any order. An interval end may be written "24:00" (or "00:00") for
        midnight at the end of the day. Raises ValueError naming the offending field.
        """
        return cls(
            timezone=timezone,
            weekdays=_check_weekdays(weekdays),
            hours=_plain_hours(hours),
            country=country,
            subdivision=subdivision,
            closures=_plain_dates("closures", closures),
            extra_working_days=_plain_dates("extra_working_days", extra_working_days),
        )

    def is_working_day(self, day: date) -> bool:
        """Tell whether `day` is a working day of this calendar."""
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"day: expected a date, got {type(day).__name__}")
        if day in self.extra_working_days:
            return True
        if day in self.closures:
            return False
        if self.country is not None:
            days_off, make_up_days = _official_days(self.country, self.subdivision, day.year)
            if day in make_up_days:
                return True
            if day in days_off:
                return False
        return day.weekday() in self.weekdays

    def hours_per_day(self) -> timedelta:
        """Give the nominal working time of one working day, the unit of `business_days`."""
        return timedelta(microseconds=sum(end - start for start, end in _local_spans(self.hours)))


def due_at(
    start: datetime,
    amount: Decimal | float,
    unit: str,
    spec: CalendarSpec,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
) -> datetime:
    """Compute when a target of `amount` `unit`s, requested at `start`, falls due (in UTC).

    A start outside working time starts the clock at the next working instant. When the
    amount runs out exactly at the end of an interval, that end is the due time.
    Raises ClockStopped when an open pause begins first.
    """
    if unit not in TARGET_UNITS:
        raise ValueError(f"unit: expected one of {', '.join(TARGET_UNITS)}, got {unit!r}")
    unit_us = spec.hours_per_day() // _ONE_US if unit == "business_days" else _HOUR_US
    needed = _amount_us(amount, unit_us)
    cursor = _to_us(start, "start")
    stops = _merge_pauses(pauses)
    if unit == "calendar_hours":
        return _from_us(_elapse(cursor, needed, stops))
    return _from_us(_consume(_compiled(spec), cursor, needed, stops))


def business_time_between(
    start: datetime,
    end: datetime,
    spec: CalendarSpec,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
) -> timedelta:
    """Measure the working time, less pauses, in [start, end); zero when end <= start."""
    lower = _to_us(start, "start")
    upper = _to_us(end, "end")
    stops = _merge_pauses(pauses)
    if upper <= lower:
        return timedelta(0)
    calendar = _compiled(spec)
    total = 0
    first_pause = 0
    for ordinal in range(calendar.local_ordinal(lower), calendar.local_ordinal(upper) + 1):
        for span_start, span_end in calendar.spans(ordinal):
            lo = max(span_start, lower)
            hi = min(span_end, upper)
            if lo >= hi:
                continue
            total += hi - lo
            while first_pause < len(stops) and stops[first_pause][1] <= lo:
                first_pause += 1
            index = first_pause
            while index < len(stops) and stops[index][0] < hi:
                total -= min(hi, stops[index][1]) - max(lo, stops[index][0])
                index += 1
    return timedelta(microseconds=total)


def next_working_instant(at: datetime, spec: CalendarSpec) -> datetime:
    """Find the first instant at or after `at` that is working time (in UTC)."""
    cursor = _to_us(at, "at")
    calendar = _compiled(spec)
    ordinal = calendar.local_ordinal(cursor)
    for _ in range(_HORIZON_DAYS):
        for span_start, span_end in calendar.spans(ordinal):
            if span_end > cursor:
                return _from_us(max(span_start, cursor))
        ordinal += 1
    raise ValueError(f"spec: no working time within {_HORIZON_DAYS} days after {at.isoformat()}")


def working_days(spec: CalendarSpec, start: date, count: int) -> list[date]:
    """List the next `count` working days from `start`, inclusive, for display."""
    if not isinstance(start, date) or isinstance(start, datetime):
        raise TypeError(f"start: expected a date, got {type(start).__name__}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count: expected a non-negative integer, got {count!r}")
    found: list[date] = []
    day = start
    idle = 0
    while len(found) < count:
        if spec.is_working_day(day):
            found.append(day)
            idle = 0
        else:
            idle += 1
            if idle > _HORIZON_DAYS:
                raise ValueError(f"spec: no working day in the {_HORIZON_DAYS} days up to {day.isoformat()}")
        day += timedelta(days=1)
    return found


def working_days_back(spec: CalendarSpec, end: date, count: int) -> list[date]:
    """List the last `count` working days up to `end`, inclusive, oldest first (windows that end now)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count: expected a positive integer, got {count!r}")
    found: list[date] = []
    day = end
    while len(found) < count:
        if spec.is_working_day(day):
            found.append(day)
        elif (end - day).days > _HORIZON_DAYS:
            raise ValueError(f"spec: no working day in the {_HORIZON_DAYS} days up to {end.isoformat()}")
        day -= timedelta(days=1)
    return found[::-1]


class _Calendar:
    """A spec made fast to query: its time zone loaded and working intervals memoised per day."""

    __slots__ = ("_days", "_local", "spec", "zone")

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.zone = ZoneInfo(spec.timezone)
        self._local = _local_spans(spec.hours)
        self._days: OrderedDict[int, tuple[tuple[int, int], ...]] = OrderedDict()

    def local_ordinal(self, instant: int) -> int:
        """Give the proleptic ordinal of the local date at an instant."""
        return (_EPOCH + timedelta(microseconds=instant)).astimezone(self.zone).toordinal()

    def spans(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """Give the working time of a local date as sorted, disjoint [start, end) UTC instants."""
        work.days_visited += 1
        found = self._days.get(ordinal)
        if found is None:
            work.days_built += 1
            found = self._days[ordinal] = self._build(ordinal)
            if len(self._days) > DAY_MEMO_SIZE:
                self._days.popitem(last=False)
        else:
            self._days.move_to_end(ordinal)
        return found

    def _build(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """Work out the UTC spans of a local date from its weekday, holidays and the time zone."""
        if not self.spec.is_working_day(date.fromordinal(ordinal)):
            return ()
        midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_US
        pieces = []
        # Within a stretch of constant offset, local wall time is UTC plus that offset, so
        # each interval maps to at most one piece per stretch; a gap yields nothing, a fold
        # yields the repeated wall-clock time twice.
        for stretch_start, stretch_end, offset in _offset_stretches(self.spec.timezone, ordinal):
            for local_start, local_end in self._local:
                lo = max(stretch_start, midnight + local_start - offset)
                hi = min(stretch_end, midnight + local_end - offset)
                if lo < hi:
                    pieces.append((lo, hi))
        return tuple(_merged(pieces))


def _consume(calendar: _Calendar, cursor: int, needed: int, stops: list[tuple[int, int]]) -> int:
    """Walk working time from `cursor`, skipping pauses, until `needed` microseconds are used."""
    ordinal = calendar.local_ordinal(cursor)
    next_stop = 0
    idle = 0
    walked = 0
    while True:
        walked += 1
        if walked > MAX_WALK_DAYS:
            raise ValueError(f"amount: the target would fall due more than {MAX_WALK_DAYS} days after its start")
        spans = calendar.spans(ordinal)
        if not spans:
            idle += 1
            if idle > _HORIZON_DAYS:
                raise ValueError(
                    f"spec: no working time in the {_HORIZON_DAYS} days up to {date.fromordinal(ordinal).isoformat()}"
                )
            ordinal += 1
            continue
        idle = 0
        for span_start, span_end in spans:
            if span_end <= cursor:
                continue
            lo = max(span_start, cursor)
            while lo < span_end:
                while next_stop < len(stops) and stops[next_stop][1] <= lo:
                    next_stop += 1
                if next_stop < len(stops) and stops[next_stop][0] <= lo:
                    if stops[next_stop][1] == _FOREVER:
                        raise _clock_stopped(stops[next_stop][0])
                    lo = stops[next_stop][1]
                    continue
                free_end = span_end if next_stop == len(stops) else min(span_end, stops[next_stop][0])
                if needed <= free_end - lo:
                    return lo + needed
                needed -= free_end - lo
                lo = free_end
            cursor = lo
        ordinal += 1
        # A pause may have carried the cursor past several days at once.
        if cursor > spans[-1][1]:
            ordinal = max(ordinal, calendar.local_ordinal(cursor))


def _elapse(cursor: int, needed: int, stops: list[tuple[int, int]]) -> int:
    """Let `needed` microseconds of wall-clock time pass from `cursor`, skipping pauses."""
    for stop_start, stop_end in stops:
        if stop_end <= cursor:
            continue
        if stop_start > cursor:
            if needed <= stop_start - cursor:
                return cursor + needed
            needed -= stop_start - cursor
        if stop_end == _FOREVER:
            raise _clock_stopped(stop_start)
        cursor = stop_end
    return cursor + needed


def _clock_stopped(instant: int) -> ClockStopped:
    """Build the error for a target that an open pause keeps from running out."""
    return ClockStopped(
        f"pauses: an open pause stopped the clock at {_from_us(instant).isoformat()} before the target ran out"
    )


@lru_cache(maxsize=32)
def _compiled(spec: CalendarSpec) -> _Calendar:
    """Share one compiled calendar, and so one memo of working intervals, per distinct spec."""
    return _Calendar(spec)


@lru_cache(maxsize=4096)
def _offset_stretches(zone_name: str, ordinal: int) -> tuple[tuple[int, int, int], ...]:
    """Split the UTC instants around a local date into stretches of constant UTC offset."""
    zone = ZoneInfo(zone_name)
    midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_US
    stop = midnight + _DAY_US + _OFFSET_MARGIN_US
    stretches = []
    stretch_start = probe = midnight - _OFFSET_MARGIN_US
    offset = _offset_us(zone, probe)
    # Offsets never change twice within an hour, so hourly probes find every change.
    while probe < stop:
        ahead = min(probe + _HOUR_US, stop)
        if _offset_us(zone, ahead) != offset:
            change = _first_change(zone, probe, ahead, offset)
            stretches.append((stretch_start, change, offset))
            stretch_start, offset = change, _offset_us(zone, change)
            probe = change
        else:
            probe = ahead
    stretches.append((stretch_start, stop, offset))
    return tuple(stretches)


def _first_change(zone: ZoneInfo, before: int, after: int, offset: int) -> int:
    """Bisect to the first instant in (before, after] whose UTC offset is not `offset`."""
    while after - before > 1:
        middle = (before + after) // 2
        if _offset_us(zone, middle) == offset:
            before = middle
        else:
            after = middle
    return after


def _offset_us(zone: ZoneInfo, instant: int) -> int:
    """Give the UTC offset of a zone at an instant, in microseconds."""
    return (_EPOCH + timedelta(microseconds=instant)).astimezone(zone).utcoffset() // _ONE_US


@lru_cache(maxsize=512)
def _official_days(country: str, subdivision: str | None, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Give the public holidays and the official make-up working days of a region in a year."""
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year, categories=(PUBLIC,))
    return frozenset(calendar), frozenset(calendar.weekend_workdays)


def _check_region(country: str | None, subdivision: str | None) -> None:
    """Refuse a country or subdivision that the holidays library does not know."""
    if country is None:
        if subdivision is not None:
            raise ValueError("subdivision: given without a country")
        return
    if not isinstance(country, str) or country not in holidays.list_supported_countries():
        raise ValueError(f"country: {country!r} is not a country code known to the holidays library (e.g. 'US')")
    if subdivision is not None and not isinstance(subdivision, str):
        raise ValueError(f"subdivision: expected a subdivision code such as 'NY', got {subdivision!r}")
    if problem := _region_problem(country, subdivision):
        raise ValueError(problem)


@lru_cache(maxsize=256)
def _region_problem(country: str, subdivision: str | None) -> str | None:
    """Say what is wrong with a subdivision of a known country, or None when `holidays` knows it."""
    if subdivision is None:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=(), categories=(PUBLIC,))
    except NotImplementedError:
        return f"subdivision: {subdivision!r} is not a subdivision of {country!r}"
    return None


def _check_timezone(name: str) -> None:
    """Refuse a time zone name that zoneinfo cannot load."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"timezone: expected an IANA time zone name, got {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"timezone: unknown time zone {name!r}") from None


def _check_weekdays(weekdays: Iterable[int]) -> frozenset[int]:
    """Freeze and check working weekday numbers."""
    try:
        values = frozenset(weekdays)
    except TypeError:
        raise ValueError(f"weekdays: expected a set of integers 0..6, got {weekdays!r}") from None
    if not values:
        raise ValueError("weekdays: at least one working weekday is needed")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            raise ValueError(f"weekdays: {value!r} is not a weekday number 0 (Monday) .. 6 (Sunday)")
    return values


def _check_hours(hours: Iterable[Sequence[time]]) -> tuple[tuple[time, time], ...]:
    """Freeze and check the working intervals of a day: naive times, sorted, not overlapping."""
    try:
        pairs = tuple(tuple(pair) for pair in hours)
    except TypeError:
        raise ValueError(f"hours: expected (start, end) pairs of times, got {hours!r}") from None
    if not pairs:
        raise ValueError("hours: at least one working interval is needed")
    previous_end = 0
    for pair in pairs:
        if len(pair) != 2 or not all(isinstance(value, time) for value in pair):
            raise ValueError(f"hours: {pair!r} is not a (start, end) pair of times")
        if any(value.tzinfo is not None for value in pair):
            raise ValueError(f"hours: {pair!r} carries a time zone; times are local to the calendar")
        ((start, end),) = _local_spans((pair,))
        if end <= start:
            raise ValueError(f"hours: interval {_show(pair)} ends before it starts")
        if start < previous_end:
            raise ValueError(f"hours: interval {_show(pair)} overlaps or precedes the one before it")
        previous_end = end
    return pairs


def _check_dates(field: str, values: Iterable[date]) -> frozenset[date]:
    """Freeze and check a set of dates."""
    try:
        days = frozenset(values)
    except TypeError:
        raise ValueError(f"{field}: expected a set of dates, got {values!r}") from None
    for day in days:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"{field}: {day!r} is not a date")
    return days


def _plain_hours(hours: Iterable[Sequence[str | time]]) -> tuple[tuple[time, time], ...]:
    """Read working intervals given as [start, end] pairs of "HH:MM" strings or times."""
    try:
        pairs = list(hours)
    except TypeError:
        raise ValueError(f"hours: expected a list of [start, end] pairs, got {hours!r}") from None
    parsed = []
    for pair in pairs:
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"hours: {pair!r} is not a [start, end] pair")
        parsed.append((_plain_time(pair[0], end=False), _plain_time(pair[1], end=True)))
    # The intervals form a set; their order in plain input carries no meaning.
    return tuple(sorted(parsed, key=lambda pair: _local_spans((pair,))[0]))


def _plain_time(value: str | time, *, end: bool) -> time:
    """Read one "HH:MM[:SS]" time; "24:00" is accepted as an interval end."""
    if isinstance(value, time):
        return value
    match = _TIME_TEXT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"hours: {value!r} is not a time written HH:MM or HH:MM:SS")
    hour, minute, second = (int(part or 0) for part in match.groups())
    if end and (hour, minute, second) == (24, 0, 0):
        return _MIDNIGHT
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"hours: {value!r} is not a valid time of day")
    return time(hour, minute, second)


def _plain_dates(field: str, values: Iterable[str | date]) -> frozenset[date]:
    """Read dates given as "YYYY-MM-DD" strings or date objects."""
    try:
        given = list(values)
    except TypeError:
        raise ValueError(f"{field}: expected a list of dates, got {values!r}") from None
    days = set()
    for value in given:
        if isinstance(value, date) and not isinstance(value, datetime):
            days.add(value)
            continue
        if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value):
            raise ValueError(f"{field}: {value!r} is not a date written YYYY-MM-DD")
        try:
            days.add(date.fromisoformat(value))
        except ValueError:
            raise ValueError(f"{field}: {value!r} is not a valid date") from None
    return frozenset(days)


def _local_spans(hours: Iterable[tuple[time, time]]) -> tuple[tuple[int, int], ...]:
    """Turn local intervals into microseconds after local midnight, an end of 00:00 being 24:00."""
    return tuple((_time_us(start), _DAY_US if end == _MIDNIGHT else _time_us(end)) for start, end in hours)


def _time_us(value: time) -> int:
    """Give microseconds after midnight of a time of day."""
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _show(pair: tuple[time, time]) -> str:
    """Write an interval for an error message."""
    start, end = pair
    return f"{start.isoformat()}-{'24:00' if end == _MIDNIGHT else end.isoformat()}"


def _amount_us(amount: Decimal | float, unit_us: int) -> int:
    """Convert a target amount to whole microseconds, rounding half to even."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | float):
        raise TypeError(f"amount: expected a number, got {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite() or value <= 0:
        raise ValueError(f"amount: must be a finite number greater than zero, got {amount!r}")
    microseconds = int((value * unit_us).to_integral_value(rounding=ROUND_HALF_EVEN))
    if microseconds <= 0:
        raise ValueError(f"amount: {amount!r} is shorter than a microsecond")
    if microseconds > _MAX_AMOUNT_US:
        raise ValueError(f"amount: {amount!r} is longer than a year of time")
    return microseconds


def _merge_pauses(pauses: Sequence[tuple[datetime, datetime | None]]) -> list[tuple[int, int]]:
    """Turn pauses into sorted, disjoint [start, end) instants, an open end being `_FOREVER`."""
    spans = []
    for index, pause in enumerate(pauses):
        try:
            begin, end = pause
        except (TypeError, ValueError):
            raise ValueError(f"pauses[{index}]: expected a (start, end) pair, got {pause!r}") from None
        lo = _to_us(begin, f"pauses[{index}] start")
        hi = _FOREVER if end is None else _to_us(end, f"pauses[{index}] end")
        if hi < lo:
            raise ValueError(f"pauses[{index}]: ends before it starts")
        if hi > lo:
            spans.append((lo, hi))
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort [start, end) spans and join those that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _to_us(value: datetime, field: str) -> int:
    """Turn an aware datetime into microseconds since the epoch, refusing naive ones."""
    if not isinstance(value, datetime):
        raise TypeError(f"{field}: expected a datetime, got {type(value).__name__}")
    if value.utcoffset() is None:
        raise ValueError(f"{field}: naive datetime {value.isoformat()} refused; give a timezone-aware value")
    return (value - _EPOCH) // _ONE_US


def _from_us(instant: int) -> datetime:
    """Turn microseconds since the epoch into a UTC datetime."""
    return _EPOCH + timedelta(microseconds=instant)

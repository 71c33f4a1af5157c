"""Ranges of whole periods in company time, as the dashboards and the API ask for them.

periods.py holds the calendar arithmetic of one period (its start, label, UTC bounds); this module
turns a reader's "from" and "to" (labels or dates) into the tuple of whole periods to read, and
names the finished periods a page may offer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.errors import InvalidInput
from tracker.metrics import periods
from tracker.metrics.periods import company_zone

MAX_PERIODS = 160
FIRST_YEAR = 2000  # no ratings are older; far-off years would overflow the UTC bounds


@dataclass(frozen=True)
class PeriodRange:
    kind: str
    starts: tuple[dt.date, ...]

    @property
    def first(self) -> dt.date:
        return self.starts[0]

    @property
    def last(self) -> dt.date:
        return self.starts[-1]


def period_range(kind: str, first: str | None = None, last: str | None = None, default_count: int = 1,
                 include_current: bool = False) -> PeriodRange:
    """Whole periods from `first` to `last` (labels or dates); by default the last complete ones."""
    if kind not in periods.PERIOD_KINDS:
        raise InvalidInput("Choose week, month or quarter.", field="period")
    current = periods.current_start(kind, company_zone())
    if last:
        end = periods.parse(last, kind, "to")
    else:
        end = current if include_current else periods.previous_start(current, kind)
    if first:
        start = periods.parse(first, kind, "from")
    else:
        start = end
        for _ in range(default_count - 1):
            start = periods.previous_start(start, kind)
    if start > end:
        raise InvalidInput("The range ends before it begins.", field="from")
    starts = periods.starts_between(start, end, kind)
    if len(starts) > MAX_PERIODS:
        raise InvalidInput(f"Ask for at most {MAX_PERIODS} periods at once.", field="from")
    return PeriodRange(kind, tuple(starts))


def finished_starts(kind: str, count: int) -> list[dt.date]:
    """The starts of the last `count` finished periods of a kind in company time, latest first."""
    start = periods.previous_start(periods.current_start(kind, company_zone()), kind)
    starts = []
    for _ in range(count):
        starts.append(start)
        start = periods.previous_start(start, kind)
    return starts


def finished_start(kind: str, when: str | None) -> dt.date:
    """The finished period named by `when` (a label or a date), else the latest finished one.

    A filter in a link, so anything else (an open or future period, nonsense) shows the default.
    """
    latest = finished_starts(kind, 1)[0]
    try:
        start = periods.parse(when, kind, "period") if when else latest
    except InvalidInput:
        return latest
    return start if start.year >= FIRST_YEAR and start <= latest else latest

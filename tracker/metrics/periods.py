"""Whole periods (ISO week, calendar month, calendar quarter) in the company's time zone.

A period is named by its kind and the local date it starts on. Its bounds in UTC are the
instants of local midnight at its start and at the next period's start.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from flask import current_app

from tracker.errors import InvalidInput
from tracker.schemas import outside_window

PERIOD_KINDS = ("week", "month", "quarter")


def company_zone() -> ZoneInfo:
    """The company's time zone (config COMPANY_TIMEZONE), in which periods are counted."""
    return ZoneInfo(current_app.config.get("COMPANY_TIMEZONE", "Asia/Shanghai"))

_LABELS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
}


def period_start(day: dt.date, kind: str) -> dt.date:
    """The first local day of the period of this kind that contains the day."""
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    raise ValueError(f"unknown period kind {kind!r}")


def next_start(start: dt.date, kind: str) -> dt.date:
    """The first day of the period after the one starting on `start`."""
    if kind == "week":
        return start + dt.timedelta(days=7)
    months = 1 if kind == "month" else 3
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def previous_start(start: dt.date, kind: str) -> dt.date:
    """The first day of the period before the one starting on `start`."""
    return period_start(start - dt.timedelta(days=1), kind)


def starts_between(first: dt.date, last: dt.date, kind: str) -> list[dt.date]:
    """The starts of every period from the one holding `first` to the one holding `last`."""
    current, end = period_start(first, kind), period_start(last, kind)
    result = []
    while current <= end:
        result.append(current)
        current = next_start(current, kind)
    return result


def label(start: dt.date, kind: str) -> str:
    """A short name: 2026-W05, 2026-02, 2026-Q1."""
    if kind == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def parse(text: str, kind: str, field: str) -> dt.date:
    """The start of the period named by a label or by any ISO date inside it."""
    text = (text or "").strip()
    match = _LABELS[kind].match(text)
    try:
        if match and kind == "week":
            start = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        elif match and kind == "month":
            start = dt.date(int(match[1]), int(match[2]), 1)
        elif match:
            start = dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
        else:
            start = period_start(dt.date.fromisoformat(text), kind)
    except ValueError as exc:
        raise InvalidInput(f"{text!r} names no {kind}: use a date or a label like 2026-W05, 2026-02, 2026-Q1.",
                           field=field) from exc
    # The period's last day must lie in the window too: its end bound is converted to UTC.
    if problem := outside_window(start) or outside_window(next_start(start, kind) - dt.timedelta(days=1)):
        raise InvalidInput(problem, field=field)
    return start


def local_day(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The company-local calendar day of an aware instant."""
    return instant.astimezone(zone).date()


def utc_bounds(start: dt.date, kind: str, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which the period begins and ends (end excluded)."""
    end = next_start(start, kind)
    return _midnight(start, zone), _midnight(end, zone)


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def current_start(kind: str, zone: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    """The start of the period that holds today (in the company's zone)."""
    now = now or dt.datetime.now(dt.UTC)
    return period_start(local_day(now, zone), kind)

"""SQL expressions that turn a stored UTC timestamp into the start of its company-local period.

PostgreSQL converts with the time zone itself. SQLite knows no zones, so the zone's UTC
offsets over the years the data spans are written into a CASE expression.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column

_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _offset_segments(zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """[(utc instant from which the offset holds, offset in seconds)] over the span.

    Steps a day at a time and looks hour by hour only inside a day whose offset changed.
    """
    def offset(instant: dt.datetime) -> int:
        return int(instant.astimezone(zone).utcoffset().total_seconds())

    current = first.replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    segments: list[tuple[dt.datetime, int]] = [(current, offset(current))]
    end = last + dt.timedelta(days=1)
    while current <= end:
        following = current + dt.timedelta(days=1)
        if offset(following) != segments[-1][1]:
            hour = current
            while hour <= following:
                if offset(hour) != segments[-1][1]:
                    segments.append((hour, offset(hour)))
                hour += dt.timedelta(hours=1)
        current = following
    return segments


@functools.lru_cache(maxsize=64)
def _cached_segments(zone_key: str, first: dt.date, last: dt.date) -> tuple[tuple[dt.datetime, int], ...]:
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=1)
    return tuple(_offset_segments(ZoneInfo(zone_key), start, end))


def local_timestamp_sql(dialect: str, column: str, zone: ZoneInfo,
                        first: dt.datetime | None = None, last: dt.datetime | None = None) -> str:
    """SQL text for the local wall-clock time of a UTC timestamp column."""
    if dialect == "postgresql":
        return f"timezone('{zone.key}', {column})"
    now = dt.datetime.now(dt.UTC)
    first = first or now - dt.timedelta(days=366 * 5)
    last = last or now + dt.timedelta(days=366)
    segments = _cached_segments(zone.key, first.astimezone(dt.UTC).date(), last.astimezone(dt.UTC).date())
    if len(segments) == 1:
        return f"datetime({column}, '{segments[0][1]:+d} seconds')"
    parts = [f"WHEN {column} < '{start.strftime(_SQLITE_FORMAT)}' THEN '{previous:+d} seconds'"
             for (start, _), (_, previous) in zip(segments[1:], segments[:-1], strict=True)]
    return f"datetime({column}, CASE {' '.join(parts)} ELSE '{segments[-1][1]:+d} seconds' END)"


def period_start_sql(dialect: str, kind: str, local: str) -> str:
    """SQL text for the first day of the week, month or quarter holding a local timestamp."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('{kind}', {local}) AS date)"
    if kind == "week":
        return f"date({local}, '-' || ((CAST(strftime('%w', {local}) AS integer) + 6) % 7) || ' days')"
    if kind == "month":
        return f"date({local}, 'start of month')"
    return (f"date({local}, 'start of month', "
            f"'-' || ((CAST(strftime('%m', {local}) AS integer) - 1) % 3) || ' months')")


def period_column(dialect: str, kind: str, zone: ZoneInfo, column: str = "created_at",
                  first: dt.datetime | None = None, last: dt.datetime | None = None):
    """A selectable column for the period start (as text usable in SELECT and GROUP BY)."""
    return literal_column(period_start_sql(dialect, kind, local_timestamp_sql(dialect, column, zone, first, last)))


def as_date(value) -> dt.date:
    """A date read back from the database (a date, or an ISO string on SQLite)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])

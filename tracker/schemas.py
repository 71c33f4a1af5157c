"""Pieces shared by every feature's schemas."""

from __future__ import annotations

import decimal
from datetime import date, datetime

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from tracker.extensions import db
from tracker.types import utcnow

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Pages past this one would need an OFFSET beyond 2**31; no table is that large, so they are empty.
MAX_PAGE = 2**31 // MAX_PAGE_SIZE


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ids outside 1..2**31 - 1 match no route (404) instead of overflowing SQL."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# Refuses NUL characters, which PostgreSQL text cannot store; a pattern, so that the API
# document says so and a generated client never sends one.
no_nul = validate.Regexp(r"^[^\x00]*$", error="must not contain NUL characters")


class StoredDecimal(fields.Decimal):
    """A decimal checked against its range as sent, then kept with `stored_places` decimals inside that range.

    marshmallow's `places` rounds before the validators run, so 0.001 business days became 0.00
    and was refused although the document allows any amount above 0. Here the number as sent
    meets the documented range, and rounding moves it to the nearest storable value that still
    does (0.001 is kept as 0.01, an attainment of 0.99999 as 0.9999).
    """

    def __init__(self, stored_places: int, **kwargs) -> None:
        super().__init__(allow_nan=False, **kwargs)
        self.step = decimal.Decimal(1).scaleb(-stored_places)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        number = super().deserialize(value, attr, data, **kwargs)
        if not isinstance(number, decimal.Decimal):
            return number
        stored = number.quantize(self.step)
        for bound in (v for v in self.validators if isinstance(v, validate.Range)):
            if bound.min is not None:
                low = decimal.Decimal(bound.min) + (0 if bound.min_inclusive else self.step)
                stored = max(stored, low.quantize(self.step, rounding=decimal.ROUND_CEILING))
            if bound.max is not None:
                high = decimal.Decimal(bound.max) - (0 if bound.max_inclusive else self.step)
                stored = min(stored, high.quantize(self.step, rounding=decimal.ROUND_FLOOR))
        return stored


# Every date or time the application accepts lies in this window around the current year. No real
# company's handoffs, closures or reports reach outside it, and every loop over days, holidays or
# periods is bounded by it; year 1 or 9999 would also overflow time-zone conversions.
PAST_YEARS = 30
FUTURE_YEARS = 10


def date_window(today: date | None = None) -> tuple[date, date]:
    """The first and last date any input may name: 1 January PAST_YEARS years ago to 31 December FUTURE_YEARS ahead."""
    year = (today or utcnow().date()).year
    return date(year - PAST_YEARS, 1, 1), date(year + FUTURE_YEARS, 12, 31)


def outside_window(day: date) -> str | None:
    """Say why a date lies outside the window, or None when it lies inside."""
    first, last = date_window()
    if first <= day <= last:
        return None
    return _("must lie between %(first)s and %(last)s", first=first.isoformat(), last=last.isoformat())


_WINDOW_HELP = (f"between 1 January {PAST_YEARS} years ago and 31 December {FUTURE_YEARS} years ahead "
                "(the year as written); anything else is refused with 422")


def window_year_pattern() -> str:
    """A pattern that the API document gives date and date-time strings: a year inside the window.

    The document is built once per process, so a process that runs across a new year documents
    last year's window until it restarts; the server checks the window of the current year.
    """
    first, last = date_window()
    return "^(" + "|".join(str(year) for year in range(first.year, last.year + 1)) + ")-"


def _windowed_metadata(kwargs: dict) -> dict:
    metadata = dict(kwargs.pop("metadata", {}))
    metadata["description"] = "; ".join(filter(None, [metadata.get("description"), _WINDOW_HELP]))
    metadata.setdefault("pattern", window_year_pattern())
    return metadata


class WindowedDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time with an offset whose date, as written, lies inside the date window.

    The date as written (not in UTC) is checked, so that the document's pattern on the year says
    exactly what is accepted; inside the window a conversion to UTC cannot overflow.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "iso")
        super().__init__(metadata=_windowed_metadata(kwargs), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if problem := outside_window(moment.date()):
            raise ValidationError(problem)
        return moment


class WindowedDate(fields.Date):
    """An ISO 8601 date (YYYY-MM-DD) inside the date window."""

    def __init__(self, **kwargs) -> None:
        super().__init__(metadata=_windowed_metadata(kwargs), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if problem := outside_window(day):
            raise ValidationError(problem)
        return day


def paginate(query, pagination_parameters) -> list:
    """Return one page of a select() and tell flask-smorest the total for X-Pagination."""
    page = db.paginate(
        query,
        page=min(pagination_parameters.page, MAX_PAGE),
        per_page=pagination_parameters.page_size,
        max_per_page=MAX_PAGE_SIZE,
        error_out=False,
        count=True,
    )
    pagination_parameters.item_count = page.total
    return page.items

"""Schemas for business calendars and the due-time question."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from tracker.calendars.services import MAX_TARGET
from tracker.models import TARGET_UNITS
from tracker.schemas import WindowedDate, WindowedDateTime, no_nul

MAX_DATES = 1000
MAX_INTERVALS = 24
# The longest amount any unit allows (a year of calendar hours); each unit's own limit is a rule of
# calendars.services.target_problem, which names the unit when it refuses.
MAX_AMOUNT = max(MAX_TARGET.values())
MAX_LISTED_DAYS = 366


# A length rule rather than a function, so that the API document says so (minItems = maxItems = 2).
_interval = validate.Length(equal=2, error="an interval is a [start, end] pair such as [\"09:00\", \"12:00\"]")


class _CalendarFields(Schema):
    name = fields.String(validate=[validate.Length(min=1, max=100), no_nul])
    timezone = fields.String(
        validate=[validate.Length(min=1, max=64), no_nul], metadata={"description": "IANA name, e.g. Asia/Shanghai"}
    )
    weekdays = fields.List(
        fields.Integer(strict=True, validate=validate.Range(0, 6)),
        validate=validate.Length(min=1, max=7),
        metadata={"description": "working weekdays, Monday = 0"},
    )
    hours = fields.List(
        fields.List(fields.String(validate=[validate.Length(max=8), no_nul]), validate=_interval),
        validate=validate.Length(min=1, max=MAX_INTERVALS),
        metadata={"description": "working intervals of a day, e.g. [[\"09:00\", \"12:00\"], [\"13:00\", \"18:00\"]]"},
    )
    country = fields.String(
        allow_none=True, validate=[validate.Length(max=8), no_nul],
        metadata={"description": "ISO 3166 code known to the holidays library, e.g. CN"},
    )
    subdivision = fields.String(allow_none=True, validate=[validate.Length(max=16), no_nul])
    closures = fields.List(WindowedDate(), validate=validate.Length(max=MAX_DATES),
                           metadata={"description": "company closures (YYYY-MM-DD)"})
    extra_working_days = fields.List(WindowedDate(), validate=validate.Length(max=MAX_DATES),
                                     metadata={"description": "company extra working days (YYYY-MM-DD)"})


class CalendarUpdate(_CalendarFields):
    """Any subset of the settings; the rest stays as it is."""


class CalendarCreate(_CalendarFields):
    """A new calendar: name, zone, weekdays and hours are needed; holidays and exceptions are optional."""

    def on_bind_field(self, field_name, field_obj):
        if field_name in ("name", "timezone", "weekdays", "hours"):
            field_obj.required = True


class Calendar(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()
    weekdays = fields.List(fields.Integer())
    hours = fields.List(fields.List(fields.String()))
    country = fields.String(allow_none=True)
    subdivision = fields.String(allow_none=True)
    closures = fields.List(fields.String())
    extra_working_days = fields.List(fields.String())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DueQuery(Schema):
    start = WindowedDateTime(
        required=True, data_key="from",
        metadata={"description": "ISO 8601 with an offset, e.g. 2025-01-24T17:00:00+08:00"},
    )
    amount = fields.Decimal(
        required=True, allow_nan=False,
        validate=validate.Range(0, MAX_AMOUNT, min_inclusive=False),
    )
    unit = fields.String(required=True, validate=validate.OneOf(TARGET_UNITS))

    @validates("start")
    def _has_offset(self, value, **kwargs):
        if value.utcoffset() is None:
            raise ValidationError("needs an offset, e.g. +08:00 or Z")


class Due(Schema):
    due_at = fields.DateTime()


class WorkingDaysQuery(Schema):
    start = WindowedDate(data_key="from", metadata={"description": "first day (default: today in the calendar's zone)"})
    count = fields.Integer(load_default=10, validate=validate.Range(1, MAX_LISTED_DAYS))


class WorkingDays(Schema):
    days = fields.List(fields.Date())

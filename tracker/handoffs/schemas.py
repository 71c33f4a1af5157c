"""Schemas for handoffs: what comes in, what goes out, and the list filters."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.handoffs.services import business_time_left
from tracker.models import HANDOFF_STATUSES, MAX_PARTICIPANTS, PAUSE_REASONS
from tracker.schemas import WindowedDateTime, no_nul

MAX_ID = 2**31 - 1
_id = validate.Range(min=1, max=MAX_ID)
_code = [validate.Length(min=1, max=16), no_nul]
_title = [validate.Length(min=1, max=300), no_nul]
_source = [validate.Length(min=1, max=64), no_nul]
_ref = [validate.Length(min=1, max=128), no_nul]


class HandoffCreate(Schema):
    commitment = fields.Integer(required=True, strict=True, validate=_id, metadata={"description": "commitment id"})
    consumer = fields.String(required=True, validate=_code, metadata={"description": "consumer department code"})
    title = fields.String(required=True, validate=_title)
    requested_at = WindowedDateTime(load_default=None, metadata={"description": "defaults to now"})
    external_source = fields.String(load_default=None, validate=_source)
    external_ref = fields.String(load_default=None, validate=_ref)
    participants = fields.List(fields.Email(validate=validate.Length(max=254)), load_default=list,
                               validate=validate.Length(max=MAX_PARTICIPANTS),
                               metadata={"description": "emails of colleagues in the consumer department who took "
                                                        "part; they are asked to rate it too"})


class HandoffImportRow(Schema):
    """One row of a bulk import: the fields of a new handoff plus its delivery time."""

    commitment = fields.Integer(required=True, validate=_id)
    consumer = fields.String(required=True, validate=_code)
    title = fields.String(required=True, validate=_title)
    requested_at = WindowedDateTime(load_default=None)
    delivered_at = WindowedDateTime(load_default=None)
    external_source = fields.String(load_default=None, validate=_source)
    external_ref = fields.String(required=True, validate=_ref)


class ImportQuery(Schema):
    source = fields.String(validate=_source, metadata={"description": "external_source for rows that give none"})


class ImportRowError(Schema):
    row = fields.Integer(metadata={"description": "1 is the first data row"})
    field = fields.String()
    message = fields.String()


class ImportResult(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowError))
    errors_omitted = fields.Integer(metadata={"description": "row errors beyond the first 1000"})


class Deliver(Schema):
    delivered_at = WindowedDateTime(load_default=None, metadata={"description": "defaults to now"})


class Pause(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(PAUSE_REASONS))
    at = WindowedDateTime(load_default=None, metadata={"description": "defaults to now"})


class At(Schema):
    at = WindowedDateTime(load_default=None, metadata={"description": "defaults to now"})


class HandoffQuery(Schema):
    provider = fields.String(validate=_code, metadata={"description": "provider department code"})
    consumer = fields.String(validate=_code, metadata={"description": "consumer department code"})
    status = fields.String(validate=validate.OneOf(HANDOFF_STATUSES))
    from_ = WindowedDateTime(data_key="from", metadata={"description": "requested at or after"})
    to = WindowedDateTime(metadata={"description": "requested before"})


class HandoffDepartment(Schema):
    code = fields.String()
    name = fields.String()
    name_zh = fields.String(allow_none=True)


class Event(Schema):
    kind = fields.String()
    at = fields.DateTime()
    reason = fields.String(allow_none=True)


class Handoff(Schema):
    id = fields.Integer()
    status = fields.String()
    title = fields.String()
    commitment = fields.Function(lambda h: h.version.commitment_id)
    version = fields.Function(lambda h: h.version.number)
    commitment_title = fields.Function(lambda h: h.version.title)
    provider = fields.Nested(HandoffDepartment)
    consumer = fields.Nested(HandoffDepartment)
    external_source = fields.String(allow_none=True)
    external_ref = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    due_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    met = fields.Boolean(allow_none=True)
    business_time_left_seconds = fields.Method("_left", allow_none=True)

    def _left(self, handoff):
        left = business_time_left(handoff)
        return None if left is None else int(left.total_seconds())


class HandoffDetail(Handoff):
    events = fields.List(fields.Nested(Event))


# The import reads its body itself (CSV or JSON, see handoffs.api.import_handoffs); this is what
# the document says of it. Rows are checked one by one and refused rows come back as row errors.
IMPORT_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string", "description": "CSV with a header row: commitment, consumer, "
                                "title, external_ref, and optionally requested_at, delivered_at, external_source"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                           "properties": {"file": {"type": "string", "format": "binary"}}}},
        "application/json": {"schema": {"type": "array", "items": {},
                                        "description": "one object per handoff, with the CSV's columns as keys; "
                                                       "an item that is not such an object is a row error"}},
    },
}

"""Schemas for ratings. None of them carries who rated: only the rater ever sees a rating."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.handoffs.schemas import HandoffDepartment
from tracker.models import MAX_COMMENT_LENGTH, REASON_TAGS
from tracker.ratings.services import rating_closes_at
from tracker.schemas import no_nul

_score = validate.Range(min=1, max=5)


class RatingPut(Schema):
    satisfaction = fields.Integer(required=True, strict=True, validate=_score)
    collaboration = fields.Integer(required=True, strict=True, validate=_score)
    reasons = fields.List(fields.String(validate=validate.OneOf(REASON_TAGS)), load_default=list,
                          validate=validate.Length(max=len(REASON_TAGS)),
                          metadata={"description": "kept only when a score is 1 or 2"})
    comment = fields.String(load_default=None, allow_none=True,
                            validate=[validate.Length(max=MAX_COMMENT_LENGTH), no_nul])


class HandoffRef(Schema):
    id = fields.Integer()
    title = fields.String()
    provider = fields.Nested(HandoffDepartment)
    consumer = fields.Nested(HandoffDepartment)
    delivered_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime()
    met = fields.Boolean(allow_none=True)


class Rating(Schema):
    handoff = fields.Nested(HandoffRef)
    satisfaction = fields.Integer()
    collaboration = fields.Integer()
    reasons = fields.Function(lambda r: r.reason_tags)
    comment = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class InboxItem(HandoffRef):
    rate_until = fields.Method("_until")

    def _until(self, handoff):
        closes = rating_closes_at(handoff)
        return closes.isoformat() if closes else None

"""Schemas of the caller's identity and of API tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.schemas import no_nul


class DepartmentRef(Schema):
    code = fields.String()
    name = fields.String()
    name_zh = fields.String(allow_none=True)


class Me(Schema):
    """The signed-in caller."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String(attribute="display_name")
    role = fields.String()
    locale = fields.String(allow_none=True)
    department = fields.Nested(DepartmentRef, allow_none=True)


class TokenCreate(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), no_nul])


class Token(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    scopes = fields.String()
    created_at = fields.AwareDateTime()
    last_used_on = fields.Date(allow_none=True, metadata={
        "description": "the day (UTC) the token was last used; only the day, never the time"})
    revoked_at = fields.AwareDateTime(allow_none=True)


class TokenCreated(Token):
    token = fields.String(metadata={"description": "The secret, shown this once only."})

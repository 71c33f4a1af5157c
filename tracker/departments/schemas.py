"""Schemas for departments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.schemas import no_nul

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,15}$"


class DepartmentCreate(Schema):
    code = fields.String(
        required=True,
        validate=validate.Regexp(CODE_PATTERN, error="1 to 16 letters, digits, '-' or '_', starting with a letter"),
    )
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), no_nul])
    name_zh = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=200), no_nul])


class Department(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    name_zh = fields.String(allow_none=True)
    active = fields.Boolean()


class DepartmentQuery(Schema):
    q = fields.String(validate=[validate.Length(max=100), no_nul], metadata={"description": "search code and names"})
    active = fields.Boolean()

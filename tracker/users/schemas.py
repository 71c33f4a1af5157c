"""Schemas for people over the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from tracker.auth.schemas import DepartmentRef
from tracker.models import LOCALES, ROLES
from tracker.schemas import no_nul

_CODE = validate.Length(min=1, max=16)


class UserCreate(Schema):
    email = fields.Email(required=True, validate=[validate.Length(min=3, max=254), no_nul])
    display_name = fields.String(required=True, validate=[validate.Length(min=1, max=200), no_nul])
    role = fields.String(load_default="employee", validate=validate.OneOf(ROLES))
    department = fields.String(load_default=None, allow_none=True, validate=[_CODE, no_nul],
                               metadata={"description": "department code; required unless role is admin"})
    password = fields.String(load_default=None, allow_none=True, load_only=True,
                             validate=[validate.Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH), no_nul],
                             metadata={"description": "refused when easy to guess (common, a word, a pattern, "
                                                      "the person's name or email)"})
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LOCALES))


class UserUpdate(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    department = fields.String(allow_none=True, validate=[_CODE, no_nul])
    active = fields.Boolean()
    display_name = fields.String(validate=[validate.Length(min=1, max=200), no_nul])
    locale = fields.String(allow_none=True, validate=validate.OneOf(LOCALES))


class User(Schema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    role = fields.String()
    department = fields.Nested(DepartmentRef, allow_none=True)
    locale = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    erased_at = fields.AwareDateTime(allow_none=True)


class UserQuery(Schema):
    q = fields.String(validate=[validate.Length(max=100), no_nul], metadata={"description": "search email and name"})
    role = fields.String(validate=validate.OneOf(ROLES))
    department = fields.String(validate=[_CODE, no_nul])
    active = fields.Boolean()


class EraseConfirm(Schema):
    confirm = fields.Boolean(required=True, validate=validate.Equal(True, error="must be true to erase"))


class PersonalData(Schema):
    """Everything stored about a person; `ratings_given` only in the person's own export."""

    profile = fields.Dict()
    sign_in_sessions = fields.Integer()
    api_tokens = fields.List(fields.Dict())
    audit_events_by_them = fields.List(fields.Dict())
    ratings_given = fields.List(fields.Dict())

"""Schemas for service commitments and their versions."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_dump, validate

from tracker.calendars.schemas import MAX_AMOUNT
from tracker.departments.schemas import CODE_PATTERN
from tracker.models import COMMITMENT_STATUSES, REVIEW_CADENCES, TARGET_UNITS
from tracker.schemas import StoredDecimal, no_nul

MAX_ID = 2**31 - 1
MAX_TEXT = 5000


class UserReference(fields.Field):
    """A person given by id (a number) or by email (text)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("give the owner's email or id")
        if isinstance(value, int):
            if not 1 <= value <= MAX_ID:
                raise ValidationError("not a valid user id")
            return value
        if isinstance(value, str) and 1 <= len(value) <= 254 and "\x00" not in value:
            return int(value) if value.isdigit() and len(value) < 10 else value
        raise ValidationError("give the owner's email or id")


class CommitmentTarget(Schema):
    amount = StoredDecimal(2, required=True, validate=validate.Range(0, MAX_AMOUNT, min_inclusive=False))
    unit = fields.String(required=True, validate=validate.OneOf(TARGET_UNITS))


class _VersionInput(Schema):
    title = fields.String(validate=[validate.Length(min=1, max=200), no_nul])
    description = fields.String(validate=[validate.Length(max=MAX_TEXT), no_nul])
    needs_from_consumer = fields.String(validate=[validate.Length(max=MAX_TEXT), no_nul])
    consumers = fields.List(
        fields.String(validate=validate.Regexp(CODE_PATTERN, error="not a department code")),
        validate=validate.Length(max=500),
        metadata={"description": "consumer department codes; [] for all departments"},
    )
    target = fields.Nested(CommitmentTarget)
    attainment_target = StoredDecimal(
        4, validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False),
        metadata={"description": "share of handoffs due that must be met, e.g. 0.95"},
    )
    satisfaction_target = StoredDecimal(2, validate=validate.Range(1, 5))
    calendar = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), metadata={"description": "calendar id"})
    owner = UserReference(metadata={
        "description": "email or id of an active member of the provider department",
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                  {"type": "string", "minLength": 1, "maxLength": 254, "pattern": no_nul.regex.pattern}],
    })
    review_cadence = fields.String(validate=validate.OneOf(REVIEW_CADENCES))


_REQUIRED_ON_CREATE = ("provider", "title", "target", "attainment_target", "satisfaction_target", "calendar", "owner")


class CommitmentCreate(_VersionInput):
    """A new draft."""

    provider = fields.String(validate=validate.Regexp(CODE_PATTERN, error="not a department code"))

    def on_bind_field(self, field_name, field_obj):
        if field_name in _REQUIRED_ON_CREATE:
            field_obj.required = True


class CommitmentUpdate(_VersionInput):
    """Changes to a draft, or a revision of a published commitment; the provider never changes."""


class CommitmentQuery(Schema):
    provider = fields.String(validate=[validate.Length(max=16), no_nul])
    consumer = fields.String(validate=[validate.Length(max=16), no_nul],
                             metadata={"description": "what this department may expect"})
    status = fields.String(validate=validate.OneOf(COMMITMENT_STATUSES))
    q = fields.String(validate=[validate.Length(max=100), no_nul],
                      metadata={"description": "search titles and descriptions"})


class ProviderRef(Schema):
    code = fields.String()
    name = fields.String()
    name_zh = fields.String(allow_none=True)


class CommitmentPerson(Schema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")
    email = fields.String()


class CommitmentCalendar(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()


class CommitmentTargetOut(Schema):
    amount = fields.Float()
    unit = fields.String()


def _version_dict(version) -> dict:
    """A version's fields for output, the target as one object."""
    flat = {name: getattr(version, name) for name in _VersionFields._declared_fields if name != "target"}
    flat["target"] = {"amount": version.target_amount, "unit": version.target_unit}
    return flat


class _VersionFields(Schema):
    number = fields.Integer()
    title = fields.String()
    description = fields.String()
    needs_from_consumer = fields.String()
    all_consumers = fields.Boolean()
    consumers = fields.Pluck(ProviderRef, "code", many=True)
    target = fields.Nested(CommitmentTargetOut)
    attainment_target = fields.Float()
    satisfaction_target = fields.Float()
    calendar = fields.Nested(CommitmentCalendar)
    owner = fields.Nested(CommitmentPerson)
    review_cadence = fields.String()
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    published_by = fields.Nested(CommitmentPerson, allow_none=True)


class CommitmentVersionOut(_VersionFields):
    """One version of a commitment, with who published it and when."""

    @pre_dump
    def _flatten(self, version, **kwargs):
        return _version_dict(version)


class Commitment(_VersionFields):
    """A commitment with the content of its current version."""

    id = fields.Integer()
    provider = fields.Nested(ProviderRef)
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    retired_at = fields.DateTime(allow_none=True)

    @pre_dump
    def _flatten(self, commitment, **kwargs):
        flat = _version_dict(commitment.current_version)
        flat.update(id=commitment.id, provider=commitment.provider, status=commitment.status,
                    version=commitment.current_version.number, created_at=commitment.created_at,
                    retired_at=commitment.retired_at)
        return flat

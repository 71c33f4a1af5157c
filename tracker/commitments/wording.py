"""Commitments in plain words, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.models import CommitmentVersion

UNIT_LABELS = {
    "business_hours": _l("business hours"),
    "business_days": _l("business days"),
    "calendar_hours": _l("calendar hours"),
}
CADENCE_LABELS = {"week": _l("every week"), "month": _l("every month"), "quarter": _l("every quarter")}
FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "needs_from_consumer": _l("What the provider needs from the consumer"),
    "consumers": _l("Consumers"),
    "target_amount": _l("Target"),
    "target_unit": _l("Target unit"),
    "attainment_target": _l("Attainment target"),
    "satisfaction_target": _l("Satisfaction target"),
    "calendar": _l("Business calendar"),
    "owner": _l("Owner"),
    "review_cadence": _l("Review cadence"),
}


def target_text(amount: Decimal, unit: str) -> str:
    """"2 business days", "1 business hour", "36 calendar hours"."""
    number = format_decimal(Decimal(amount).normalize(), "#,##0.##")
    # Plural rules take whole numbers; any amount but exactly one reads as plural.
    count = 1 if Decimal(amount) == 1 else 2
    if unit == "business_hours":
        return ngettext("%(number)s business hour", "%(number)s business hours", count, number=number)
    if unit == "calendar_hours":
        return ngettext("%(number)s calendar hour", "%(number)s calendar hours", count, number=number)
    return ngettext("%(number)s business day", "%(number)s business days", count, number=number)


def percent_text(share: Decimal) -> str:
    """95 % written for the reader's locale."""
    return format_percent(Decimal(share), "#,##0.##%")


def satisfaction_text(value: Decimal) -> str:
    return format_decimal(Decimal(value), "0.0#")


def promise_text(version: CommitmentVersion) -> str:
    """The promise in one sentence: title, target, attainment and satisfaction."""
    return _(
        "%(title)s within %(target)s, %(percent)s of the time; satisfaction at least %(satisfaction)s",
        title=version.title,
        target=target_text(version.target_amount, version.target_unit),
        percent=percent_text(version.attainment_target),
        satisfaction=satisfaction_text(version.satisfaction_target),
    )


def field_value_text(field: str, value) -> str:
    """A version field's value, written for a reader, for the comparison of two versions."""
    if field == "consumers":
        return ", ".join(d.code for d in value) if value else _("all departments")
    if field == "target_amount":
        return format_decimal(Decimal(value).normalize(), "#,##0.##")
    if field == "target_unit":
        return str(UNIT_LABELS.get(value, value))
    if field == "attainment_target":
        return percent_text(value)
    if field == "satisfaction_target":
        return satisfaction_text(value)
    if field == "calendar":
        return value.name
    if field == "owner":
        return value.display_name
    if field == "review_cadence":
        return str(CADENCE_LABELS.get(value, value))
    return str(value)

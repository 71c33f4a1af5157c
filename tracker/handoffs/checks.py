"""The rules a new handoff must pass, as plain functions used by the single and the bulk path.

`services.create_handoff` records one handoff; `imports` records thousands and caches what it
looked up, but asks these same functions, so a refusal names the same field with the same words
on either path. Each raises InvalidInput with the field it concerns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from tracker.departments.services import get_by_code
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.models import Department, ServiceCommitment
from tracker.types import utcnow

# A client clock a little ahead of ours is not "the future".
CLOCK_SKEW = timedelta(minutes=2)


def published_commitment(commitment_id: int) -> ServiceCommitment:
    """Return a published commitment or InvalidInput on the `commitment` field."""
    commitment = db.session.get(ServiceCommitment, commitment_id)
    if commitment is None:
        raise InvalidInput(_("There is no commitment %(id)s.", id=commitment_id), "commitment")
    if commitment.status != "published":
        raise InvalidInput(_("The commitment is not published."), "commitment")
    return commitment


def department_by_code(code: str, field: str) -> Department:
    """Return the department with this code, or InvalidInput naming the field."""
    try:
        return get_by_code(code)
    except NotFound as exc:
        raise InvalidInput(exc.message, field) from None


def check_offered(offered: bool, code: str) -> None:
    """Refuse a consumer the commitment does not serve (its own provider never is one)."""
    if not offered:
        raise InvalidInput(_("This commitment is not offered to %(code)s.", code=code), "consumer")


def check_not_future(at: datetime | None, field: str, now: datetime) -> None:
    """Refuse a time in the future (with a small allowance for clock skew)."""
    if at is not None and at > now + CLOCK_SKEW:
        raise InvalidInput(_("The time must not be in the future."), field)


def check_past(at: datetime, field: str, now: datetime | None = None) -> datetime:
    """A time that is not in the future; one within the clock skew becomes now."""
    now = now or utcnow()
    check_not_future(at, field, now)
    return min(at, now)


def check_delivered_after_request(requested_at: datetime, delivered_at: datetime | None) -> None:
    if delivered_at is not None and delivered_at < requested_at:
        raise InvalidInput(_("Delivered before it was requested."), "delivered_at")

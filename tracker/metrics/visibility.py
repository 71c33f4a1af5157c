"""Who sees which numbers.

Leadership and administrators see every pair; a lead or an employee sees only the pairs in which
their own department is the provider or the consumer, and only their own department's scorecard
and consumers' ratings. Every reading function of tracker.metrics asks these, once per request.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from tracker.auth.permissions import sees_whole_company
from tracker.errors import Forbidden
from tracker.models import User


def visible_department(user: User) -> int | None:
    """None when the user sees the whole company, else the one department whose pairs they see."""
    if sees_whole_company(user):
        return None
    if user.department_id is None:
        raise Forbidden("You belong to no department, so there are no numbers to show you.")
    return user.department_id


def require_pair_visible(user: User, provider_id: int, consumer_id: int) -> None:
    own = visible_department(user)
    if own is not None and own not in (provider_id, consumer_id):
        raise Forbidden("You may see only the pairs in which your department is the provider or the consumer.")


def require_own_department(user: User, department_id: int, message: str) -> int | None:
    """Department-wide views (a scorecard, a provider's consumers) are for that department's people.

    Returns what visible_department returns, for the caller's further filters."""
    own = visible_department(user)
    if own is not None and own != department_id:
        raise Forbidden(message)
    return own


def pair_filter(table, own: int | None) -> ColumnElement[bool]:
    """The rows of `table` (any table with provider_id and consumer_id) in pairs `own` may see."""
    if own is None:
        return true()
    return or_(table.provider_id == own, table.consumer_id == own)

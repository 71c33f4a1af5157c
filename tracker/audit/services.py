"""Recording audit events."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import AuditEvent, User


def record(actor: User | None, action: str, target, details: dict | None = None) -> AuditEvent:
    """Add an audit event about a model instance (or a (type, id) pair) to the session."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = type(target).__name__, getattr(target, "id", None)
    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor_id=actor_id, action=action, target_type=target_type, target_id=target_id, details=details or {}
    )
    db.session.add(event)
    return event

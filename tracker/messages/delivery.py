"""The part of sending that mail and chat share: claim due rows of an outbox, record each attempt, back off.

A worker claims due rows by writing its own token on them (one UPDATE, so two workers never claim
the same row) and commits; it then sends them one by one, committing after each, so a worker
killed mid-batch leaves at most the row in flight unrecorded, and a later worker sends that one
again after the lease. A failed attempt waits longer each time (one minute, doubling, at most an
hour) until the last attempt gives up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tracker.extensions import db
from tracker.types import utcnow

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Outbox:
    """A table of things to send and its status column (queued, sending, sent, failed)."""

    model: type
    status: InstrumentedAttribute

    def due(self, now: datetime, lease: timedelta):
        model = self.model
        return or_(and_(self.status == "queued", or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now)),
                   and_(self.status == "sending", model.next_attempt_at <= now - lease))

    def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[int]:
        """Mark up to `limit` due rows as this worker's; returns their ids."""
        model, due = self.model, self.due(now, lease)
        ids = db.session.scalars(select(model.id).where(due).order_by(model.id).limit(limit)).all()
        if not ids:
            return []
        db.session.execute(update(model).where(model.id.in_(ids), due).values(
            {self.status.key: "sending", "claimed_by": worker, "next_attempt_at": now}))
        db.session.commit()
        return list(db.session.scalars(select(model.id).where(
            model.id.in_(ids), model.claimed_by == worker, self.status == "sending")))

    def record(self, row_id: int, **values) -> None:
        db.session.connection().execute(update(self.model).where(self.model.id == row_id).values(**values))

    def sent(self, row_id: int) -> None:
        self.record(row_id, **{self.status.key: "sent"}, sent_at=utcnow(), last_error=None)

    def failed(self, row_id: int, attempts: int, error: str, max_attempts: int) -> None:
        """Record a failed attempt: queued again after the backoff, or given up after the last one."""
        if attempts >= max_attempts:
            self.record(row_id, attempts=attempts, last_error=error[:300], **{self.status.key: "failed"})
        else:
            self.record(row_id, attempts=attempts, last_error=error[:300], **{self.status.key: "queued"},
                        next_attempt_at=utcnow() + backoff(attempts))


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


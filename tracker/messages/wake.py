"""Waking the worker after a commit that queued mail or chat posts (its minute sweep would send them anyway)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db

_WAKE = "wake_worker"


def wake_after_commit() -> None:
    """Have the worker send now what this transaction queued, once it commits (its minute sweep would anyway)."""
    db.session.info[_WAKE] = True


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if session.info.pop(_WAKE, False) and current_app.config["JOBS_ENQUEUE"]:
        from tracker.jobs import wake_mail

        wake_mail()


@event.listens_for(Session, "after_rollback")
def _forget_wake(session: Session) -> None:
    session.info.pop(_WAKE, None)

"""The rating window: how long after delivery a handoff may be rated (config RATING_WINDOW_DAYS).

Apart from the rules in services.py so that what asks people to rate (messages) can name the
window's close without depending on handoffs' rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from tracker.models import Handoff


def window() -> timedelta:
    """How long after delivery a handoff may be rated."""
    return timedelta(days=current_app.config["RATING_WINDOW_DAYS"])


def rating_closes_at(handoff: Handoff) -> datetime | None:
    """When the rating window of a delivered handoff closes."""
    return handoff.delivered_at + window() if handoff.delivered_at else None

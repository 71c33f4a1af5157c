"""Satisfaction alerts: a released month in which a pair's satisfaction dropped beyond noise.

When a month is released, each pair shown in it and in the month before is compared as the
movers dashboard compares them: a drop whose 95 % interval excludes zero is news, one whose
interval covers zero may be noise and is not sent. The owners of the provider's commitments
offered to that consumer and the provider's leads hear of it, once per pair and month. Only
released values are read, so an alert says nothing the dashboards do not show, and it goes out
when the release is made, whatever anyone rated since.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.messages.outbox import just_released, write_message
from tracker.metrics import periods
from tracker.metrics.services import PairChange, pair_changes
from tracker.models import CommitmentVersion, Department, ServiceCommitment, User
from tracker.types import utcnow

KIND = "month"  # the period whose releases are compared (the default cadence of reviews)


def _recipients(provider_id: int, consumer_id: int, commitments: list[ServiceCommitment],
                leads: dict[int, list[User]]) -> list[User]:
    """The active owners of the provider's commitments offered to the consumer, and the provider's leads."""
    people = [c.current_version.owner for c in commitments if c.provider_id == provider_id and (
        c.current_version.all_consumers or consumer_id in {d.id for d in c.current_version.consumers})]
    people += leads.get(provider_id, [])
    return [p for p in dict.fromkeys(people) if p.is_active and p.department_id == provider_id]


def alert_drops(released: list[tuple[str, dt.date]], now: dt.datetime | None = None) -> int:
    """Tell of every pair whose satisfaction dropped beyond noise in the months just released."""
    now = now or utcnow()
    written = 0
    for kind, start in released:
        if kind != KIND or not just_released(kind, start, now):
            continue
        drops = [m for m in pair_changes(kind, start, "satisfaction") if m.is_change and m.change.value < 0]
        if not drops:
            continue
        providers = {m.provider_id for m in drops}
        departments = {d.id: d for d in db.session.scalars(select(Department))}
        leads: dict[int, list[User]] = {}
        for lead in db.session.scalars(select(User).where(User.department_id.in_(providers), User.role == "lead")
                                       .order_by(User.id)):
            leads.setdefault(lead.department_id, []).append(lead)
        commitments = list(db.session.scalars(select(ServiceCommitment).where(
            ServiceCommitment.status == "published", ServiceCommitment.provider_id.in_(providers)).options(
            selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.consumers),
            selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.owner))))
        for drop in drops:
            written += _tell(drop, kind, start, departments, commitments, leads, now)
    db.session.flush()
    return written


def _tell(drop: PairChange, kind: str, start: dt.date, departments: dict, commitments: list, leads: dict,
          now) -> int:
    provider, consumer = departments[drop.provider_id], departments[drop.consumer_id]
    label = periods.label(start, kind)
    url = (f"{current_app.config['BASE_URL']}/dashboards/pairs/{provider.code}/{consumer.code}"
           f"?period={kind}")
    written = 0
    for person in _recipients(drop.provider_id, drop.consumer_id, commitments, leads):
        written += write_message(f"satisfaction_drop:{label}:{provider.id}:{consumer.id}:{person.id}",
                                 "satisfaction_drop", person, "satisfaction_drop", action_url=url, at=now,
                                 drop=drop, provider=provider, consumer=consumer, period=label,
                                 previous=periods.label(periods.previous_start(start, kind), kind)) is not None
    return written

"""Weekly digests: each lead hears how their department did, leadership how the company did.

Written when a week is released, from released numbers only (the scorecard and the movers that
the dashboards read, and attainment, which counts handoffs): a lead's digest gives each of their
department's commitments' attainment against its target and what is left of its error budget,
the department's satisfaction overall and by consumer, and what to look at; leadership's gives
the pairs whose satisfaction moved beyond noise and the promises broken that week. Every digest
is written at the release, in its recipient's language, and mailed in their working time
(quiet hours), so neither its content nor its timing follows anyone's rating.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.messages.outbox import just_released, write_message
from tracker.metrics import periods
from tracker.metrics.ranges import PeriodRange
from tracker.metrics.services import broken_promises, movers, scorecard
from tracker.models import Department, ServiceCommitment, User
from tracker.types import utcnow

KIND = "week"
MOVERS_SHOWN = 5


def _people(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role, User.active.is_(True),
                                                      User.erased_at.is_(None)).order_by(User.id)))


def _look_at(card: dict) -> dict:
    """What a lead should look at: commitments under target, consumers rated under the satisfaction target."""
    below = [c for c in card["commitments"]
             if c["total"]["attainment"] is not None and c["total"]["attainment"] < c["attainment_target"]]
    target = card["satisfaction_target"]
    unhappy = [code for code, value in card["by_consumer"].items()
               if target is not None and value.shown and value.high < target]
    return {"below_target": below, "unhappy": unhappy, "on_time_but_rated_low": card["on_time_but_rated_low"]}


def write_digests(released: list[tuple[str, dt.date]], now: dt.datetime | None = None) -> int:
    """Write the digests of the weeks just released; returns how many."""
    now = now or utcnow()
    written = 0
    for kind, start in released:
        if kind == KIND and just_released(kind, start, now):
            written += _leads(start, now) + _leadership(start, now)
    db.session.flush()
    return written


def _url(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _leads(start: dt.date, now: dt.datetime) -> int:
    label = periods.label(start, KIND)
    prange = PeriodRange(KIND, (start,))
    providers = {d.id: d for d in db.session.scalars(select(Department).join(
        ServiceCommitment, ServiceCommitment.provider_id == Department.id).where(
        ServiceCommitment.status == "published").distinct())}
    cards: dict[tuple[int, str | None], dict] = {}  # leads of one department read the same scorecard
    written = 0
    for lead in _people("lead"):
        department = providers.get(lead.department_id)
        if department is None:
            continue  # a department that promises nothing gets no scorecard
        key = (department.id, lead.locale)
        if key not in cards:
            cards[key] = scorecard(lead, department, prange, lead.locale)
        card = cards[key]
        url = _url(f"/dashboards/departments/{department.code}?period=week&from={label}&to={label}")
        written += write_message(f"digest:{label}:{lead.id}", "digest", lead, "digest_lead", at=now, action_url=url,
                                 card=card, look=_look_at(card), period=label) is not None
    return written


def _leadership(start: dt.date, now: dt.datetime) -> int:
    people = _people("leadership")
    if not people:
        return 0
    label = periods.label(start, KIND)
    broken = broken_promises(KIND, start)
    # Leadership sees the whole company: one reading of the movers serves every one of them.
    moved = [m for m in movers(people[0], KIND, label)["movers"] if m["is_change"]][:MOVERS_SHOWN]
    url = _url(f"/dashboards/movers?period=week&at={label}")
    return sum(write_message(f"digest:{label}:{person.id}", "digest", person, "digest_leadership", at=now,
                             action_url=url, moved=moved, broken=broken, period=label) is not None
               for person in people)
